import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHep, hep3Length, startsLikeHep3 } from '../../src/decode/hep.js';
import { bytesOf, concat, hex } from '../helpers/packet-builders.js';
import { hep3 } from './hep-build.js';

const TRYING =
  'SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKinv1\r\n' +
  'From: "Alice" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n' +
  'Call-ID: basic-1@10.0.0.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';

/** What sngrep 1.6 sends for frame 2 of samples/basic-call.pcap (`sngrep -I … -H udp:…`), byte for byte. */
const SNGREP_TRYING = concat(
  hex(`
    48455033      # "HEP3"
    0133          # total length 307
    0000 0001 0007  02          # IP family: IPv4
    0000 0002 0007  11          # IP protocol: 17 (UDP)
    0000 0007 0008  13c4        # source port 5060
    0000 0008 0008  13c4        # destination port 5060
    0000 0009 000a  6553f100    # seconds 1700000000
    0000 000a 000a  00002710    # microseconds 10000
    0000 000b 0007  01          # protocol type 1 (SIP)
    0000 000c 000a  07d20000    # capture agent id (sngrep writes 2002 in host order)
    0000 0003 000a  0a000002    # IPv4 source 10.0.0.2
    0000 0004 000a  0a000001    # IPv4 destination 10.0.0.1
    0000 000f 00d6              # payload, 214 - 6 bytes
  `),
  bytesOf(TRYING),
);

const OPTIONS = 'OPTIONS sip:x@[2001:db8::2] SIP/2.0\r\nContent-Length: 0\r\n\r\n';

describe('HEP3 decoding', () => {
  it('decodes what sngrep sends: IPv4, UDP, ports, time, agent id, SIP payload', () => {
    const r = decodeHep(SNGREP_TRYING, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.issue).toBeUndefined();
    expect(r.fields).toMatchObject({
      version: 3,
      family: 'ipv4',
      ipProtocol: 17,
      srcIp: '10.0.0.2',
      dstIp: '10.0.0.1',
      srcPort: 5060,
      dstPort: 5060,
      ts: 1_700_000_000.01,
      protocolType: 1,
      agentId: 0x07d20000,
      authKey: null,
      correlationId: null,
      node: null,
      compressed: false,
      length: 307,
    });
    expect(new TextDecoder().decode(r.payload)).toBe(TRYING);
  });

  it('decodes IPv6 addresses, TCP, auth key, correlation id and node name, skipping vendor chunks', () => {
    const pkt = concat(
      hex(`
        48455033      # "HEP3"
        00e9          # total length 233
        0000 0001 0007  0a          # IP family: IPv6
        0000 0002 0007  06          # IP protocol: 6 (TCP)
        0000 0005 0016  20010db8000000000000000000000001   # IPv6 source 2001:db8::1
        0000 0006 0016  20010db8000000000000000000000002   # IPv6 destination 2001:db8::2
        0000 0007 0008  b3a1        # source port 45985
        0000 0008 0008  13c5        # destination port 5061
        0000 0009 000a  6553f105    # seconds 1700000005
        0000 000a 000a  0007a120    # microseconds 500000
        0000 000b 0007  01          # protocol type 1 (SIP)
        0000 000c 000a  000007d1    # capture agent id 2001
        0000 000e 000c  6d7970617373                # auth key "mypass"
        0021 0099 0009  414243                      # a chunk of vendor 0x0021: skipped
        0000 0011 0010  63616c6c2d3432666f6f        # correlation id "call-42foo"
        0000 0013 000f  6b616d2d3031e282ac          # node name "kam-01€" (UTF-8)
        0000 000f 0040                              # payload, 64 - 6 bytes
      `),
      bytesOf(OPTIONS),
    );
    expect(pkt.length).toBe(233);
    const r = decodeHep(pkt, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.issue).toBeUndefined();
    expect(r.fields).toMatchObject({
      version: 3,
      family: 'ipv6',
      ipProtocol: 6,
      srcIp: '2001:db8::1',
      dstIp: '2001:db8::2',
      srcPort: 45985,
      dstPort: 5061,
      ts: 1_700_000_005.5,
      agentId: 2001,
      authKey: 'mypass',
      correlationId: 'call-42foo',
      node: 'kam-01€',
    });
    expect(new TextDecoder().decode(r.payload)).toBe(OPTIONS);
  });

  it('takes a packet at an offset and reports bytes after its total length', () => {
    const pkt = hep3({ src: '10.1.1.1', dst: '10.1.1.2', sport: 5060, dport: 5060, payload: OPTIONS });
    const r = decodeHep(concat(bytesOf('xx'), pkt, bytesOf('junk')), 2);
    expect(r.ok && r.fields.length).toBe(pkt.length);
    expect(r.ok && r.issue).toBe('4 bytes after the HEP3 packet');
    expect(r.ok && new TextDecoder().decode(r.payload)).toBe(OPTIONS);
  });

  it('ignores a fixed-size chunk of the wrong size, with an issue', () => {
    const pkt = concat(
      hex(`
        48455033 0028   # "HEP3", total length 40
        0000 0007 0009  0013c4      # source port in 3 bytes: wrong size
        0000 0008 0008  13c4        # destination port 5060
        0000 000b 0007  01          # SIP
        0000 000f 000a  41424344    # payload "ABCD"
      `),
    );
    const r = decodeHep(pkt, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fields.srcPort).toBeNull();
    expect(r.fields.dstPort).toBe(5060);
    expect(r.issue).toBe('chunk 0x0007 has 3 bytes, expected 2; ignored');
  });

  it('reads a zero timestamp as absent and a protocol type other than SIP as it is', () => {
    const pkt = hep3({
      src: '10.1.1.1',
      dst: '10.1.1.2',
      sport: 5,
      dport: 6,
      ts: 0,
      protocolType: 5,
      payload: 'x',
    });
    const r = decodeHep(pkt, 0);
    expect(r.ok && r.fields.ts).toBeNull();
    expect(r.ok && r.fields.protocolType).toBe(5);
  });

  it('reads the total length for TCP framing and recognises the magic from its first bytes', () => {
    expect(hep3Length(SNGREP_TRYING, 0)).toBe(307);
    expect(hep3Length(SNGREP_TRYING.subarray(0, 5), 0)).toBeUndefined();
    expect(startsLikeHep3(bytesOf('HE'), 0)).toBe(true);
    expect(startsLikeHep3(bytesOf('HEP3'), 0)).toBe(true);
    expect(startsLikeHep3(bytesOf('HEX3'), 0)).toBe(false);
    expect(startsLikeHep3(bytesOf('GET /'), 0)).toBe(false);
  });
});

