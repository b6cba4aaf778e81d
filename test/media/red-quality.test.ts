/**
 * The estimated MOS of RFC 2198 voice: a `red` stream is rated as the codec
 * of its primary blocks, its lost packets counted after recovery from the
 * redundant blocks of later packets (RFC 2198 §1: "If a packet is lost, the
 * receiver can use the redundant encoding in a subsequent packet to recover
 * the lost data"). On samples/dtmf-red-call.pcap (the IVR's prompt, µ-law in
 * red 105, each packet carrying the one before it, packet 50 of 150 lost)
 * and on timestamp sequences built here (src/media/red-recovery.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedRecovery } from '../../src/media/red-recovery.js';
import { streamQuality } from '../../src/media/stream-quality.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;

/**
 * Packets `0…count-1` of 20 ms at 8 kHz (timestamps 160 apart), each
 * carrying the `depth` packets before it as redundancy, those of `lost`
 * never arriving: what the listener could still play.
 */
function recover(count: number, depth: number, lost: ReadonlySet<number>): number {
  const r = new RedRecovery();
  for (let i = 0; i < count; i++) {
    if (lost.has(i)) continue;
    r.packet(160 * i);
    for (let d = Math.min(depth, i); d >= 1; d--) r.redundant(160 * (i - d));
    r.primary(160 * i);
  }
  return r.recovered;
}

describe('RFC 2198 §1: lost packets a later packet carries', () => {
  it('recovers a packet the next one repeats', () => {
    // Packet 50 lost; packet 51 carries 50 as redundancy.
    expect(recover(150, 1, new Set([50]))).toBe(1);
  });

  it('cannot recover what no packet that came repeats', () => {
    // One copy each: of the run 50, 51, 52 only 52 comes back (in 53); 51 and 50 were only in lost packets.
    expect(recover(150, 1, new Set([50, 51, 52]))).toBe(1);
    // No redundancy at all, or the last packet lost (nothing after it): nothing recovered.
    expect(recover(150, 0, new Set([50]))).toBe(0);
    expect(recover(150, 2, new Set([149]))).toBe(0);
  });

  it('recovers a run as long as the redundancy depth', () => {
    // Two copies each: 50 and 51 both in 52.
    expect(recover(150, 2, new Set([50, 51]))).toBe(2);
  });

  it('counts no recovery of a packet before the first received (RFC 3550 A.3 never counted it lost)', () => {
    // Packet 0 lost: the expected count starts at packet 1, so its copy in packet 1 recovers nothing.
    expect(recover(150, 1, new Set([0]))).toBe(0);
    expect(recover(150, 2, new Set([0, 1, 50]))).toBe(1);
  });

  it('takes a recovery back when the primary turns up late (reordered)', () => {
    const r = new RedRecovery();
    r.primary(0);
    r.redundant(160); // packet 2's copy of packet 1, before packet 1 itself
    r.primary(320);
    expect(r.recovered).toBe(1);
    r.primary(160);
    expect(r.recovered).toBe(0);
  });

  it('does not count a copy further back than the 14-bit offset reaches', () => {
    const r = new RedRecovery();
    r.primary(100_000);
    r.redundant(100_000 - (1 << 14));
    expect(r.recovered).toBe(0);
  });
});

describe('MOS of a RED stream', () => {
  /** The sample's two streams: the figures RFC 3550 A.3 counts (tshark's Lost column alike), the estimate, its note. */
  const sample = [
    {
      // The prompt: µ-law in red 105, packet 50 lost, its audio in 51's copy.
      what: 'the prompt, its lost packet recovered',
      codecs: 'red/8000',
      stream: { expected: 150, lost: 1 },
      recovered: 1,
      note: "RED (RFC 2198) rated as its primary PCMU; 1 lost packet recovered from later packets' redundant blocks, not counted lost",
    },
    {
      // The caller: sequence numbers 1054 and 1055 never came (63 expected, 61 received, tshark: Lost 2, 3.2%);
      // both were telephone events (the end of 1, the first packet of #) that packet 1056 repeats.
      what: 'the caller, its two lost event packets recovered from the copies of the next',
      codecs: 'PCMU/8000,red/8000',
      stream: { expected: 63, packets: 61, lost: 2 },
      recovered: 2,
      note: "RFC 2198 redundancy; 2 lost packets recovered from later packets' redundant blocks, not counted lost",
    },
  ];

  it.each(sample)('rates $what in samples/dtmf-red-call.pcap as clean PCMU', async (c) => {
    const r = await analyzeCapture(join(SAMPLES, 'dtmf-red-call.pcap'));
    const s = r.streams.find((x) => x.codecs.join() === c.codecs);
    expect(s).toMatchObject(c.stream);
    // Nothing lost after recovery: R = 93.2, MOS 4.41, as a clean G.711 stream.
    expect(s?.quality).toMatchObject({
      model: 'G.107',
      codec: 'PCMU',
      r: 93.2,
      mos: 4.41,
      ppl: 0,
      lostPackets: 0,
      recoveredPackets: c.recovered,
    });
    const q = s?.quality;
    expect(q !== undefined && 'assumptions' in q ? q.assumptions : []).toContain(c.note);
  });

  it('counts as lost what redundancy did not bring back', () => {
    // 150 expected, 3 lost in one run, 1 recovered: 2 lost (1.33%), one run.
    // p = 1/148, q = 1/2 → BurstR = 1/(0.006757 + 0.5) = 1.973333
    // Ie,eff = 95·1.333333/(1.333333/1.973333 + 25.1) = 126.666667/25.775676 = 4.914175
    // R = 93.2 − 4.914175 = 88.285825; MOS = 1 + 3.090004 + 88.285825·28.285825·11.714175·7e-6 = 4.294773
    const q = streamQuality(
      {
        media: 'audio',
        codecs: ['red/8000'],
        expected: 150,
        lost: 3,
        meanDeltaMs: 20,
        red: { primary: 'PCMU/8000', recovered: 1 },
      },
      { lossRuns: 1, late: 0, lateRuns: 0 },
    );
    expect(q).toMatchObject({
      codec: 'PCMU',
      lostPackets: 2,
      recoveredPackets: 1,
      ppl: 1.33,
      burstR: 1.97,
      r: 88.3,
      mos: 4.29,
    });
  });

  it('gives a RED stream without voice, or of an unrated codec, its reason', () => {
    const base = { media: 'audio', codecs: ['red/8000'], expected: 150, lost: 0, meanDeltaMs: 20 };
    const none = { lossRuns: 0, late: 0, lateRuns: 0 };
    expect(streamQuality({ ...base, red: { primary: null, recovered: 0 } }, none)).toMatchObject({
      mos: null,
      reason: 'RED whose blocks carried no voice (only comfort noise or telephone events)',
    });
    expect(streamQuality({ ...base, red: { primary: 'opus/48000/2', recovered: 0 } }, none)).toMatchObject({
      mos: null,
      codec: 'opus/48000/2',
      reason: expect.stringMatching(/^RED of ITU-T G\.113 has no entry for Opus/),
    });
  });
});
