/**
 * G.722 decoding (ITU-T Recommendation G.722, 7 kHz audio coding within 64
 * kbit/s; mode 1, 64 kbit/s), RTP payload type 9 (RFC 3551 §4.5.2): each
 * byte carries one code word for a pair of 16 kHz samples, bits 7–6 the
 * higher sub-band's 2-bit ADPCM code (IH), bits 5–0 the lower sub-band's
 * 6-bit one (IL).
 *
 * Each sub-band is an ADPCM decoder at 8 kHz (the Recommendation's blocks):
 * the inverse quantiser scales a code's level by the band's scale factor
 * and adds the prediction (INVQBL/INVQAH, RECONS, LIMIT); the scale factor
 * follows the codes in the log domain (LOGSCL/LOGSCH, SCALEL/SCALEH); the
 * predictor — two poles over the reconstructed signal, six zeros over the
 * quantised difference — adapts by sign–sign rules (block 4: PARREC,
 * RECONS, UPPOL2, UPPOL1, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC). The lower
 * band is reconstructed from all 6 bits but adapts on the 4 most significant
 * (INVQAL), as the encoder does, so that a decoder that drops bits (the 56
 * and 48 kbit/s modes) stays in step. The receive QMF (24 taps) makes the two
 * 8 kHz bands into 16 kHz.
 *
 * Bit-exact arithmetic: the Recommendation's reference code works in 16-bit
 * words whose additions saturate, multiplications keep the high word ((a·b)
 * >> 15, saturated), as the ITU-T G.191 reference implementation's basic
 * operators; so does this (`add`, `mult`), step by step, since a decoder
 * differs from the encoder's own reconstruction otherwise. Output samples are
 * 16-bit (the QMF's sum >> 11, saturated). Sample for sample this is what
 * spandsp's decoder makes (the one Wireshark's RTP player uses), except
 * where the QMF's sum goes past 16 bits: spandsp 0.0.6 wraps it, this clips
 * it as the reference does (test/media/g722.test.ts).
 *
 * The state (both predictors, scale factors and the QMF's delay line) runs on
 * from one packet to the next of a stream, as a receiver's decoder does; a
 * lost packet leaves a gap and the next one is decoded with the state as it
 * was (Wireshark's RTP player does the same: no concealment).
 */

const sat = (x: number): number => Math.min(32767, Math.max(-32768, x));
/** 16-bit saturating addition (the reference's `add`, and `sub` with -b). */
const add = (a: number, b: number): number => sat(a + b);
/** The high word of a 16 × 16-bit product, (a·b) >> 15 saturated (the reference's `mult`). */
const mult = (a: number, b: number): number => sat((a * b) >> 15);
/** 0 for a non-negative word, -1 for a negative one: the sign the adaptation compares. */
const sign = (x: number): number => x >> 15;

/**
 * The inverse quantisers' output levels, magnitudes in the Recommendation's
 * units: the lower band's 6-bit quantiser (30 magnitudes), its 4-bit
 * truncation (7 magnitudes and 0) and the higher band's 2-bit one. Signed
 * and ×8 in the tables below, as the reference code holds them; a level
 * times the band's scale factor DET, high word kept, is the difference.
 */
const LEVELS6 = [
  17, 54, 91, 130, 170, 211, 254, 300, 347, 396, 447, 501, 558, 618, 682, 750, 822, 899, 982, 1072, 1170,
  1279, 1399, 1535, 1689, 1873, 2088, 2376, 2738, 3101,
];
const LEVELS4 = [0, 150, 323, 530, 786, 1121, 1612, 2557];
const LEVELS2 = [0, 202, 926];
/** Log scale factor multipliers W for the 4-bit magnitudes (LOGSCL) and the 2-bit ones (LOGSCH). */
const WL = [-60, -30, 58, 172, 334, 538, 1198, 3042];
const WH = [0, -214, 798];

/**
 * 6-bit code IL → signed level ×8 (the Recommendation's code assignment).
 * Codes 60–63 hold the two smallest magnitudes (60/61 positive, 62/63
 * negative), 32–59 the others positive from the largest down, 4–31
 * negative likewise; 0–3 are not sent by an encoder and decode as the
 * smallest negative level.
 */
