import { describe, expect, it } from 'vitest';
import { createDecoder, type DecoderOptions } from '../../src/decode/decoder.js';
import type { Payload } from '../../src/decode/payload.js';
import { ethernetIpv4Tcp, frame } from '../helpers/packet-builders.js';

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const CLIENT = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 5060 };
const SERVER = { src: '10.0.0.2', dst: '10.0.0.1', sport: 5060, dport: 40000 };
const ISN = 1000;

/** A client → server segment; `rel` is the offset of its first data byte in the stream (ISN + 1 + rel). */
function c(rel: number, payload = '', flags = 'PA', isn = ISN) {
  return ethernetIpv4Tcp({
    ...CLIENT,
    seq: (isn + 1 + rel) >>> 0,
    ack: 1,
    flags: payload === '' && flags === 'PA' ? 'A' : flags,
    payload,
  });
}
const syn = (isn = ISN) => ethernetIpv4Tcp({ ...CLIENT, seq: isn, flags: 'S' });

/** Push frames numbered 1.. (one second apart unless told); returns what each push gave. */
function feed(frames: Uint8Array[], opts: DecoderOptions = {}, secs?: number[]) {
  const d = createDecoder(opts);
  const per: Payload[][] = frames.map((f, i) => d.push(frame(i + 1, f, { sec: secs ? secs[i] : 100 + i })));
  return { d, per, all: per.flat() };
}

const text = (ps: Payload[]) => ps.map((p) => latin1(p.bytes)).join('');
const summary = (ps: Payload[]) =>
  ps.map((p) => ({ text: latin1(p.bytes), frame: p.frame, gap: p.gap, fin: p.fin }));

