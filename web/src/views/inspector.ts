/**
 * The message inspector: the raw message with the header under the cursor
 * highlighted (from the parser's offsets), the parsed headers, the decoded
 * SDP, frame numbers, transport, the transaction and dialog it belongs to,
 * and its findings with the rule's RFC sentence and explanation. Or, while
 * an RTP stream's row is selected in the ladder, that stream's figures
 * (sngrep's RTP stream details), as text only: its codecs and addresses are
 * the capture's, attacker text.
 */

import { contextNote, messageGuide, relationNote } from '../../../src/sip/message-guide.js';
import { api } from '../api/client.js';
import type {
  CallDetail,
  CaptureSource,
  Finding,
  MessageDetail,
  Rule,
  SdpFull,
  Transaction,
} from '../api/types.js';
import { frameText } from '../capture-files.js';
import { h, replace } from '../dom.js';
import { countText, offsetText, wallClock } from '../format.js';
import { foldLong } from '../inspector/fold.js';
import { byteToIndex, rawSegments, type Segment } from '../inspector/segments.js';
import { messageLabel } from '../ladder/layout.js';
import type { StreamFacts } from '../media/rtp-streams.js';
import { compareView } from './message-compare.js';

export interface Inspector {
  show(messageId: number): void;
  /** Messages `a` and `b` side by side (message-compare.ts). */
  compare(a: number, b: number): void;
  /**
   * An RTP stream instead of a message: `setupHref` the address of its setup
   * message, `onSetup` called when that link is clicked (before the browser
   * follows it), `onClose` for the close button; `analysis` makes what goes
   * under the figures (stream-analysis.ts), `signal` aborted when the pane
   * shows something else.
   */
  showStream(s: StreamFacts, o: StreamViewOptions): void;
  destroy(): void;
}

interface StreamViewOptions {
  setupHref: string;
  onSetup(): void;
  onClose(): void;
  analysis?(signal: AbortSignal): Node;
}

/** A stream's facts as a definition list; the setup message a link; then its packet analysis. */
function streamView(s: StreamFacts, o: StreamViewOptions, signal: AbortSignal): HTMLElement {
  const close = h('button', { type: 'button', class: 'button small', 'aria-label': 'close inspector' }, '×');
  close.addEventListener('click', o.onClose);
  const dl = h('dl', { class: 'kv stream-facts' });
  for (const f of s.facts) {
    let value: Node | string = f.value;
    if (f.setup) {
      const a = h(
        'a',
        {
          href: o.setupHref,
          title: 'show the message whose SDP announced the address of this stream',
          'data-stream-setup': String(f.setup.message),
        },
        f.value,
      );
      a.addEventListener('click', o.onSetup);
      value = a;
    }
    dl.append(
      h('dt', null, f.key),
      h('dd', { 'data-fact': f.key, class: f.warn ? 'sev-warning' : null }, value),
    );
  }
  return h(
    'div',
    { class: 'inspector inspector-stream', 'data-inspected-stream': String(s.id) },
    h('header', null, h('h2', null, s.title), close),
    dl,
    h(
      'p',
      { class: 'compare-hint' },
      'Times in seconds since the ladder’s first message, as its gutter. Esc leaves the stream.',
    ),
    o.analysis?.(signal),
  );
}

/**
 * `text` in `el`, folded when very long (fold.ts): its start, then a button
 * that shows all of it. The raw message and the headers table fold alike.
 */
function foldedInto(el: HTMLElement, text: string): HTMLElement {
  const fold = foldLong(text);
  if (fold === null) {
    replace(el, text);
    return el;
  }
  const more = h(
    'button',
    { type: 'button', class: 'button small fold-more', 'data-unfold': '' },
    `show all ${countText(fold.bytes)} bytes`,
  );
  more.addEventListener('click', (e) => {
    e.stopPropagation();
    replace(el, text);
  });
  replace(el, fold.head, h('span', { class: 'fold-gap' }, '… '), more);
  return el;
}

function kv(rows: Array<[string, Node | string | null]>): HTMLElement {
  const dl = h('dl', { class: 'kv' });
  for (const [k, v] of rows) {
    if (v === null || v === '') continue;
    dl.append(h('dt', null, k), h('dd', null, v));
  }
  return dl;
}

function findingBlock(f: Finding, rule: Rule | undefined): HTMLElement {
  return h(
    'div',
    { class: `finding sev-${f.severity}`, 'data-finding-rule': f.rule },
    h(
      'div',
      { class: 'finding-head' },
      h('span', { class: `badge sev-${f.severity}` }, f.severity),
      h('code', null, f.rule),
      h('span', { class: 'rfc' }, rule?.rfc.ref ?? f.rfc),
    ),
    h('p', { class: 'finding-text' }, f.text),
    rule ? h('p', { class: 'rule-title' }, rule.title) : null,
    rule?.rfc.text ? h('blockquote', { class: 'rfc-text' }, rule.rfc.text) : null,
    rule?.explanation ? h('p', { class: 'explanation' }, rule.explanation) : null,
  );
}

