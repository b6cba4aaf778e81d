/**
 * The single page: a header (breadcrumb, the capture's tabs, live status),
 * the view the URL hash names, drop-anywhere upload, keyboard (↑/↓ move,
 * Enter open, Esc back, / search) and notifications.
 */
import '../styles/app.css';
import '../styles/captures.css';
import '../styles/calls.css';
import '../styles/ladder-page.css';
import '../styles/inspector.css';
import '../styles/reports.css';
import '../styles/ladder.css';
import { ApiError, api } from './api/client.js';
import { onConnection, onLive } from './api/live.js';
import { h, replace } from './dom.js';
import { formatRoute, parentRoute, parseRoute, type Route } from './router.js';
import { uploadFiles } from './uploads.js';
import { callsView } from './views/calls-view.js';
import { capturesView } from './views/captures-view.js';
import { findingsView } from './views/findings-view.js';
import { ladderView } from './views/ladder-view.js';
import { statsView } from './views/stats-view.js';
import type { View, ViewContext } from './views/view.js';
import { visibleText } from './visible.js';

const app = document.getElementById('app') as HTMLElement;
const crumbs = document.querySelector('.crumbs') as HTMLElement;
const tabs = document.querySelector('.tabs') as HTMLElement;
const toasts = document.querySelector('.toasts') as HTMLElement;
const conn = document.querySelector('.conn') as HTMLElement;
const overlay = document.querySelector('.drop-overlay') as HTMLElement;

let route: Route = parseRoute(location.hash);
let view: View | null = null;
let viewKind = '';
const title: { capture: string | null; captureFiles: string | null; call: string | null } = {
  capture: null,
  captureFiles: null,
  call: null,
};

function navigate(r: Route, o: { replace?: boolean } = {}): void {
  const hash = formatRoute(r);
  if (hash === location.hash || (hash === '#/' && location.hash === '')) return;
  if (o.replace) {
    history.replaceState(null, '', hash);
    onRoute();
  } else location.hash = hash;
}

function notify(text: string, kind: 'info' | 'error' = 'info'): void {
  const t = h('div', { class: `toast ${kind}` }, text);
  toasts.appendChild(t);
  while (toasts.childElementCount > 5) toasts.firstElementChild?.remove();
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

function renderHeader(): void {
  const parts: Node[] = [h('a', { href: '#/' }, 'Captures')];
  if (route.view !== 'captures') {
    parts.push(
      h('span', { class: 'sep' }, '›'),
      h(
        'a',
        { href: formatRoute({ view: 'calls', capture: route.capture }) },
        title.capture ?? route.capture,
      ),
    );
    // A capture merged from several files says so, and which (capture-files.ts).
    if (title.captureFiles !== null)
      parts.push(
        h(
          'span',
          { class: 'crumb-note', title: title.captureFiles, 'data-capture-merged': '' },
          title.captureFiles,
        ),
      );
    if (route.view === 'ladder') {
      parts.push(h('span', { class: 'sep' }, '›'), h('span', null, title.call ?? `call ${route.call}`));
    }
  }
  replace(crumbs, ...parts);
  if (route.view === 'captures') {
    replace(tabs);
    return;
  }
  const capture = route.capture;
  const tab = (label: string, r: Route, active: boolean) =>
    h('a', { href: formatRoute(r), class: `tab${active ? ' active' : ''}`, 'data-tab': r.view }, label);
  replace(
    tabs,
    tab('Calls', { view: 'calls', capture }, route.view === 'calls' || route.view === 'ladder'),
    tab('Findings', { view: 'findings', capture }, route.view === 'findings'),
    tab('Statistics', { view: 'stats', capture }, route.view === 'stats'),
  );
}

const ctx: ViewContext = {
  root: app,
  navigate,
  notify,
  setTitle(p) {
    if (p.capture !== undefined) {
      title.capture = p.capture;
      title.captureFiles = p.captureFiles ?? null;
    }
    if (p.call !== undefined) title.call = p.call;
    renderHeader();
    document.title = ['sipscope', title.capture, route.view === 'ladder' ? title.call : null]
      .filter(Boolean)
      .map((t) => visibleText(t as string))
      .join(' · ');
  },
};

/** Captures deleted while the page was open, or that the server says it does not have. */
const gone = new Set<string>();
/** The capture whose existence was last checked on entering its views. */
let checked: string | null = null;

/**
 * In place of a view of capture `id`, which no longer exists: says so and
 * offers the way back to the list, with no control left that would act on
 * it (no tabs, no filter bar, no Save buttons).
 */
function showGone(id: string, deleted: boolean): void {
  gone.add(id);
  view?.destroy();
  view = null;
  viewKind = `gone:${id}`;
  const name = title.capture ?? id;
  replace(
    crumbs,
    h('a', { href: '#/' }, 'Captures'),
    h('span', { class: 'sep' }, '›'),
    h('span', null, name),
  );
  replace(tabs);
  replace(
    app,
    h(
      'section',
      { class: 'capture-gone', 'data-capture-gone': id },
      h('h2', null, deleted ? `Capture “${name}” was deleted` : `There is no capture “${name}”`),
      h(
        'p',
        null,
        deleted
          ? 'It was deleted (in another tab or through the API) while this page showed it; its calls are gone with it.'
          : 'It may have been deleted, or the link is wrong.',
      ),
      h(
        'p',
        null,
        h('a', { class: 'button primary', href: '#/', 'data-back-to-captures': '' }, 'Back to the captures'),
      ),
    ),
  );
}

/** On entering a capture's views: a capture the server does not have shows as gone, not as a view with nothing in it. */
function checkCapture(id: string): void {
  if (checked === id) return;
  checked = id;
  api.capture(id).then(
    () => undefined,
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 404 && route.view !== 'captures' && route.capture === id)
        showGone(id, false);
    },
  );
}

