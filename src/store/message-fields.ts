/**
 * One message's row as a store takes it (store.ts MessageInput), made from
 * the parsed message and its correlation at once, for an analysis that does
 * not keep a MessageTable (analyze-to-store.ts). The fields are those
 * report/message-table.ts writes (`json`) and analysis-batches.ts adds (SDP
 * summary, User-Agent): tests compare the two on every sample.
 *
 * Strings are copies (correlate/detach.ts) unless the caller says the row
 * is short-lived: a row the live window keeps must not pin the whole message
 * text, while one that waits only until its batch goes to the store
 * (analyze-to-store.ts) need not pay for the copies.
 */

import type { MessageCorrelation } from '../correlate/model.js';
import { endpointString } from '../decode/payload.js';
import { callId, cseq, fromHeader, toHeader, topVia, userAgent } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { sdpOf } from '../sip/sdp.js';
import type { MessageRow } from './rows.js';
import { sdpSummary, utf8Slice, utf8Text } from './sdp-summary.js';
import type { MessageInput } from './store.js';

const EMPTY = new Uint8Array(0);

/**
 * The row of message `id` with the correlation known when it arrived (the
 * caller sets the final call and dialog later), its SDP summary and
 * User-Agent; `raw` is empty: the caller gives the bytes or their place.
 * `detached` false: the strings may be slices of the message text (a row
 * that lives only until its batch is written).
 */
export function messageFields(
  msg: SipMessage,
  id: number,
  c: MessageCorrelation,
  detached = true,
): MessageInput {
  const t = detached ? utf8Text : utf8Slice;
  const s = msg.source;
  const cs = cseq(msg);
  const row = {
    id,
    frame: s ? s.frame : 0,
    ts: s ? s.ts : 0,
    src: s ? t(endpointString(s.src)) : '',
    dst: s ? t(endpointString(s.dst)) : '',
    transport: s ? s.transport : '',
  } as MessageRow;
  if (msg.kind === 'request') row.method = t(msg.method);
  else {
    row.status = msg.status;
    row.reason = t(msg.reason);
  }
  const cid = callId(msg);
  row.callId = cid === undefined ? null : t(cid);
  row.cseq = cs && !Number.isNaN(cs.seq) ? cs.seq : null;
  row.cseqMethod = cs ? t(cs.method) : null;
  const fromTag = fromHeader(msg)?.tag;
  row.fromTag = fromTag === undefined ? null : t(fromTag);
  const toTag = toHeader(msg)?.tag;
  row.toTag = toTag === undefined ? null : t(toTag);
  const branch = topVia(msg)?.branch;
  row.branch = branch === undefined ? null : t(branch);
  row.transaction = c.transaction;
  row.dialog = c.dialog;
  row.call = c.call;
  row.retransmission = c.retransmission;
  if (msg.malformed) row.malformed = true;
  if (s && (s.frames.length !== 1 || s.frames[0] !== s.frame)) row.frames = s.frames.slice();
  const sdp = msg.body.length > 0 ? sdpOf(msg) : undefined;
  row.sdp = sdp === undefined ? null : sdpSummary(sdp);
  const ua = userAgent(msg);
  return { row, raw: EMPTY, agent: ua === undefined ? null : t(ua) };
}
