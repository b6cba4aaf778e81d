/**
 * The decoder takes the usual Ethernet/IPv4/UDP frame apart by offsets
 * instead of layer by layer. The same IPv4 packets, once as Ethernet II
 * frames and once behind an 802.1Q VLAN tag (always layer by layer), must
 * give the same payloads, statistics and issues, edge cases included.
 */
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/decode/decoder.js';
import type { Payload } from '../../src/decode/payload.js';
import { concat, ethernet, frame, ipv4Packet, udpDatagram } from '../helpers/packet-builders.js';

const SIP = 'OPTIONS sip:bob@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n';

/** The packet behind an 802.1Q tag (VLAN 10), then EtherType IPv4: the layered path. */
function tagged(ip: Uint8Array): { data: Uint8Array; linkType: number } {
  return { data: ethernet(0x8100, concat(Uint8Array.of(0x00, 0x0a, 0x08, 0x00), ip)), linkType: 1 };
}

function udp4(sport: number, dport: number, payload = SIP, ipId = 7): Uint8Array {
  return ipv4Packet({
    src: '10.1.1.1',
    dst: '10.2.2.2',
    protocol: 17,
    payload: udpDatagram('10.1.1.1', '10.2.2.2', sport, dport, payload),
    ipId,
  });
}

/** A copy of `p` with `edit` applied to it. */
function edited(p: Uint8Array, edit: (b: Uint8Array) => void): Uint8Array {
  const b = p.slice();
  edit(b);
  return b;
}

const put16 = (b: Uint8Array, o: number, v: number) => {
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
};

/** IPv4 packets, named by what is special about them. */
const PACKETS: Record<string, Uint8Array> = {
  ordinary: udp4(5060, 5060),
  'other ports': udp4(40000, 5080),
  'empty datagram': udp4(5060, 5060, ''),
  'UDP length shorter than the IP payload (trailing bytes)': edited(concat(udp4(5060, 5060), 'xyz'), (b) =>
    put16(b, 2, b.length),
  ),
  'UDP length 0': edited(udp4(5060, 5060), (b) => put16(b, 24, 0)),
  'UDP length below 8': edited(udp4(5060, 5060), (b) => put16(b, 24, 5)),
  'UDP length beyond the IP payload': edited(udp4(5060, 5060), (b) => put16(b, 24, 2000)),
  'IP total length beyond the capture': edited(udp4(5060, 5060), (b) => put16(b, 2, 3000)),
  'IP total length 0': edited(udp4(5060, 5060), (b) => put16(b, 2, 0)),
  'IP total length below the headers': edited(udp4(5060, 5060), (b) => put16(b, 2, 24)),
  'IHL 6 (options)': (() => {
    const p = udp4(5060, 5060);
    const b = concat(p.subarray(0, 20), Uint8Array.of(1, 1, 1, 1), p.subarray(20));
    b[0] = 0x46;
    put16(b, 2, b.length);
    return b;
  })(),
  'IHL below 5': edited(udp4(5060, 5060), (b) => {
    b[0] = 0x44;
  }),
  'version 6 in an IPv4 EtherType': edited(udp4(5060, 5060), (b) => {
    b[0] = 0x65;
  }),
  'first fragment': edited(udp4(5060, 5060), (b) => put16(b, 6, 0x2000)),
  'last fragment': edited(udp4(5060, 5060, SIP, 8), (b) => put16(b, 6, 0x0010)),
  'do not fragment flag': edited(udp4(5060, 5060), (b) => put16(b, 6, 0x4000)),
  'TCP, not UDP': edited(udp4(5060, 5060), (b) => {
    b[9] = 6;
  }),
  'VXLAN port': udp4(40000, 4789),
  'GTP-U source port': udp4(2152, 40000),
  'HEP collector port': udp4(40000, 9060),
  'truncated UDP header': udp4(5060, 5060).subarray(0, 24),
};

function run(frames: Array<{ data: Uint8Array; linkType: number }>) {
  const d = createDecoder();
  const payloads: Payload[] = [];
  frames.forEach((f, i) => {
    payloads.push(...d.push(frame(i + 1, f.data, { linkType: f.linkType, nsec: i * 1000 })));
  });
  payloads.push(...d.flush());
  const { frames: _n, ...stats } = d.stats;
  return {
    payloads: payloads.map((p) => ({ ...p, bytes: Buffer.from(p.bytes).toString('latin1') })),
    stats,
    issues: d.issues,
  };
}

describe('decoder: Ethernet/IPv4/UDP by offsets', () => {
  for (const [name, ip] of Object.entries(PACKETS)) {
    it(`gives what the layers give: ${name}`, () => {
      const layered = run([tagged(ip)]);
      const plain = run([{ data: ethernet(0x0800, ip), linkType: 1 }]);
      expect(plain).toEqual(layered);
    });
  }

  it('gives what the layers give with Ethernet padding after the packet', () => {
    const ip = udp4(5060, 5060, '');
    const padded = (eth: Uint8Array) => ({ data: concat(eth, new Uint8Array(18)), linkType: 1 });
    const layered = run([padded(tagged(ip).data)]);
    const plain = run([padded(ethernet(0x0800, ip))]);
    expect(plain).toEqual(layered);
    expect(plain.payloads).toHaveLength(1);
    expect(plain.payloads[0].bytes).toBe('');
  });

  it('gives what the layers give for a whole sequence (fragments reassembled between plain frames)', () => {
    const all = Object.values(PACKETS);
    const layered = run(all.map(tagged));
    const plain = run(all.map((ip) => ({ data: ethernet(0x0800, ip), linkType: 1 })));
    expect(plain).toEqual(layered);
    expect(plain.payloads.length).toBeGreaterThan(5);
  });

  it('delivers the endpoints, frame and bytes of an ordinary datagram', () => {
    const { payloads, stats } = run([{ data: ethernet(0x0800, PACKETS.ordinary), linkType: 1 }]);
    expect(payloads).toEqual([
      {
        transport: 'udp',
        src: { ip: '10.1.1.1', port: 5060 },
        dst: { ip: '10.2.2.2', port: 5060 },
        bytes: SIP,
        frame: 1,
        frames: [1],
        ts: 1_700_000_000,
      },
    ]);
    expect(stats.decoded).toBe(1);
    expect(stats.payloads).toBe(1);
  });
});
