/**
 * `GET /api/captures/:id/messages/:messageId` (server/API.md "Messages"): the
 * stored bytes parsed again with the same parser the analysis used, so every
 * offset agrees with what was analysed, then shown as UTF-8 text with every
 * byte offset turned into a string index into that text.
 */

import type { Finding } from '../src/analyze/finding.js';
import type { SipMessage } from '../src/sip/message.js';
import { parseSip } from '../src/sip/parse.js';
import { type Sdp, sdpOf } from '../src/sip/sdp.js';
import { wireText } from '../src/sip/wire-text.js';
import type { MessageDetail, Span } from '../src/store/message-detail-view.js';
import { utf8Text } from '../src/store/sdp-summary.js';
import type { StoredMessage } from '../src/store/store.js';
import { decodeUtf8WithIndex } from './utf8-index.js';

export type { MessageDetail, Span };

export function messageDetail(stored: StoredMessage, findings: readonly Finding[]): MessageDetail {
  const { row, raw } = stored;
  const { text, index } = decodeUtf8WithIndex(raw);
  const span = (offset: number, length: number): Span => ({
    start: index(offset),
    end: index(offset + length),
  });
  const { sdp: _summary, ...fields } = row;
  const msg = parseSip(raw);
  const withSpans = findings.map((f) =>
    f.range !== undefined && f.range.message === row.id
      ? { ...f, span: span(f.range.offset, f.range.length) }
      : { ...f },
  );
  if (msg === null) {
    // Stored messages were SIP when analysed; kept readable if a store gives back other bytes.
    const nl = text.indexOf('\n');
    return {
      ...fields,
      raw: text,
      startLine: { start: 0, end: nl < 0 ? text.length : nl },
      headers: [],
      body: null,
      sdp: null,
      issues: [],
      findings: withSpans,
    };
  }
  const first = startLineOffset(msg);
  const body = msg.body.length > 0 ? span(msg.bodyOffset, msg.body.length) : null;
  const sdp = sdpOf(msg);
  return {
    ...fields,
    raw: text,
    startLine: span(first, msg.startLine.length),
    headers: msg.headers.map((h) => ({
      name: utf8Text(h.name),
      value: utf8Text(h.value),
      start: index(h.offset),
      end: index(h.offset + h.length),
      nameEnd: index(h.offset + h.name.length),
    })),
    body,
    sdp: sdp === undefined ? null : sdpWithIndexes(sdp, index),
    issues: msg.issues.map((i) => ({
      code: i.code,
      message: wireText(i.message),
      severity: i.severity,
      ...span(i.offset, i.length),
    })),
    findings: withSpans,
  };
}

/** RFC 3261 §7.5: CRLFs before the start line are skipped; it starts at the first other byte. */
function startLineOffset(m: SipMessage): number {
  let p = 0;
  while (p < m.text.length && (m.text.charCodeAt(p) === 0x0d || m.text.charCodeAt(p) === 0x0a)) p++;
  return p;
}

/**
 * The SDP as plain data: strings read as UTF-8, and each `offset` (with its
 * `length`) moved from bytes of the message to string indexes into `raw`.
 */
function sdpWithIndexes(sdp: Sdp, index: (b: number) => number): Sdp {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return utf8Text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    // Keys include formats and parameter names from the capture (`__proto__` too): no prototype.
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    if (typeof o.offset === 'number') {
      out.offset = index(o.offset);
      if (typeof o.length === 'number') out.length = index(o.offset + o.length) - index(o.offset);
    }
    return out;
  };
  // The same shape: strings, numbers and their nesting are kept; only the offsets' values change.
  return walk(sdp) as Sdp;
}
