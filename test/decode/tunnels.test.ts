import { describe, expect, it } from 'vitest';
import { decodeErspanII, decodeErspanIII } from '../../src/decode/erspan.js';
import { decodeGre } from '../../src/decode/gre.js';
import { decodeGtpU } from '../../src/decode/gtp-u.js';
import { NEXT_NONE } from '../../src/decode/layer.js';
import { decodeVxlan } from '../../src/decode/vxlan.js';
import { hex, toHex } from '../helpers/packet-builders.js';

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

describe('GRE (RFC 2784, RFC 2890, RFC 2637)', () => {
  it('a bare header: protocol type only', () => {
    const r = ok(decodeGre(hex('00 00  08 00  45'), 0));
    expect(r.fields.headerLength).toBe(4);
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('45');
  });

  it('C, K and S flags each add a 4-byte field, in that order', () => {
    const b = hex(`
      b0 00         # C=1, K=1, S=1; version 0
      86 dd         # protocol type IPv6
      12 34 00 00   # checksum 0x1234, reserved1
      00 00 00 2a   # key 42
      00 00 00 07   # sequence number 7
      60            # payload
    `);
    const r = ok(decodeGre(b, 0));
    expect(r.fields).toMatchObject({
      checksumPresent: true,
      keyPresent: true,
      sequencePresent: true,
      version: 0,
      protocolType: 0x86dd,
      checksum: 0x1234,
      key: 42,
      sequence: 7,
      headerLength: 16,
    });
    expect(r.next).toBe(0x86dd);
    expect(toHex(r.payload)).toBe('60');
  });

  it('version 1 (PPTP enhanced GRE): key holds payload length and call id; A flag adds an ack number', () => {
    const b = hex(`
      30 81         # K=1, S=1; A=1, version 1
      88 0b         # protocol type PPP
      00 04 12 34   # payload length 4, call id 0x1234
      00 00 00 01   # sequence number 1
      00 00 00 00   # acknowledgment number 0
      ff 03 00 21   # PPP frame
    `);
    const r = ok(decodeGre(b, 0));
    expect(r.fields.version).toBe(1);
    expect(r.fields.ackPresent).toBe(true);
    expect(r.fields.key).toBe(0x00041234);
    expect(r.fields.headerLength).toBe(16);
    expect(r.next).toBe(0x880b);
    expect(toHex(r.payload)).toBe('ff030021');
  });

  it('ERSPAN without a GRE sequence number is type I: an Ethernet frame follows directly', () => {
    const r = ok(decodeGre(hex('00 00 88 be  02'), 0));
    expect(r.next).toBe(0x6558);
  });

  it('RFC 1701 routing: source route entries up to the null entry are skipped', () => {
    const b = hex(`
      40 00 08 00   # R=1; protocol IPv4
      00 00 00 00   # checksum (absent) + offset
      00 02 00 04   # SRE: address family 2, offset 0, length 4
      0a 00 00 01   #   route data
      00 00 00 00   # null SRE
      45
    `);
    const r = ok(decodeGre(b, 0));
    expect(r.fields.headerLength).toBe(20);
    expect(toHex(r.payload)).toBe('45');
  });

  it('unknown versions and truncated optional fields are issues', () => {
    expect(decodeGre(hex('00 02 08 00'), 0).ok).toBe(false);
    expect(decodeGre(hex('80 00 08 00 12'), 0).ok).toBe(false);
    expect(decodeGre(hex('00'), 0).ok).toBe(false);
  });
});

