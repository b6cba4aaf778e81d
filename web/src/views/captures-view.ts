/**
 * The captures page: upload (file picker here, drop anywhere on the page),
 * upload and analysis progress, the list with status and stats, delete, and
 * the error of a capture that failed and the warnings of one read with
 * problems (the same sentences the CLI prints). TLS keys (a key log, RSA
 * keys) can go with an upload, or be added to a capture whose warning says
 * its SIP over TLS was not decrypted (tls-keys.ts, server/API.md). Files can
 * be added to a capture already uploaded (the far end's capture, the next
 * rotated file): it is analysed again merged with them, under the same id.
 */

import { isClockWarning } from '../../../src/capture/clock-warning-words.js';
import { isTlsWarning } from '../../../src/tls/tls-warning-words.js';
import { api } from '../api/client.js';
import { onLive, onReconnect } from '../api/live.js';
import type { CaptureInfo, Stats } from '../api/types.js';
import { mergedFilesLines } from '../capture-files.js';
import { clear, h, replace } from '../dom.js';
import { bytesText, countOf, countText, percentText, SEVERITY_ORDER, worstCountClass } from '../format.js';
import { formatRoute } from '../router.js';
import { classifyKeyFiles, type KeyFile, keyKindText, keysSummaryText } from '../tls-keys.js';
import {
  addFilesTo,
  currentMergeMode,
  currentUploads,
  dismissUpload,
  type MergeMode,
  onUploads,
  pendingTlsKeys,
  setMergeMode,
  setPendingTlsKeys,
  uploadFiles,
} from '../uploads.js';
import { liveTlsLine } from './live-tls-line.js';
import type { View, ViewContext } from './view.js';

function progressBar(fraction: number, label: string): HTMLElement {
  const fill = h('div', { class: 'progress-fill' });
  fill.style.width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
  return h(
    'div',
    {
      class: 'progress',
      role: 'progressbar',
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': Math.round(fraction * 100),
    },
    fill,
    h('span', { class: 'progress-label' }, label),
  );
}

/** One of the choices of what several files uploaded at once become. */
function modeChoice(mode: MergeMode, label: string, title: string): HTMLElement {
  const radio = h('input', { type: 'radio', name: 'merge-mode', value: mode, 'data-merge-mode': mode });
  radio.checked = currentMergeMode() === mode;
  radio.addEventListener('change', () => {
    if (radio.checked) setMergeMode(mode);
  });
  return h('label', { title }, radio, ` ${label}`);
}

/** What the capture choosers offer: pcap, pcapng, gzipped. */
const CAPTURE_FILES = '.pcap,.pcapng,.cap,.gz,application/vnd.tcpdump.pcap,application/gzip';
/** What the TLS key choosers offer: key logs, PEM keys. */
const KEY_FILES = '.log,.txt,.keylog,.keys,.pem,.key';

/** A file chooser for several files (hidden by the stylesheet: a label or a button opens it). */
function chooser(accept: string, attrs: Record<string, string | boolean>): HTMLInputElement {
  return h('input', { type: 'file', multiple: true, accept, ...attrs });
}

/** Gives `use` the files chosen in `input` (when any), the input emptied so that the same files can be chosen again. */
function onChosen(input: HTMLInputElement, use: (files: File[]) => void): void {
  input.addEventListener('change', () => {
    const files = input.files ? [...input.files] : [];
    input.value = '';
    if (files.length) use(files);
  });
}

