import { describe, expect, it } from 'vitest';
import { decodeEthernet } from '../../src/decode/ethernet.js';
import { NEXT_NONE } from '../../src/decode/layer.js';
import { decodeNullLoopback } from '../../src/decode/null-loopback.js';
import { decodePpp } from '../../src/decode/ppp.js';
import { decodePppoe } from '../../src/decode/pppoe.js';
import { decodeRawIp, decodeRawIpv4, decodeRawIpv6 } from '../../src/decode/raw-ip.js';
import { decodeSll } from '../../src/decode/sll.js';
import { decodeSll2 } from '../../src/decode/sll2.js';
import { decodeVlan } from '../../src/decode/vlan.js';
import { hex, toHex } from '../helpers/packet-builders.js';

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

describe('Ethernet (IEEE 802.3 §3.2.6)', () => {
  it('an EtherType ≥ 0x0600 names the payload protocol', () => {
    const b = hex(`
      02 00 00 00 00 0b   # destination MAC
      02 00 00 00 00 0a   # source MAC
      08 00               # EtherType: IPv4
      45 00               # payload (start of an IPv4 header)
    `);
    const r = ok(decodeEthernet(b, 0));
    expect(toHex(r.fields.dst)).toBe('02000000000b');
    expect(toHex(r.fields.src)).toBe('02000000000a');
    expect(r.fields.etherType).toBe(0x0800);
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('4500');
  });

  it('an 802.3 length with an RFC 1042 LLC/SNAP header yields the SNAP EtherType', () => {
    const b = hex(`
      ff ff ff ff ff ff   # destination MAC
      02 00 00 00 00 0a   # source MAC
      00 0a               # Length: 10 bytes of LLC data
      aa aa 03            # LLC: DSAP AA, SSAP AA, control UI
      00 00 00            # SNAP OUI 00-00-00
      08 00               # SNAP protocol id: IPv4
      45 00               # data
      00 00 00 00         # padding beyond the length
    `);
    const r = ok(decodeEthernet(b, 0));
    expect(r.fields.length).toBe(10);
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('4500');
  });

  it('an 802.3 frame with plain LLC carries nothing we follow', () => {
    const b = hex('0180c2000000 02000000000a 0026 424203 0000');
    const r = ok(decodeEthernet(b, 0));
    expect(r.next).toBe(NEXT_NONE);
  });

  it('a frame shorter than 14 bytes is an issue, not a throw', () => {
    const r = decodeEthernet(hex('02 00 00 00 00 0b 02 00'), 0);
    expect(r.ok).toBe(false);
  });
});

describe('802.1Q VLAN tag', () => {
  it('decodes PCP, DEI, VID and the inner EtherType', () => {
    const b = hex(`
      a0 64     # TCI: PCP 5, DEI 0, VID 100
      08 00     # inner EtherType: IPv4
      45        # payload
    `);
    const r = ok(decodeVlan(b, 0));
    expect(r.fields).toEqual({ pcp: 5, dei: false, vid: 100, etherType: 0x0800 });
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('45');
  });

  it('an 802.1ad outer tag hands on the 0x8100 inner tag (QinQ walks by registry)', () => {
    const b = hex(`
      10 0a     # TCI: PCP 0, DEI 1, VID 10 (service VLAN)
      81 00     # inner TPID: 802.1Q customer tag
      00 14 08 00
    `);
    const r = ok(decodeVlan(b, 0));
    expect(r.fields).toEqual({ pcp: 0, dei: true, vid: 10, etherType: 0x8100 });
    const inner = ok(decodeVlan(r.payload, 0));
    expect(inner.fields.vid).toBe(20);
    expect(inner.next).toBe(0x0800);
  });

  it('a truncated tag is an issue', () => {
    expect(decodeVlan(hex('a0 64 08'), 0).ok).toBe(false);
  });
});

describe('Linux cooked capture', () => {
  it('SLL (link type 113): packet type, ARPHRD, address and protocol', () => {
    const b = hex(`
      00 04                     # packet type: sent by us
      00 01                     # ARPHRD_ETHER
      00 06                     # address length 6
      02 00 00 00 00 0a 00 00   # address, padded to 8
      86 dd                     # protocol: IPv6
      60                        # payload
    `);
    const r = ok(decodeSll(b, 0));
    expect(r.fields.packetType).toBe(4);
    expect(r.fields.arphrd).toBe(1);
    expect(toHex(r.fields.address)).toBe('02000000000a');
    expect(r.next).toBe(0x86dd);
    expect(toHex(r.payload)).toBe('60');
  });

  it('SLL2 (link type 276): protocol first, then interface index and ARPHRD', () => {
    const b = hex(`
      08 00                     # protocol: IPv4
      00 00                     # reserved
      00 00 00 03               # interface index 3
      00 01                     # ARPHRD_ETHER
      00                        # packet type: to us
      06                        # address length 6
      02 00 00 00 00 0b 00 00   # address, padded to 8
      45                        # payload
    `);
    const r = ok(decodeSll2(b, 0));
    expect(r.fields.interfaceIndex).toBe(3);
    expect(r.fields.packetType).toBe(0);
    expect(toHex(r.fields.address)).toBe('02000000000b');
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('45');
  });

  it('truncated SLL / SLL2 headers are issues', () => {
    expect(decodeSll(new Uint8Array(15), 0).ok).toBe(false);
    expect(decodeSll2(new Uint8Array(19), 0).ok).toBe(false);
  });
});

