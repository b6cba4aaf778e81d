/**
 * RTCP Extended Reports (RFC 3611): an XR packet (PT 207, §2) in a compound
 * RTCP packet, a header and the reporter's SSRC, then report blocks each
 * with a type (BT), a type-specific byte and a length in 32-bit words
 * (§3). Read here: Receiver Reference Time (4, §4.4), DLRR (5, §4.5),
 * Statistics Summary (6, §4.6) and VoIP Metrics (7, §4.7) — what the
 * endpoints themselves measured of the call. Other block types are stepped
 * over by their length. Every read is bounds-checked: a block whose length
 * runs past its packet, or is too short for its type, is counted in
 * `malformed` and ends the reading of that packet; nothing throws.
 */

/** RFC 3611 §4.7: 127 in a level, R factor or MOS field means "unavailable". */
const UNAVAILABLE = 127;

/** Block 4 (§4.4): the middle 32 bits of the reporter's NTP time (what a DLRR names it by). */
export interface XrReferenceTime {
  type: 'rrt';
  ntpMiddle: number;
}

/** One sub-block of block 5 (§4.5): the receiver `ssrc`'s last RRT as received (LRR) and the delay since (1/65536 s). */
export interface XrDlrrItem {
  ssrc: number;
  lrr: number;
  dlrr: number;
}

export interface XrDlrr {
  type: 'dlrr';
  items: XrDlrrItem[];
}

/** Block 6 (§4.6): about source `ssrc` over sequence numbers begin–end (end exclusive); a figure null when its flag is off. */
export interface XrStatsSummary {
  type: 'stats';
  ssrc: number;
  beginSeq: number;
  endSeq: number;
  lost: number | null;
  duplicates: number | null;
  /** Jitter in the source's RTP timestamp units (null: J flag off). */
  minJitter: number | null;
  maxJitter: number | null;
  meanJitter: number | null;
  devJitter: number | null;
}

/** Block 7 (§4.7): what the receiver of source `ssrc` measured of the call; null where the field says unavailable. */
export interface XrVoipMetrics {
  type: 'voip';
  ssrc: number;
  /** Loss and discard rates, burst and gap densities: fractions in 256ths (0–255), as sent. */
  lossRate: number;
  discardRate: number;
  burstDensity: number;
  gapDensity: number;
  /** ms. */
  burstDuration: number;
  gapDuration: number;
  roundTripDelay: number;
  endSystemDelay: number;
  /** dBm0 (signed), null: 127. */
  signalLevel: number | null;
  noiseLevel: number | null;
  /** Residual echo return loss, dB; null: 127. */
  rerl: number | null;
  gmin: number;
  rFactor: number | null;
  extRFactor: number | null;
  /** MOS listening and conversational quality: the field / 10 (1.0–5.0); null: 127. */
  mosLq: number | null;
  mosCq: number | null;
  /** RX config (§4.7.6): packet loss concealment 0 unspecified, 1 disabled, 2 enhanced, 3 standard. */
  plc: number;
  /** Jitter buffer adaptive: 0 unknown, 1 reserved, 2 non-adaptive, 3 adaptive. */
  jba: number;
  jbRate: number;
  /** ms. */
  jbNominal: number;
  jbMaximum: number;
  jbAbsMax: number;
}

export type XrBlock = XrReferenceTime | XrDlrr | XrStatsSummary | XrVoipMetrics;

export interface RtcpXr {
  /** The reporter's SSRC. */
  ssrc: number;
  blocks: XrBlock[];
  /** Blocks with a length past the packet's end or too short for their type (the reading stopped there). */
  malformed: number;
}

export const XR = 207;

const u16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const s8 = (v: number): number => (v & 0x80 ? v - 256 : v);
const orNull = (v: number): number | null => (v === UNAVAILABLE ? null : v);

/** Block body bytes (after the 4-byte block header) each type needs at least. */
const NEEDS: Readonly<Record<number, number>> = { 4: 8, 5: 0, 6: 36, 7: 32 };