/** What the message is: its method or status code, the RFC section behind it, a sentence, and its place here. */
function guideBlock(
  m: MessageDetail,
  tx: Transaction | undefined,
  call: CallDetail['call'],
): HTMLElement | null {
  const g = messageGuide(m);
  if (g === undefined) return null;
  const here = [contextNote(m, tx), relationNote(m.id, call)].filter(Boolean).join(' ');
  return h(
    'section',
    { class: 'message-guide', 'data-guide': g.ref },
    h('p', null, h('strong', null, g.title), ' ', h('span', { class: 'rfc' }, g.ref)),
    h('p', { class: 'explanation' }, g.text),
    here ? h('p', { class: 'here' }, here) : null,
  );
}

function sdpBlock(sdp: SdpFull): HTMLElement {
  const table = h(
    'table',
    { class: 'sdp-media' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ...['media', 'address', 'port', 'proto', 'codecs', 'direction'].map((t) => h('th', null, t)),
      ),
    ),
  );
  const tbody = h('tbody');
  for (const m of sdp.media ?? []) {
    const codecs = (m.formats ?? []).map((f) => {
      const r = m.rtpmap?.[f];
      return r ? `${f} ${r.encoding}/${r.clockRate}${r.channels ? `/${r.channels}` : ''}` : f;
    });
    tbody.appendChild(
      h(
        'tr',
        null,
        h('td', null, m.media),
        h('td', null, m.connection?.address ?? sdp.connection?.address ?? ''),
        h('td', { class: 'num' }, String(m.port)),
        h('td', null, m.proto),
        h('td', null, codecs.join(', ')),
        h('td', null, m.direction ?? ''),
      ),
    );
  }
  table.appendChild(tbody);
  return h(
    'div',
    { class: 'sdp' },
    kv([
      ['origin', sdp.origin ? `${sdp.origin.username} ${sdp.origin.address}` : null],
      ['session', sdp.sessionName ?? null],
      ['connection', sdp.connection?.address ?? null],
      ['direction', sdp.direction ?? null],
    ]),
    table,
  );
}

