/**
 * Test-only HEP packet builders: HEP3 from named fields (chunks in the order
 * heplify writes them), HEP v2 as captagent lays it out. The decoder never
 * imports this; fixtures that pin the wire format are hex in the tests.
 */
import { bytesOf, concat, ipv4, ipv6 } from '../helpers/packet-builders.js';

export interface Hep3Spec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  /** IP protocol (default 17, UDP). */
  proto?: number;
  /** Seconds (float) since the epoch. */
  ts?: number;
  protocolType?: number;
  agentId?: number;
  authKey?: string;
  correlationId?: string;
  node?: string;
  payload: string | Uint8Array;
}

function chunk(type: number, value: Uint8Array, vendor = 0): Uint8Array {
  const h = new Uint8Array(6);
  const v = new DataView(h.buffer);
  v.setUint16(0, vendor);
  v.setUint16(2, type);
  v.setUint16(4, 6 + value.length);
  return concat(h, value);
}

const u8 = (n: number) => Uint8Array.of(n);
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 255);
const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

export function hep3(s: Hep3Spec): Uint8Array {
  const six = s.src.includes(':');
  const ts = s.ts ?? 1_700_000_000;
  const sec = Math.floor(ts);
  const parts = [
    chunk(0x0001, u8(six ? 10 : 2)),
    chunk(0x0002, u8(s.proto ?? 17)),
    chunk(six ? 0x0005 : 0x0003, six ? ipv6(s.src) : ipv4(s.src)),
    chunk(six ? 0x0006 : 0x0004, six ? ipv6(s.dst) : ipv4(s.dst)),
    chunk(0x0007, u16(s.sport)),
    chunk(0x0008, u16(s.dport)),
    chunk(0x0009, u32(sec)),
    chunk(0x000a, u32(Math.round((ts - sec) * 1e6))),
    chunk(0x000b, u8(s.protocolType ?? 1)),
    chunk(0x000c, u32(s.agentId ?? 2001)),
  ];
  if (s.authKey !== undefined) parts.push(chunk(0x000e, new TextEncoder().encode(s.authKey)));
  if (s.correlationId !== undefined) parts.push(chunk(0x0011, new TextEncoder().encode(s.correlationId)));
  if (s.node !== undefined) parts.push(chunk(0x0013, new TextEncoder().encode(s.node)));
  parts.push(chunk(0x000f, bytesOf(s.payload)));
  const body = concat(...parts);
  const head = concat(bytesOf('HEP3'), u16(6 + body.length));
  return concat(head, body);
}