/**
 * The XR packet at `at` of `bytes`, `size` bytes long (its RTCP length,
 * already checked to lie inside `bytes` by the compound's reader).
 */
export function parseXr(bytes: Uint8Array, at: number, size: number): RtcpXr {
  const end = at + size;
  const out: RtcpXr = { ssrc: size >= 8 ? u32(bytes, at + 4) : 0, blocks: [], malformed: 0 };
  if (size < 8) {
    out.malformed++;
    return out;
  }
  let o = at + 8;
  while (o < end) {
    if (o + 4 > end) {
      out.malformed++;
      break;
    }
    const type = bytes[o];
    const body = u16(bytes, o + 2) * 4;
    if (o + 4 + body > end || body < (NEEDS[type] ?? 0)) {
      out.malformed++;
      break;
    }
    const block = readBlock(bytes, type, bytes[o + 1], o + 4, body);
    if (block !== null) out.blocks.push(block);
    o += 4 + body;
  }
  return out;
}

/** One block of type `type` whose body (`len` bytes, enough for its type) starts at `b`; null: a type not read. */
function readBlock(bytes: Uint8Array, type: number, flags: number, b: number, len: number): XrBlock | null {
  if (type === 4)
    return { type: 'rrt', ntpMiddle: ((u32(bytes, b) & 0xffff) * 65536 + (u32(bytes, b + 4) >>> 16)) >>> 0 };
  if (type === 5) {
    const items: XrDlrrItem[] = [];
    for (let i = b; i + 12 <= b + len; i += 12)
      items.push({ ssrc: u32(bytes, i), lrr: u32(bytes, i + 4), dlrr: u32(bytes, i + 8) });
    return { type: 'dlrr', items };
  }
  if (type === 6) {
    const loss = (flags & 0x80) !== 0;
    const dup = (flags & 0x40) !== 0;
    const jitter = (flags & 0x20) !== 0;
    const j = (i: number) => (jitter ? u32(bytes, i) : null);
    return {
      type: 'stats',
      ssrc: u32(bytes, b),
      beginSeq: u16(bytes, b + 4),
      endSeq: u16(bytes, b + 6),
      lost: loss ? u32(bytes, b + 8) : null,
      duplicates: dup ? u32(bytes, b + 12) : null,
      minJitter: j(b + 16),
      maxJitter: j(b + 20),
      meanJitter: j(b + 24),
      devJitter: j(b + 28),
    };
  }
  if (type === 7) return voipMetrics(bytes, b);
  return null;
}

/** Block 7's body at `b` (32 bytes, §4.7). */
function voipMetrics(bytes: Uint8Array, b: number): XrVoipMetrics {
  const mos = (v: number) => (v === UNAVAILABLE ? null : v / 10);
  const rx = bytes[b + 24];
  return {
    type: 'voip',
    ssrc: u32(bytes, b),
    lossRate: bytes[b + 4],
    discardRate: bytes[b + 5],
    burstDensity: bytes[b + 6],
    gapDensity: bytes[b + 7],
    burstDuration: u16(bytes, b + 8),
    gapDuration: u16(bytes, b + 10),
    roundTripDelay: u16(bytes, b + 12),
    endSystemDelay: u16(bytes, b + 14),
    signalLevel: orNull(s8(bytes[b + 16])),
    noiseLevel: orNull(s8(bytes[b + 17])),
    rerl: orNull(bytes[b + 18]),
    gmin: bytes[b + 19],
    rFactor: orNull(bytes[b + 20]),
    extRFactor: orNull(bytes[b + 21]),
    mosLq: mos(bytes[b + 22]),
    mosCq: mos(bytes[b + 23]),
    plc: rx >> 6,
    jba: (rx >> 4) & 3,
    jbRate: rx & 0x0f,
    jbNominal: u16(bytes, b + 26),
    jbMaximum: u16(bytes, b + 28),
    jbAbsMax: u16(bytes, b + 30),
  };
}
