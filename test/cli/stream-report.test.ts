/**
 * `sipscope analyze FILE --stream ID`: one RTP stream packet by packet, as
 * Wireshark's RTP Stream Analysis (RFC 3550 A.1 sequence, A.8 jitter): on
 * the sample's lossy stream, the two packets after a gap say how many were
 * lost before them; Wireshark's max skew, clock drift and freq drift on a
 * line of their own; `--json` gives the same packets and the summary; bad
 * usage exits 2.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze-command.js';
import { Output } from '../../src/cli/output.js';
import { driftLine } from '../../src/cli/stream-report.js';
import type { AnalysedPacket, StreamAnalysisSummary } from '../../src/media/stream-analysis.js';
import { analyseStream } from '../../src/media/stream-analysis.js';
import { streamPacket } from '../fixtures/rtp-frames.js';
import { spyOutput } from '../helpers/spy-output.js';

let err = '';
beforeEach(() => {
  err = '';
});
spyOutput((s) => {
  err += s;
});

const RTP = new URL('../../samples/call-with-rtp.pcap', import.meta.url).pathname;

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: Buffer[] = [];
  const out = new Output((b) => chunks.push(Buffer.from(b)));
  const code = await runAnalyze(args, out);
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

describe('sipscope analyze --stream', () => {
  it('lists the RFC 4733 events of a stream that carried DTMF, one per key press', async () => {
    const { code, out } = await run([
      new URL('../../samples/dtmf-call.pcap', import.meta.url).pathname,
      '--stream',
      '0',
    ]);
    expect(code).toBe(0);
    const lines = out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('DTMF'));
    expect(lines.slice(at, at + 3)).toEqual([
      'DTMF (RFC 4733): 1 2 3 4 #',
      // The sample's call starts at its INVITE; the first press 3 s after, 120 ms, 8 packets (the end sent 3 times).
      '  1      frame     104     3.000000 s    120.0 ms  -10 dBm0  8 packets',
      '  2      frame     137     3.500000 s    120.0 ms  -10 dBm0  8 packets',
    ]);
  });

  it('says what the red packets (RFC 2198) of a stream carried and lists the digits read from their blocks', async () => {
    const { code, out } = await run([
      new URL('../../samples/dtmf-red-call.pcap', import.meta.url).pathname,
      '--stream',
      '0',
    ]);
    expect(code).toBe(0);
    const lines = out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('RFC 2198'));
    expect(lines.slice(at, at + 4)).toEqual([
      'RFC 2198 redundancy (red): blocks of telephone-event/8000',
      'DTMF (RFC 4733): 1 #',
      '  1      frame     102     3.000000 s    120.0 ms  -10 dBm0  6 packets',
      '  #      frame     117     3.220000 s    120.0 ms  -10 dBm0  7 packets',
    ]);
  });

  it('prints the stream packet by packet, the packets after a loss saying how many went missing', async () => {
    const { code, out } = await run([RTP, '--stream', '1']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'RTP stream 1: 10.0.0.1:49170 → 10.0.0.2:3456, SSRC 0x1A2B3C4D, PCMU/8000, call 0',
      '496 packets of 499 expected, lost 3 (0.6%), 2 sequence errors; delta max 60.000 ms, mean 20.121 ms; jitter max 3.453 ms, mean 0.121 ms (clock 8000 Hz)',
    ]);
    // Wireshark's Max Skew, Clock Drift and Freq Drift: the packet 30 ms late is the largest skew; the sender's
    // clock keeps 8000 Hz (the late packets lean the line by 1 ppm: -0.105 ms over the 10 s, 7999.915 Hz).
    expect(lines[2]).toBe('max skew -30.000 ms; clock drift 0 ms, freq drift 8000 Hz (0.00 %)');
    // The E-model estimate (ITU-T G.107) on its own line: 3 lost in 2 runs, the late packets within the buffer.
    expect(lines[3]).toBe(
      'MOS (E-model, ITU-T G.107): 4.36, R 91.0; PCMU Ie 0 Bpl 25.1, loss 0.6% (3 lost, 0 past the 60 ms jitter buffer, BurstR 1.49), delay not counted (no RTCP round trip)',
    );
    expect(lines.length).toBe(6 + 496);
    expect(lines.filter((l) => l.includes('wrong sequence'))).toEqual([
      '    209     4.060000   1102       20320    0     60.000      0.000      0.000  wrong sequence: 2 lost before it',
      '    506     7.040000   1251       44160    0     40.000      0.000      0.000  wrong sequence: 1 lost before it',
    ]);
    // Packets 300 and 301 arrived 30 and 12 ms late: skew −30 and −12 ms, the jitter rising with each
    // (A.8: J += (|D| − J)/16, D = 30, then 18, then 12 ms), the next one on time.
    expect(lines.filter((l) => /^\s+\d+\s+[\d.]+\s+130[0-2] /.test(l))).toEqual([
      '    605     8.050000   1300       52000    0     50.000      1.875    -30.000',
      '    607     8.052000   1301       52160    0      2.000      2.883    -12.000',
      '    608     8.060000   1302       52320    0      8.000      3.453      0.000',
    ]);
    expect(err).toBe('');
  });

  it('says why a stream has no Wireshark drift line: one packet gives no line, an unknown clock rate no skew', () => {
    const pcmu = new Map([[0, 'PCMU/8000']]);
    expect(driftLine(analyseStream([streamPacket(0)], pcmu).summary)).toEqual([
      'max skew 0.000 ms; clock drift and freq drift: none (too few packets for a line)',
    ]);
    expect(driftLine(analyseStream([streamPacket(0), streamPacket(1)], new Map()).summary)).toEqual([]);
    // A sender 0.5 % slow: its last packet, stamped 9.98 s after the first, arrives 9.98 · 8000 / 7960 =
    // 10.030151 s after it (skew −50.151 ms); printed in the precision of Wireshark's dialog.
    const slow = Array.from({ length: 500 }, (_, i) => streamPacket(i, { ts: 5 + (160 * i) / 7960 }));
    expect(driftLine(analyseStream(slow, pcmu).summary)).toEqual([
      'max skew -50.151 ms; clock drift -50 ms, freq drift 7960 Hz (-0.50 %)',
    ]);
  });

  it('gives the same packets as JSON', async () => {
    const { code, out } = await run([RTP, '--stream', '1', '--json']);
    expect(code).toBe(0);
    const j = JSON.parse(out) as {
      stream: { id: number };
      clockRate: number;
      summary: StreamAnalysisSummary;
      packets: AnalysedPacket[];
    };
    expect([j.stream.id, j.clockRate, j.packets.length]).toEqual([1, 8000, 496]);
    // The summary the API sends with the packets, Wireshark's drift figures in it.
    expect([j.summary.packets, j.summary.maxSkewMs, j.summary.clockDriftMs, j.summary.freqDriftHz]).toEqual([
      496, -30, -0.105, 7999.915,
    ]);
    expect(j.packets.filter((p) => p.lostBefore > 0).map((p) => p.frame)).toEqual([209, 506]);
  });

  it.each([
    [['--stream', '9'], `no stream '9' in ${RTP} (it has 3: see the RTP streams of sipscope analyze)`],
    [['--stream', '1', '--call', '0'], '--call and --stream exclude each other'],
    [['--stream', '1', '--csv'], '--csv is the call list; it goes with neither --json, --call nor --stream'],
  ])('exits 2 on %j', async (args, line) => {
    const { code, out } = await run([RTP, ...args]);
    expect([code, out]).toEqual([2, '']);
    expect(err).toBe(`sipscope analyze: ${line}\n`);
  });
});
