/**
 * ERSPAN headers carried in GRE (draft-foschiano-erspan-03): type II
 * (protocol type 0x88be, 8-byte header) and type III (0x22eb, 12-byte header
 * plus an optional 8-byte platform-specific sub-header). Both hand on the
 * mirrored frame; type I (0x88be without a GRE sequence number) has no
 * header and is mapped to Ethernet by gre.ts.
 */
import { ETHERTYPE_TEB } from './constants.js';
import { fail, type LayerResult, NEXT_NONE, u16, u32 } from './layer.js';
import { ipVersionToEtherType } from './raw-ip.js';

export interface ErspanFields {
  /** Header version field: 1 for type II, 2 for type III. */
  version: number;
  vlan: number;
  cos: number;
  sessionId: number;
  /** Type II: port index. */
  index?: number;
  /** Type III: timestamp (granularity per `granularity`). */
  timestamp?: number;
  /** Type III: frame type (0 Ethernet, 2 IP). */
  frameType?: number;
  /** Type III: timestamp granularity. */
  granularity?: number;
  /** Type III: the optional platform-specific sub-header was present. */
  platformSubheader?: boolean;
  headerLength: number;
}

/**
 * draft-foschiano-erspan-03 §4.1 (type II): "|Ver| VLAN |COS|En|T| Session ID |"
 * "| Reserved | Index |" — Ver is 1; an Ethernet frame follows.
 */
export function decodeErspanII(bytes: Uint8Array, offset: number): LayerResult<ErspanFields> {
  if (bytes.length - offset < 8) return fail('ERSPAN type II header truncated (needs 8 bytes)');
  const w0 = u16(bytes, offset);
  const version = w0 >>> 12;
  if (version !== 1) return fail(`ERSPAN type II header with version ${version} (expected 1)`);
  const w1 = u16(bytes, offset + 2);
  return {
    ok: true,
    fields: {
      version,
      vlan: w0 & 0x0fff,
      cos: w1 >>> 13,
      sessionId: w1 & 0x03ff,
      index: u32(bytes, offset + 4) & 0x000fffff,
      headerLength: 8,
    },
    payload: bytes.subarray(offset + 8),
    next: ETHERTYPE_TEB,
  };
}

/**
 * draft-foschiano-erspan-03 §4.2 (type III): "|Ver| VLAN |COS|BSO|T| Session ID |"
 * "| Timestamp |" "| SGT |P| FT | Hw ID |D|Gra|O|" — Ver is 2. "FT: Frame Type
 * ... 0 Ethernet, 2 IP". "O: ... indicates whether or not the optional
 * sub-header is present" (the 8-byte platform-specific sub-header).
 */
export function decodeErspanIII(bytes: Uint8Array, offset: number): LayerResult<ErspanFields> {
  if (bytes.length - offset < 12) return fail('ERSPAN type III header truncated (needs 12 bytes)');
  const w0 = u16(bytes, offset);
  const version = w0 >>> 12;
  if (version !== 2) return fail(`ERSPAN type III header with version ${version} (expected 2)`);
  const w1 = u16(bytes, offset + 2);
  const frameType = (bytes[offset + 10] >>> 2) & 0x1f;
  const b11 = bytes[offset + 11];
  const platformSubheader = (b11 & 1) !== 0;
  const headerLength = platformSubheader ? 20 : 12;
  if (bytes.length - offset < headerLength) return fail('ERSPAN type III platform sub-header truncated');
  const payload = bytes.subarray(offset + headerLength);
  const fields: ErspanFields = {
    version,
    vlan: w0 & 0x0fff,
    cos: w1 >>> 13,
    sessionId: w1 & 0x03ff,
    timestamp: u32(bytes, offset + 4),
    frameType,
    granularity: (b11 >>> 1) & 0x03,
    platformSubheader,
    headerLength,
  };
  if (frameType === 0) return { ok: true, fields, payload, next: ETHERTYPE_TEB };
  if (frameType === 2) {
    const next = payload.length > 0 ? ipVersionToEtherType(payload[0]) : NEXT_NONE;
    if (next === NEXT_NONE) return fail('ERSPAN type III IP frame is neither IPv4 nor IPv6');
    return { ok: true, fields, payload, next };
  }
  return fail(`ERSPAN type III frame type ${frameType} is not Ethernet (0) or IP (2)`);
}
