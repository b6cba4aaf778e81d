import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/decode/decoder.js';
import { IpFragmentReassembler } from '../../src/decode/ip-fragments.js';
import type { Payload } from '../../src/decode/payload.js';
import {
  concat,
  ethernet,
  frame,
  hex,
  ipv4Packet,
  ipv4UdpFragments,
  ipv6Packet,
  udpDatagram,
} from '../helpers/packet-builders.js';

const BIG_INVITE = `INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nX-Pad: ${'x'.repeat(300)}\r\nContent-Length: 0\r\n\r\n`;
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const spec = {
  src: '10.0.0.1',
  dst: '10.0.0.2',
  sport: 5060,
  dport: 5060,
  payload: BIG_INVITE,
  ipId: 0x4242,
};

/** Push frames numbered 1.. at one second apart (or at the given seconds); collect payloads. */
function run(frames: Uint8Array[], opts: Parameters<typeof createDecoder>[0] = {}, secs?: number[]) {
  const d = createDecoder(opts);
  const out: Payload[] = [];
  const perFrame: number[] = [];
  frames.forEach((f, i) => {
    const p = d.push(frame(i + 1, f, { sec: secs ? secs[i] : 1000 + i }));
    perFrame.push(p.length);
    out.push(...p);
  });
  return { d, out, perFrame };
}

describe('IPv4 fragment reassembly (RFC 791 §3.2)', () => {
  const frags = ipv4UdpFragments(spec, 160); // 422-byte UDP datagram → fragments of 160, 160, 102 bytes

  it('the builder really cut the datagram in three', () => {
    expect(frags).toHaveLength(3);
  });

  it('in order: nothing until the last fragment, then one datagram with every fragment frame', () => {
    const { out, perFrame, d } = run(frags);
    expect(perFrame).toEqual([0, 0, 1]);
    expect(out[0].frame).toBe(3);
    expect(out[0].frames).toEqual([1, 2, 3]);
    expect(out[0].ts).toBe(1002);
    expect(out[0].src).toEqual({ ip: '10.0.0.1', port: 5060 });
    expect(latin1(out[0].bytes)).toBe(BIG_INVITE);
    expect(d.stats).toMatchObject({ ipFragments: 3, ipReassembled: 1, fragmentSetsDropped: 0 });
  });

  it('out of order: completes at whichever fragment fills the last hole', () => {
    const { out, perFrame } = run([frags[2], frags[0], frags[1]]);
    expect(perFrame).toEqual([0, 0, 1]);
    expect(out[0].frame).toBe(3);
    expect(out[0].frames).toEqual([1, 2, 3]);
    expect(latin1(out[0].bytes)).toBe(BIG_INVITE);
  });

  it('an exact duplicate fragment is dropped: one datagram, its frame not listed', () => {
    const { out, perFrame, d } = run([frags[0], frags[0], frags[1], frags[2]]);
    expect(perFrame).toEqual([0, 0, 0, 1]);
    expect(out[0].frames).toEqual([1, 3, 4]); // the exact duplicate contributed no bytes
    expect(d.stats.fragments.duplicates).toBe(1);
  });

  it('a non-first fragment alone never becomes a payload', () => {
    const { out } = run([frags[1], frags[2]]);
    expect(out).toEqual([]);
  });

  it('a set that never completes is dropped after 30 s of capture time and counted', () => {
    const other = ipv4UdpFragments({ ...spec, ipId: 7 }, 160);
    const { out, d } = run([frags[0], frags[1], other[0], other[1], other[2]], {}, [0, 1, 40, 41, 42]);
    expect(out).toHaveLength(1); // only the second datagram
    expect(out[0].frames).toEqual([3, 4, 5]);
    expect(d.stats.fragmentSetsDropped).toBe(1);
    expect(d.issues.some((i) => i.layer === 'ip-fragments' && /dropped after 30 s/.test(i.message))).toBe(
      true,
    );
  });

  it('incomplete sets left at end of input are dropped and counted by flush()', () => {
    const { d } = run([frags[0]]);
    expect(d.flush()).toEqual([]);
    expect(d.stats.fragmentSetsDropped).toBe(1);
  });

  it('overlapping fragments: bytes received first win, the overlap is reported', () => {
    const udp = udpDatagram('10.0.0.1', '10.0.0.2', 5060, 5060, 'A'.repeat(24)); // 32 bytes
    const mk = (offset: number, data: Uint8Array, more: boolean) =>
      ethernet(
        0x0800,
        ipv4Packet({
          src: '10.0.0.1',
          dst: '10.0.0.2',
          protocol: 17,
          ipId: 9,
          payload: data,
          frag: { offset, more },
        }),
      );
    const overlapping = concat(udp.subarray(8, 16)).map(() => 0x42); // 8 bytes of 'B' claiming bytes 8..16
    const { out, d } = run([
      mk(0, udp.subarray(0, 16), true),
      mk(8, overlapping, true),
      mk(16, udp.subarray(16), false),
    ]);
    expect(out).toHaveLength(1);
    expect(latin1(out[0].bytes)).toBe('A'.repeat(24));
    expect(d.stats.fragments.overlaps).toBe(1);
    expect(d.issues.some((i) => /overlapping IPv4 fragment/.test(i.message))).toBe(true);
  });

  it('datagrams in flight are bounded by held bytes: the oldest is dropped', () => {
    const a = ipv4UdpFragments({ ...spec, ipId: 1 }, 160);
    const b = ipv4UdpFragments({ ...spec, ipId: 2 }, 160);
    const { out, d } = run([a[0], b[0], b[1], b[2]], { fragments: { maxBytes: 450 } });
    expect(out).toHaveLength(1);
    expect(out[0].frames).toEqual([2, 3, 4]);
    expect(d.stats.fragmentSetsDropped).toBe(1);
  });

  it('a fragment reaching past the datagram size limit drops its set', () => {
    const { out, d } = run(ipv4UdpFragments(spec, 160), { fragments: { maxDatagram: 200 } });
    expect(out).toEqual([]);
    expect(d.issues.some((i) => /datagram limit/.test(i.message))).toBe(true);
  });
});

