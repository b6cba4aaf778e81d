/**
 * Power of one frequency in decoded audio (the Goertzel filter: one DFT bin),
 * for the tests that check a tone came out as the tone that went in.
 */

/** Power of `hz` in samples[from, from + n) of one channel of interleaved PCM. */
export function power(
  samples: Int16Array,
  channels: number,
  channel: number,
  hz: number,
  rate: number,
  from = 0,
  n = 8000,
) {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < from + n; i++) {
    const s = samples[i * channels + channel] + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - k * s1 * s2;
}
