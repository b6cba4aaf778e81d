/**
 * GTP-U version 1 (3GPP TS 29.281), UDP port 2152: the user-plane tunnel of
 * mobile cores. A G-PDU carries one T-PDU, here an IPv4 or IPv6 packet told
 * apart by its version nibble; signalling messages (echo, error indication,
 * end marker) carry nothing to follow.
 */
import { fail, type LayerResult, NEXT_NONE, u16, u32 } from './layer.js';
import { ipVersionToEtherType } from './raw-ip.js';

export interface GtpUFields {
  version: number;
  /** Protocol type: 1 = GTP (0 would be GTP'). */
  protocolType: number;
  messageType: number;
  /** Declared length of everything after the first 8 bytes. */
  length: number;
  teid: number;
  sequence?: number;
  npdu?: number;
  /** Types of the extension headers walked, in order. */
  extensions: number[];
  headerLength: number;
}

const G_PDU = 255;
/** A chain longer than this is taken as malformed. */
const MAX_EXTENSIONS = 16;

/**
 * TS 29.281 §5.1: octet 1 is "Version (3 bits) | PT | (*) | E | S | PN",
 * octet 2 the Message Type, octets 3-4 "Length ... of the payload, i.e. the
 * rest of the packet following the mandatory part of the GTP header (that is
 * the first 8 octets). The Sequence Number, the N-PDU Number or any Extension
 * headers shall be considered to be part of the payload", octets 5-8 the TEID.
 * "if any one or more of the S, PN and E flags are set, the fields Sequence
 * Number, N-PDU and Next Extension Header shall be present" (octets 9-12).
 * §5.2.1: "The length of the Extension header shall be defined in a variable
 * length of 4 octets, i.e. m+1 = n*4 octets" — the first octet is that length
 * in 4-octet units, the last the Next Extension Header Type (0: no more).
 */
export function decodeGtpU(bytes: Uint8Array, offset: number): LayerResult<GtpUFields> {
  if (bytes.length - offset < 8) return fail('GTP-U header truncated (needs 8 bytes)');
  const flags = bytes[offset];
  const version = flags >>> 5;
  const protocolType = (flags >>> 4) & 1;
  if (version !== 1 || protocolType !== 1)
    return fail(`GTP version ${version} / PT ${protocolType}, expected GTPv1-U`);
  const messageType = bytes[offset + 1];
  const length = u16(bytes, offset + 2);
  const fields: GtpUFields = {
    version,
    protocolType,
    messageType,
    length,
    teid: u32(bytes, offset + 4),
    extensions: [],
    headerLength: 8,
  };
  let end = offset + 8 + length;
  let issue: string | undefined;
  if (end > bytes.length) {
    issue = `GTP-U length ${length} exceeds the ${bytes.length - offset - 8} captured bytes; clamped`;
    end = bytes.length;
  }
  let o = offset + 8;
  if (flags & 0x07) {
    if (end - o < 4) return fail('GTP-U optional fields truncated');
    fields.sequence = u16(bytes, o);
    fields.npdu = bytes[o + 2];
    let nextType = bytes[o + 3];
    o += 4;
    if (flags & 0x04) {
      while (nextType !== 0) {
        if (fields.extensions.length >= MAX_EXTENSIONS) return fail('GTP-U extension header chain too long');
        if (end - o < 1) return fail('GTP-U extension header truncated');
        const len = bytes[o] * 4;
        if (len === 0) return fail('GTP-U extension header with length 0');
        if (end - o < len) return fail('GTP-U extension header truncated');
        fields.extensions.push(nextType);
        nextType = bytes[o + len - 1];
        o += len;
      }
    }
  }
  fields.headerLength = o - offset;
  const payload = bytes.subarray(o, end);
  let next = NEXT_NONE;
  if (messageType === G_PDU) {
    if (payload.length === 0) return fail('GTP-U G-PDU without a T-PDU');
    next = ipVersionToEtherType(payload[0]);
    if (next === NEXT_NONE) issue = 'GTP-U T-PDU is neither IPv4 nor IPv6';
  }
  return issue === undefined
    ? { ok: true, fields, payload, next }
    : { ok: true, fields, payload, next, issue };
}
