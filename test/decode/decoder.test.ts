/**
 * Whole frames through createDecoder(): every encapsulation ends in the same
 * UDP datagram carrying a SIP request, addressed from the innermost IP header.
 */
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/decode/decoder.js';
import type { Payload } from '../../src/decode/payload.js';
import {
  concat,
  ethernet,
  ethernetIpv4Udp,
  ethernetIpv6Udp,
  frame,
  hex,
  ipv4Packet,
  ipv6Packet,
  udpDatagram,
} from '../helpers/packet-builders.js';

const SIP = 'OPTIONS sip:bob@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n';
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Inner IPv4/UDP/SIP: 10.1.1.1:5060 → 10.2.2.2:5080. */
const INNER4 = ipv4Packet({
  src: '10.1.1.1',
  dst: '10.2.2.2',
  protocol: 17,
  payload: udpDatagram('10.1.1.1', '10.2.2.2', 5060, 5080, SIP),
});
/** Inner IPv6/UDP/SIP: 2001:db8::1:5060 → 2001:db8::2:5080. */
const INNER6 = ipv6Packet({
  src: '2001:db8::1',
  dst: '2001:db8::2',
  nextHeader: 17,
  payload: udpDatagram('2001:db8::1', '2001:db8::2', 5060, 5080, SIP),
});
/** Inner Ethernet frame around INNER4. */
const INNER_ETH = ethernet(0x0800, INNER4);

function decodeOne(
  data: Uint8Array,
  linkType = 1,
): { payloads: Payload[]; d: ReturnType<typeof createDecoder> } {
  const d = createDecoder();
  const payloads = d.push(frame(7, data, { linkType, sec: 100, nsec: 250_000_000 }));
  return { payloads, d };
}

function expectInner4(data: Uint8Array, linkType = 1): void {
  const { payloads, d } = decodeOne(data, linkType);
  expect(d.issues).toEqual([]);
  expect(payloads).toHaveLength(1);
  const p = payloads[0];
  expect(p.transport).toBe('udp');
  expect(p.src).toEqual({ ip: '10.1.1.1', port: 5060 });
  expect(p.dst).toEqual({ ip: '10.2.2.2', port: 5080 });
  expect(latin1(p.bytes)).toBe(SIP);
}

function expectInner6(data: Uint8Array, linkType = 1): void {
  const { payloads, d } = decodeOne(data, linkType);
  expect(d.issues).toEqual([]);
  expect(payloads).toHaveLength(1);
  expect(payloads[0].src).toEqual({ ip: '2001:db8::1', port: 5060 });
  expect(payloads[0].dst).toEqual({ ip: '2001:db8::2', port: 5080 });
  expect(latin1(payloads[0].bytes)).toBe(SIP);
}

const ETH_HEADER = (type: string) => hex('02000000000b 02000000000a', type);

describe('createDecoder: plain Ethernet', () => {
  it('Ethernet/IPv4/UDP gives one payload with endpoints, frame, frames and capture time', () => {
    const { payloads, d } = decodeOne(
      ethernetIpv4Udp({ src: '192.0.2.1', dst: '192.0.2.2', sport: 5060, dport: 5060, payload: SIP }),
    );
    expect(payloads).toEqual([
      {
        transport: 'udp',
        src: { ip: '192.0.2.1', port: 5060 },
        dst: { ip: '192.0.2.2', port: 5060 },
        bytes: expect.any(Uint8Array),
        frame: 7,
        frames: [7],
        ts: 100.25,
      },
    ]);
    expect(latin1(payloads[0].bytes)).toBe(SIP);
    expect(d.stats).toMatchObject({ frames: 1, decoded: 1, undecodable: 0, payloads: 1 });
  });

  it('Ethernet/IPv6/UDP gives RFC 5952 addresses', () => {
    const { payloads } = decodeOne(
      ethernetIpv6Udp({
        src: '2001:db8:0:0:0:0:0:1',
        dst: 'fe80::a',
        sport: 5060,
        dport: 5060,
        payload: SIP,
      }),
    );
    expect(payloads[0].src.ip).toBe('2001:db8::1');
    expect(payloads[0].dst.ip).toBe('fe80::a');
  });
});

