/**
 * Small builders for test frames: Ethernet / IPv4 / IPv6 / UDP / TCP / SCTP with
 * correct lengths and checksums, IPv4 fragmenting, a `Frame` wrapper and a
 * `hex` parser for commented hex fixtures. Test-only: the decoders never
 * import this.
 *
 *   const data = ethernetIpv4Udp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 5060, dport: 5060, payload: 'OPTIONS ...' });
 *   decoder.push(frame(1, data));
 */
import type { Frame } from '../../src/capture/frame.js';

export type Bytes = Uint8Array | string;

export const MAC_A = '02:00:00:00:00:0a';
export const MAC_B = '02:00:00:00:00:0b';

/** Bytes from a string (latin1: one char, one byte) or the bytes themselves. */
export function bytesOf(b: Bytes): Uint8Array {
  if (typeof b !== 'string') return b;
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i) & 0xff;
  return out;
}

export function concat(...parts: Bytes[]): Uint8Array {
  const arrays = parts.map(bytesOf);
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/**
 * Hex fixture parser: whitespace and colons ignored, `#` or `//` to end of
 * line is a comment, several arguments are concatenated, so fixtures can be
 * written one field per line:
 *
 *   hex(`
 *     0800        # EtherType IPv4
 *     45          # version 4, IHL 5
 *   `)
 */
export function hex(...texts: string[]): Uint8Array {
  let digits = '';
  for (const line of texts.join('\n').split('\n')) {
    let l = line;
    const hash = l.indexOf('#');
    if (hash >= 0) l = l.slice(0, hash);
    const slashes = l.indexOf('//');
    if (slashes >= 0) l = l.slice(0, slashes);
    digits += l.replace(/[\s:]/g, '');
  }
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) throw new Error(`bad hex fixture: ${digits}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Wrap bytes as a Frame (link type Ethernet unless told; time `sec` seconds). */
export function frame(
  no: number,
  data: Uint8Array,
  opts: { linkType?: number; sec?: number; nsec?: number } = {},
): Frame {
  return {
    no,
    sec: opts.sec ?? 1_700_000_000,
    nsec: opts.nsec ?? 0,
    linkType: opts.linkType ?? 1,
    data,
    origLen: data.length,
    iface: 0,
    fileOffset: 0,
  };
}

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':'), (h) => Number.parseInt(h, 16));
}

export function ipv4(text: string): Uint8Array {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255)))
    throw new Error(`bad IPv4 address ${text}`);
  return Uint8Array.from(parts);
}

export function ipv6(text: string): Uint8Array {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8 || all.some((g) => !(g >= 0 && g <= 0xffff)))
    throw new Error(`bad IPv6 address ${text}`);
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** RFC 1071 Internet checksum over the concatenation of `parts`. */
export function internetChecksum(...parts: Uint8Array[]): number {
  const all = concat(...parts);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += (all[i] << 8) | (all[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ethernet(
  etherType: number,
  payload: Bytes,
  opts: { srcMac?: string; dstMac?: string } = {},
): Uint8Array {
  return concat(mac(opts.dstMac ?? MAC_B), mac(opts.srcMac ?? MAC_A), u16(etherType), bytesOf(payload));
}

export interface Ipv4Spec {
  src: string;
  dst: string;
  protocol: number;
  payload: Bytes;
  ipId?: number;
  ttl?: number;
  /** Fragment fields: offset in bytes (multiple of 8) and the MF flag. */
  frag?: { offset: number; more: boolean };
  dontFragment?: boolean;
}

export function ipv4Packet(o: Ipv4Spec): Uint8Array {
  const payload = bytesOf(o.payload);
  const header = new Uint8Array(20);
  header[0] = 0x45;
  header.set(u16(20 + payload.length), 2);
  header.set(u16(o.ipId ?? 0x1234), 4);
  const frag = o.frag ?? { offset: 0, more: false };
  if (frag.offset % 8 !== 0) throw new Error('IPv4 fragment offset must be a multiple of 8');
  header.set(u16((o.dontFragment ? 0x4000 : 0) | (frag.more ? 0x2000 : 0) | (frag.offset / 8)), 6);
  header[8] = o.ttl ?? 64;
  header[9] = o.protocol;
  header.set(ipv4(o.src), 12);
  header.set(ipv4(o.dst), 16);
  header.set(u16(internetChecksum(header)), 10);
  return concat(header, payload);
}

export interface Ipv6Spec {
  src: string;
  dst: string;
  nextHeader: number;
  payload: Bytes;
  hopLimit?: number;
}

export function ipv6Packet(o: Ipv6Spec): Uint8Array {
  const payload = bytesOf(o.payload);
  return concat(
    Uint8Array.of(0x60, 0, 0, 0),
    u16(payload.length),
    Uint8Array.of(o.nextHeader, o.hopLimit ?? 64),
    ipv6(o.src),
    ipv6(o.dst),
    payload,
  );
}

function pseudoHeader(src: string, dst: string, protocol: number, length: number): Uint8Array {
  return src.includes(':')
    ? concat(ipv6(src), ipv6(dst), u32(length), Uint8Array.of(0, 0, 0, protocol))
    : concat(ipv4(src), ipv4(dst), Uint8Array.of(0, protocol), u16(length));
}

/** A UDP datagram (header + payload) with its checksum for the given addresses. */
export function udpDatagram(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  payload: Bytes,
): Uint8Array {
  const data = bytesOf(payload);
  const d = concat(u16(sport), u16(dport), u16(8 + data.length), u16(0), data);
  const sum = internetChecksum(pseudoHeader(src, dst, 17, d.length), d) || 0xffff;
  d.set(u16(sum), 6);
  return d;
}

/** TCP flags from letters (F S R P A U) or a number. */
export function tcpFlags(f: string | number): number {
  if (typeof f === 'number') return f;
  const bits: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20 };
  let n = 0;
  for (const c of f) {
    if (!(c in bits)) throw new Error(`unknown TCP flag ${c}`);
    n |= bits[c];
  }
  return n;
}

export function tcpSegment(
  src: string,
  dst: string,
  o: {
    sport: number;
    dport: number;
    seq: number;
    ack?: number;
    flags?: string | number;
    payload?: Bytes;
    window?: number;
  },
): Uint8Array {
  const data = bytesOf(o.payload ?? '');
  const s = concat(
    u16(o.sport),
    u16(o.dport),
    u32(o.seq >>> 0),
    u32((o.ack ?? 0) >>> 0),
    Uint8Array.of(0x50, tcpFlags(o.flags ?? 'A')),
    u16(o.window ?? 65535),
    u16(0),
    u16(0),
    data,
  );
  s.set(u16(internetChecksum(pseudoHeader(src, dst, 6, s.length), s)), 16);
  return s;
}

export interface UdpSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Bytes;
  ipId?: number;
  /** IPv4 fragment fields put on the header (the payload is still the whole UDP datagram). */
  frag?: { offset: number; more: boolean };
}

export function ethernetIpv4Udp(o: UdpSpec): Uint8Array {
  const udp = udpDatagram(o.src, o.dst, o.sport, o.dport, o.payload);
  return ethernet(
    0x0800,
    ipv4Packet({ src: o.src, dst: o.dst, protocol: 17, payload: udp, ipId: o.ipId, frag: o.frag }),
  );
}

export function ethernetIpv6Udp(o: Omit<UdpSpec, 'ipId' | 'frag'>): Uint8Array {
  const udp = udpDatagram(o.src, o.dst, o.sport, o.dport, o.payload);
  return ethernet(0x86dd, ipv6Packet({ src: o.src, dst: o.dst, nextHeader: 17, payload: udp }));
}

export interface TcpSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  /** Letters F S R P A U, or the flag byte. Default 'A'. */
  flags?: string | number;
  payload?: Bytes;
  ipId?: number;
}

export function ethernetIpv4Tcp(o: TcpSpec): Uint8Array {
  const seg = tcpSegment(o.src, o.dst, o);
  return ethernet(0x0800, ipv4Packet({ src: o.src, dst: o.dst, protocol: 6, payload: seg, ipId: o.ipId }));
}

/**
 * The Ethernet frames of one UDP datagram cut into IPv4 fragments carrying at
 * most `fragmentSize` bytes of IP payload each (rounded down to a multiple of 8).
 */
export function ipv4UdpFragments(o: Omit<UdpSpec, 'frag'>, fragmentSize: number): Uint8Array[] {
  const udp = udpDatagram(o.src, o.dst, o.sport, o.dport, o.payload);
  return ipv4Fragments({ src: o.src, dst: o.dst, protocol: 17, payload: udp, ipId: o.ipId }, fragmentSize);
}

/** Ethernet frames of an IPv4 packet's payload cut into fragments of at most `fragmentSize` bytes. */
export function ipv4Fragments(o: Omit<Ipv4Spec, 'frag'>, fragmentSize: number): Uint8Array[] {
  const data = bytesOf(o.payload);
  const size = fragmentSize - (fragmentSize % 8);
  if (size <= 0) throw new Error('fragment size must be at least 8');
  const frames: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += size) {
    const end = Math.min(data.length, off + size);
    const packet = ipv4Packet({
      ...o,
      payload: data.subarray(off, end),
      frag: { offset: off, more: end < data.length },
    });
    frames.push(ethernet(0x0800, packet));
  }
  return frames;
}

/** An SCTP DATA chunk (RFC 9260 §3.3.1) with its padding, PPID 0. flags: B=2, E=1, U=4. */
export function sctpData(tsn: number, stream: number, ssn: number, flags: number, user: Bytes): Uint8Array {
  const body = bytesOf(user);
  const len = 16 + body.length;
  const chunk = concat(
    Uint8Array.of(0, flags, len >> 8, len & 0xff),
    u32(tsn >>> 0),
    u16(stream),
    u16(ssn),
    u32(0),
    body,
  );
  return concat(chunk, new Uint8Array((4 - (len % 4)) % 4));
}

export interface SctpSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  /** Verification tag (RFC 9260 §8.5). Default 0xabcd. */
  tag?: number;
  chunks: Uint8Array[];
}

/** Ethernet / IPv4 / SCTP with the given chunks (checksum 0: not verified by the decoder). */
export function ethernetIpv4Sctp(o: SctpSpec): Uint8Array {
  const sctp = concat(u16(o.sport), u16(o.dport), u32((o.tag ?? 0xabcd) >>> 0), u32(0), ...o.chunks);
  return ethernet(0x0800, ipv4Packet({ src: o.src, dst: o.dst, protocol: 132, payload: sctp }));
}
