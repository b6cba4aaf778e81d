/**
 * Codecs of SDP media formats, compared across two descriptions (an offer
 * and its answer): by encoding name and clock rate, so a dynamic payload
 * type numbered differently on each side (RFC 3264 §6.1 lets the answer
 * renumber it) still matches. Shared by the rules that compare offers,
 * answers and the RTP actually sent.
 */
import { isRtpProfile, STATIC_PAYLOAD_TYPES } from '../media/payload-types.js';
import type { SdpMedia } from '../sip/sdp.js';

/** Formats that ride along with a codec and do not carry the media themselves. */
const AUXILIARY = ['telephone-event', 'cn', 'red', 'ulpfec', 'rtx', 'flexfec'];

/** What the comparisons read of an m= line. */
export type FormatList = Pick<SdpMedia, 'formats' | 'rtpmap' | 'proto'>;

interface Codec {
  encoding: string;
  clockRate: number;
}

/** RFC 3551 static payload types (payload-types.ts), so "0" in one description and "PCMU/8000" in the other match. */
const STATIC: Record<string, Codec> = Object.fromEntries(
  Object.entries(STATIC_PAYLOAD_TYPES).map(([pt, name]) => {
    const [encoding, rate] = name.split('/');
    return [pt, { encoding, clockRate: Number(rate) }];
  }),
);

/** The codec a format names: its rtpmap, else a static payload type; undefined for anything else. */
function codecOf(m: FormatList, fmt: string): Codec | undefined {
  return m.rtpmap[fmt] ?? (isRtpProfile(m.proto) && Object.hasOwn(STATIC, fmt) ? STATIC[fmt] : undefined);
}

export const sameName = (a: string, b: string): boolean =>
  a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());

/** Format `fa` of `a` and format `fb` of `b` are the same codec (unnamed ones: the same number). */
export function sameCodec(a: FormatList, fa: string, b: FormatList, fb: string): boolean {
  const ca = codecOf(a, fa);
  const cb = codecOf(b, fb);
  if (ca === undefined || cb === undefined) return ca === cb && fa === fb;
  return ca.clockRate === cb.clockRate && sameName(ca.encoding, cb.encoding);
}

/** Format `fmt` of `m` is a helper format (telephone-event, comfort noise, redundancy, FEC, retransmission). */
export function isAuxiliary(m: FormatList, fmt: string): boolean {
  const c = codecOf(m, fmt);
  if (c === undefined) return false;
  for (const x of AUXILIARY) if (sameName(x, c.encoding)) return true;
  return false;
}

/** `PCMU/8000` or the format as written, for texts. */
export function formatName(m: FormatList, fmt: string): string {
  const c = codecOf(m, fmt);
  return c === undefined ? fmt : `${c.encoding}/${c.clockRate}`;
}

/** Some format of `m` is the same codec as format `fmt` of `other`. */
export function lists(m: FormatList, other: FormatList, fmt: string): boolean {
  for (const f of m.formats) if (sameCodec(m, f, other, fmt)) return true;
  return false;
}
