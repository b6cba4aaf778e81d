import { describe, expect, it } from 'vitest';
import { ipv4ToString, ipv6ToString } from '../../src/decode/address.js';
import { decodeIpv4, isIpv4Fragment } from '../../src/decode/ipv4.js';
import { decodeIpv6, walkIpv6Extensions } from '../../src/decode/ipv6.js';
import { hex, ipv6, toHex } from '../helpers/packet-builders.js';

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

const IPV4_FIRST_FRAGMENT = hex(`
  45            # version 4, IHL 5 (20-byte header)
  b8            # TOS (DSCP EF)
  00 1d         # total length 29: 20 header + 9 data
  ab cd         # identification
  20 00         # flags: MF set; fragment offset 0
  40            # TTL 64
  11            # protocol 17 (UDP)
  00 00         # header checksum (not verified)
  0a 00 00 01   # source 10.0.0.1
  c0 a8 01 fe   # destination 192.168.1.254
  13 c4 13 c4 00 40 00 00 ff   # 9 data bytes
  00 00 00 00   # Ethernet padding after total length
`);

describe('IPv4 header (RFC 791 §3.1)', () => {
  it('decodes every field and ends the payload at Total Length (padding stripped)', () => {
    const r = ok(decodeIpv4(IPV4_FIRST_FRAGMENT, 0));
    expect(r.fields).toEqual({
      version: 4,
      headerLength: 20,
      tos: 0xb8,
      totalLength: 29,
      id: 0xabcd,
      dontFragment: false,
      moreFragments: true,
      fragmentOffset: 0,
      ttl: 64,
      protocol: 17,
      checksum: 0,
      src: 0x0a000001,
      dst: 0xc0a801fe,
    });
    expect(r.next).toBe(17);
    expect(toHex(r.payload)).toBe('13c413c400400000ff');
    expect(isIpv4Fragment(r.fields)).toBe(true);
    expect(ipv4ToString(r.fields.src)).toBe('10.0.0.1');
    expect(ipv4ToString(r.fields.dst)).toBe('192.168.1.254');
  });

  it('IHL counts 32-bit words: options are skipped', () => {
    const b = hex(`
      46 00 00 1c 0000 4000 40 11 0000 01020304 05060708   # IHL 6, DF, total 28
      01 01 01 00   # options: NOP NOP NOP EOL
      aa bb cc dd   # data
    `);
    const r = ok(decodeIpv4(b, 0));
    expect(r.fields.headerLength).toBe(24);
    expect(r.fields.dontFragment).toBe(true);
    expect(isIpv4Fragment(r.fields)).toBe(false);
    expect(toHex(r.payload)).toBe('aabbccdd');
  });

  it('fragment offset is in 8-byte units', () => {
    const b = hex('45 00 0018 0001 00b9 40 11 0000 0a000001 0a000002 0102030405060708'); // offset 185 × 8
    const r = ok(decodeIpv4(b, 0));
    expect(r.fields.fragmentOffset).toBe(1480);
    expect(r.fields.moreFragments).toBe(false);
    expect(isIpv4Fragment(r.fields)).toBe(true);
  });

  it('Total Length beyond the captured bytes is clamped with an issue (snaplen)', () => {
    const b = hex('45 00 05dc 0001 0000 40 11 0000 0a000001 0a000002 0102');
    const r = ok(decodeIpv4(b, 0));
    expect(r.issue).toMatch(/clamped/);
    expect(toHex(r.payload)).toBe('0102');
  });

  it('Total Length 0 (segmentation offload) uses the captured length', () => {
    const r = ok(decodeIpv4(hex('45 00 0000 0001 0000 40 06 0000 0a000001 0a000002 0102'), 0));
    expect(r.issue).toMatch(/offload/);
    expect(r.payload.length).toBe(2);
  });

  it('bad version, IHL below 5, truncated header and Total Length below the header are issues', () => {
    expect(decodeIpv4(hex('55 00 0014 0000 0000 40 11 0000 0a000001 0a000002'), 0).ok).toBe(false);
    expect(decodeIpv4(hex('44 00 0014 0000 0000 40 11 0000 0a000001 0a000002'), 0).ok).toBe(false);
    expect(decodeIpv4(hex('45 00 0014 0000 0000 40 11 0000 0a000001 0a00'), 0).ok).toBe(false);
    expect(decodeIpv4(hex('4f 00 0014 0000 0000 40 11 0000 0a000001 0a000002'), 0).ok).toBe(false);
    expect(decodeIpv4(hex('45 00 0010 0000 0000 40 11 0000 0a000001 0a000002'), 0).ok).toBe(false);
  });
});

const IPV6_EXT_CHAIN = hex(`
  60 00 00 00         # version 6, traffic class 0, flow label 0
  00 28               # payload length 40
  00                  # next header: Hop-by-Hop Options
  40                  # hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # source 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02   # destination 2001:db8::2
  2b 00 01 04 00 00 00 00   # Hop-by-Hop: next Routing (43), Hdr Ext Len 0 (8 bytes), PadN
  3c 00 04 00 00 00 00 00   # Routing: next Destination Options (60), len 0, type 4, segments left 0
  33 00 01 04 00 00 00 00   # Destination Options: next AH (51), len 0, PadN
  11 01 00 00 00 00 00 01   # AH: next UDP (17), Payload Len 1 → (1+2)×4 = 12 bytes, reserved, SPI 1
  00 00 00 07               #   AH sequence number 7 (no ICV for this fixture)
  13 c4 13 c4               # UDP: ports 5060 → 5060 (payload starts here)
`);

