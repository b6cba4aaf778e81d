/**
 * A call's DTMF digits for the call detail (`call.dtmf`, server/API.md):
 * the RFC 4733 events of its streams (stored with them) and the digits of
 * its INFO requests, read again from their stored bytes (INFO is rare: the
 * analysis keeps no column for it, and a call without INFO reads nothing).
 */
import { type CallDtmf, callDtmf, type InfoDigit } from '../src/report/call-dtmf.js';
import { infoDtmf } from '../src/sip/info-dtmf.js';
import { parseSip } from '../src/sip/parse.js';
import type { CallDetail, Store } from '../src/store/store.js';

/** The digits of `detail`'s call, in time order (none: an empty list). */
export async function detailDtmf(store: Store, captureId: string, detail: CallDetail): Promise<CallDtmf[]> {
  const info: InfoDigit[] = [];
  for (const m of detail.messages) {
    if (m.method !== 'INFO' || m.retransmission) continue;
    const stored = await store.getMessage(captureId, m.id);
    const msg = stored === undefined ? null : parseSip(stored.raw);
    const d = msg === null ? null : infoDtmf(msg);
    if (d !== null) info.push({ ...d, message: m.id, src: m.src, ts: m.ts, frame: m.frame });
  }
  return callDtmf(detail.streams, info);
}
