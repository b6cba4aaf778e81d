import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/decode/decoder.js';
import { ethernetIpv4Sctp, frame, hex, sctpData } from '../helpers/packet-builders.js';

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

const data = sctpData;

/** Ethernet/IPv4/SCTP 10.0.0.1:5060 → 10.0.0.2:5060, verification tag 0xabcd, with the given chunks. */
const packet = (...chunks: Uint8Array[]): Uint8Array =>
  ethernetIpv4Sctp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 5060, dport: 5060, chunks });

function feed(...packets: Uint8Array[]) {
  const d = createDecoder();
  const per = packets.map((p, i) => d.push(frame(i + 1, p)));
  return { d, per, all: per.flat() };
}

describe('SCTP user messages (RFC 9260)', () => {
  it('two unfragmented DATA chunks in one packet give two payloads', () => {
    const { all } = feed(
      packet(
        data(1, 0, 0, 3, 'INVITE sip:a SIP/2.0\r\n\r\n'),
        data(2, 1, 0, 3, 'SIP/2.0 100 Trying\r\n\r\n'),
      ),
    );
    expect(all.map((p) => [p.transport, latin1(p.bytes), p.frame])).toEqual([
      ['sctp', 'INVITE sip:a SIP/2.0\r\n\r\n', 1],
      ['sctp', 'SIP/2.0 100 Trying\r\n\r\n', 1],
    ]);
    expect(all[0].src).toEqual({ ip: '10.0.0.1', port: 5060 });
  });

  it('a message fragmented over B, middle and E chunks in TSN order is reassembled with every frame', () => {
    const { per } = feed(
      packet(data(10, 0, 5, 2, 'INVITE ')),
      packet(data(11, 0, 5, 0, 'sip:a ')),
      packet(data(12, 0, 5, 1, 'SIP/2.0')),
    );
    expect(per.map((p) => p.length)).toEqual([0, 0, 1]);
    expect(latin1(per[2][0].bytes)).toBe('INVITE sip:a SIP/2.0');
    expect(per[2][0].frames).toEqual([1, 2, 3]);
    expect(per[2][0].frame).toBe(3);
  });

  it('a fragment out of TSN order drops the partial message (only the simple case is reassembled)', () => {
    const { all, d } = feed(packet(data(10, 0, 5, 2, 'INVITE ')), packet(data(12, 0, 5, 1, 'SIP/2.0')));
    expect(all).toEqual([]);
    expect(d.stats.sctp.partialsDropped).toBe(1);
  });

  it('a retransmitted DATA chunk (same TSN) is not delivered twice', () => {
    const { all, d } = feed(packet(data(7, 0, 0, 3, 'OPTIONS')), packet(data(7, 0, 0, 3, 'OPTIONS')));
    expect(all).toHaveLength(1);
    expect(d.stats.sctp.duplicates).toBe(1);
  });

  it('control chunks alone (INIT, SACK, HEARTBEAT) deliver nothing', () => {
    const { all, d } = feed(packet(hex('03 00 0010 00000009 0000ffff 00000000')));
    expect(all).toEqual([]);
    expect(d.stats.decoded).toBe(1);
  });
});