describe('IPv6 header and extension headers (RFC 8200 §3, §4)', () => {
  it('walks Hop-by-Hop, Routing, Destination Options and AH to the upper layer', () => {
    const r = ok(decodeIpv6(IPV6_EXT_CHAIN, 0));
    expect(r.fields.version).toBe(6);
    expect(r.fields.payloadLength).toBe(40);
    expect(r.fields.nextHeader).toBe(0);
    expect(r.fields.hopLimit).toBe(64);
    expect(ipv6ToString(r.fields.src, 0)).toBe('2001:db8::1');
    expect(ipv6ToString(r.fields.dst, 0)).toBe('2001:db8::2');
    expect(r.fields.extensions.map((e) => [e.type, e.length])).toEqual([
      [0, 8],
      [43, 8],
      [60, 8],
      [51, 12],
    ]);
    expect(r.fields.protocol).toBe(17);
    expect(r.fields.fragment).toBeUndefined();
    expect(r.next).toBe(17);
    expect(toHex(r.payload)).toBe('13c413c4');
  });

  it('traffic class and flow label straddle byte boundaries', () => {
    const b = hex('6b a1 23 45  0000 3b 01', '0'.repeat(64));
    const r = ok(decodeIpv6(b, 0));
    expect(r.fields.trafficClass).toBe(0xba);
    expect(r.fields.flowLabel).toBe(0x12345);
    expect(r.next).toBe(59); // No Next Header
  });

  it('a Fragment header stops the walk: offset, M flag, identification and the next header are reported', () => {
    const b = hex(`
      60 00 00 00 00 10 2c 40   # payload length 16, next header Fragment (44)
      fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01   # fe80::1
      fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02   # fe80::2
      11 00                     # Fragment: next header UDP, reserved
      05 a9                     # fragment offset 181 (× 8 = 1448), res 0, M = 1
      de ad be ef               # identification
      01 02 03 04 05 06 07 08   # fragment data
    `);
    const r = ok(decodeIpv6(b, 0));
    expect(r.fields.fragment).toEqual({ offset: 1448, more: true, id: 0xdeadbeef, nextHeader: 17 });
    expect(r.next).toBe(17);
    expect(toHex(r.payload)).toBe('0102030405060708');
  });

  it('an atomic fragment (offset 0, M 0; RFC 6946) is processed as a whole packet', () => {
    const b = hex('60000000 000c 2c 40', '00'.repeat(32), '11 00 0000 00000001', '13c413c4');
    const r = ok(decodeIpv6(b, 0));
    expect(r.fields.fragment).toBeUndefined();
    expect(r.fields.extensions.map((e) => e.type)).toEqual([44]);
    expect(r.next).toBe(17);
    expect(toHex(r.payload)).toBe('13c413c4');
  });

  it('ESP (50) ends the walk: the rest is encrypted', () => {
    const b = hex('60000000 0008 32 40', '00'.repeat(32), '0000000100000001');
    expect(ok(decodeIpv6(b, 0)).next).toBe(50);
  });

  it('walkIpv6Extensions continues a chain inside a reassembled fragmentable part', () => {
    const part = hex('11 00 01 04 00 00 00 00   13c4 13c4');
    const w = walkIpv6Extensions(part, 0, 60, part.length);
    expect(typeof w).toBe('object');
    if (typeof w === 'object') {
      expect(w.protocol).toBe(17);
      expect(w.offset).toBe(8);
    }
  });

  it('payload length beyond the capture is clamped; truncated extension headers are issues', () => {
    const clamped = ok(decodeIpv6(hex('60000000 0100 11 40', '00'.repeat(32), '13c4'), 0));
    expect(clamped.issue).toMatch(/clamped/);
    expect(clamped.payload.length).toBe(2);
    expect(decodeIpv6(hex('60000000 0004 00 40', '00'.repeat(32), '11000000'), 0).ok).toBe(false);
    expect(decodeIpv6(hex('40000000 0000 11 40', '00'.repeat(32)), 0).ok).toBe(false);
    expect(decodeIpv6(hex('60000000'), 0).ok).toBe(false);
  });
});

describe('RFC 5952 IPv6 text', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3: equal runs, the first is shortened
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: never "::" for one group
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3: the longest run
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['2001:DB8:AC10:FE01:0:0:0:0', '2001:db8:ac10:fe01::'], // §4.3 lowercase
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'], // §5 IPv4-mapped
  ])('%s → %s', (input, text) => {
    expect(ipv6ToString(ipv6(input), 0)).toBe(text);
  });

  it('reads at an offset', () => {
    const b = new Uint8Array(20);
    b.set(ipv6('2001:db8::7'), 4);
    expect(ipv6ToString(b, 4)).toBe('2001:db8::7');
  });
});
