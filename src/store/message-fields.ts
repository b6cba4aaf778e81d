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

import { isAscii } from 'node:buffer';
import { detach } from '../correlate/detach.js';
import type { MessageCorrelation } from '../correlate/model.js';
import { endpointString } from '../decode/payload.js';
import { callId, cseq, fromHeader, toHeader, topVia, userAgent } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { sdpOf } from '../sip/sdp.js';
import type { MessageRow } from './rows.js';
import { sdpSummary, utf8Slice, utf8Text } from './sdp-summary.js';
import type { MessageInput } from './store.js';

const EMPTY = new Uint8Array(0);

const same = (x: string): string => x;

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
  // Text that is all ASCII reads the same as UTF-8: one native scan of the bytes instead of a test per string.
  const ascii = isAscii(msg.raw);
  const t = detached ? (ascii ? detach : utf8Text) : ascii ? same : utf8Slice;
  const s = msg.source;
  const cs = cseq(msg);
  const cid = callId(msg);
  const fromTag = fromHeader(msg)?.tag;
  const toTag = toHeader(msg)?.tag;
  const branch = topVia(msg)?.branch;
  const sdp = msg.body.length > 0 ? sdpOf(msg) : undefined;
  const frame = s ? s.frame : 0;
  const ts = s ? s.ts : 0;
  const src = s ? t(endpointString(s.src)) : '';
  const dst = s ? t(endpointString(s.dst)) : '';
  const transport = s ? s.transport : '';
  const callIdText = cid === undefined ? null : t(cid);
  const cseqNo = cs && !Number.isNaN(cs.seq) ? cs.seq : null;
  const cseqMethod = cs ? t(cs.method) : null;
  const fromTagText = fromTag === undefined ? null : t(fromTag);
  const toTagText = toTag === undefined ? null : t(toTag);
  const branchText = branch === undefined ? null : t(branch);
  const { transaction, dialog, call, retransmission } = c;
  const summary = sdp === undefined ? null : sdpSummary(sdp);
  // One literal per kind, fields in the order the JSON contract writes them: the row gets its
  // final shape at once instead of growing its property store field by field.
  const row: MessageRow =
    msg.kind === 'request'
      ? {
          id,
          frame,
          ts,
          src,
          dst,
          transport,
          method: t(msg.method),
          callId: callIdText,
          cseq: cseqNo,
          cseqMethod,
          fromTag: fromTagText,
          toTag: toTagText,
          branch: branchText,
          transaction,
          dialog,
          call,
          retransmission,
          sdp: summary,
        }
      : {
          id,
          frame,
          ts,
          src,
          dst,
          transport,
          status: msg.status,
          reason: t(msg.reason),
          callId: callIdText,
          cseq: cseqNo,
          cseqMethod,
          fromTag: fromTagText,
          toTag: toTagText,
          branch: branchText,
          transaction,
          dialog,
          call,
          retransmission,
          sdp: summary,
        };
  const multiFrame = s !== null && (s.frames.length !== 1 || s.frames[0] !== s.frame);
  if (msg.malformed || multiFrame) {
    // Rare: these two come before the SDP summary in the contract's order.
    delete (row as Partial<MessageRow>).sdp;
    if (msg.malformed) row.malformed = true;
    if (multiFrame) row.frames = s.frames.slice();
    row.sdp = summary;
  }
  const ua = userAgent(msg);
  return { row, raw: EMPTY, agent: ua === undefined ? null : t(ua) };
}