export function capturesView(ctx: ViewContext): View {
  ctx.setTitle({ capture: null, call: null });
  const input = chooser(CAPTURE_FILES, { 'data-upload': true, id: 'file-input' });
  const keysInput = chooser(KEY_FILES, { 'data-tls-keys-input': true, id: 'keys-input' });
  const pendingKeys = h('span', { class: 'pending-keys', 'data-pending-keys': '' });
  // One chooser for the keys a capture row adds: which capture is set when its button is pressed.
  const addKeysInput = chooser(KEY_FILES, { 'data-add-keys-input': true });
  let addKeysTo: string | null = null;
  // One chooser for the files a capture row adds, as for its keys.
  const addFilesInput = chooser(CAPTURE_FILES, { 'data-add-files-input': true });
  let addFilesToCapture: CaptureInfo | null = null;
  const uploadsList = h('ul', { class: 'uploads' });
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty' });
  const table = h(
    'table',
    { class: 'capture-list' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ...['Capture', 'Status', 'Size', 'Frames', 'SIP messages', 'Calls', 'Findings', 'Added', ''].map(
          (t) => h('th', null, t),
        ),
      ),
    ),
    tbody,
  );
  replace(
    ctx.root,
    h(
      'section',
      { class: 'captures-view' },
      h(
        'div',
        { class: 'upload-box' },
        h('h1', null, 'Captures'),
        h(
          'p',
          null,
          'Drop pcap or pcapng files (gzipped too) anywhere on this page, or ',
          h('label', { class: 'button primary', for: 'file-input' }, 'choose files…'),
          input,
        ),
        h(
          'p',
          { class: 'merge-line', 'data-merge-line': '' },
          'Several files at once: ',
          modeChoice(
            'merged',
            'one capture merged by time',
            'Rotated pieces of one capture (tcpdump -C/-W/-G) or two hosts’ captures of the same calls: frames merged in time order, as mergecap and Wireshark merge them',
          ),
          modeChoice('separate', 'separate captures', 'Each file a capture of its own'),
        ),
        h(
          'p',
          { class: 'keys-line' },
          'SIP over TLS? Give its ',
          h(
            'label',
            {
              class: 'button',
              for: 'keys-input',
              title:
                'An SSLKEYLOGFILE key log, or the server’s RSA private key (PEM): they go with the next upload',
            },
            'TLS keys…',
          ),
          keysInput,
          ' before the capture (optional). ',
          pendingKeys,
          addKeysInput,
          addFilesInput,
        ),
        uploadsList,
      ),
      table,
      empty,
    ),
  );

  onChosen(input, (files) => void uploadFiles(files).then(() => refresh()));
  onChosen(keysInput, (files) => void classifyKeyFiles(files).then(setPendingTlsKeys));
  onChosen(addKeysInput, (files) => {
    const id = addKeysTo;
    addKeysTo = null;
    if (id === null) return;
    void classifyKeyFiles(files)
      .then((keys) => api.addCaptureKeys(id, keys))
      .then(
        () => {
          ctx.notify('TLS keys added: the capture is analysed again with them', 'info');
          void refresh();
        },
        (err: Error) => ctx.notify(err.message, 'error'),
      );
  });
  onChosen(addFilesInput, (files) => {
    const c = addFilesToCapture;
    addFilesToCapture = null;
    if (c === null) return;
    void addFilesTo(c.id, c.name, files).then((added) => {
      if (added) ctx.notify('Files added: the capture is analysed again, merged with them', 'info');
      void refresh();
    });
  });

  function renderPendingKeys(): void {
    const keys = pendingTlsKeys();
    clear(pendingKeys);
    if (!keys.length) return;
    const drop = h('button', { class: 'button small', type: 'button', title: 'Do not send these keys' }, '×');
    drop.addEventListener('click', () => setPendingTlsKeys([]));
    pendingKeys.append(
      'With the next upload: ',
      ...keys.flatMap((k: KeyFile, i) => [
        i > 0 ? ', ' : '',
        h('span', { class: 'key-file', 'data-key-field': k.field }, `${k.file.name} (${keyKindText(k)})`),
      ]),
      ' ',
      drop,
    );
  }

  let captures: CaptureInfo[] = [];
  let selected = -1;
  const armedDelete = new Set<string>();
  const abort = new AbortController();

  function statusCell(c: CaptureInfo): HTMLElement {
    if (c.status === 'analyzing') return progressBar(c.progress, `analysing ${percentText(c.progress)}`);
    if (c.status === 'live' && c.live) {
      // Running indicator and the counters of a live capture: what came in, what was lost, what the window let go.
      const l = c.live;
      return h(
        'span',
        { class: 'status status-live', 'data-live-running': String(l.running) },
        'live',
        h(
          'span',
          { class: 'live-counters', 'data-live-counters': '' },
          `${countText(l.packets)} packets · ${countText(l.droppedPackets)} dropped · ` +
            `${countOf(l.window.evictedCalls, 'call')} evicted`,
        ),
        // Only for a live source given TLS keys (or that saw TLS).
        l.tls ? liveTlsLine(l.tls) : null,
      );
    }
    const status = h('span', { class: `status status-${c.status}` }, c.status);
    if (!c.stale) return status;
    // Analysed by an older sipscope: what it shows may lack what this one finds (new rules, fixes).
    return h(
      'span',
      { class: 'status-with-note' },
      status,
      h(
        'span',
        {
          class: 'status-stale',
          'data-stale': '',
          title: `Analysed ${c.analyzedAt ?? c.createdAt}, before this sipscope was built: ↻ analyses it again with its rules`,
        },
        'older analysis',
      ),
    );
  }

  /**
   * A warning; the one of SIP over TLS not decrypted offers to add the keys to
   * the capture (its file must be the server's), the one of a merged file's
   * clock off file 0's to align the clocks.
   */
  function warningLine(c: CaptureInfo, w: string): HTMLElement {
    const text = h('span', { class: 'warning-text' }, w);
    if (c.status === 'live' || c.status === 'analyzing') return text;
    if (isClockWarning(w)) return h('span', { class: 'warning-with-action' }, text, alignButton(c));
    if (!isTlsWarning(w) || c.readInPlace === true) return text;
    const add = h(
      'button',
      {
        type: 'button',
        class: 'button small suggested',
        'data-action': 'add-keys',
        title:
          'Choose a key log (SSLKEYLOGFILE) or the server’s RSA key (PEM): the capture is analysed again with it',
      },
      'add TLS keys…',
    );
    add.addEventListener('click', (e) => {
      e.stopPropagation();
      addKeysTo = c.id;
      addKeysInput.click();
    });
    return h('span', { class: 'warning-with-action' }, text, add);
  }

  function alignButton(c: CaptureInfo): HTMLElement {
    const align = h(
      'button',
      {
        type: 'button',
        class: 'button small suggested',
        'data-action': 'align-clocks',
        title:
          'Move each file back by its clock’s offset to the first file’s, measured from the SIP messages both captured, and analyse the capture again',
      },
      'align clocks',
    );
    align.addEventListener('click', (e) => {
      e.stopPropagation();
      api.alignCaptureClocks(c.id).then(
        () => {
          ctx.notify('Clocks aligned: the capture is analysed again with its files moved', 'info');
          void refresh();
        },
        (err: Error) => ctx.notify(err.message, 'error'),
      );
    });
    return align;
  }

  /** Adds files to a capture read from files (not live, not being analysed): Wireshark's File ▸ Merge. */
  function addFilesButton(c: CaptureInfo): HTMLElement | null {
    if ((c.status !== 'ready' && c.status !== 'failed') || c.readInPlace === true) return null;
    const add = h(
      'button',
      {
        type: 'button',
        class: 'button small add-files',
        'data-action': 'add-files',
        title:
          'Add capture files to this one (the far end’s capture, the next rotated file): it is analysed again with its files and them merged by time, under the same id',
      },
      'add files…',
    );
    add.addEventListener('click', (e) => {
      e.stopPropagation();
      addFilesToCapture = c;
      addFilesInput.click();
    });
    return add;
  }

  function row(c: CaptureInfo, i: number): HTMLElement[] {
    const s = c.stats;
    const ready = c.status === 'ready' || c.status === 'live';
    const open = `${formatRoute({ view: 'calls', capture: c.id })}`;
    const del = h(
      'button',
      {
        class: `button danger${armedDelete.has(c.id) ? ' armed' : ''}`,
        type: 'button',
        'data-action': 'delete',
      },
      armedDelete.has(c.id) ? 'Really delete?' : 'Delete',
    );
    del.addEventListener('click', (e) => {
      e.stopPropagation();
      if (!armedDelete.has(c.id)) {
        armedDelete.add(c.id);
        render();
        setTimeout(() => {
          if (armedDelete.delete(c.id)) render();
        }, 4000);
        return;
      }
      armedDelete.delete(c.id);
      api.deleteCapture(c.id).then(
        () => {
          captures = captures.filter((x) => x.id !== c.id);
          render();
        },
        (err: Error) => ctx.notify(err.message, 'error'),
      );
    });
    // A file analysed before an upgrade (new rules) or a failed analysis: analyse it again, same id.
    const again =
      c.status === 'ready' || c.status === 'failed'
        ? h(
            'button',
            {
              type: 'button',
              'data-action': 'reanalyze',
              class: c.stale ? 'button suggested' : 'button',
              title: c.stale
                ? 'Analyse the file again: it was analysed before this sipscope was built (new rules, fixes)'
                : 'Analyse the file again (new rules since it was analysed, or a failed analysis retried)',
              'aria-label': 'Analyse again',
            },
            '↻',
          )
        : null;
    again?.addEventListener('click', (e) => {
      e.stopPropagation();
      api.reanalyzeCapture(c.id).then(
        () => void refresh(),
        (err: Error) => ctx.notify(err.message, 'error'),
      );
    });
    // A long name is cut with an ellipsis by the stylesheet; the whole of it is its tooltip.
    const name = ready
      ? h('a', { href: open, class: 'capture-name', title: c.name }, c.name)
      : h('span', { title: c.name }, c.name);
    // Merged from several files: each one, as `sipscope analyze A B` lists them.
    const lines = mergedFilesLines(c.source);
    const files = lines.length
      ? h(
          'div',
          { class: 'capture-files', 'data-capture-files': String(lines.length) },
          ...lines.map((l) => h('div', { title: l }, l)),
        )
      : null;
    const keys = c.tlsKeys
      ? h(
          'span',
          {
            class: 'capture-keys',
            'data-tls-keys':
              `${c.tlsKeys.keylog ? 'keylog' : ''}${c.tlsKeys.rsaKeys ? ` rsa:${c.tlsKeys.rsaKeys}` : ''}`.trim(),
            title: `Analysed with the TLS keys uploaded with it: ${keysSummaryText(c.tlsKeys)} (kept until the capture is deleted)`,
          },
          'TLS keys',
        )
      : null;
    const tr = h(
      'tr',
      {
        'data-capture-id': c.id,
        'data-status': c.status,
        class: `capture-row${i === selected ? ' selected' : ''}`,
      },
      h('td', { class: 'capture-name-cell' }, name, files, keys, addFilesButton(c)),
      h('td', { class: 'status-cell' }, statusCell(c)),
      h('td', { class: 'num' }, bytesText(c.size)),
      h('td', { class: 'num' }, s ? countText(s.frames) : '–'),
      h('td', { class: 'num' }, s ? countText(s.sipMessages) : '–'),
      h('td', { class: 'num' }, s ? countText(s.calls) : '–'),
      findingsCell(s),
      h('td', { class: 'added' }, ...addedText(c.createdAt)),
      h(
        'td',
        { class: 'actions' },
        ready ? h('a', { class: 'button', href: open }, 'Calls') : null,
        ready
          ? h('a', { class: 'button', href: formatRoute({ view: 'findings', capture: c.id }) }, 'Findings')
          : null,
        ready
          ? h('a', { class: 'button', href: formatRoute({ view: 'stats', capture: c.id }) }, 'Statistics')
          : null,
        again,
        del,
      ),
    );
    tr.addEventListener('click', () => {
      selected = i;
      render();
    });
    tr.addEventListener('dblclick', () => {
      if (ready) ctx.navigate({ view: 'calls', capture: c.id });
    });
    const out = [tr];
    if (c.status === 'failed') {
      out.push(
        h(
          'tr',
          { class: 'capture-error', 'data-error-for': c.id },
          h('td', { colspan: 9 }, h('span', { class: 'error-text' }, c.error ?? 'analysis failed')),
        ),
      );
    }
    if (c.warnings?.length) {
      out.push(
        h(
          'tr',
          { class: 'capture-warning', 'data-warnings-for': c.id },
          h('td', { colspan: 9 }, ...c.warnings.map((w) => warningLine(c, w))),
        ),
      );
    }
    return out;
  }

  function render(): void {
    clear(tbody);
    captures.forEach((c, i) => {
      for (const tr of row(c, i)) tbody.appendChild(tr);
    });
    empty.textContent = captures.length ? '' : 'No captures yet.';
  }

  function renderUploads(): void {
    clear(uploadsList);
    for (const u of currentUploads()) {
      // Once the capture is in the list its row shows the analysis; the upload row has done its job.
      if (u.captureId && captures.some((c) => c.id === u.captureId)) {
        dismissUpload(u.key);
        continue;
      }
      const close = h('button', { class: 'button small', type: 'button' }, '×');
      close.addEventListener('click', () => dismissUpload(u.key));
      uploadsList.appendChild(
        h(
          'li',
          { class: `upload${u.error ? ' failed' : ''}`, 'data-upload-name': u.name },
          h('span', { class: 'upload-name', title: u.name }, u.name),
          u.error
            ? h('span', { class: 'error-text' }, u.error)
            : progressBar(
                u.size ? u.sent / u.size : 0,
                u.captureId
                  ? 'uploaded, analysing…'
                  : `uploading ${bytesText(u.sent)} of ${bytesText(u.size)} (${percentText(u.size ? u.sent / u.size : 0)})`,
              ),
          close,
        ),
      );
    }
  }

  let refreshing = false;
  let again = false;
  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      captures = await api.captures(abort.signal);
      if (selected >= captures.length) selected = captures.length - 1;
      render();
      renderUploads();
    } catch (e) {
      if (!abort.signal.aborted) ctx.notify(`cannot list captures: ${(e as Error).message}`, 'error');
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  const offs = [
    onUploads(renderUploads),
    onUploads(renderPendingKeys),
    onLive('capture:new', () => void refresh()),
    onLive('capture:reanalyze', () => void refresh()),
    onLive('capture:ready', () => void refresh()),
    onLive('capture:failed', () => void refresh()),
    onLive('capture:deleted', () => void refresh()),
    // Back from a lost connection: what changed meanwhile came as events that were lost.
    onReconnect(() => void refresh()),
    onLive('capture:progress', ({ id, progress }) => {
      const c = captures.find((x) => x.id === id);
      if (c && c.status === 'analyzing') {
        c.progress = progress;
        render();
      } else if (!c) void refresh();
    }),
  ];
  // Fallback when the socket is down: poll while something is being analysed; a live capture's counters too.
  const poll = setInterval(() => {
    if (
      captures.some((c) => c.status === 'analyzing' || c.status === 'live') ||
      currentUploads().some((u) => u.captureId)
    ) {
      void refresh();
    }
  }, 2000);

  renderUploads();
  renderPendingKeys();
  void refresh();

  return {
    key(e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!captures.length) return true;
        selected = Math.max(0, Math.min(captures.length - 1, selected + (e.key === 'ArrowDown' ? 1 : -1)));
        render();
        tbody.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
        return true;
      }
      if (e.key === 'Enter' && selected >= 0) {
        const c = captures[selected];
        if (c && (c.status === 'ready' || c.status === 'live'))
          ctx.navigate({ view: 'calls', capture: c.id });
        return true;
      }
      return false;
    },
    destroy() {
      abort.abort();
      clearInterval(poll);
      for (const off of offs) off();
    },
  };
}

/**
 * The Findings cell, coloured by the worst severity among them (as the call
 * list colours a call's count) and with the split in its tooltip; captures
 * analysed before severities were counted get the plain findings colour.
 */
function findingsCell(s: Stats | null): HTMLElement {
  if (s === null) return h('td', { class: 'num' }, '–');
  const by = s.findingsBySeverity;
  const cls = s.findings === 0 ? '' : by ? worstCountClass(by) : 'has-findings';
  const td = h(
    'td',
    { class: `num ${cls}`.trim(), 'data-findings': String(s.findings) },
    countText(s.findings),
  );
  if (by && s.findings > 0) td.title = SEVERITY_ORDER.map((k) => `${by[k]} ${k}`).join(', ');
  return td;
}

/** `2026-11-25 08:54:13` as date and time, each kept whole when the cell wraps. */
function addedText(createdAt: string | undefined): Array<HTMLElement | string> {
  if (!createdAt) return [];
  const [date, time = ''] = createdAt.slice(0, 19).split('T');
  return [h('span', null, date), ' ', h('span', null, time)];
}
