/**
 * The DTMF digits of a call (the call detail's `call.dtmf`: RFC 4733 events
 * of its streams and SIP INFO digits) as a line of keys under its summary,
 * in the order they were sent, for the engineer asking "which PIN did the
 * phone send?". Each key says who sent it, when, how and for how long; a key
 * sent by INFO links to its message on the ladder; a key whose end packet
 * was not seen is marked.
 */
import { spanText } from '../../../src/report/story-facts.js';
import type { CallDetail, CallDtmf } from '../api/types.js';
import { h } from '../dom.js';
import { formatRoute } from '../router.js';

/** What a key's tooltip says: `5 from 10.0.0.1:5060 at 7.00 s (frame 301), SIP INFO #5, 160 ms`. */
export function dtmfTitle(d: CallDtmf, t0: number): string {
  const how = d.method === 'info' ? `SIP INFO #${d.message}` : `RFC 4733 event, stream ${d.stream}`;
  const long = d.durationMs === null ? '' : `, ${d.durationMs} ms`;
  const end = d.ended ? '' : '; its end packet was not seen (lost, or the capture stops)';
  return `${d.digit} from ${d.src} at ${spanText((d.ts - t0) * 1000)} (frame ${d.frame}), ${how}${long}${end}`;
}

export function dtmfLine(captureId: string, d: CallDetail): HTMLElement | null {
  const digits = d.call.dtmf ?? [];
  if (digits.length === 0) return null;
  const t0 = d.messages[0]?.ts ?? d.call.start;
  const keys = digits.map((x, i) => {
    const attrs = {
      class: `dtmf-key dtmf-${x.method}${x.ended ? '' : ' dtmf-unended'}`,
      title: dtmfTitle(x, t0),
      'data-dtmf-index': String(i),
      'data-dtmf-method': x.method,
    };
    return x.method === 'info' && x.message !== undefined
      ? h(
          'a',
          {
            ...attrs,
            href: formatRoute({ view: 'ladder', capture: captureId, call: d.call.id, message: x.message }),
          },
          x.digit,
        )
      : h('span', attrs, x.digit);
  });
  const methods = [...new Set(digits.map((x) => (x.method === 'info' ? 'SIP INFO' : 'RFC 4733')))].join(', ');
  return h(
    'div',
    { class: 'call-dtmf', 'data-dtmf': digits.map((x) => x.digit).join(' ') },
    h('span', { class: 'fact-key' }, 'DTMF'),
    ' ',
    ...keys,
    ' ',
    h('span', { class: 'dtmf-how' }, `(${methods})`),
  );
}
