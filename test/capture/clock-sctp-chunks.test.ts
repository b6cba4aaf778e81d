/**
 * The clock offset of merged captures of SIP over SCTP, measured from the
 * DATA chunks both capture points saw (capture/clock-segments.ts): the
 * reassembler drops a DATA chunk whose TSN it has seen (RFC 9260 §6.2: "the
 * data receiver MUST ... treat the DATA chunk as a duplicate"), so the second
 * file yields no message, but each chunk is in both files with the same
 * user data, src → dst, stream and TSN, as a datagram is. NTP's estimate
 * (RFC 5905 §8) then reads as it does for UDP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClockOffsets } from '../../src/capture/clock-offsets.js';
import { clockSegmentDecoder } from '../../src/capture/clock-segments.js';
import { FrameOrigins } from '../../src/capture/frame-origins.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { basicCall } from '../fixtures/flows/index.js';
import { hasTshark } from '../helpers/corpus.js';
import { ethernetIpv4Sctp, frame, hex, sctpData } from '../helpers/packet-builders.js';
import { tsharkMergedSipFrames, withCopyLater, writeTwoHosts } from './two-hosts.js';
import { describeStreamPair } from './two-hosts-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-clock-sctp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const THETA = 2.315;
const DELAY = 0.0004;
const sctpCall = () => basicCall({ transport: 'sctp' });
/** IP payload per SCTP packet that cuts the INVITE and the 200 (with their SDP) into DATA chunk fragments. */
const SMALL_MTU = 300;

/** The single-file capture of the SCTP call, its frames edited by `edit`. */
function writeCall(name: string, edit = (frames: ReturnType<typeof flowToFrames>) => frames): string {
  const p = join(dir, `${name}.pcap`);
  writeFileSync(p, writePcap(edit(flowToFrames(sctpCall())), { linkType: 1 }));
  return p;
}

describeStreamPair(
  'clock offset of two capture points on one SCTP association (RFC 5905 §8 from its DATA chunks)',
  dir,
  'sctp',
  { theta: THETA, delay: DELAY },
  'as a duplicate TSN (RFC 9260 §6.2)',
);

describe('DATA chunks fragmented, retransmitted, in a single file', () => {
  it('each fragment of a fragmented message (RFC 9260 §6.9) is one more chunk seen in both', async () => {
    const [fa, fb] = writeTwoHosts(dir, 'sctp-fragments', sctpCall(), {
      theta: THETA,
      delay: DELAY,
      capture: { mtu: SMALL_MTU },
    });
    const chunks = flowToFrames(sctpCall(), { mtu: SMALL_MTU }).length;
    expect(chunks).toBeGreaterThan(sctpCall().length);
    const r = await analyzeCapture([fa, fb]);
    const c = r.source.files![1].clock!;
    expect(c.samples).toBe(chunks);
    expect(Math.abs(c.offsetSeconds - THETA)).toBeLessThan(1e-6);
    expect(Math.abs(c.delaySeconds! - DELAY)).toBeLessThan(1e-6);
    expect(r.stats.sipMessages).toBe(sctpCall().length);
  });

  it('a DATA chunk retransmitted within one file is ambiguous and not matched', async () => {
    // The INVITE's chunk (the first frame) again 0.5 s later, as a retransmission with its TSN.
    const p0 = writeCall('retransmitted', (frames) => withCopyLater(frames, 0, 0.5));
    const p1 = writeCall('once');
    // File 1 0.75 s ahead: both of file 0 copies come before its own.
    const r = await analyzeCapture([p0, p1], { timeShifts: [null, parseSeconds('0.75')!] });
    const c = r.source.files![1].clock!;
    expect(c.samples).toBe(sctpCall().length - 1);
    expect(c.offsetSeconds).toBe(0.75);
  });

  it('a single file has no clock and the same messages', async () => {
    const r = await analyzeCapture(writeCall('single'));
    expect(r.source.files).toBeUndefined();
    expect(r.stats.sipMessages).toBe(sctpCall().length);
    const opts = { maxIssues: 5 };
    expect(clockSegmentDecoder(opts, null, null)).toBe(opts);
  });
});

