/**
 * Max skew, clock drift and freq drift (src/media/clock-drift.ts) on real
 * captures from the shared corpus (skipped when absent or when tshark is not
 * installed). tshark 4.0 prints none of them (its -z rtp,streams stops at
 * jitter; they are only in the Qt dialog), so the expected figures are
 * computed here as Wireshark's dialog computes them (ui/tap-rtp-analysis.c
 * rtppacket_analyse, ui/tap-rtp-common.c rtpstream_info_calculate, restated
 * below, not copied) from the packets as tshark decodes them: its arrival
 * times, sequence numbers and RTP timestamps, our clock rate. Compared on
 * every stream tshark decodes that carries no telephone event nor a payload
 * type without a known clock rate (those we handle on purpose otherwise,
 * clock-drift.ts says why), to 0.005 ms for the
 * max skew, 0.01 ms for the clock drift and 0.0001 % for the freq drift.
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RtpStreamRecord } from '../../src/media/media-tracker.js';
import { analyseRecordedStream } from '../../src/media/stream-analysis.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark, RTP_CAPTURES } from '../helpers/corpus.js';

interface TsharkPacket {
  /** frame.time_relative, ms (Wireshark's rel_ts). */
  ms: number;
  timestamp: number;
}

/** The RTP packets tshark decodes, by "src dst SSRC" (addresses as ours, IPv6 in brackets), in capture order. */
function tsharkPackets(file: string): Map<string, TsharkPacket[]> {
  const fields = ['ip.src', 'ipv6.src', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'rtp.ssrc'];
  const args = ['-r', file, '-Y', 'rtp && !icmp && !icmpv6', '-T', 'fields', '-E', 'separator=/t'];
  for (const f of [...fields, 'frame.time_relative', 'rtp.timestamp']) args.push('-e', f);
  const out = execFileSync('tshark', args, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  const streams = new Map<string, TsharkPacket[]>();
  for (const line of out.toString().split('\n')) {
    const c = line.split('\t');
    if (c.length < 9 || c[6] === '') continue;
    // The innermost addresses (a tunnel lists the outer ones first).
    const addr = (v4: string, v6: string, port: string) =>
      `${v6 ? `[${v6.split(',').pop()}]` : v4.split(',').pop()}:${port.split(',').pop()}`;
    const key = `${addr(c[0], c[1], c[2])} ${addr(c[3], c[4], c[5])} 0x${c[6].slice(2).toUpperCase()}`;
    let list = streams.get(key);
    if (list === undefined) streams.set(key, (list = []));
    list.push({ ms: Number(c[7]) * 1000, timestamp: Number(c[8]) });
  }
  return streams;
}

/**
 * Wireshark's dialog figures of one stream: each packet's nominal time (the
 * timestamp step from the last packet in timestamp order, in ms at `rate`)
 * and arrival time (the arrival step from that packet) added to the previous
 * packet's; skew = nominal − arrival; the least-squares slope of nominal on
 * arrival over every packet; clock drift = (last in-order arrival − first) ·
 * (slope − 1), freq drift (slope − 1) · 100 %.
 */
function wiresharkFigures(packets: readonly TsharkPacket[], rate: number) {
  const first = packets[0];
  let ext = 0;
  let lastTs = first.timestamp;
  let seqExt = 0;
  let time = first.ms;
  let nominal = 0;
  let arrival = 0;
  let maxSkew = 0;
  // Σ arrival, Σ nominal, Σ arrival², Σ arrival · nominal.
  const sum = { t: 0, TS: 0, t2: 0, tTS: 0 };
  for (const p of packets.slice(1)) {
    ext += (p.timestamp - lastTs) | 0;
    lastTs = p.timestamp;
    const inOrder = seqExt <= ext;
    nominal += (ext - seqExt) / (rate / 1000);
    arrival += p.ms - time;
    const skew = nominal - arrival;
    if (Math.abs(skew) > Math.abs(maxSkew)) maxSkew = skew;
    sum.t += arrival;
    sum.TS += nominal;
    sum.t2 += arrival * arrival;
    sum.tTS += arrival * nominal;
    if (inOrder) {
      time = p.ms;
      seqExt = ext;
    }
  }
  const n = packets.length;
  const slope = (n * sum.tTS - sum.t * sum.TS) / (n * sum.t2 - sum.t * sum.t);
  return {
    maxSkewMs: maxSkew,
    clockDriftMs: (time - first.ms) * (slope - 1),
    freqDriftPercent: 100 * (slope - 1),
  };
}

const keyOf = (s: RtpStreamRecord) => `${s.src} ${s.dst} ${s.ssrc}`;

/**
 * The corpus captures with RTP but the fax call's (one way carries telephone
 * events, the other Cisco NSE on PT 100 with no clock rate) and the fuzzed
 * one's (its stream's payload type 99 has no codec): nothing to compare.
 */
const CAPTURES = RTP_CAPTURES.filter(
  (f) => f !== 'heplify_fax-t38-reinvite-megaco.pcap' && f !== 'ndpi_fuzzed-aaa-malformed-sip.pcap',
);

describe.skipIf(!corpusPresent || !hasTshark)(
  'Wireshark max skew, clock drift and freq drift on corpus captures, from the packets tshark decodes',
  () => {
    for (const name of CAPTURES) {
      it(name, async () => {
        const file = `${CORPUS_DIR}pcap/${name}`;
        const theirs = tsharkPackets(file);
        let compared = 0;
        for (const s of (await analyzeCapture(file)).streams) {
          const packets = theirs.get(keyOf(s));
          // Telephone events and payload types without a clock rate: off the line, not as Wireshark (clock-drift.ts).
          const offClock = s.codecs.some((c) => /^telephone-event\//i.test(c) || !/\/\d+/.test(c));
          if (packets === undefined || offClock) continue;
          const a = await analyseRecordedStream(file, s);
          // The same packets (tshark's may miss some it decodes as another protocol).
          if (a.clockRate === null || packets.length !== a.packets.length || packets.length < 2) continue;
          const want = wiresharkFigures(packets, a.clockRate);
          const got = a.summary;
          expect(got.maxSkewMs as number, keyOf(s)).toBeCloseTo(want.maxSkewMs, 2);
          expect(Math.abs((got.clockDriftMs as number) - want.clockDriftMs), keyOf(s)).toBeLessThan(0.01);
          expect(Math.abs((got.freqDriftPercent as number) - want.freqDriftPercent), keyOf(s)).toBeLessThan(
            1e-4,
          );
          compared++;
        }
        expect(compared).toBeGreaterThan(0);
      }, 60_000);
    }
  },
);
