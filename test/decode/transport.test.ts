import { describe, expect, it } from 'vitest';
import { decodeIcmp, decodeIcmpv6 } from '../../src/decode/icmp.js';
import { NEXT_NONE } from '../../src/decode/layer.js';
import { decodeSctp } from '../../src/decode/sctp.js';
import { decodeTcp, TCP_ACK, TCP_PSH } from '../../src/decode/tcp.js';
import { decodeUdp } from '../../src/decode/udp.js';
import { hex, toHex } from '../helpers/packet-builders.js';

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('UDP (RFC 768)', () => {
  it('ports, length and checksum; the payload ends at Length', () => {
    const b = hex(`
      13 c4         # source port 5060
      13 c5         # destination port 5061
      00 0b         # length 11 (8 header + 3 data)
      ab cd         # checksum
      53 49 50      # "SIP"
      00            # trailing byte beyond Length
    `);
    const r = ok(decodeUdp(b, 0));
    expect(r.fields).toEqual({ srcPort: 5060, dstPort: 5061, length: 11, checksum: 0xabcd });
    expect(latin1(r.payload)).toBe('SIP');
  });

  it('Length beyond the capture is clamped with an issue; below 8 is an issue', () => {
    const r = ok(decodeUdp(hex('13c4 13c4 0100 0000 5349'), 0));
    expect(r.issue).toMatch(/clamped/);
    expect(latin1(r.payload)).toBe('SI');
    expect(decodeUdp(hex('13c4 13c4 0007 0000'), 0).ok).toBe(false);
    expect(decodeUdp(hex('13c4 13c4 00'), 0).ok).toBe(false);
  });
});

describe('TCP header (RFC 9293 §3.1)', () => {
  it('ports, sequence and acknowledgment numbers, data offset with options, flags', () => {
    const b = hex(`
      c3 50         # source port 50000
      13 c4         # destination port 5060
      ff ff ff f0   # sequence number 4294967280
      00 00 00 64   # acknowledgment number 100
      60            # data offset 6 (24 bytes), reserved
      18            # flags: PSH ACK
      ff ff         # window
      12 34         # checksum
      00 00         # urgent pointer
      02 04 05 b4   # option: MSS 1460
      41 43 4b      # data "ACK"
    `);
    const r = ok(decodeTcp(b, 0));
    expect(r.fields).toEqual({
      srcPort: 50000,
      dstPort: 5060,
      seq: 0xfffffff0,
      ack: 100,
      headerLength: 24,
      flags: TCP_PSH | TCP_ACK,
      window: 0xffff,
      checksum: 0x1234,
      urgentPointer: 0,
    });
    expect(latin1(r.payload)).toBe('ACK');
  });

  it('data offset below 5 or beyond the capture is an issue', () => {
    expect(decodeTcp(hex('c350 13c4 00000000 00000000 40 10 ffff 0000 0000'), 0).ok).toBe(false);
    expect(decodeTcp(hex('c350 13c4 00000000 00000000 f0 10 ffff 0000 0000'), 0).ok).toBe(false);
  });
});

