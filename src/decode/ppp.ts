/**
 * PPP (RFC 1661) as carried by PPPoE, by GRE (protocol type 0x880b, RFC 2637)
 * and on LINKTYPE_PPP links: only the network-layer protocols we follow.
 */
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './constants.js';
import { fail, type LayerResult, NEXT_NONE } from './layer.js';

export interface PppFields {
  /** The PPP protocol field (0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP, ...). */
  protocol: number;
  /** HDLC-like address/control bytes 0xff 0x03 were present (RFC 1662 §3.1). */
  addressControl: boolean;
}

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

/**
 * RFC 1662 §3.2: the frame may start with the All-Stations address 0xff and
 * the Unnumbered Information control 0x03; RFC 1661 §6.6 lets a peer omit
 * them (Address-and-Control-Field-Compression).
 * RFC 1661 §2: "Protocol field values ... are assigned such that the least
 * significant bit of the most significant octet equals "0", and the least
 * significant bit of the least significant octet equals "1"." With
 * Protocol-Field-Compression (§6.5) the field is the single low octet, so an
 * odd first byte is a one-byte protocol field.
 */
export function decodePpp(bytes: Uint8Array, offset: number): LayerResult<PppFields> {
  let o = offset;
  const addressControl = bytes.length - o >= 2 && bytes[o] === 0xff && bytes[o + 1] === 0x03;
  if (addressControl) o += 2;
  if (o >= bytes.length) return fail('PPP frame truncated before the protocol field');
  let protocol: number;
  if (bytes[o] & 1) {
    protocol = bytes[o];
    o += 1;
  } else {
    if (bytes.length - o < 2) return fail('PPP protocol field truncated');
    protocol = (bytes[o] << 8) | bytes[o + 1];
    o += 2;
  }
  const next = protocol === PPP_IPV4 ? ETHERTYPE_IPV4 : protocol === PPP_IPV6 ? ETHERTYPE_IPV6 : NEXT_NONE;
  return { ok: true, fields: { protocol, addressControl }, payload: bytes.subarray(o), next };
}