onLive('capture:deleted', ({ id }) => {
  if (route.view !== 'captures' && route.capture === id) showGone(id, true);
  else gone.add(id);
});
onLive('capture:new', ({ capture }) => gone.delete(capture.id));

function kindOf(r: Route): string {
  return r.view === 'captures'
    ? 'captures'
    : r.view === 'ladder'
      ? `ladder:${r.capture}:${r.call}`
      : `${r.view}:${r.capture}`;
}

function onRoute(): void {
  const next = parseRoute(location.hash);
  // A hashchange for the route already shown: two hash changes made in one task
  // (Esc twice) fire two events after both, each reading the final address.
  if (view !== null && formatRoute(next) === formatRoute(route)) return;
  const kind = kindOf(next);
  const same = view && kind === viewKind && view.update?.(next);
  const captureChanged =
    next.view === 'captures' || route.view === 'captures' || next.capture !== route.capture;
  route = next;
  if (captureChanged) title.capture = null;
  if (next.view !== 'ladder') title.call = null;
  if (next.view === 'captures') checked = null;
  else if (gone.has(next.capture)) {
    showGone(next.capture, true);
    return;
  } else checkCapture(next.capture);
  renderHeader();
  if (same) return;
  view?.destroy();
  view = null;
  viewKind = kind;
  try {
    switch (next.view) {
      case 'captures':
        view = capturesView(ctx);
        break;
      case 'calls':
        view = callsView(ctx, next.capture);
        break;
      case 'ladder':
        view = ladderView(ctx, next);
        break;
      case 'findings':
        view = findingsView(ctx, next.capture);
        break;
      case 'stats':
        view = statsView(ctx, next.capture);
        break;
    }
  } catch (e) {
    replace(app, h('p', { class: 'error-text' }, `This view failed: ${(e as Error).message}`));
  }
}

window.addEventListener('hashchange', onRoute);

// Keyboard: keys typed into a field stay there, except Esc, which leaves it.
document.addEventListener('keydown', (e) => {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  const target = e.target as HTMLElement | null;
  // A checkbox or button takes no keys: Esc and the view's keys work from it as from the page.
  const typing =
    !!target &&
    (target.isContentEditable ||
      /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
      (target.tagName === 'INPUT' &&
        !/^(checkbox|radio|button|submit|reset)$/.test((target as HTMLInputElement).type)));
  if (typing) {
    if (e.key === 'Escape') {
      target.blur();
      e.preventDefault();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && target.matches('[data-search]')) {
      target.blur();
      if (view?.key?.(e)) e.preventDefault();
    }
    return;
  }
  if (e.key === '/') {
    const search = document.querySelector<HTMLInputElement>('[data-search]');
    if (search) {
      search.focus();
      search.select();
      e.preventDefault();
    }
    return;
  }
  if (e.key === 'Escape') {
    // The view first: the ladder leaves a selected RTP stream before the message the address names.
    if (view?.key?.(e)) {
      e.preventDefault();
      return;
    }
    // From the address, not from `route`: a second Esc pressed before the first
    // one's hashchange has run must still go one level further up.
    navigate(parentRoute(parseRoute(location.hash)));
    e.preventDefault();
    return;
  }
  if (view?.key?.(e)) e.preventDefault();
});

// Drop a capture anywhere.
let dragDepth = 0;
const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
document.addEventListener('dragenter', (e) => {
  if (!hasFiles(e)) return;
  dragDepth++;
  overlay.classList.add('visible');
  e.preventDefault();
});
document.addEventListener('dragover', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) overlay.classList.remove('visible');
});
document.addEventListener('drop', (e) => {
  dragDepth = 0;
  overlay.classList.remove('visible');
  const files = e.dataTransfer ? [...e.dataTransfer.files] : [];
  if (!files.length) return;
  e.preventDefault();
  if (route.view !== 'captures') navigate({ view: 'captures' });
  void uploadFiles(files);
});

onConnection((up) => {
  conn.classList.toggle('up', up);
  conn.textContent = up ? 'live' : 'offline';
});

onRoute();
