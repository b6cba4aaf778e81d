/**
 * The TOC byte of an Opus packet (RFC 6716 §3.1): its config gives the mode,
 * bandwidth and frame size, its code the number of frames (§3.2); how much
 * audio a packet holds at 48 kHz (RFC 7587 §4.1), read without decoding it.
 */
import { describe, expect, it } from 'vitest';
import { OPUS_MAX_PACKET_SAMPLES, opusToc } from '../../src/media/opus-toc.js';

/** A TOC byte of config `config`, stereo bit `s` and code `c`. */
const toc = (config: number, s: 0 | 1, c: number) => (config << 3) | (s << 2) | c;

describe('Opus TOC (RFC 6716 §3.1)', () => {
  it('gives each config its frame size from Table 2: SILK 10/20/40/60 ms, Hybrid 10/20, CELT 2.5/5/10/20', () => {
    const sizes = Array.from(
      { length: 32 },
      (_, config) => opusToc(Uint8Array.of(toc(config, 0, 0)))?.frameSamples,
    );
    expect(sizes).toEqual([
      // SILK-only NB, MB, WB
      480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880,
      // Hybrid SWB, FB
      480, 960, 480, 960,
      // CELT-only NB, WB, SWB, FB
      120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
    ]);
  });

  it('counts one frame for code 0, two for codes 1 and 2, M from the second byte for code 3 (§3.2)', () => {
    // Config 31: CELT FB 20 ms.
    expect(opusToc(Uint8Array.of(toc(31, 0, 0)))).toEqual({
      frameSamples: 960,
      frames: 1,
      samples: 960,
      stereo: false,
    });
    expect(opusToc(Uint8Array.of(toc(31, 1, 1), 0, 0))).toMatchObject({
      frames: 2,
      samples: 1920,
      stereo: true,
    });
    expect(opusToc(Uint8Array.of(toc(31, 0, 2), 1, 0))).toMatchObject({ frames: 2, samples: 1920 });
    // Code 3, VBR and padding flags set (0xc0): only the low 6 bits are M.
    expect(opusToc(Uint8Array.of(toc(31, 0, 3), 0xc0 | 5))).toMatchObject({ frames: 5, samples: 4800 });
    // 120 ms, the most a packet may hold: 2 × 60 ms SILK, 48 × 2.5 ms CELT.
    expect(opusToc(Uint8Array.of(toc(3, 0, 1)))?.samples).toBe(OPUS_MAX_PACKET_SAMPLES);
    expect(opusToc(Uint8Array.of(toc(16, 0, 3), 48))?.samples).toBe(OPUS_MAX_PACKET_SAMPLES);
  });

  it('is null for what cannot be an Opus packet: empty (R1), code 3 without its count, M = 0, over 120 ms (R5)', () => {
    expect(opusToc(new Uint8Array(0))).toBeNull();
    expect(opusToc(Uint8Array.of(toc(31, 0, 3)))).toBeNull();
    expect(opusToc(Uint8Array.of(toc(31, 0, 3), 0))).toBeNull();
    // 3 × 60 ms, and 7 × 20 ms.
    expect(opusToc(Uint8Array.of(toc(3, 0, 3), 3))).toBeNull();
    expect(opusToc(Uint8Array.of(toc(31, 0, 3), 7))).toBeNull();
  });
});