export function createInspector(
  container: HTMLElement,
  captureId: string,
  detail: CallDetail,
  onClose: () => void,
  /** The compare's close: back to its first message. */
  onCloseCompare: (first: number) => void,
): Inspector {
  let abort = new AbortController();
  /** What the pane shows: `m:<id>`, `c:<a>/<b>` or a stream's `s:<id>`. */
  let shown: string | null = null;

  function render(m: MessageDetail, rules: Rule[], files?: CaptureSource['files']): void {
    const catalogue = new Map(rules.map((r) => [r.id, r]));
    const tx = detail.transactions.find((t) => t.id === m.transaction);
    const dialog = detail.dialogs.find((d) => d.id === m.dialog);
    const t0 = detail.messages.length ? Math.min(...detail.messages.map((x) => x.ts)) : m.ts;

    // Raw message, one span per header; hover a span or a parsed header row to light both.
    const segments = rawSegments(m.raw, m.startLine, m.headers ?? [], m.body);
    const pre = h('pre', { class: 'raw', 'data-raw': '' });
    const spans: HTMLElement[] = [];
    const headerRows: HTMLElement[] = [];
    const marks = (m.findings ?? [])
      .filter((f) => f.range && f.range.message === m.id)
      .map((f) => {
        const start = byteToIndex(m.raw, f.range!.offset);
        return { start, end: byteToIndex(m.raw, f.range!.offset + f.range!.length), rule: f.rule };
      });
    segments.forEach((s: Segment) => {
      const text = m.raw.slice(s.start, s.end);
      const marked = marks.find((k) => k.start < s.end && k.end > s.start);
      const span = h('span', { class: `seg seg-${s.kind}${marked ? ' flagged' : ''}` });
      if (s.kind === 'header') foldedInto(span, text);
      else replace(span, text);
      if (marked) span.title = marked.rule;
      if (s.header !== undefined) span.dataset.header = String(s.header);
      spans.push(span);
      pre.appendChild(span);
    });
    let lit: number | null = null;
    const light = (i: number | null) => {
      if (lit === i) return;
      for (const el of [...spans, ...headerRows]) {
        if (el.dataset.header === String(lit)) el.classList.remove('lit');
        if (i !== null && el.dataset.header === String(i)) el.classList.add('lit');
      }
      lit = i;
    };
    pre.addEventListener('mousemove', (e) => {
      const el = (e.target as Element).closest<HTMLElement>('[data-header]');
      light(el ? Number(el.dataset.header) : null);
    });
    pre.addEventListener('mouseleave', () => light(null));

    const headers = h('table', { class: 'headers' });
    (m.headers ?? []).forEach((hd, i) => {
      const tr = h('tr', { 'data-header': String(i) }, h('th', null, hd.name), foldedInto(h('td'), hd.value));
      tr.addEventListener('mouseenter', () => light(i));
      tr.addEventListener('mouseleave', () => light(null));
      headerRows.push(tr);
      headers.appendChild(tr);
    });

    const close = h(
      'button',
      { type: 'button', class: 'button small', 'aria-label': 'close inspector' },
      '×',
    );
    close.addEventListener('click', onClose);
    const label = messageLabel(m);
    replace(
      container,
      h(
        'div',
        { class: 'inspector', 'data-inspected': String(m.id) },
        h('header', null, h('h2', null, `#${m.id} `, h('span', { class: 'msg-label' }, label)), close),
        kv([
          ['time', `${wallClock(m.ts)} (${offsetText(m.ts - t0)})`],
          ['frame', frameText(m, files)],
          ['transport', m.transport.toUpperCase()],
          ['from → to', `${m.src} → ${m.dst}`],
          ['Call-ID', m.callId],
          ['CSeq', m.cseq !== null ? `${m.cseq} ${m.cseqMethod ?? ''}` : null],
          [
            'transaction',
            tx
              ? `#${tx.id} ${tx.kind} ${tx.method}, ${tx.state}${tx.finalStatus ? `, final ${tx.finalStatus}` : ''}${tx.branch ? `, branch ${tx.branch}` : ''}`
              : m.transaction !== null
                ? `#${m.transaction}`
                : null,
          ],
          [
            'dialog',
            dialog
              ? `#${dialog.id} ${dialog.state}, tags ${dialog.tags.join(' / ')}`
              : m.dialog !== null
                ? `#${m.dialog}`
                : 'none',
          ],
          ['retransmission', m.retransmission ? 'yes' : null],
          ['malformed', m.malformed ? 'yes' : null],
        ]),
        guideBlock(m, tx, detail.call),
        h('p', { class: 'compare-hint' }, 'Shift+click another arrow to compare it with this message.'),
        m.findings?.length
          ? h(
              'section',
              { class: 'inspector-findings' },
              h('h3', null, `Findings (${m.findings.length})`),
              ...m.findings.map((f) => findingBlock(f, catalogue.get(f.rule))),
            )
          : null,
        m.issues?.length
          ? h(
              'section',
              null,
              h('h3', null, 'Parser issues'),
              h(
                'ul',
                { class: 'issues' },
                ...m.issues.map((i) => h('li', null, `${i.severity} ${i.code}: ${i.message}`)),
              ),
            )
          : null,
        h('section', null, h('h3', null, 'Raw message'), pre),
        h('section', null, h('h3', null, `Headers (${(m.headers ?? []).length})`), headers),
        m.sdp ? h('section', null, h('h3', null, 'SDP'), sdpBlock(m.sdp)) : null,
      ),
    );
  }

  /** A merged capture's files (what a message's `file` indexes), asked for once; undefined for one file or unknown. */
  let files: Promise<CaptureSource['files']> | null = null;
  const mergedFiles = (): Promise<CaptureSource['files']> =>
    (files ??= api.capture(captureId).then(
      (c) => c.source?.files,
      () => undefined,
    ));

  return {
    show(messageId) {
      if (shown === `m:${messageId}`) return;
      shown = `m:${messageId}`;
      abort.abort();
      abort = new AbortController();
      const signal = abort.signal;
      replace(container, h('div', { class: 'inspector loading' }, `Loading message #${messageId}…`));
      Promise.all([
        api.message(captureId, messageId, signal),
        api.rules().catch(() => [] as Rule[]),
        mergedFiles(),
      ]).then(
        ([m, rules, files]) => {
          if (!signal.aborted) render(m, rules, files);
        },
        (e: Error) => {
          if (!signal.aborted) replace(container, h('div', { class: 'inspector error-text' }, e.message));
        },
      );
    },
    compare(a, b) {
      if (shown === `c:${a}/${b}`) return;
      shown = `c:${a}/${b}`;
      abort.abort();
      abort = new AbortController();
      const signal = abort.signal;
      replace(container, h('div', { class: 'inspector loading' }, `Loading messages #${a} and #${b}…`));
      Promise.all([api.message(captureId, a, signal), api.message(captureId, b, signal)]).then(
        ([ma, mb]) => {
          if (!signal.aborted)
            replace(
              container,
              compareView(ma, mb, () => onCloseCompare(a)),
            );
        },
        (e: Error) => {
          if (!signal.aborted) replace(container, h('div', { class: 'inspector error-text' }, e.message));
        },
      );
    },
    showStream(s, o) {
      if (shown === `s:${s.id}`) return;
      shown = `s:${s.id}`;
      // A message still loading is not wanted any more.
      abort.abort();
      abort = new AbortController();
      replace(container, streamView(s, o, abort.signal));
    },
    destroy() {
      abort.abort();
      replace(container);
    },
  };
}