describe('createDecoder: link layers', () => {
  it('802.1Q single tag', () => expectInner4(concat(ETH_HEADER('8100'), hex('0064 0800'), INNER4)));

  it('QinQ: 802.1ad service tag then 802.1Q customer tag', () =>
    expectInner4(
      concat(
        ETH_HEADER('88a8'),
        hex(`
          000a 8100   # S-tag VID 10, inner TPID 802.1Q
          0014 0800   # C-tag VID 20, EtherType IPv4
        `),
        INNER4,
      ),
    ));

  it('pre-standard 0x9100 outer tag', () =>
    expectInner4(concat(ETH_HEADER('9100'), hex('000a 8100 0014 0800'), INNER4)));

  it('Linux SLL (113)', () => expectInner4(concat(hex('0000 0001 0006 02000000000a0000 0800'), INNER4), 113));

  it('Linux SLL2 (276)', () =>
    expectInner6(concat(hex('86dd 0000 00000002 0001 00 06 02000000000a0000'), INNER6), 276));

  it('NULL (0) little-endian and big-endian, LOOP (108)', () => {
    expectInner4(concat(hex('02000000'), INNER4), 0);
    expectInner4(concat(hex('00000002'), INNER4), 0);
    expectInner6(concat(hex('1e000000'), INNER6), 0);
    expectInner6(concat(hex('00000018'), INNER6), 108);
  });

  it('raw IP: 101, 12 and 14 by version nibble; 228 IPv4; 229 IPv6', () => {
    for (const lt of [101, 12, 14]) {
      expectInner4(INNER4, lt);
      expectInner6(INNER6, lt);
    }
    expectInner4(INNER4, 228);
    expectInner6(INNER6, 229);
  });

  it('PPPoE session + PPP', () =>
    expectInner4(
      concat(
        ETH_HEADER('8864'),
        hex('11 00 0001'),
        Uint8Array.of((INNER4.length + 2) >> 8, (INNER4.length + 2) & 0xff),
        hex('0021'),
        INNER4,
      ),
    ));

  it('PPP link type 9 with HDLC address/control', () => expectInner6(concat(hex('ff03 0057'), INNER6), 9));

  it('an unsupported link type is an undecodable frame with an issue', () => {
    const { payloads, d } = decodeOne(INNER4, 147);
    expect(payloads).toEqual([]);
    expect(d.stats.undecodable).toBe(1);
    expect(d.issues).toEqual([{ frame: 7, layer: 'link', message: 'unsupported link type 147' }]);
  });

  it('ARP is ignored and counted, not an issue', () => {
    const { payloads, d } = decodeOne(concat(ETH_HEADER('0806'), hex('0001 0800 06 04 0001')));
    expect(payloads).toEqual([]);
    expect(d.issues).toEqual([]);
    expect(d.stats.ignoredByProtocol).toEqual({ 'ethertype 0x0806': 1 });
  });
});

const outer4 = (protocol: number, payload: Uint8Array) =>
  ethernet(0x0800, ipv4Packet({ src: '172.16.0.1', dst: '172.16.0.2', protocol, payload }));
const outer6 = (nextHeader: number, payload: Uint8Array) =>
  ethernet(0x86dd, ipv6Packet({ src: 'fd00::1', dst: 'fd00::2', nextHeader, payload }));

describe('createDecoder: IP-in-IP (protocols 4 and 41)', () => {
  it('IPv4 in IPv4', () => expectInner4(outer4(4, INNER4)));
  it('IPv6 in IPv4', () => expectInner6(outer4(41, INNER6)));
  it('IPv4 in IPv6', () => expectInner4(outer6(4, INNER4)));
  it('IPv6 in IPv6', () => expectInner6(outer6(41, INNER6)));

  it('a tunnel nested past the depth limit is an issue, not a loop', () => {
    let p = INNER4;
    for (let i = 0; i < 30; i++)
      p = ipv4Packet({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 4, payload: p });
    const { payloads, d } = decodeOne(ethernet(0x0800, p));
    expect(payloads).toEqual([]);
    expect(d.issues[0]).toMatchObject({ layer: 'decoder' });
  });
});

describe('createDecoder: GRE', () => {
  it('GRE carrying IPv4 (0x0800)', () => expectInner4(outer4(47, concat(hex('0000 0800'), INNER4))));
  it('GRE carrying IPv6 (0x86dd) with a key', () =>
    expectInner6(outer4(47, concat(hex('2000 86dd 00000001'), INNER6))));
  it('GRE transparent Ethernet bridging (0x6558)', () =>
    expectInner4(outer4(47, concat(hex('0000 6558'), INNER_ETH))));

  it('GRE + ERSPAN type II (0x88be with sequence number)', () =>
    expectInner4(
      outer4(
        47,
        concat(
          hex(`
            1000 88be     # GRE: S=1, protocol ERSPAN II
            00000001      # sequence number
            1064 2005 0000000c   # ERSPAN II: ver 1, VLAN 100, session 5, index 12
          `),
          INNER_ETH,
        ),
      ),
    ));

  it('GRE + ERSPAN type III (0x22eb) with the platform sub-header', () =>
    expectInner4(
      outer4(
        47,
        concat(
          hex(`
            1000 22eb          # GRE: S=1, protocol ERSPAN III
            00000001           # sequence number
            2000 000a 00001000 0000 00 07   # ERSPAN III: ver 2, session 10, FT 0, O=1
            0c00000000000000   # platform sub-header
          `),
          INNER_ETH,
        ),
      ),
    ));

  it('GRE + ERSPAN type I (0x88be without sequence number): Ethernet directly', () =>
    expectInner4(outer4(47, concat(hex('0000 88be'), INNER_ETH))));

  it('VLAN / IPv4 / GRE v1 / PPP / IPv4 (PPTP enhanced GRE, as in the nDPI capture)', () =>
    expectInner4(
      concat(
        ETH_HEADER('8100'),
        hex('0064 0800'),
        ipv4Packet({
          src: '172.16.0.1',
          dst: '172.16.0.2',
          protocol: 47,
          payload: concat(
            hex(`
              3001 880b   # K=1 S=1, version 1, protocol PPP
              0000 0001   # payload length (unchecked), call id 1
              00000001    # sequence number
              ff03 0021   # PPP: address, control, protocol IPv4
            `),
            INNER4,
          ),
        }),
      ),
    ));
});

