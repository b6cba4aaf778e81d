/**
 * Which AMR-WB mode a stream's packets carried (RFC 4867), for its
 * wideband E-model rating (codec-impairment-wb.ts: G.113 gives AMR-WB one
 * Ie,wb per mode). Made only for a stream whose SDP maps a payload type to
 * AMR-WB: other streams pay nothing.
 *
 * The packing (bandwidth-efficient, §4.4.1, the default; octet-aligned,
 * §4.4.2, `octet-align=1` in the fmtp) is not known here, so a packet is
 * read only when two independent things agree: its length is that of ONE
 * speech frame of some mode in one of the packings, and the frame type its
 * table of contents gives, read where that packing puts it, is that mode.
 * The 18 lengths (9 modes, 2 packings) are all different. Packets of
 * several frames, comfort noise (SID), CRC or interleaving are not read.
 *
 * ```
 * bandwidth-efficient: CMR(4) F(1) FT(4) Q(1) speech bits…, padded to a byte
 * octet-aligned:       CMR(4) R(4) | F(1) FT(4) Q(1) P(2) | speech bytes…
 * ```
 */
import type { SdpRtpMap } from '../sip/sdp-model.js';
import { AMR_WB_KBPS } from './codec-impairment-wb.js';

/** Speech bits of one 20 ms frame of each mode (FT 0–8): its rate times 20 ms (3GPP TS 26.201). */
const FRAME_BITS = AMR_WB_KBPS.map((kbps) => Math.round(kbps * 20));

/** Payload bytes of one frame, bandwidth-efficient: 4 + 6 header bits, the speech bits, padding. */
const BE_BYTES = FRAME_BITS.map((bits) => Math.ceil((10 + bits) / 8));
/** Payload bytes of one frame, octet-aligned: the CMR byte, one ToC byte, the speech bits in whole bytes. */
const OA_BYTES = FRAME_BITS.map((bits) => 2 + Math.ceil(bits / 8));

/** The mode (FT 0–8) of one AMR-WB payload of `length` bytes at `offset`, or null when it is not read (above). */
export function amrWbFrameMode(bytes: Uint8Array, offset: number, length: number): number | null {
  if (offset < 0 || length < 2 || offset + length > bytes.length) return null;
  const b0 = bytes[offset];
  const b1 = bytes[offset + 1];
  const be = BE_BYTES.indexOf(length);
  // F (no frame follows) is bit 3 of the first byte; FT its last 3 bits and the first of the next.
  if (be >= 0) return (b0 & 0x08) === 0 && (((b0 & 0x07) << 1) | (b1 >> 7)) === be ? be : null;
  const oa = OA_BYTES.indexOf(length);
  // The ToC byte: F, FT, Q, two padding bits.
  if (oa >= 0) return (b1 & 0x80) === 0 && ((b1 >> 3) & 0x0f) === oa ? oa : null;
  return null;
}

/** The modes one AMR-WB stream's packets showed. */
export class AmrWbModes {
  private readonly counts = new Array<number>(AMR_WB_KBPS.length).fill(0);

  /** `payloadTypes`: those the SDP maps to AMR-WB. */
  constructor(private readonly payloadTypes: ReadonlySet<number>) {}

  /** The reader of a stream whose SDP has `rtpmap`; null when it maps no payload type to AMR-WB. */
  static forSdp(rtpmap: Readonly<Record<string, SdpRtpMap>>): AmrWbModes | null {
    let types: Set<number> | null = null;
    for (const k in rtpmap) {
      if (!Object.hasOwn(rtpmap, k) || rtpmap[k].encoding.toUpperCase() !== 'AMR-WB') continue;
      types ??= new Set();
      types.add(rtpmap[k].payloadType);
    }
    return types === null ? null : new AmrWbModes(types);
  }

  add(payloadType: number, bytes: Uint8Array, offset: number, length: number): void {
    if (!this.payloadTypes.has(payloadType)) return;
    const mode = amrWbFrameMode(bytes, offset, length);
    if (mode !== null) this.counts[mode]++;
  }

  /** The mode most packets showed (the lower on a tie), with how many did; null when none was read. */
  mode(): { mode: number; packets: number } | null {
    let best = -1;
    for (let m = 0; m < this.counts.length; m++)
      if (this.counts[m] > (best < 0 ? 0 : this.counts[best])) best = m;
    return best < 0 ? null : { mode: best, packets: this.counts[best] };
  }
}
