/**
 * G.711 (ITU-T Recommendation G.711, 1988) expansion to 16-bit linear PCM,
 * the two laws of RFC 3551 §4.5.14: PCMU (µ-law, payload type 0) and PCMA
 * (A-law, payload type 8), one byte a sample at 8,000 Hz.
 *
 * µ-law: the byte is sent inverted; its sign, 3-bit segment and 4-bit
 * step give ±(((step << 3) + 0x84) << segment) − 0x84 (the 14-bit value
 * the Recommendation's Table 2a decodes to, scaled to 16 bits). A-law: the
 * byte is sent with its even bits inverted (XOR 0x55); segment 0 is linear,
 * ((step << 4) + 8), each segment above it doubles ((step << 4) + 0x108)
 * << (segment − 1) (Table 1a, 13 bits scaled to 16). Both as 256-entry
 * tables, made once.
 */

function ulawSample(byte: number): number {
  const u = ~byte & 0xff;
  const segment = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << segment) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function alawSample(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a >> 4) & 0x07;
  const step = a & 0x0f;
  const magnitude = segment === 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (segment - 1);
  // A-law's sign bit is set for positive values.
  return a & 0x80 ? magnitude : -magnitude;
}

function table(f: (byte: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let b = 0; b < 256; b++) t[b] = f(b);
  return t;
}

export const ULAW_TO_PCM: Readonly<Int16Array> = table(ulawSample);
export const ALAW_TO_PCM: Readonly<Int16Array> = table(alawSample);
