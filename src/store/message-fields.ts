/**
 * One message's row as a store takes it (store.ts MessageInput), made from
 * the parsed message and its correlation at once, for an analysis that does
 * not keep a MessageTable (analyze-to-store.ts). The fields are those
 * report/message-table.ts writes (`json`) and analysis-batches.ts adds (SDP
 * summary, User-Agent): tests compare the two on every sample.
 *
 * Strings are copies (correlate/detach.ts): a row may wait in memory until
 * its call is final and must not pin the whole message text meanwhile.
 */

import { detach } from '../correlate/detach.js';
import type { MessageCorrelation } from '../correlate/model.js';
import { endpointString } from '../decode/payload.js';
import { callId, cseq, fromHeader, toHeader, topVia, userAgent } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { sdpOf } from '../sip/sdp.js';
import type { MessageRow } from './rows.js';
import { sdpSummary, utf8Text } from './sdp-summary.js';
import type { MessageInput } from './store.js';

const EMPTY = new Uint8Array(0);
const NOT_ASCII = /[^\u0000-\u007f]/;

/** Header text (latin1, one char per byte) as the UTF-8 it should be, in a string of its own. */
function text(s: string): string {
  return NOT_ASCII.test(s) ? utf8Text(s) : detach(s);
}

function textOrNull(s: string | undefined): string | null {
  return s === undefined ? null : text(s);
}

/**
 * The row of message `id` with the correlation known when it arrived (the
 * caller sets the final call and dialog later), its SDP summary and
 * User-Agent; `raw` is empty: the caller gives the bytes or their place.
 */
export function messageFields(msg: SipMessage, id: number, c: MessageCorrelation): MessageInput {
  const s = msg.source;
  const cs = cseq(msg);
  const row = {
    id,
    frame: s ? s.frame : 0,
    ts: s ? s.ts : 0,
    src: s ? text(endpointString(s.src)) : '',
    dst: s ? text(endpointString(s.dst)) : '',
    transport: s ? s.transport : '',
  } as MessageRow;
  if (msg.kind === 'request') row.method = text(msg.method);
  else {
    row.status = msg.status;
    row.reason = text(msg.reason);
  }
  row.callId = textOrNull(callId(msg));
  row.cseq = cs && !Number.isNaN(cs.seq) ? cs.seq : null;
  row.cseqMethod = cs ? text(cs.method) : null;
  row.fromTag = textOrNull(fromHeader(msg)?.tag);
  row.toTag = textOrNull(toHeader(msg)?.tag);
  row.branch = textOrNull(topVia(msg)?.branch);
  row.transaction = c.transaction;
  row.dialog = c.dialog;
  row.call = c.call;
  row.retransmission = c.retransmission;
  if (msg.malformed) row.malformed = true;
  if (s && (s.frames.length !== 1 || s.frames[0] !== s.frame)) row.frames = s.frames.slice();
  const sdp = msg.body.length > 0 ? sdpOf(msg) : undefined;
  row.sdp = sdp === undefined ? null : sdpSummary(sdp);
  const ua = userAgent(msg);
  return { row, raw: EMPTY, agent: ua === undefined ? null : utf8Text(ua) };
}
