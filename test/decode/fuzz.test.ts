/**
 * Property: bad input never throws (DESIGN.md convention 4). Random and
 * mutated bytes go through every layer decoder and through the whole stateful
 * decoder; results must also respect the bounds contract (payload views lie
 * inside the input, after the offset).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/decode/decoder.js';
import { decodeErspanII, decodeErspanIII } from '../../src/decode/erspan.js';
import { decodeEthernet } from '../../src/decode/ethernet.js';
import { decodeGre } from '../../src/decode/gre.js';
import { decodeGtpU } from '../../src/decode/gtp-u.js';
import { decodeIcmp, decodeIcmpv6 } from '../../src/decode/icmp.js';
import { decodeIpv4 } from '../../src/decode/ipv4.js';
import { decodeIpv6 } from '../../src/decode/ipv6.js';
import type { LayerResult } from '../../src/decode/layer.js';
import { decodeNullLoopback } from '../../src/decode/null-loopback.js';
import type { Payload } from '../../src/decode/payload.js';
import { decodePpp } from '../../src/decode/ppp.js';
import { decodePppoe } from '../../src/decode/pppoe.js';
import { decodeRawIp } from '../../src/decode/raw-ip.js';
import { LINK_TYPES } from '../../src/decode/registry.js';
import { decodeSctp } from '../../src/decode/sctp.js';
import { decodeSll } from '../../src/decode/sll.js';
import { decodeSll2 } from '../../src/decode/sll2.js';
import { decodeTcp } from '../../src/decode/tcp.js';
import { decodeUdp } from '../../src/decode/udp.js';
import { decodeVlan } from '../../src/decode/vlan.js';
import { decodeVxlan } from '../../src/decode/vxlan.js';
import {
  concat,
  ethernet,
  ethernetIpv4Tcp,
  ethernetIpv4Udp,
  ethernetIpv6Udp,
  frame,
  hex,
  ipv4Packet,
  ipv4UdpFragments,
} from '../helpers/packet-builders.js';

const LAYERS: [string, (b: Uint8Array, o: number) => LayerResult<unknown>][] = [
  ['ethernet', decodeEthernet],
  ['vlan', decodeVlan],
  ['sll', decodeSll],
  ['sll2', decodeSll2],
  ['null-loopback', decodeNullLoopback],
  ['raw-ip', decodeRawIp],
  ['pppoe', decodePppoe],
  ['ppp', decodePpp],
  ['ipv4', decodeIpv4],
  ['ipv6', decodeIpv6],
  ['gre', decodeGre],
  ['erspan-ii', decodeErspanII],
  ['erspan-iii', decodeErspanIII],
  ['icmp', decodeIcmp],
  ['icmpv6', decodeIcmpv6],
  ['vxlan', decodeVxlan],
  ['gtp-u', decodeGtpU],
  ['udp', decodeUdp],
  ['tcp', decodeTcp],
  ['sctp', decodeSctp],
];

const SIP = 'INVITE sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n';
const SEEDS: [number, Uint8Array][] = [
  [1, ethernetIpv4Udp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 5060, dport: 5060, payload: SIP })],
  [1, ethernetIpv6Udp({ src: '2001:db8::1', dst: '2001:db8::2', sport: 5060, dport: 5060, payload: SIP })],
  [
    1,
    ethernetIpv4Tcp({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      sport: 4000,
      dport: 5060,
      seq: 1,
      flags: 'PA',
      payload: SIP,
    }),
  ],
  ...ipv4UdpFragments(
    { src: '10.0.0.1', dst: '10.0.0.2', sport: 5060, dport: 5060, payload: SIP.repeat(4) },
    64,
  ).map((f): [number, Uint8Array] => [1, f]),
  [
    1,
    ethernet(
      0x0800,
      ipv4Packet({
        src: '1.1.1.1',
        dst: '2.2.2.2',
        protocol: 47,
        payload: concat(
          hex('1000 88be 00000001 1064 2005 0000000c'),
          ethernetIpv4Udp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 5060, dport: 5060, payload: SIP }),
        ),
      }),
    ),
  ],
  [
    1,
    ethernet(
      0x0800,
      ipv4Packet({
        src: '1.1.1.1',
        dst: '2.2.2.2',
        protocol: 132,
        payload: hex('13c4 13c4 00000001 00000000 0003 0014 00000001 0000 0000 00000000 41424344'),
      }),
    ),
  ],
  [
    113,
    concat(
      hex('0000 0001 0006 02000000000a0000 0800'),
      ipv4Packet({
        src: '1.1.1.1',
        dst: '2.2.2.2',
        protocol: 4,
        payload: ipv4Packet({
          src: '3.3.3.3',
          dst: '4.4.4.4',
          protocol: 17,
          payload: hex('13c4 13c4 000c 0000 41424344'),
        }),
      }),
    ),
  ],
];

/**
 * The bytes behind a Proxy that throws on any index read at or past the end:
 * a decoder that reads before checking bounds fails here, where a plain
 * Uint8Array would quietly give `undefined`.
 */