describe('TCP stream reassembly', () => {
  it('in order after a SYN: bytes come out as they arrive, no gap', () => {
    const { per, all } = feed([syn(), c(0, 'INVITE '), c(7, 'sip:bob')]);
    expect(per.map((p) => p.length)).toEqual([0, 1, 1]);
    expect(summary(all)).toEqual([
      { text: 'INVITE ', frame: 2, gap: undefined, fin: undefined },
      { text: 'sip:bob', frame: 3, gap: undefined, fin: undefined },
    ]);
    expect(all[0]).toMatchObject({
      transport: 'tcp',
      src: { ip: '10.0.0.1', port: 40000 },
      dst: { ip: '10.0.0.2', port: 5060 },
      frames: [2],
    });
  });

  it('out of order: a segment after a hole is held, then released in stream order with its own frame', () => {
    const { per, all } = feed([syn(), c(0, 'AAAA'), c(8, 'CCCC'), c(4, 'BBBB'), c(12, 'DDDD')]);
    expect(per.map((p) => p.length)).toEqual([0, 1, 0, 2, 1]);
    expect(summary(all).map((s) => [s.text, s.frame, s.gap])).toEqual([
      ['AAAA', 2, undefined],
      ['BBBB', 4, undefined],
      ['CCCC', 3, undefined],
      ['DDDD', 5, undefined],
    ]);
  });

  it('a retransmitted segment gives no second copy of its bytes', () => {
    const { all, d } = feed([syn(), c(0, 'REGISTER'), c(0, 'REGISTER'), c(8, ' sip:x')]);
    expect(text(all)).toBe('REGISTER sip:x');
    expect(all.map((p) => p.frame)).toEqual([2, 4]);
    expect(d.stats.tcpRetransmissions).toBe(1);
  });

  it('an overlapping segment contributes only its new bytes', () => {
    const { all, d } = feed([syn(), c(0, 'ABCDEFGH'), c(4, 'EFGHIJKL')]);
    expect(summary(all).map((s) => s.text)).toEqual(['ABCDEFGH', 'IJKL']);
    expect(d.stats.tcp.overlaps).toBe(1);
  });

  it('held segments overlapping each other and the delivered bytes are trimmed too', () => {
    const { all } = feed([syn(), c(0, 'AB'), c(6, 'GHIJ'), c(4, 'EFGH'), c(1, 'BCDE')]);
    expect(text(all)).toBe('ABCDEFGHIJ');
  });

  it('a hole that never fills is skipped after maxGapSeconds: what follows carries gap: true', () => {
    const { per, d } = feed(
      [syn(), c(0, 'SIP/2.0 200 OK\r\n'), c(100, 'INVITE sip:a SIP/2.0\r\n'), c(122, 'Via: x\r\n')],
      { tcp: { maxGapSeconds: 5 } },
      [0, 1, 2, 20],
    );
    expect(per[2]).toEqual([]);
    expect(summary(per[3])).toEqual([
      { text: 'INVITE sip:a SIP/2.0\r\n', frame: 3, gap: true, fin: undefined },
      { text: 'Via: x\r\n', frame: 4, gap: undefined, fin: undefined },
    ]);
    expect(d.stats.tcpGaps).toBe(1);
    expect(d.stats.tcp.gapBytes).toBe(100 - 16);
    expect(d.issues.some((i) => i.layer === 'tcp' && /84 bytes never captured/.test(i.message))).toBe(true);
  });

  it('a hole is skipped when more segments are held than allowed', () => {
    const { per } = feed([syn(), c(10, 'a'), c(11, 'b'), c(12, 'c')], { tcp: { maxHeldSegments: 2 } });
    expect(per.map((p) => p.length)).toEqual([0, 0, 0, 3]);
    expect(per[3][0].gap).toBe(true);
    expect(text(per[3])).toBe('abc');
  });

  it('flush() at end of input releases held data with gap: true', () => {
    const { d, all } = feed([syn(), c(0, 'A'), c(5, 'F')]);
    expect(text(all)).toBe('A');
    const rest = d.flush();
    expect(summary(rest)).toEqual([{ text: 'F', frame: 3, gap: true, fin: undefined }]);
  });

  it('a connection seen mid-stream starts at the first segment seen, marked gap: true once', () => {
    const { all, d } = feed([c(5000, 'ACK sip:x SIP/2.0\r\n'), c(5019, 'Via: y\r\n')]);
    expect(summary(all).map((s) => [s.text, s.gap])).toEqual([
      ['ACK sip:x SIP/2.0\r\n', true],
      ['Via: y\r\n', undefined],
    ]);
    expect(d.stats.tcp.midstreamStarts).toBe(1);
  });

  it('sequence numbers wrap around 2^32', () => {
    const isn = 0xfffffff8;
    const { all } = feed([
      syn(isn),
      c(0, 'ABCDEFGH', 'PA', isn),
      c(16, 'QRST', 'PA', isn),
      c(8, 'IJKLMNOP', 'PA', isn),
    ]);
    expect(text(all)).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(all.map((p) => p.frame)).toEqual([2, 4, 3]);
  });

  it('FIN on a data segment marks the last chunk fin: true', () => {
    const { all } = feed([syn(), c(0, 'BYE'), c(3, ' sip:x', 'FPA')]);
    expect(summary(all).map((s) => [s.text, s.fin])).toEqual([
      ['BYE', undefined],
      [' sip:x', true],
    ]);
  });

  it('a FIN without data after delivered bytes is signalled once, on an empty chunk', () => {
    const { per } = feed([syn(), c(0, 'BYE'), c(3, '', 'FA'), c(3, '', 'FA')]);
    expect(per.map((p) => p.length)).toEqual([0, 1, 1, 0]);
    expect(per[2][0]).toMatchObject({ frame: 3, fin: true });
    expect(per[2][0].bytes.length).toBe(0);
  });

  it('a FIN on a flow that never carried data delivers nothing', () => {
    const { all } = feed([syn(), c(0, '', 'FA')]);
    expect(all).toEqual([]);
  });

  it('FIN behind a hole releases the held data with gap and fin', () => {
    const { per } = feed([syn(), c(0, 'A'), c(4, 'E', 'FPA')]);
    expect(summary(per[2])).toEqual([{ text: 'E', frame: 3, gap: true, fin: true }]);
  });

  it('RST releases held data with gap and fin', () => {
    const { per } = feed([syn(), c(0, 'A'), c(4, 'E'), c(5, '', 'R')]);
    expect(summary(per[3])).toEqual([{ text: 'E', frame: 3, gap: true, fin: true }]);
  });

  it('zero-length segments (pure ACKs, window updates) deliver nothing', () => {
    const { per } = feed([syn(), c(0), c(0, 'X'), c(1), c(1)]);
    expect(per.map((p) => p.length)).toEqual([0, 0, 1, 0, 0]);
  });

  it('the two directions of a connection are separate streams', () => {
    const { all } = feed([
      syn(),
      ethernetIpv4Tcp({ ...SERVER, seq: 5000, ack: ISN + 1, flags: 'SA' }),
      c(0, 'OPTIONS'),
      ethernetIpv4Tcp({ ...SERVER, seq: 5001, ack: ISN + 8, flags: 'PA', payload: 'SIP/2.0 200 OK' }),
    ]);
    expect(all.map((p) => [latin1(p.bytes), p.src.port])).toEqual([
      ['OPTIONS', 40000],
      ['SIP/2.0 200 OK', 5060],
    ]);
  });

  it('a new SYN with another ISN on the same ports starts a new stream; a retransmitted SYN does not', () => {
    const { all } = feed([syn(), c(0, 'first'), syn(), c(5, '+'), syn(90000), c(0, 'second', 'PA', 90000)]);
    expect(text(all)).toBe('first+second');
  });

  it('flows are bounded: past maxFlows the least recently used is evicted', () => {
    const seg = (sport: number) => ethernetIpv4Tcp({ ...CLIENT, sport, seq: 1, flags: 'PA', payload: 'x' });
    const { d } = feed([seg(1), seg(2), seg(3), seg(1)], { tcp: { maxFlows: 2 } });
    expect(d.stats.tcp.flowsEvicted).toBe(2);
    expect(d.stats.tcp.flows).toBe(2);
  });

  it('idle flows are forgotten after idleTimeoutSeconds of capture time', () => {
    const { d } = feed(
      [c(0, 'x'), ethernetIpv4Tcp({ ...SERVER, seq: 1, flags: 'PA', payload: 'y' })],
      { tcp: { idleTimeoutSeconds: 60 } },
      [0, 100],
    );
    expect(d.stats.tcp.flowsEvicted).toBe(1);
  });
});