describe('BSD loopback (NULL 0, LOOP 108)', () => {
  it('AF_INET 2 written little-endian (host order on x86)', () => {
    const r = ok(decodeNullLoopback(hex('02 00 00 00  45'), 0));
    expect(r.fields).toEqual({ family: 2, littleEndian: true });
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('45');
  });

  it('AF_INET 2 written big-endian (LOOP, or a big-endian host)', () => {
    const r = ok(decodeNullLoopback(hex('00 00 00 02  45'), 0));
    expect(r.fields).toEqual({ family: 2, littleEndian: false });
    expect(r.next).toBe(0x0800);
  });

  it.each([24, 28, 30])(
    'AF_INET6 value %i (NetBSD/OpenBSD, FreeBSD, Darwin) in both byte orders is IPv6',
    (af) => {
      expect(ok(decodeNullLoopback(Uint8Array.of(af, 0, 0, 0), 0)).next).toBe(0x86dd);
      expect(ok(decodeNullLoopback(Uint8Array.of(0, 0, 0, af), 0)).next).toBe(0x86dd);
    },
  );

  it('an unknown address family is an issue', () => {
    expect(decodeNullLoopback(hex('07 00 00 00'), 0).ok).toBe(false);
  });
});

describe('raw IP links (101, 12, 14 by version nibble; 228 IPv4; 229 IPv6)', () => {
  it('the version nibble picks IPv4 or IPv6', () => {
    expect(ok(decodeRawIp(hex('45 00'), 0)).next).toBe(0x0800);
    expect(ok(decodeRawIp(hex('60 00'), 0)).next).toBe(0x86dd);
    expect(decodeRawIp(hex('50 00'), 0).ok).toBe(false);
    expect(decodeRawIp(new Uint8Array(0), 0).ok).toBe(false);
  });

  it('link types 228 and 229 fix the version', () => {
    expect(ok(decodeRawIpv4(hex('45'), 0)).next).toBe(0x0800);
    expect(ok(decodeRawIpv6(hex('60'), 0)).next).toBe(0x86dd);
  });
});

describe('PPPoE session (RFC 2516) and PPP (RFC 1661)', () => {
  it('PPPoE session header, payload clamped to LENGTH', () => {
    const b = hex(`
      11        # VER 1, TYPE 1
      00        # CODE 0: session data
      12 34     # SESSION_ID
      00 03     # LENGTH 3 (PPP protocol + 1 byte)
      00 21 45  # PPP: protocol IPv4, data
      00 00     # Ethernet padding
    `);
    const r = ok(decodePppoe(b, 0));
    expect(r.fields).toEqual({ version: 1, type: 1, code: 0, sessionId: 0x1234, length: 3 });
    expect(r.next).toBe(0x880b);
    expect(toHex(r.payload)).toBe('002145');
  });

  it('PPPoE discovery frames and wrong versions are issues', () => {
    expect(decodePppoe(hex('11 09 0000 0000'), 0).ok).toBe(false);
    expect(decodePppoe(hex('21 00 0000 0000'), 0).ok).toBe(false);
  });

  it('PPPoE LENGTH beyond the capture is clamped with an issue', () => {
    const r = ok(decodePppoe(hex('11 00 0001 0010 0021 45'), 0));
    expect(r.issue).toMatch(/clamped/);
    expect(toHex(r.payload)).toBe('002145');
  });

  it('PPP protocol 0x0021 is IPv4 and 0x0057 IPv6', () => {
    expect(ok(decodePpp(hex('00 21 45'), 0)).next).toBe(0x0800);
    expect(ok(decodePpp(hex('00 57 60'), 0)).next).toBe(0x86dd);
  });

  it('PPP with HDLC address/control (ff 03) and a compressed one-byte protocol field', () => {
    const r = ok(
      decodePpp(
        hex(`
          ff 03   # All-Stations address, UI control (RFC 1662 §3.2)
          21      # protocol field compressed to one odd byte: IPv4
          45
        `),
        0,
      ),
    );
    expect(r.fields).toEqual({ protocol: 0x21, addressControl: true });
    expect(r.next).toBe(0x0800);
    expect(toHex(r.payload)).toBe('45');
  });

  it('PPP control protocols (LCP 0xc021) are recognised and not followed', () => {
    const r = ok(decodePpp(hex('c0 21 01 01 00 04'), 0));
    expect(r.fields.protocol).toBe(0xc021);
    expect(r.next).toBe(NEXT_NONE);
  });
});
