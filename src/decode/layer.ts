/**
 * The shape every per-layer decoder returns (DESIGN.md convention 5):
 * `(bytes, offset) → result`, pure, bounds-checked before each read, declared
 * lengths clamped to what was captured, the carried bytes returned as a
 * `subarray` view (never a copy).
 *
 * Bad input never throws: a decoder that cannot take its layer apart returns
 * `{ ok: false, issue }`; one that can, but had to clamp or skip something,
 * returns `ok: true` with an `issue` describing it.
 */

/** `next` value of a layer that carries nothing we follow. */
export const NEXT_NONE = -1;

export interface LayerOk<F> {
  ok: true;
  fields: F;
  /** The bytes this layer carries (a view into the input). */
  payload: Uint8Array;
  /**
   * What the payload is, in the namespace of the layer's registry:
   * an ethertype for link and tunnel layers, an IP protocol number for IP
   * layers; NEXT_NONE when there is nothing to follow.
   */
  next: number;
  /** Non-fatal problem (e.g. a length clamped to the captured bytes). */
  issue?: string;
}

export interface LayerFail {
  ok: false;
  issue: string;
}

export type LayerResult<F> = LayerOk<F> | LayerFail;

export function fail(issue: string): LayerFail {
  return { ok: false, issue };
}

/** Big-endian 16-bit read; the caller has checked bounds. */
export function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/** Big-endian 32-bit read as an unsigned number; the caller has checked bounds. */
export function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Little-endian 32-bit read as an unsigned number; the caller has checked bounds. */
export function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** `0x0800`-style hex for messages. */
export function hex16(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