describe('IPv6 fragment reassembly (RFC 8200 §4.5)', () => {
  const udp = udpDatagram('2001:db8::1', '2001:db8::2', 5060, 5060, BIG_INVITE);
  /** IPv6 fragment carrying `data` at `offset`; the fragmentable part starts with a Destination Options header. */
  const fragmentable = concat(hex('11 00 01 04 00000000'), udp); // dest options → UDP
  const v6frag = (offset: number, data: Uint8Array, more: boolean, id = 0x01020304) =>
    ethernet(
      0x86dd,
      ipv6Packet({
        src: '2001:db8::1',
        dst: '2001:db8::2',
        nextHeader: 44,
        payload: concat(
          Uint8Array.of(60, 0, (offset >> 8) & 0xff, (offset & 0xf8) | (more ? 1 : 0)), // next header 60, offset, M
          Uint8Array.of(id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff),
          data,
        ),
      }),
    );

  it('fragments out of order reassemble, and the chain goes on inside the fragmentable part', () => {
    const f1 = v6frag(0, fragmentable.subarray(0, 200), true);
    const f2 = v6frag(200, fragmentable.subarray(200), false);
    const { out } = run([f2, f1]);
    expect(out).toHaveLength(1);
    expect(out[0].src).toEqual({ ip: '2001:db8::1', port: 5060 });
    expect(out[0].frames).toEqual([1, 2]);
    expect(out[0].frame).toBe(2);
    expect(latin1(out[0].bytes)).toBe(BIG_INVITE);
  });

  it('overlapping IPv6 fragments abandon the datagram; later fragments of it are swallowed', () => {
    const f1 = v6frag(0, fragmentable.subarray(0, 200), true);
    const f1b = v6frag(192, fragmentable.subarray(192, 256), true);
    const f2 = v6frag(200, fragmentable.subarray(200), false);
    const { out, d } = run([f1, f1b, f2]);
    expect(out).toEqual([]);
    expect(d.stats.fragmentSetsDropped).toBe(1);
    expect(d.issues.some((i) => /RFC 8200/.test(i.message))).toBe(true);
  });
});

describe('IpFragmentReassembler', () => {
  it('fragments with more to come must carry a multiple of 8 bytes', () => {
    const r = new IpFragmentReassembler();
    const res = r.push('k', 0, true, new Uint8Array(12), 1, 0, 'ipv4');
    expect(res.issue).toMatch(/multiple of 8/);
    expect(r.pending).toBe(0);
  });

  it('two last fragments that disagree on the length drop the datagram', () => {
    const r = new IpFragmentReassembler();
    r.push('k', 16, false, new Uint8Array(8), 1, 0, 'ipv4');
    const res = r.push('k', 16, false, new Uint8Array(16), 2, 0, 'ipv4');
    expect(res.issue).toMatch(/disagree/);
    expect(r.stats.dropped).toBe(1);
  });

  it('the number of datagrams in flight is bounded', () => {
    const r = new IpFragmentReassembler({ maxDatagrams: 2 });
    for (let i = 0; i < 5; i++) r.push(`k${i}`, 0, true, new Uint8Array(8), i, 0, 'ipv4');
    expect(r.pending).toBe(2);
    expect(r.stats.dropped).toBe(3);
    expect(r.stats.heldBytes).toBe(16);
  });
});