function level6(il: number): number {
  if (il >= 60) return (il >= 62 ? -8 : 8) * LEVELS6[il & 1 ? 0 : 1];
  if (il >= 32) return 8 * LEVELS6[61 - il];
  if (il >= 4) return -8 * LEVELS6[33 - il];
  return -8 * LEVELS6[0];
}

/**
 * 4-bit code (IL >> 2) → its magnitude index 0–7: codes 1–7 negative from the
 * largest down, 8–14 positive likewise, 0 and 15 (IL 0–3 and 60–63) level 0.
 */
function magnitude4(code: number): number {
  if (code === 0 || code === 15) return 0;
  return code < 8 ? 8 - code : 15 - code;
}

const QL6 = Int16Array.from({ length: 64 }, (_, il) => level6(il));
const QL4 = Int16Array.from({ length: 16 }, (_, c) => (c < 8 ? -8 : 8) * LEVELS4[magnitude4(c)]);
const WL4 = Int16Array.from({ length: 16 }, (_, c) => WL[magnitude4(c)]);
/** 2-bit code IH: 0 and 1 negative (large, small), 2 and 3 positive. */
const QH2 = Int16Array.from({ length: 4 }, (_, ih) => (ih < 2 ? -8 : 8) * LEVELS2[ih & 1 ? 1 : 2]);
const WH2 = Int16Array.from({ length: 4 }, (_, ih) => WH[ih & 1 ? 1 : 2]);

/**
 * The scale factor from its log (SCALEL/SCALEH): 2 raised to the log's
 * value, as a table over its top 9 bits. The Recommendation's ILB table
 * holds round(2^(11 + i/32)) for the fraction i/32 (2048, 2093, … 4008); the
 * integer part shifts it, and the result is ×4 (DET's units).
 */
const ILB = Array.from({ length: 32 }, (_, i) => Math.round(2 ** (11 + i / 32)));
const SCALE = Int16Array.from({ length: 353 }, (_, i) => {
  const shift = 10 - (i >> 5);
  return (shift >= 0 ? ILB[i & 31] >> shift : ILB[i & 31] << -shift) << 2;
});

/** Transmit/receive QMF coefficients h0…h11 (h23…h12 mirror them), ×2^13. */
const QMF = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11];

/** One sub-band's adaptive predictor and scale factor. */
class Band {
  /** Pole coefficients a1, a2 (index 0 unused). */
  private readonly a = [0, 0, 0];
  /** Zero coefficients b1…b6. */
  private readonly b = [0, 0, 0, 0, 0, 0, 0];
  /** Quantised differences d(n)…d(n-6). */
  private readonly d = [0, 0, 0, 0, 0, 0, 0];
  /** Partially reconstructed signal p(n)…p(n-2). */
  private readonly p = [0, 0, 0];
  /** Reconstructed signal r(n)…r(n-2). */
  private readonly r = [0, 0, 0];
  /** The zero section's output and the prediction. */
  private sz = 0;
  s = 0;
  /** Log scale factor and scale factor. */
  private nb = 0;
  det: number;

  constructor(
    det: number,
    private readonly nbMax: number,
    /** Where SCALEL/SCALEH read the table: the lower band's log is 2 octaves up (index + 64). */
    private readonly scaleOffset: number,
  ) {
    this.det = det;
  }

  /** LOGSCL/LOGSCH then SCALEL/SCALEH: leak the log scale factor (×127/128), add W, bound it, and take 2^. */
  scale(w: number): void {
    let nb = add(mult(this.nb, 32512), w);
    if (nb < 0) nb = 0;
    else if (nb > this.nbMax) nb = this.nbMax;
    this.nb = nb;
    this.det = SCALE[((nb >> 6) & 511) + this.scaleOffset];
  }

