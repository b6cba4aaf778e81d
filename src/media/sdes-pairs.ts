/**
 * The SRTP media descriptions of each Call-ID, to find the other side of an
 * offer/answer (sdes.ts): a stream is matched to the SDP of the address it
 * is sent to (the receiver's), its key is in the sender's. Symmetric RTP
 * (RFC 4961) finds the sender's SDP by the stream's source address; where it
 * does not (NAT, a sender using another port), the sender's is the latest
 * SRTP description of the same Call-ID announcing another address.
 *
 * Only SDP with SRTP media comes here. Bounded: MAX_CALLS Call-IDs (the
 * oldest forgotten first), MAX_SIDES descriptions each (the latest kept).
 */
import type { SdesSide } from './sdes.js';

const MAX_CALLS = 4096;
const MAX_SIDES = 16;

export class SdesPairs {
  private readonly byCall = new Map<string, SdesSide[]>();

  add(callId: string, sides: readonly SdesSide[]): void {
    let list = this.byCall.get(callId);
    if (list === undefined) {
      list = [];
      this.byCall.set(callId, list);
      if (this.byCall.size > MAX_CALLS) this.byCall.delete(this.byCall.keys().next().value as string);
    }
    for (const s of sides) {
      s.callId = callId;
      list.push(s);
    }
    if (list.length > MAX_SIDES) list.splice(0, list.length - MAX_SIDES);
  }

  /**
   * The latest description of `side`'s Call-ID for the same m= line (RFC
   * 3264 §6: an answer has the offer's m= lines in the same order), of
   * another message, announcing another address and port.
   */
  other(side: SdesSide): SdesSide | undefined {
    const list = side.callId === null ? undefined : this.byCall.get(side.callId);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const o = list[i];
      if (o.media === side.media && o.message !== side.message && (o.ip !== side.ip || o.port !== side.port))
        return o;
    }
    return undefined;
  }
}