describe('ERSPAN (draft-foschiano-erspan-03)', () => {
  it('type II: 8-byte header, then an Ethernet frame', () => {
    const b = hex(`
      10 64         # Ver 1, VLAN 100
      20 05         # COS 1, En 0, T 0, session id 5
      00 00 00 0c   # reserved, index 12
      02 00 00 00 00 0b   # inner frame starts (destination MAC)
    `);
    const r = ok(decodeErspanII(b, 0));
    expect(r.fields).toEqual({ version: 1, vlan: 100, cos: 1, sessionId: 5, index: 12, headerLength: 8 });
    expect(r.next).toBe(0x6558);
    expect(toHex(r.payload)).toBe('02000000000b');
  });

  it('type III with the O flag: 12-byte header plus the 8-byte platform sub-header', () => {
    const b = hex(`
      20 00         # Ver 2, VLAN 0
      00 0a         # COS 0, BSO 0, T 0, session id 10
      00 00 10 00   # timestamp 4096
      00 00         # SGT
      00            # P 0, FT 0 (Ethernet), Hw ID high bits
      07            # Hw ID low bits, D 0, Gra 3, O 1
      0c 00 00 00 00 00 00 00   # platform-specific sub-header
      02 00 00 00 00 0b         # inner Ethernet frame
    `);
    const r = ok(decodeErspanIII(b, 0));
    expect(r.fields).toEqual({
      version: 2,
      vlan: 0,
      cos: 0,
      sessionId: 10,
      timestamp: 4096,
      frameType: 0,
      granularity: 3,
      platformSubheader: true,
      headerLength: 20,
    });
    expect(r.next).toBe(0x6558);
    expect(toHex(r.payload)).toBe('02000000000b');
  });

  it('type III without the O flag and frame type 2 (IP) hands on an IP packet', () => {
    const b = hex('2000 000a 00001000 0000 08 00  45');
    const r = ok(decodeErspanIII(b, 0));
    expect(r.fields.headerLength).toBe(12);
    expect(r.fields.frameType).toBe(2);
    expect(r.next).toBe(0x0800);
  });

  it('wrong versions and truncated headers are issues', () => {
    expect(decodeErspanII(hex('2064 2005 0000000c'), 0).ok).toBe(false);
    expect(decodeErspanIII(hex('1000 000a 00001000 0000 00 00'), 0).ok).toBe(false);
    expect(decodeErspanIII(hex('2000 000a 00001000 0000 00 01 0000'), 0).ok).toBe(false);
  });
});

describe('VXLAN (RFC 7348 §5)', () => {
  it('8-byte header with the I flag and a 24-bit VNI, then Ethernet', () => {
    const b = hex(`
      08 00 00 00   # flags: I; reserved
      00 01 2c 00   # VNI 300; reserved
      02 00         # inner Ethernet frame
    `);
    const r = ok(decodeVxlan(b, 0));
    expect(r.fields).toEqual({ flags: 0x08, vni: 300 });
    expect(r.next).toBe(0x6558);
    expect(toHex(r.payload)).toBe('0200');
  });

  it('without the I flag it is not VXLAN', () => {
    expect(decodeVxlan(hex('00 00 00 00 00 01 2c 00'), 0).ok).toBe(false);
  });
});

describe('GTP-U (3GPP TS 29.281 §5)', () => {
  it('G-PDU with the mandatory header only', () => {
    const b = hex(`
      30            # version 1, PT 1, E 0, S 0, PN 0
      ff            # message type 255: G-PDU
      00 02         # length 2
      00 00 00 01   # TEID 1
      45 00         # T-PDU: IPv4
    `);
    const r = ok(decodeGtpU(b, 0));
    expect(r.fields).toMatchObject({
      version: 1,
      protocolType: 1,
      messageType: 255,
      length: 2,
      teid: 1,
      headerLength: 8,
    });
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('4500');
  });

  it('G-PDU with sequence number and an extension header chain (PDU session container)', () => {
    const b = hex(`
      36            # version 1, PT 1, E 1, S 1, PN 0
      ff            # G-PDU
      00 0a         # length 10: 4 optional + 4 extension + 2 T-PDU
      00 00 00 2a   # TEID 42
      00 07         # sequence number 7
      00            # N-PDU number
      85            # next extension header: PDU session container
      01            #   extension length 1 (× 4 octets)
      00 09         #   content: PDU type 0, QFI 9
      00            #   next extension header: none
      60 00         # T-PDU: IPv6
    `);
    const r = ok(decodeGtpU(b, 0));
    expect(r.fields.sequence).toBe(7);
    expect(r.fields.extensions).toEqual([0x85]);
    expect(r.fields.headerLength).toBe(16);
    expect(r.next).toBe(0x86dd);
    expect(toHex(r.payload)).toBe('6000');
  });

  it('signalling messages (echo request) carry nothing to follow', () => {
    const r = ok(decodeGtpU(hex('32 01 0004 00000000 0001 00 00'), 0));
    expect(r.fields.messageType).toBe(1);
    expect(r.next).toBe(NEXT_NONE);
  });

  it('GTP version 2, a zero-length extension header and a chain running off the end are issues', () => {
    expect(decodeGtpU(hex('48 ff 0002 00000001 4500'), 0).ok).toBe(false);
    expect(decodeGtpU(hex('34 ff 0008 00000001 0000 00 85 00 000000'), 0).ok).toBe(false);
    expect(decodeGtpU(hex('34 ff 0008 00000001 0000 00 85 02 000000'), 0).ok).toBe(false);
  });
});
