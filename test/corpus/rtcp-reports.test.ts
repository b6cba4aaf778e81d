/**
 * RTCP reports by stream on real captures from the shared corpus (skipped
 * when absent or when tshark is not installed), against tshark's RTCP
 * dissector with its round-trip calculation on (`rtcp.show_roundtrip_calculation`,
 * no minimum): for every stream whose receiver reported on it (RFC 3550
 * §6.4.1), the same number of report blocks, largest fraction lost, last
 * cumulative loss and largest jitter, and the same largest round trip within
 * the 2 ms of tshark's whole milliseconds; for every stream with a sender report, the
 * packet count of its last.
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark } from '../helpers/corpus.js';

interface Told {
  blocks: number;
  maxFraction: number;
  lastCumulative: number;
  maxJitter: number;
  roundTrips: number[];
  senderPackets: number | null;
}

const hexSsrc = (s: string) => `0x${s.slice(2).toUpperCase().padStart(8, '0')}`;
/** The host of an endpoint string: `[v6]:port` or `v4:port`. */
const bare = (e: string) => (e.startsWith('[') ? e.slice(1, e.indexOf(']')) : e.replace(/:\d+$/, ''));

/** tshark's SRs and RRs, added up by stream: `SSRC srcHost dstHost` of the stream reported on. */
function tsharkReports(file: string): Map<string, Told> {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-o',
      'rtcp.show_roundtrip_calculation:TRUE',
      '-o',
      'rtcp.roundtrip_min_threshhold:0',
      '-Y',
      'rtcp.pt == 200 || rtcp.pt == 201',
      '-T',
      'fields',
      '-E',
      'occurrence=a',
      '-e',
      'ip.src',
      '-e',
      'ipv6.src',
      '-e',
      'ip.dst',
      '-e',
      'ipv6.dst',
      '-e',
      'rtcp.pt',
      '-e',
      'rtcp.senderssrc',
      '-e',
      'rtcp.sender.packetcount',
      '-e',
      'rtcp.ssrc.identifier',
      '-e',
      'rtcp.ssrc.fraction',
      '-e',
      'rtcp.ssrc.cum_nr',
      '-e',
      'rtcp.ssrc.jitter',
      '-e',
      'rtcp.roundtrip-delay',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 },
  ).toString();
  const told = new Map<string, Told>();
  const at = (k: string) => {
    let t = told.get(k);
    if (t === undefined) {
      t = { blocks: 0, maxFraction: 0, lastCumulative: 0, maxJitter: 0, roundTrips: [], senderPackets: null };
      told.set(k, t);
    }
    return t;
  };
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const c = line.split('\t');
    // Tunnelled captures give the inner addresses last; the corpus's one IPv6-in-IPv4 tunnel (GTP) has IPv6 inside.
    const src = (c[1] || c[0]).split(',').pop()!;
    const dst = (c[3] || c[2]).split(',').pop()!;
    const list = (i: number) => (c[i] === '' ? [] : c[i].split(','));
    const pts = list(4);
    const senders = list(5);
    const counts = list(6).map(Number);
    // The SR's sender info: its SSRC is the first sender SSRC of the SR packets, in order.
    let k = 0;
    pts.forEach((pt, i) => {
      if (pt === '200' && k < counts.length)
        at(`${hexSsrc(senders[i])} ${src} ${dst}`).senderPackets = counts[k++];
    });
    const fractions = list(8).map(Number);
    const ids = list(7).slice(0, fractions.length);
    const cums = list(9).map(Number);
    const jitters = list(10).map(Number);
    const rtts = list(11).map(Number);
    ids.forEach((id, i) => {
      const t = at(`${hexSsrc(id)} ${dst} ${src}`);
      t.blocks++;
      t.maxFraction = Math.max(t.maxFraction, fractions[i]);
      t.lastCumulative = cums[i];
      t.maxJitter = Math.max(t.maxJitter, jitters[i]);
    });
    // A packet's round trip is its (first) report block's.
    if (rtts.length > 0 && ids.length > 0) at(`${hexSsrc(ids[0])} ${dst} ${src}`).roundTrips.push(...rtts);
  }
  return told;
}

const files = corpusPresent ? readdirSync(join(CORPUS_DIR, 'pcap')).sort() : [];

describe.skipIf(!corpusPresent || !hasTshark)('RTCP reports by stream on the corpus, against tshark', () => {
  it('every stream with RTCP about it: blocks, loss, jitter, round trip and sender count as tshark reads them', async () => {
    let compared = 0;
    for (const name of files) {
      const file = join(CORPUS_DIR, 'pcap', name);
      let streams: Awaited<ReturnType<typeof analyzeCapture>>['streams'];
      try {
        streams = (await analyzeCapture(file)).streams;
      } catch {
        continue; // the negative files
      }
      const reported = streams.filter((s) => s.rtcp !== undefined);
      if (reported.length === 0) continue;
      const told = tsharkReports(file);
      for (const s of reported) {
        const r = s.rtcp!;
        const t = told.get(`${s.ssrc} ${bare(s.src)} ${bare(s.dst)}`);
        const where = `${name} ${s.ssrc} ${s.src} → ${s.dst}`;
        expect(t, where).toBeDefined();
        expect([where, r.reports, r.senderPackets], where).toEqual([where, t!.blocks, t!.senderPackets]);
        if (r.reports > 0) {
          const rate = s.codecs[0]?.match(/\/(\d+)/)?.[1];
          expect([r.maxFractionLostPercent, r.cumulativeLost, r.maxJitterMs], where).toEqual([
            Math.round((t!.maxFraction / 256) * 1000) / 10,
            t!.lastCumulative,
            rate === undefined ? null : Math.round((t!.maxJitter / Number(rate)) * 1e6) / 1000,
          ]);
        }
        if (t!.roundTrips.length > 0) {
          expect(r.maxRoundTripMs, where).not.toBeNull();
          // tshark prints whole milliseconds of its own 16.16 fixed-point arithmetic (0.2 ms comes out as 1).
          expect(Math.abs(r.maxRoundTripMs! - Math.max(...t!.roundTrips)), where).toBeLessThanOrEqual(2);
        }
        compared++;
      }
    }
    // Ten captures of the corpus carry RTCP on the addresses their SDP announced.
    expect(compared).toBeGreaterThanOrEqual(15);
  }, 120_000);
});