describe('the decoder hook (onSctpChunk)', () => {
  const packet = (...chunks: Uint8Array[]) =>
    ethernetIpv4Sctp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 5060, dport: 5060, chunks });

  it('tells every DATA chunk with user data before duplicates are dropped, and no SACK', () => {
    const told: [readonly number[], number, number, string][] = [];
    const d = createDecoder({
      onSctpChunk: (_src, _dst, frames, stream, tsn, data) =>
        told.push([[...frames], stream, tsn, Buffer.from(data).toString('latin1')]),
    });
    const sack = hex('03 00 0010 00000009 0000ffff 00000000');
    d.push(frame(1, packet(sctpData(7, 1, 0, 3, 'OPTIONS'), sack)));
    d.push(frame(2, packet(sctpData(7, 1, 0, 3, 'OPTIONS'))));
    expect(told).toEqual([
      [[1], 1, 7, 'OPTIONS'],
      [[2], 1, 7, 'OPTIONS'],
    ]);
    expect(d.stats.sctp.duplicates).toBe(1);
  });
});

describe('the chunk matcher (ClockOffsets.noteChunk)', () => {
  const A = { ip: '10.0.0.1', port: 5060 };
  const B = { ip: '10.0.0.2', port: 5060 };
  const bytes = new TextEncoder().encode('OPTIONS sip:b SIP/2.0\r\n\r\n');

  it('needs the same stream, TSN and src → dst, not only the same bytes', () => {
    const c = new ClockOffsets(2);
    c.noteChunk(0, 100, A, B, 0, 1000, bytes);
    c.noteChunk(1, 101, A, B, 0, 1001, bytes);
    c.noteChunk(1, 101, A, B, 1, 1000, bytes);
    c.noteChunk(1, 101, B, A, 0, 1000, bytes);
    expect(c.pair(0, 1)).toBeNull();
    c.noteChunk(1, 101, A, B, 0, 1000, bytes);
    expect(c.pair(0, 1)?.offsetSeconds).toBe(1);
  });

  it('never matches a chunk with a TCP segment of the same bytes (sequence number equal to the TSN)', () => {
    const c = new ClockOffsets(2);
    c.noteChunk(0, 100, A, B, 0, 1000, bytes);
    c.noteSegment(1, 101, A, B, 1000, bytes);
    expect(c.pair(0, 1)).toBeNull();
  });

  it('never matches a chunk its own file saw twice (an SCTP retransmission)', () => {
    const c = new ClockOffsets(2);
    c.noteChunk(0, 100, A, B, 0, 1000, bytes);
    c.noteChunk(0, 100.2, A, B, 0, 1000, bytes);
    c.noteChunk(1, 101, A, B, 0, 1000, bytes);
    expect(c.pair(0, 1)).toBeNull();
  });

  it('takes each chunk file from the frame that completed it', () => {
    const clocks = new ClockOffsets(2);
    const origins = new FrameOrigins();
    origins.note(1, 0, 1);
    origins.note(2, 1, 1);
    const opts = clockSegmentDecoder(undefined, clocks, origins)!;
    opts.onSctpChunk!(A, B, [1], 0, 1000, bytes, 100);
    opts.onSctpChunk!(A, B, [2], 0, 1000, bytes, 100.5);
    expect(clocks.pair(0, 1)?.offsetSeconds).toBe(0.5);
  });
});

describe.skipIf(!hasTshark)('what tshark shows of the same merge (mergecap)', () => {
  it('tshark dissects SIP once for the SCTP pair, the second copies being retransmissions, as sipscope keeps them', async () => {
    const [a, b] = writeTwoHosts(dir, 'tshark-sctp', sctpCall(), { theta: THETA, delay: DELAY });
    const sipFrames = tsharkMergedSipFrames(dir, a, b, 'sctp-merged');
    expect((await analyzeCapture([a, b])).stats.sipMessages).toBe(sipFrames);
  });
});