const outerUdp4 = (sport: number, dport: number, payload: Uint8Array) =>
  ethernet(
    0x0800,
    ipv4Packet({
      src: '172.16.0.1',
      dst: '172.16.0.2',
      protocol: 17,
      payload: udpDatagram('172.16.0.1', '172.16.0.2', sport, dport, payload),
    }),
  );

describe('createDecoder: UDP tunnels', () => {
  it('VXLAN on destination port 4789, then Ethernet', () =>
    expectInner4(outerUdp4(49152, 4789, concat(hex('08000000 00012c00'), INNER_ETH))));

  it('a datagram to port 4789 without the VXLAN I flag stays a plain UDP payload', () => {
    const { payloads } = decodeOne(outerUdp4(49152, 4789, concat(hex('00000000 00012c00'), INNER_ETH)));
    expect(payloads).toHaveLength(1);
    expect(payloads[0].dst).toEqual({ ip: '172.16.0.2', port: 4789 });
  });

  it('SIP sent from source port 4789 is not taken for VXLAN (VXLAN is matched on the destination port only)', () => {
    const { payloads } = decodeOne(outerUdp4(4789, 5060, new TextEncoder().encode(SIP)));
    expect(payloads).toHaveLength(1);
    expect(latin1(payloads[0].bytes)).toBe(SIP);
  });

  it('GTP-U G-PDU with an extension header, on port 2152 either side, carrying IPv6', () => {
    const body = concat(
      hex(`
        34         # version 1, PT 1, E 1, S 0, PN 0
        ff         # G-PDU
      `),
      Uint8Array.of(0, 8 + INNER6.length), // length: 4 optional + 4 extension + T-PDU
      hex(`
        0000002a   # TEID 42
        0000 00    # sequence, N-PDU
        85         # next extension: PDU session container
        01 0009 00 # length 1 (4 octets), content, next extension: none
      `),
      INNER6,
    );
    expectInner6(outerUdp4(2152, 2152, body));
    expectInner6(outerUdp4(2152, 40000, body));
  });

  it('GTP-U echo request is ignored, not delivered', () => {
    const { payloads, d } = decodeOne(outerUdp4(2152, 2152, hex('32 01 0004 00000000 0001 00 00')));
    expect(payloads).toEqual([]);
    expect(d.stats.ignoredByProtocol).toEqual({ 'gtp-u': 1 });
  });
});

describe('createDecoder: ICMP errors quoting SIP produce no payload', () => {
  it('ICMP port unreachable quoting a UDP/SIP datagram', () => {
    const quoted = ipv4Packet({
      src: '10.2.2.2',
      dst: '10.1.1.1',
      protocol: 17,
      payload: udpDatagram('10.2.2.2', '10.1.1.1', 5060, 5060, SIP),
    });
    const icmp = concat(hex('03 03 0000 00000000'), quoted);
    const { payloads, d } = decodeOne(
      ethernet(0x0800, ipv4Packet({ src: '10.1.1.1', dst: '10.2.2.2', protocol: 1, payload: icmp })),
    );
    expect(payloads).toEqual([]);
    expect(d.issues).toEqual([]);
    expect(d.stats.ignoredByProtocol).toEqual({ icmp: 1 });
  });

  it('ICMPv6 destination unreachable quoting an IPv6/UDP/SIP datagram', () => {
    const { payloads, d } = decodeOne(outer6(58, concat(hex('01 04 0000 00000000'), INNER6)));
    expect(payloads).toEqual([]);
    expect(d.stats.ignoredByProtocol).toEqual({ icmpv6: 1 });
  });
});

describe('createDecoder: issues', () => {
  it('a truncated IPv4 header makes the frame undecodable, counted by layer', () => {
    const { payloads, d } = decodeOne(concat(ETH_HEADER('0800'), hex('45 00 00 30 00')));
    expect(payloads).toEqual([]);
    expect(d.stats.undecodable).toBe(1);
    expect(d.stats.undecodableByLayer).toEqual({ ipv4: 1 });
    expect(d.issues[0]).toMatchObject({ frame: 7, layer: 'ipv4' });
  });

  it('the issue list is bounded; the rest are counted', () => {
    const d = createDecoder({ maxIssues: 2 });
    for (let i = 1; i <= 5; i++) d.push(frame(i, hex('0000'), { linkType: 1 }));
    expect(d.issues).toHaveLength(2);
    expect(d.stats.undecodable).toBe(5);
    expect(d.stats.issuesDropped).toBe(3);
  });
});