describe('HEP v1 and v2 decoding', () => {
  it('decodes HEP v2 over IPv4 with the time header in the sender byte order (little-endian)', () => {
    const pkt = concat(
      hex(`
        02            # version 2
        10            # header length 16 (fixed header + addresses, as captagent writes it)
        02            # family AF_INET
        11            # protocol UDP
        13c4          # source port 5060
        16a8          # destination port 5800
        c0000201      # source 192.0.2.1
        c0000202      # destination 192.0.2.2
        05f15365      # seconds 1700000005, little-endian
        20a10700      # microseconds 500000, little-endian
        d107          # capture id 2001, little-endian
      `),
      bytesOf(OPTIONS),
    );
    const r = decodeHep(pkt, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.issue).toBeUndefined();
    expect(r.fields).toMatchObject({
      version: 2,
      family: 'ipv4',
      ipProtocol: 17,
      srcIp: '192.0.2.1',
      dstIp: '192.0.2.2',
      srcPort: 5060,
      dstPort: 5800,
      ts: 1_700_000_005.5,
      agentId: 2001,
      protocolType: 1,
    });
    expect(new TextDecoder().decode(r.payload)).toBe(OPTIONS);
  });

  it('decodes HEP v1 over IPv6 (no time header) and reports an unexpected header length byte', () => {
    const pkt = concat(
      hex(`
        01            # version 1
        ff            # header length: nonsense (some senders write anything here)
        0a            # family AF_INET6
        06            # protocol TCP
        13c4 13c4     # ports 5060 → 5060
        fe800000000000000000000000000001   # source fe80::1
        fe800000000000000000000000000002   # destination fe80::2
      `),
      bytesOf(OPTIONS),
    );
    const r = decodeHep(pkt, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fields).toMatchObject({
      version: 1,
      family: 'ipv6',
      srcIp: 'fe80::1',
      dstIp: 'fe80::2',
      ts: null,
    });
    expect(r.issue).toBe('HEP v1 header length byte 255, expected 40');
    expect(new TextDecoder().decode(r.payload)).toBe(OPTIONS);
  });
});

describe('HEP: truncated and garbage packets fail with a reason, never throw', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['empty', new Uint8Array(0), 'HEP packet empty'],
    ['HEP3 header cut', bytesOf('HEP3\x00'), 'HEP3 header truncated (5 of 6 bytes)'],
    [
      'total length beyond the bytes',
      SNGREP_TRYING.subarray(0, 300),
      'HEP3 packet truncated (300 of 307 bytes)',
    ],
    ['total length below the header', hex('48455033 0003'), 'HEP3 total length 3 is below the 6-byte header'],
    ['chunk header cut', hex('48455033 0009 000000'), 'HEP3 chunk header truncated at byte 6'],
    [
      'chunk length below its header',
      hex('48455033 000c 0000 000f 0002'),
      'HEP3 chunk 0x000f length 2 is below its 6-byte header',
    ],
    [
      'chunk beyond the packet',
      hex('48455033 000d 0000 000f 0010 41'),
      'HEP3 chunk 0x000f truncated (7 of 16 bytes)',
    ],
    [
      'no payload chunk',
      hex('48455033 000d 0000 0002 0007 11'),
      'HEP3 packet without a payload chunk (0x000f)',
    ],
    ['HEP3 magic wrong', bytesOf('HTTP/1.1 200 OK\r\n'), 'not a HEP packet (no HEP3 magic)'],
    ['SIP, not HEP', bytesOf('INVITE sip:a@b SIP/2.0\r\n'), 'not a HEP packet (first byte 0x49)'],
    ['v2 header cut', hex('02 10 02 11 13c4 13c4 c0000201'), 'HEP v2 header truncated (12 of 26 bytes)'],
    ['v1 unknown family', hex('01 10 07 11 13c4 13c4 c0000201 c0000202'), 'HEP v1: unknown IP family 7'],
  ];
  for (const [name, bytes, issue] of cases) {
    it(name, () => {
      expect(decodeHep(bytes, 0)).toEqual({ ok: false, issue });
    });
  }

  it('property: random bytes never throw; a success stays inside the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), (bytes, off) => {
        const r = decodeHep(bytes, Math.min(off, bytes.length));
        if (r.ok) {
          expect(r.payload.buffer).toBe(bytes.buffer);
          expect(r.payload.byteOffset + r.payload.length).toBeLessThanOrEqual(
            bytes.byteOffset + bytes.length,
          );
        } else expect(r.issue.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: a valid packet with random bytes changed or cut never throws', () => {
    const base = hep3({
      src: '2001:db8::1',
      dst: '2001:db8::2',
      sport: 5060,
      dport: 5060,
      correlationId: 'c',
      node: 'n',
      authKey: 'k',
      payload: OPTIONS,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(base.length),
        (edits, cut) => {
          const b = base.slice(0, cut);
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          const r = decodeHep(b, 0);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
