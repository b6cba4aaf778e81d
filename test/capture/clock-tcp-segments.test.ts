/**
 * The clock offset of merged captures of SIP over TCP and TLS, measured from
 * the TCP segments both capture points saw (capture/clock-segments.ts): the
 * reassembler takes the second file's copy of a segment for a retransmission
 * (RFC 9293 §3.10.7.4: bytes already received) and drops it, so the second
 * file yields no message, but each segment carrying data is in both files
 * with the same bytes, src → dst and sequence number, as a datagram is.
 * NTP's estimate (RFC 5905 §8) then reads as it does for UDP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClockOffsets } from '../../src/capture/clock-offsets.js';
import { clockSegmentDecoder } from '../../src/capture/clock-segments.js';
import { FrameOrigins } from '../../src/capture/frame-origins.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { basicCall } from '../fixtures/flows/index.js';
import { hasTshark } from '../helpers/corpus.js';
import { tsharkMergedSipFrames, withCopyLater, writeTwoHosts } from './two-hosts.js';
import { describeStreamPair } from './two-hosts-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-clock-tcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const THETA = 2.315;
const DELAY = 0.0004;
const tcpCall = () => basicCall({ transport: 'tcp' });
const TCP_SAMPLE = new URL('../../samples/tcp-call.pcap', import.meta.url).pathname;
const TLS = new URL('../fixtures/tls/tls13-aes128gcm.pcap', import.meta.url).pathname;
const TLS_KEYS = new URL('../fixtures/tls/tls13-aes128gcm.keylog', import.meta.url).pathname;

describeStreamPair(
  'clock offset of two capture points on one TCP connection (RFC 5905 §8 from its segments)',
  dir,
  'tcp',
  { theta: THETA, delay: DELAY },
  'by the reassembler as a retransmission (RFC 9293 §3.10.7.4)',
);

describe('captures of SIP over TCP merged with a copy of their own', () => {
  it('a capture of SIP over TCP and its copy shifted by 2.5 s: 2.5 s, from every segment with data', async () => {
    const r = await analyzeCapture([TCP_SAMPLE, TCP_SAMPLE], { timeShifts: [null, parseSeconds('2.5')!] });
    const c = r.source.files![1].clock!;
    expect(c.offsetSeconds).toBe(2.5);
    expect(c.delaySeconds).toBe(0);
    // tshark -Y "tcp.len > 0" lists 16 segments with data in the sample (its 7 messages cut at 200 bytes).
    expect(c.samples).toBe(16);
  });

  it('a TCP segment retransmitted within one file is ambiguous and not matched', async () => {
    const flow = tcpCall();
    const frames = flowToFrames(flow);
    // The INVITE's segment (after the handshake's three) again 0.5 s later, as a retransmission.
    const withRetransmission = withCopyLater(frames, 3, 0.5);
    const p0 = join(dir, 'retransmitted.pcap');
    const p1 = join(dir, 'once.pcap');
    writeFileSync(p0, writePcap(withRetransmission, { linkType: 1 }));
    writeFileSync(p1, writePcap(frames, { linkType: 1 }));
    // File 1 0.75 s ahead: both of file 0 copies come before its own.
    const r = await analyzeCapture([p0, p1], { timeShifts: [null, parseSeconds('0.75')!] });
    const c = r.source.files![1].clock!;
    expect(c.samples).toBe(flow.length - 1);
    expect(c.offsetSeconds).toBe(0.75);
  });

  it('a single file has no clock, and its decoder options are left as they were (nothing noted)', async () => {
    const r = await analyzeCapture(TCP_SAMPLE);
    expect(r.source.files).toBeUndefined();
    const opts = { maxIssues: 5 };
    expect(clockSegmentDecoder(opts, null, null)).toBe(opts);
    expect(clockSegmentDecoder(undefined, null, null)).toBeUndefined();
  });
});

describe('SIP over TLS: the encrypted segments are the same in both files', () => {
  it('measures the offset without the key log, and the same with it (no message counted twice)', async () => {
    const shifts = [null, parseSeconds('-0.75')!];
    const clear = await analyzeCapture([TLS, TLS], { timeShifts: shifts });
    expect(clear.stats.sipMessages).toBe(0);
    const c = clear.source.files![1].clock!;
    expect(c.offsetSeconds).toBe(-0.75);
    expect(c.directions).toBe(2);
    // tshark -Y "tcp.len > 0" lists 11 segments with data: the handshake's and the records'.
    expect(c.samples).toBe(11);
    const keyed = await analyzeCapture([TLS, TLS], {
      timeShifts: shifts,
      tlsKeyLog: readFileSync(TLS_KEYS, 'utf8'),
    });
    expect(keyed.stats.sipMessages).toBeGreaterThan(0);
    expect(keyed.source.files![1].clock).toEqual(c);
  });
});

describe('the segment matcher (ClockOffsets.noteSegment)', () => {
  const A = { ip: '10.0.0.1', port: 5060 };
  const B = { ip: '10.0.0.2', port: 5060 };
  const bytes = new TextEncoder().encode('OPTIONS sip:b SIP/2.0\r\n\r\n');

  /** A matcher of two files told `segments`: [file, time, from, to, sequence number] of `bytes`. */
  const told = (segments: [number, number, typeof A, typeof A, number][]): ClockOffsets => {
    const c = new ClockOffsets(2);
    for (const [file, ts, from, to, seq] of segments) c.noteSegment(file, ts, from, to, seq, bytes);
    return c;
  };

  it('never matches a segment its own file saw twice (a TCP retransmission)', () => {
    const c = told([
      [0, 100, A, B, 1000],
      [0, 100.2, A, B, 1000],
      [1, 101, A, B, 1000],
    ]);
    expect(c.pair(0, 1)).toBeNull();
  });

  it('needs the same sequence number and src → dst, not only the same bytes', () => {
    const c = told([
      [0, 100, A, B, 1000],
      [1, 101, A, B, 2000],
      [1, 101, B, A, 1000],
    ]);
    expect(c.pair(0, 1)).toBeNull();
    c.noteSegment(1, 101, A, B, 1000, bytes);
    expect(c.pair(0, 1)?.offsetSeconds).toBe(1);
  });

  it('notes nothing for a segment without data (SYN, ACK)', () => {
    const c = new ClockOffsets(2);
    c.noteSegment(0, 100, A, B, 1000, new Uint8Array(0));
    c.noteSegment(1, 101, A, B, 1000, new Uint8Array(0));
    expect(c.pair(0, 1)).toBeNull();
  });

  it('a busy TCP connection does not push the SIP messages out of the recent ones', () => {
    const c = new ClockOffsets(2);
    c.note(0, 100, '10.0.0.1:5060', '10.0.0.2:5060', 'INVITE x');
    // More segments than either file remembers (MAX_RECENT, 16384) between the message and its copy.
    for (let k = 0; k < 20_000; k++) c.noteSegment(0, 100 + k * 1e-5, A, B, 1000 + 1460 * k, bytes);
    c.note(1, 101, '10.0.0.1:5060', '10.0.0.2:5060', 'INVITE x');
    expect(c.pair(0, 1)?.samples).toBe(1);
  });

  it('takes each segment file from the frame that completed it', () => {
    const clocks = new ClockOffsets(2);
    const origins = new FrameOrigins();
    origins.note(1, 0, 1);
    origins.note(2, 1, 1);
    const opts = clockSegmentDecoder(undefined, clocks, origins)!;
    opts.onTcpSegment!(A, B, [1], 1000, bytes, 100);
    opts.onTcpSegment!(A, B, [2], 1000, bytes, 100.5);
    expect(clocks.pair(0, 1)?.offsetSeconds).toBe(0.5);
  });
});

describe.skipIf(!hasTshark)('what tshark shows of the same merge (mergecap)', () => {
  it('tshark dissects SIP once for the TCP pair and twice for the UDP pair, as sipscope keeps them', async () => {
    const [a, b] = writeTwoHosts(dir, 'tshark-tcp', tcpCall(), { theta: THETA, delay: DELAY });
    const [ua, ub] = writeTwoHosts(dir, 'tshark-udp', basicCall(), { theta: THETA, delay: DELAY });
    const sipFrames = (x: string, y: string, name: string) => tsharkMergedSipFrames(dir, x, y, name);
    expect((await analyzeCapture([a, b])).stats.sipMessages).toBe(sipFrames(a, b, 'tcp-merged'));
    expect((await analyzeCapture([ua, ub])).stats.sipMessages).toBe(sipFrames(ua, ub, 'udp-merged'));
  });
});