describe('SCTP (RFC 9260 §3)', () => {
  it('two DATA chunks in one packet, with padding, and a SACK chunk', () => {
    const b = hex(`
      13 c4 13 c4   # source port 5060, destination port 5060
      00 00 00 01   # verification tag
      aa bb cc dd   # checksum (CRC32c, not verified)
      03 00 00 10   # SACK chunk, length 16
      00 00 00 09 00 00 ff ff 00 00 00 00
      00 03 00 13   # DATA chunk: flags U=0 B=1 E=1, length 19 (16 + 3 data)
      00 00 00 0a   #   TSN 10
      00 01 00 02   #   stream 1, stream sequence number 2
      00 00 00 00   #   payload protocol id 0
      41 42 43 00   #   user data "ABC" + 1 padding byte
      00 07 00 12   # DATA chunk: flags U=1 B=1 E=1, length 18
      00 00 00 0b   #   TSN 11
      00 02 00 00   #   stream 2, SSN 0
      00 00 00 2e   #   PPID 46
      44 45         #   user data "DE" (last chunk: padding not captured)
    `);
    const r = ok(decodeSctp(b, 0));
    expect(r.fields.srcPort).toBe(5060);
    expect(r.fields.verificationTag).toBe(1);
    expect(r.fields.chunks.map((c) => c.type)).toEqual([3, 0, 0]);
    const [, d1, d2] = r.fields.chunks;
    expect(d1).toMatchObject({
      tsn: 10,
      stream: 1,
      ssn: 2,
      ppid: 0,
      begin: true,
      end: true,
      unordered: false,
    });
    expect(latin1(d1.data!)).toBe('ABC');
    expect(d2).toMatchObject({ tsn: 11, stream: 2, ssn: 0, ppid: 46, unordered: true });
    expect(latin1(d2.data!)).toBe('DE');
    expect(r.issue).toBeUndefined();
  });

  it('fragment flags B and E are reported per chunk', () => {
    const b = hex('13c4 13c4 00000001 00000000', '00 02 00 11 00000001 0000 0000 00000000 41');
    const c = ok(decodeSctp(b, 0)).fields.chunks[0];
    expect(c.begin).toBe(true);
    expect(c.end).toBe(false);
  });

  it('I-DATA (RFC 8260): message identifier, PPID on the first fragment', () => {
    const b = hex(
      '13c4 13c4 00000001 00000000',
      '40 03 00 15 00000005 0001 0000 00000007 0000002e 41 000000',
    );
    const c = ok(decodeSctp(b, 0)).fields.chunks[0];
    expect(c).toMatchObject({
      type: 64,
      tsn: 5,
      stream: 1,
      mid: 7,
      ppid: 46,
      fsn: 0,
      begin: true,
      end: true,
    });
    expect(latin1(c.data!)).toBe('A');
  });

  it('a chunk running past the capture ends the walk with an issue, earlier chunks kept', () => {
    const b = hex(
      '13c4 13c4 00000001 00000000',
      '00 03 00 11 00000001 0000 0000 00000000 41 000000',
      '00 03 00 40 0000',
    );
    const r = ok(decodeSctp(b, 0));
    expect(r.fields.chunks).toHaveLength(1);
    expect(r.issue).toMatch(/truncated/);
  });

  it('a DATA chunk shorter than its header and a chunk length below 4 are issues', () => {
    expect(ok(decodeSctp(hex('13c4 13c4 00000001 00000000 00 03 00 08 00000001'), 0)).issue).toMatch(
      /shorter/,
    );
    expect(ok(decodeSctp(hex('13c4 13c4 00000001 00000000 00 03 00 02'), 0)).issue).toMatch(/minimum/);
    expect(decodeSctp(hex('13c4 13c4 0000'), 0).ok).toBe(false);
  });
});

describe('ICMP (RFC 792) and ICMPv6 (RFC 4443): recognised, never descended into', () => {
  it('destination unreachable / port unreachable exposes the quoted datagram and ends the walk', () => {
    const b = hex(`
      03 03         # type 3 destination unreachable, code 3 port unreachable
      12 34         # checksum
      00 00 00 00   # unused
      45 00 00 30   # quoted IPv4 header ...
    `);
    const r = ok(decodeIcmp(b, 0));
    expect(r.fields).toMatchObject({ ipVersion: 4, type: 3, code: 3, checksum: 0x1234, error: true });
    expect(toHex(r.fields.quoted)).toBe('45000030');
    expect(r.next).toBe(NEXT_NONE);
  });

  it('echo request is not an error and quotes nothing', () => {
    const r = ok(decodeIcmp(hex('08 00 0000 0001 0001 6162'), 0));
    expect(r.fields.error).toBe(false);
    expect(r.fields.quoted.length).toBe(0);
  });

  it('ICMPv6 types below 128 are errors (RFC 4443 §2.1)', () => {
    expect(ok(decodeIcmpv6(hex('01 04 0000 00000000 60'), 0)).fields.error).toBe(true);
    expect(ok(decodeIcmpv6(hex('80 00 0000 00000000'), 0)).fields.error).toBe(false);
    expect(decodeIcmpv6(hex('01 04'), 0).ok).toBe(false);
  });
});