  /** Block 4: the predictor updated with this sample's quantised difference `dq`. */
  adapt(dq: number): void {
    const { a, b, d, p, r } = this;
    d[0] = dq;
    p[0] = add(dq, this.sz); // PARREC
    r[0] = add(this.s, dq); // RECONS

    // UPZERO: each zero leaks (×255/256) and moves ±128 toward agreement of d(n)'s sign with d(n-i)'s.
    const step = dq === 0 ? 0 : 128;
    const s0 = sign(dq);
    for (let i = 6; i > 0; i--) {
      const leaked = mult(b[i], 32640);
      b[i] = sign(d[i]) === s0 ? add(leaked, step) : add(leaked, -step);
      d[i] = d[i - 1];
    }

    // UPPOL2, from the old a1: a2 leaks (×127/128), moves by −a1·4/128 signed by p(n)p(n-1) and ±128 by p(n)p(n-2).
    const p0 = sign(p[0]);
    const p1 = sign(p[1]);
    const a14 = sat(a[1] * 4);
    let wd = p0 === p1 ? add(0, -a14) : a14;
    wd = add(wd >> 7, p0 === sign(p[2]) ? 128 : -128);
    let a2 = add(wd, mult(a[2], 32512));
    if (a2 > 12288) a2 = 12288;
    else if (a2 < -12288) a2 = -12288;
    a[2] = a2;

    // UPPOL1, bounded by the new a2 (stability): a1 leaks (×255/256) and moves ±192.
    let a1 = add(p0 === p1 ? 192 : -192, mult(a[1], 32640));
    const bound = add(15360, -a2);
    if (a1 > bound) a1 = bound;
    else if (add(a1, bound) < 0) a1 = -bound;
    a[1] = a1;
    p[2] = p[1];
    p[1] = p[0];

    // FILTEZ (from b6 down, saturating at each step), FILTEP, PREDIC.
    let sz = 0;
    for (let i = 6; i > 0; i--) sz = add(sz, mult(add(d[i], d[i]), b[i]));
    this.sz = sz;
    r[2] = r[1];
    r[1] = r[0];
    const sp = add(mult(a[1], add(r[1], r[1])), mult(a[2], add(r[2], r[2])));
    this.s = add(sp, sz);
  }
}

/** LIMIT: the reconstructed sub-band signal is 15 bits. */
const limit = (x: number): number => Math.min(16383, Math.max(-16384, x));

/** A G.722 decoder for one stream: feed it the stream's payloads in order. */
export class G722Decoder {
  private readonly low = new Band(32, 18432, 64);
  private readonly high = new Band(8, 22528, 0);
  /** The receive QMF's delay line: (rl + rh, rl − rh) of the last 12 code words, oldest first. */
  private readonly x = new Int32Array(24);

  /** The two 16 kHz samples of the last code word, in time order. */
  private first = 0;
  private second = 0;

  /** Decodes one code word into `first` and `second`. */
  private word(code: number): void {
    const { low, high, x } = this;
    const il = code & 0x3f;
    const ih = code >> 6;

    // Lower band: reconstructed from the 6 bits (INVQBL), adapted on 4 (INVQAL), both with the DET before this code.
    const rl = limit(add(low.s, mult(low.det, QL6[il])));
    const dl = mult(low.det, QL4[il >> 2]);
    low.scale(WL4[il >> 2]);
    low.adapt(dl);

    // Higher band (INVQAH).
    const dh = mult(high.det, QH2[ih]);
    const rh = limit(add(high.s, dh));
    high.scale(WH2[ih]);
    high.adapt(dh);

    // Receive QMF: the difference signal through the even taps gives the first sample, the sum the second.
    x.copyWithin(0, 2);
    x[22] = add(rl, rh);
    x[23] = add(rl, -rh);
    let first = 0;
    let second = 0;
    for (let i = 0; i < 12; i++) {
      first += x[2 * i + 1] * QMF[11 - i];
      second += x[2 * i] * QMF[i];
    }
    this.first = sat(first >> 11);
    this.second = sat(second >> 11);
  }

  /**
   * Decodes `payload` (one code word a byte) into `out` from `at` on: two
   * samples a byte, as many as `out` holds; returns how many it wrote. Every
   * byte updates the state, written or not.
   */
  decode(payload: Uint8Array, out: Int16Array, at: number): number {
    const end = out.length;
    for (let i = 0; i < payload.length; i++) {
      this.word(payload[i]);
      const k = at + 2 * i;
      if (k < end) out[k] = this.first;
      if (k + 1 < end) out[k + 1] = this.second;
    }
    return Math.max(0, Math.min(end - at, 2 * payload.length));
  }
}
