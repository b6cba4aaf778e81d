/**
 * Two messages side by side in the inspector pane (inspector/message-diff.ts
 * computes the rows): the start line, the headers and the body, each row
 * marked same, changed, removed (only in the first) or added (only in the
 * second). All text goes in as text nodes.
 */
import type { MessageDetail } from '../api/types.js';
import { h } from '../dom.js';
import { countOf } from '../format.js';
import { type DiffRow, diffMessages } from '../inspector/message-diff.js';
import { messageLabel } from '../ladder/layout.js';

function row(r: DiffRow, name: string): HTMLElement {
  return h(
    'tr',
    { class: `diff-${r.kind}`, 'data-diff': r.kind },
    h('th', null, name),
    h('td', { class: 'diff-a' }, r.a ?? ''),
    h('td', { class: 'diff-b' }, r.b ?? ''),
  );
}

function who(m: MessageDetail): string {
  return `#${m.id} ${messageLabel(m)} (${m.src} → ${m.dst})`;
}

export function compareView(a: MessageDetail, b: MessageDetail, onClose: () => void): HTMLElement {
  const d = diffMessages(a, b);
  const only = h('input', { type: 'checkbox', 'data-only-differences': '' }) as HTMLInputElement;
  const table = h(
    'table',
    { class: 'message-diff' },
    h('thead', null, h('tr', null, h('th', null, ''), h('th', null, `#${a.id}`), h('th', null, `#${b.id}`))),
    h(
      'tbody',
      null,
      row(d.start, 'start line'),
      ...d.headers.map((r) => row(r, r.name)),
      ...(d.body.length ? [h('tr', { class: 'diff-section' }, h('th', { colspan: '3' }, 'body'))] : []),
      ...d.body.map((r) => row(r, '')),
    ),
  );
  only.addEventListener('change', () => table.classList.toggle('only-differences', only.checked));
  const close = h('button', { type: 'button', class: 'button small', 'aria-label': 'close compare' }, '×');
  close.addEventListener('click', onClose);
  const { changed, removed, added } = d.counts;
  const summary =
    changed + removed + added === 0
      ? 'identical'
      : [
          changed ? `${changed} changed` : '',
          removed ? `${countOf(removed, 'line')} only in #${a.id}` : '',
          added ? `${countOf(added, 'line')} only in #${b.id}` : '',
        ]
          .filter(Boolean)
          .join(', ');
  return h(
    'div',
    { class: 'inspector compare', 'data-compared': `${a.id},${b.id}` },
    h('header', null, h('h2', null, 'Compare'), close),
    h('p', { class: 'compare-who' }, h('span', { class: 'diff-a' }, who(a))),
    h('p', { class: 'compare-who' }, h('span', { class: 'diff-b' }, who(b))),
    h('p', { class: 'compare-summary', 'data-diff-summary': '' }, summary),
    h('label', { class: 'compare-only' }, only, ' only differences'),
    table,
  );
}
