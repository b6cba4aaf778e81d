/**
 * RTP streams read back from the real captures of the shared corpus, for
 * their sound and their packet-by-packet analysis (skipped when absent; the
 * tshark part when tshark is not installed): the packets read back for each
 * stream are the ones its figures count, their payloads are the bytes
 * tshark's RTP dissector shows (`rtp.payload`), analysed one by one they give
 * the stream's own figures (RFC 3550 A.1 loss, A.8 jitter), and every stream
 * of a codec decoded here (PCMU, PCMA, G.722) becomes as many seconds of
 * sound as it lasted (RFC 3550 §5.1: laid out by timestamp); G.722 at 16,000
 * samples a second for its clock of 8,000 (RFC 3551 §4.5.2).
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadOpus } from '../../src/media/opus.js';
import { AudioRefused, streamAudio } from '../../src/media/rtp-audio.js';
import { analyseStream } from '../../src/media/stream-analysis.js';
import { readStreamPackets } from '../../src/media/stream-packets.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark, RTP_CAPTURES } from '../helpers/corpus.js';

/**
 * The G.722 streams' sound: its RMS and peak (16-bit) as decoded when this
 * was written. The first is speech (−37 dBFS RMS, peaks at −10 dBFS); the
 * others are a quiet line (their code words the smallest steps around zero).
 */
const G722_SOUND: Record<string, { rms: [number, number]; peak: [number, number] }> = {
  'goffinet_bye-retrans-408.pcapng 0': { rms: [300, 600], peak: [8000, 12000] },
  'goffinet_loops-483-407-ipfrag.pcapng 0': { rms: [0.1, 1], peak: [1, 10] },
  'goffinet_loops-483-407-ipfrag.pcapng 1': { rms: [0.5, 5], peak: [5, 40] },
};

/** tshark's RTP payloads by `ssrc sport dport`, in capture order. */
function tsharkPayloads(file: string): Map<string, string[]> {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-Y',
      'rtp',
      '-T',
      'fields',
      '-e',
      'rtp.ssrc',
      '-e',
      'udp.srcport',
      '-e',
      'udp.dstport',
      '-e',
      'rtp.payload',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 },
  ).toString();
  const m = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const [ssrc, sport, dport, payload] = line.split('\t');
    if (payload === undefined) continue;
    const k = `${Number.parseInt(ssrc, 16)} ${sport} ${dport}`;
    const list = m.get(k) ?? [];
    list.push(payload.replace(/:/g, ''));
    m.set(k, list);
  }
  return m;
}

const portOf = (e: string) => e.slice(e.lastIndexOf(':') + 1);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.skipIf(!corpusPresent)('RTP streams read back from the corpus', () => {
  let compared = 0;
  let decoded = 0;
  let wideband = 0;
  let analysed = 0;

  it.each(RTP_CAPTURES)('%s', async (name) => {
    const file = CORPUS_DIR + 'pcap/' + name;
    const r = await analyzeCapture(file);
    expect(r.streams.length).toBeGreaterThan(0);
    const { streams: packets, truncated } = await readStreamPackets(file, r.streams);
    expect(truncated).toBe(false);
    const tshark = hasTshark ? tsharkPayloads(file) : null;
    const opus = await loadOpus();
    r.streams.forEach((s, i) => {
      const got = packets[i];
      const bytes = got.reduce((n, p) => n + p.payload.length, 0);
      // Every stream counts all its packets: the fax call's 6 G.711 packets sent while its refused T.38 offer
      // held the address (frames 3100-3116) go on counting in the stream already flowing there.
      expect([got.length, bytes]).toEqual([s.packets, s.bytes]);
      // Packet by packet, the same figures as the stream's (the same packets through the same arithmetic).
      const codecs = new Map(s.payloadTypes.map((pt, k) => [pt, s.codecs[k]] as [number, string]));
      const {
        packets: n,
        expected,
        lost,
        maxDeltaMs,
        maxJitterMs,
        sequenceErrors,
      } = analyseStream(got, codecs).summary;
      expect({ n, expected, lost, maxDeltaMs, maxJitterMs, sequenceErrors }).toEqual({
        n: s.packets,
        expected: s.expected,
        lost: s.lost,
        maxDeltaMs: s.maxDeltaMs,
        maxJitterMs: s.maxJitterMs,
        sequenceErrors: s.sequenceErrors,
      });
      analysed++;
      // The same payload bytes as tshark's dissector, where tshark decodes the flow as RTP packet for packet.
      const theirs = tshark?.get(`${Number.parseInt(s.ssrc, 16)} ${portOf(s.src)} ${portOf(s.dst)}`);
      if (theirs !== undefined && theirs.length === got.length) {
        expect(got.map((p) => hex(p.payload))).toEqual(theirs);
        compared++;
      }
      try {
        const a = streamAudio(got, codecs, undefined, opus);
        decoded++;
        // As long as the stream lasted by its arrival times, give or take the jitter of its first and last
        // packets and pauses whose timestamps say less than their arrival (under a second apart, the timestamps win).
        const seconds = a.samples.length / a.rate;
        expect(Math.abs(seconds - s.durationMs / 1000)).toBeLessThanOrEqual(
          Math.max(0.3, s.durationMs / 1000 / 20),
        );
        const sound = G722_SOUND[`${name} ${s.id}`];
        if (s.codecs.some((c) => /^G722\//i.test(c))) {
          expect(a.rate).toBe(16000);
          expect(sound).toBeDefined();
          let sum = 0;
          let peak = 0;
          for (const v of a.samples) {
            sum += v * v;
            peak = Math.max(peak, Math.abs(v));
          }
          const rms = Math.sqrt(sum / a.samples.length);
          expect(rms).toBeGreaterThanOrEqual(sound.rms[0]);
          expect(rms).toBeLessThanOrEqual(sound.rms[1]);
          expect(peak).toBeGreaterThanOrEqual(sound.peak[0]);
          expect(peak).toBeLessThanOrEqual(sound.peak[1]);
          wideband++;
        }
      } catch (e) {
        if (!(e instanceof AudioRefused)) throw e;
        // Only codecs not decoded here are refused.
        expect(s.codecs.some((c) => /^(PCMU|PCMA|G722|opus)\//i.test(c))).toBe(false);
      }
    });
  });

  it('compared payloads with tshark, analysed and decoded streams on most of them', () => {
    expect(analysed).toBeGreaterThanOrEqual(35);
    if (hasTshark) expect(compared).toBeGreaterThanOrEqual(20);
    // 34 decoded when written: 31 of G.711, 3 of G.722.
    expect(decoded).toBeGreaterThanOrEqual(28);
    expect(wideband).toBe(Object.keys(G722_SOUND).length);
  });
});
