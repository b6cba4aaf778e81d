/** PPPoE session stage (EtherType 0x8864, RFC 2516): hands a PPP frame on. */
import { ETHERTYPE_PPP } from './constants.js';
import { fail, type LayerResult, u16 } from './layer.js';

export interface PppoeFields {
  version: number;
  type: number;
  code: number;
  sessionId: number;
  /** Declared PPP payload length. */
  length: number;
}

const HEADER = 6;

/**
 * RFC 2516 §4: "VER ... MUST be set to 0x1. TYPE ... MUST be set to 0x1.
 * CODE ... is defined below for the Discovery and PPP Session stages [0x00 in
 * session]. LENGTH ... indicates the length of the PPPoE payload. It does not
 * include the length of the Ethernet or PPPoE headers."
 * §6: "The PPPoE payload contains a PPP frame. The frame begins with the PPP
 * Protocol-ID."
 */
export function decodePppoe(bytes: Uint8Array, offset: number): LayerResult<PppoeFields> {
  if (bytes.length - offset < HEADER) return fail('PPPoE header truncated (needs 6 bytes)');
  const version = bytes[offset] >>> 4;
  const type = bytes[offset] & 0x0f;
  const code = bytes[offset + 1];
  if (version !== 1 || type !== 1) return fail(`PPPoE version/type ${version}/${type}, expected 1/1`);
  if (code !== 0) return fail(`PPPoE code 0x${code.toString(16)} is not a session-stage frame`);
  const length = u16(bytes, offset + 4);
  const start = offset + HEADER;
  const avail = bytes.length - start;
  const fields = { version, type, code, sessionId: u16(bytes, offset + 2), length };
  if (length > avail) {
    return {
      ok: true,
      fields,
      payload: bytes.subarray(start),
      next: ETHERTYPE_PPP,
      issue: `PPPoE length ${length} exceeds the ${avail} captured bytes; clamped`,
    };
  }
  return { ok: true, fields, payload: bytes.subarray(start, start + length), next: ETHERTYPE_PPP };
}