function strict(b: Uint8Array): Uint8Array {
  return new Proxy(b, {
    get(target, prop) {
      if (
        typeof prop === 'string' &&
        prop.length > 0 &&
        prop.charCodeAt(0) >= 48 &&
        prop.charCodeAt(0) <= 57
      ) {
        const i = Number(prop);
        if (i >= target.length) throw new RangeError(`read at ${i} past the end (${target.length})`);
        return target[i];
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function checkPayloads(ps: Payload[]): void {
  for (const p of ps) {
    expect(p.frames.length).toBeGreaterThan(0);
    expect(p.frames).toContain(p.frame);
    for (let i = 1; i < p.frames.length; i++) expect(p.frames[i]).toBeGreaterThan(p.frames[i - 1]);
    expect(p.bytes.length).toBeLessThanOrEqual(65535 + 8);
  }
}

describe('decoders never throw on random or mutated bytes', () => {
  it.each(LAYERS)(
    '%s: random bytes at any offset: no read past the end, payload inside the input',
    (_name, decode) => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(), (bytes, off) => {
          const offset = bytes.length === 0 ? 0 : off % (bytes.length + 1);
          const r = decode(strict(bytes), offset);
          if (r.ok) {
            expect(r.payload.buffer).toBe(bytes.buffer);
            expect(r.payload.byteOffset).toBeGreaterThanOrEqual(bytes.byteOffset + offset);
            expect(r.payload.byteOffset + r.payload.length).toBeLessThanOrEqual(
              bytes.byteOffset + bytes.length,
            );
          } else {
            expect(typeof r.issue).toBe('string');
          }
        }),
        { numRuns: 300 },
      );
    },
  );

  it('createDecoder().push on random bytes under every registered link type, then flush', () => {
    const linkTypes = [...LINK_TYPES.keys(), 9999];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...linkTypes),
            fc.uint8Array({ maxLength: 200 }),
            fc.integer({ min: 0, max: 100 }),
          ),
          {
            maxLength: 20,
          },
        ),
        (records) => {
          const d = createDecoder();
          records.forEach(([lt, data, sec], i) => {
            checkPayloads(d.push(frame(i + 1, data, { linkType: lt, sec })));
          });
          checkPayloads(d.flush());
          expect(d.stats.frames).toBe(records.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('createDecoder().push on valid frames with random bytes flipped or cut', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: SEEDS.length - 1 }),
            fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
            fc.option(fc.nat(), { nil: undefined }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        (records) => {
          const d = createDecoder();
          records.forEach(([seed, flips, cut], i) => {
            const [linkType, base] = SEEDS[seed];
            let data = base.slice();
            for (const [pos, val] of flips) data[pos % data.length] = val;
            if (cut !== undefined) data = data.subarray(0, cut % (data.length + 1));
            checkPayloads(d.push(frame(i + 1, data, { linkType, sec: 1000 + i })));
          });
          checkPayloads(d.flush());
        },
      ),
      { numRuns: 300 },
    );
  });
});
