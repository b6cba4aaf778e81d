/**
 * The SRTCP of each flow (source → destination address and port): the key
 * that protects it is its sender's SDES key (RFC 4568 §6.1: an a=crypto key
 * is what its side sends with, SRTP and SRTCP alike; RFC 3711 §4.3.2 derives
 * the SRTCP keys from the same master key), found as a stream's is
 * (stream-srtp.ts) from the SDP of the RTCP ports the packet goes between.
 * The receiver of a flow is made at its first packet and made again when
 * either side's SDP changes (a re-INVITE with new keys).
 *
 * Only RTCP on an address whose SDP has SRTP media comes here. Bounded:
 * MAX_FLOWS flows, the oldest forgotten first.
 */
import type { MediaEndpoint } from './media-map.js';
import type { SdesSide } from './sdes.js';
import type { SdesPairs } from './sdes-pairs.js';
import { SrtcpReceiver } from './srtcp.js';
import { type DtlsLookup, streamKey } from './stream-srtp.js';

const MAX_FLOWS = 4096;

interface Flow {
  to: SdesSide | undefined;
  from: SdesSide | undefined;
  receiver: SrtcpReceiver | null;
  /** The generation of the DTLS pair's keys it was made with (dtls-srtp.ts), or -1. */
  dtls: number;
}

/** What became of one SRTCP packet: its compound packet in clear, `failed` (its tag), or null (no usable key). */
export type SrtcpRead = Uint8Array | 'failed' | null;

export class SrtcpFlows {
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly pairs: SdesPairs) {}

  /**
   * One SRTCP packet `bytes` of flow `flow` (`src dst`), sent to the address
   * of `toDst` from that of `fromSrc` (either may be unknown); `dtls`: the
   * DTLS-SRTP key of its 5-tuple, for SDP without a=crypto (RFC 5764).
   */
  read(
    flow: string,
    bytes: Uint8Array,
    toDst: MediaEndpoint | undefined,
    fromSrc: MediaEndpoint | undefined,
    dtls?: DtlsLookup,
  ): SrtcpRead {
    const to = toDst?.sdes;
    const from = fromSrc?.sdes;
    let f = this.flows.get(flow);
    // A flow with no key yet looks again when a DTLS handshake on its 5-tuple has given one since.
    const keyedSince = f !== undefined && f.receiver === null && (dtls?.()?.generation ?? -1) !== f.dtls;
    if (f === undefined || f.to !== to || f.from !== from || keyedSince) {
      const key = streamKey(toDst, fromSrc, this.pairs, dtls);
      const setup = key?.setup ?? null;
      f = {
        to,
        from,
        receiver: setup === null ? null : new SrtcpReceiver(setup),
        dtls: key?.dtlsGeneration ?? -1,
      };
      this.flows.delete(flow);
      this.flows.set(flow, f);
      if (this.flows.size > MAX_FLOWS) this.flows.delete(this.flows.keys().next().value as string);
    }
    if (f.receiver === null) return null;
    return f.receiver.unprotect(bytes) ?? 'failed';
  }
}
