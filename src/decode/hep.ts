/**
 * HEP, the Homer Encapsulation Protocol (SIPCAPTURE's "HEP3 Network Protocol
 * Specification"; HEP v1/v2 as captagent, Kamailio `siptrace` and OpenSIPS
 * `proto_hep` write them): a captured message plus where it was seen, sent
 * by an agent (heplify, Kamailio/OpenSIPS, FreeSWITCH, Asterisk, sngrep -H)
 * to a collector.
 *
 * One pure decoder for both places HEP reaches us: the collector's UDP and
 * TCP listeners (src/capture/hep-collector.ts) and HEP found inside a capture
 * file (UDP port 9060, registry.ts). Bounds are checked before each read, the
 * payload is a view, bad input is `{ ok: false, issue }`, never a throw.
 *
 * HEP3 layout: "HEP3", a 16-bit total length (header included), then chunks
 * of `vendor id (16) | type id (16) | length (16, chunk header included) |
 * value`. Generic chunks (vendor 0x0000) we read:
 *
 *   0x0001 IP protocol family (u8: 2 = IPv4, 10 = IPv6)
 *   0x0002 IP protocol id (u8: 17 UDP, 6 TCP, 132 SCTP)
 *   0x0003 / 0x0004 IPv4 source / destination address
 *   0x0005 / 0x0006 IPv6 source / destination address
 *   0x0007 / 0x0008 source / destination port (u16)
 *   0x0009 timestamp seconds (u32), 0x000a microseconds (u32)
 *   0x000b protocol type (u8: 1 = SIP, 5 = RTCP, 100 = log, …)
 *   0x000c capture agent id (u32)
 *   0x000e authentication key (octets)
 *   0x000f captured payload (octets)
 *   0x0010 compressed payload (octets; counted, not inflated)
 *   0x0011 correlation id (octets)
 *   0x0012 VLAN id (u16)
 *   0x0013 node name (octets; heplify and heplify-server call it NodeName)
 *
 * Chunks of other vendors and unknown types are skipped by their length.
 */
import { ipv4BytesToString, ipv6ToString } from './address.js';
import { fail, type LayerResult, NEXT_NONE, u16, u32, u32le } from './layer.js';
import type { HepMeta, Payload } from './payload.js';

/** IANA UDP/TCP port of HEP collectors (Homer, heplify-server). */
export const HEP_PORT = 9060;

/** HEP protocol type of SIP (chunk 0x000b). */
export const HEP_PROTO_SIP = 1;

export type HepFamily = 'ipv4' | 'ipv6';

export interface HepFields {
  version: 1 | 2 | 3;
  family: HepFamily | null;
  /** IP protocol number of the captured packet (17 UDP, 6 TCP, 132 SCTP), null when absent. */
  ipProtocol: number | null;
  /** Printable addresses (dotted IPv4, RFC 5952 IPv6); null when absent. */
  srcIp: string | null;
  dstIp: string | null;
  srcPort: number | null;
  dstPort: number | null;
  /** Capture time at the agent, seconds (float); null when absent or zero. */
  ts: number | null;
  /** Protocol type (1 = SIP); HEP v1/v2 carry SIP only. */
  protocolType: number;
  /** Capture agent id (chunk 0x000c; the v2 `captid`). */
  agentId: number | null;
  /** Authentication key as latin1 (one char per byte: compare bytes, never show it). */
  authKey: string | null;
  /** Correlation id (chunk 0x0011) as UTF-8 text. */
  correlationId: string | null;
  /** Node name (chunk 0x0013) as UTF-8 text. */
  node: string | null;
  vlan: number | null;
  /** The payload came in a compressed chunk (0x0010): `payload` holds the compressed bytes. */
  compressed: boolean;
  /** Bytes this HEP packet occupies from `offset` (HEP3: the total length; v1/v2: the rest of the input). */
  length: number;
}

const HEP3_MAGIC0 = 0x48; // "H"
const HEP3_MAGIC = [0x48, 0x45, 0x50, 0x33];
const HEP3_HEADER = 6;
const CHUNK_HEADER = 6;
const AF_INET = 2;
const AF_INET6 = 10;
const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Does a HEP3 packet start at `offset`? (`HEP3`, or a prefix of it when fewer bytes are there.) */
export function startsLikeHep3(b: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 4 && offset + i < b.length; i++) if (b[offset + i] !== HEP3_MAGIC[i]) return false;
  return true;
}

/**
 * HEP3 total length at `offset` when the 6-byte header is there: what TCP
 * framing cuts by. `undefined` when fewer than 6 bytes are available.
 */
export function hep3Length(b: Uint8Array, offset: number): number | undefined {
  return b.length - offset < HEP3_HEADER ? undefined : u16(b, offset + 4);
}

/** Decodes one HEP packet (v3, or v1/v2) at `offset`. The payload is a view into `bytes`. */
export function decodeHep(bytes: Uint8Array, offset = 0): LayerResult<HepFields> {
  const avail = bytes.length - offset;
  if (avail < 1) return fail('HEP packet empty');
  if (bytes[offset] === HEP3_MAGIC0) return decodeHep3(bytes, offset);
  const v = bytes[offset];
  if (v === 1 || v === 2) return decodeHep12(bytes, offset, v);
  return fail(`not a HEP packet (first byte 0x${v.toString(16).padStart(2, '0')})`);
}

function emptyFields(version: 1 | 2 | 3, length: number): HepFields {
  return {
    version,
    family: null,
    ipProtocol: null,
    srcIp: null,
    dstIp: null,
    srcPort: null,
    dstPort: null,
    ts: null,
    protocolType: HEP_PROTO_SIP,
    agentId: null,
    authKey: null,
    correlationId: null,
    node: null,
    vlan: null,
    compressed: false,
    length,
  };
}

/**
 * HEP3: "HEP3" | total length | chunks. The total length counts the 6-byte
 * header; a length beyond the bytes there is a truncated packet, a length
 * below them leaves trailing bytes (reported, ignored).
 */
function decodeHep3(b: Uint8Array, offset: number): LayerResult<HepFields> {
  const avail = b.length - offset;
  if (avail < HEP3_HEADER) return fail(`HEP3 header truncated (${avail} of 6 bytes)`);
  if (b[offset + 1] !== 0x45 || b[offset + 2] !== 0x50 || b[offset + 3] !== 0x33)
    return fail('not a HEP packet (no HEP3 magic)');
  const total = u16(b, offset + 4);
  if (total < HEP3_HEADER) return fail(`HEP3 total length ${total} is below the 6-byte header`);
  if (total > avail) return fail(`HEP3 packet truncated (${avail} of ${total} bytes)`);
  const end = offset + total;
  const f = emptyFields(3, total);
  f.protocolType = 0;
  let protocolTypeSeen = false;
  let sec: number | null = null;
  let usec = 0;
  let src4: string | null = null;
  let dst4: string | null = null;
  let src6: string | null = null;
  let dst6: string | null = null;
  let payload: Uint8Array | null = null;
  let issue: string | undefined;
  const note = (s: string) => {
    issue = issue === undefined ? s : `${issue}; ${s}`;
  };

  for (let o = offset + HEP3_HEADER; o < end; ) {
    if (end - o < CHUNK_HEADER) return fail(`HEP3 chunk header truncated at byte ${o - offset}`);
    const vendor = u16(b, o);
    const type = u16(b, o + 2);
    const len = u16(b, o + 4);
    if (len < CHUNK_HEADER)
      return fail(`HEP3 chunk 0x${hex4(type)} length ${len} is below its 6-byte header`);
    if (len > end - o) return fail(`HEP3 chunk 0x${hex4(type)} truncated (${end - o} of ${len} bytes)`);
    const v = o + CHUNK_HEADER;
    const n = len - CHUNK_HEADER;
    o += len;
    if (vendor !== 0) continue;
    const want = CHUNK_SIZES.get(type);
    if (want !== undefined && n !== want) {
      note(`chunk 0x${hex4(type)} has ${n} bytes, expected ${want}; ignored`);
      continue;
    }
    switch (type) {
      case 0x0001:
        f.family = b[v] === AF_INET ? 'ipv4' : b[v] === AF_INET6 ? 'ipv6' : null;
        if (f.family === null) note(`unknown IP family ${b[v]}`);
        break;
      case 0x0002:
        f.ipProtocol = b[v];
        break;
      case 0x0003:
        src4 = ipv4BytesToString(b, v);
        break;
      case 0x0004:
        dst4 = ipv4BytesToString(b, v);
        break;
      case 0x0005:
        src6 = ipv6ToString(b, v);
        break;
      case 0x0006:
        dst6 = ipv6ToString(b, v);
        break;
      case 0x0007:
        f.srcPort = u16(b, v);
        break;
      case 0x0008:
        f.dstPort = u16(b, v);
        break;
      case 0x0009:
        sec = u32(b, v);
        break;
      case 0x000a:
        usec = u32(b, v);
        break;
      case 0x000b:
        f.protocolType = b[v];
        protocolTypeSeen = true;
        break;
      case 0x000c:
        f.agentId = u32(b, v);
        break;
      case 0x000e:
        f.authKey = latin1.decode(b.subarray(v, v + n));
        break;
      case 0x000f:
        payload = b.subarray(v, v + n);
        f.compressed = false;
        break;
      case 0x0010:
        if (payload === null) {
          payload = b.subarray(v, v + n);
          f.compressed = true;
        }
        break;
      case 0x0011:
        f.correlationId = utf8.decode(b.subarray(v, v + n));
        break;
      case 0x0012:
        f.vlan = u16(b, v);
        break;
      case 0x0013:
        f.node = utf8.decode(b.subarray(v, v + n));
        break;
      default:
        break;
    }
  }
  if (payload === null) return fail('HEP3 packet without a payload chunk (0x000f)');
  if (!protocolTypeSeen) note('no protocol type chunk (0x000b)');
  // The family chunk says which address chunks are meant; an agent that sent only the other kind is taken at its word.
  const six = f.family === 'ipv6' || (f.family === null && src6 !== null);
  f.srcIp = six ? src6 : src4;
  f.dstIp = six ? dst6 : dst4;
  if (f.family === null && f.srcIp !== null) f.family = six ? 'ipv6' : 'ipv4';
  if (usec > 999_999) {
    note(`timestamp microseconds ${usec} out of range; clamped`);
    usec = 999_999;
  }
  f.ts = sec === null || (sec === 0 && usec === 0) ? null : sec + usec / 1e6;
  if (total < avail) note(`${avail - total} bytes after the HEP3 packet`);
  return issue === undefined
    ? { ok: true, fields: f, payload, next: NEXT_NONE }
    : { ok: true, fields: f, payload, next: NEXT_NONE, issue };
}

/** Value sizes of the fixed-size generic chunks (a chunk of another size is ignored, with an issue). */
const CHUNK_SIZES: ReadonlyMap<number, number> = new Map([
  [0x0001, 1],
  [0x0002, 1],
  [0x0003, 4],
  [0x0004, 4],
  [0x0005, 16],
  [0x0006, 16],
  [0x0007, 2],
  [0x0008, 2],
  [0x0009, 4],
  [0x000a, 4],
  [0x000b, 1],
  [0x000c, 4],
  [0x0012, 2],
]);

/**
 * HEP v1/v2 (captagent's `struct hep_hdr`): version (u8), header length
 * (u8), family (u8: 2 / 10), IP protocol (u8), source port, destination port
 * (u16, network order), then source and destination address (4 + 4 or
 * 16 + 16 bytes); v2 then adds `struct hep_timehdr` — seconds (u32),
 * microseconds (u32), capture id (u16) — and the payload follows.
 *
 * Senders disagree on the length byte: captagent and Kamailio write the
 * size of the fixed header plus the addresses (16 or 40) and leave the v2
 * time header out, some write other values. The family decides the layout;
 * a length byte that is neither is reported, not trusted.
 *
 * The time header is copied from the sender's memory without byte swapping
 * (Kamailio `sipcapture` reads it back the same way), so it is in the
 * sender's byte order: little-endian on the x86 and ARM machines that run
 * these agents. We read it little-endian.
 */
function decodeHep12(b: Uint8Array, offset: number, version: 1 | 2): LayerResult<HepFields> {
  const avail = b.length - offset;
  if (avail < 8) return fail(`HEP v${version} header truncated (${avail} of 8 bytes)`);
  const hl = b[offset + 1];
  const family = b[offset + 2];
  if (family !== AF_INET && family !== AF_INET6) return fail(`HEP v${version}: unknown IP family ${family}`);
  const addr = family === AF_INET ? 4 : 16;
  const ipHeader = 8 + 2 * addr;
  const header = ipHeader + (version === 2 ? 10 : 0);
  if (avail < header) return fail(`HEP v${version} header truncated (${avail} of ${header} bytes)`);
  const f = emptyFields(version, avail);
  f.family = family === AF_INET ? 'ipv4' : 'ipv6';
  f.ipProtocol = b[offset + 3];
  f.srcPort = u16(b, offset + 4);
  f.dstPort = u16(b, offset + 6);
  const a = offset + 8;
  f.srcIp = addr === 4 ? ipv4BytesToString(b, a) : ipv6ToString(b, a);
  f.dstIp = addr === 4 ? ipv4BytesToString(b, a + addr) : ipv6ToString(b, a + addr);
  let issue: string | undefined;
  if (hl !== ipHeader && hl !== header)
    issue = `HEP v${version} header length byte ${hl}, expected ${ipHeader}`;
  if (version === 2) {
    const t = offset + ipHeader;
    const sec = u32le(b, t);
    let usec = u32le(b, t + 4);
    if (usec > 999_999) usec = 999_999;
    f.ts = sec === 0 && usec === 0 ? null : sec + usec / 1e6;
    f.agentId = b[t + 8] | (b[t + 9] << 8);
  }
  const payload = b.subarray(offset + header);
  return issue === undefined
    ? { ok: true, fields: f, payload, next: NEXT_NONE }
    : { ok: true, fields: f, payload, next: NEXT_NONE, issue };
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Why a decoded HEP packet gives no SIP payload (`null` when it does). */
export function hepNotSip(f: HepFields): string | null {
  if (f.protocolType !== HEP_PROTO_SIP) return `HEP protocol type ${f.protocolType} (not SIP)`;
  if (f.compressed) return 'HEP compressed payload (chunk 0x0010) not supported';
  if (f.srcIp === null || f.dstIp === null) return 'HEP packet without source or destination address';
  if (f.srcPort === null || f.dstPort === null) return 'HEP packet without source or destination port';
  return null;
}

/**
 * The transport payload a HEP packet carries, as the decode stage hands it
 * to the SIP stage: the agent's endpoints and transport, the agent's capture
 * time when it gave one (else `arrival`), and the agent's id, node name and
 * correlation id in `hep`. IP protocol 6 is a TCP stream (framed by
 * Content-Length downstream: agents send whole messages or segments), 132
 * SCTP, anything else a datagram. `undefined` when `hepNotSip` says why not.
 */
export function hepToPayload(
  f: HepFields,
  payload: Uint8Array,
  frame: number,
  frames: number[],
  arrival: number,
): Payload | undefined {
  if (hepNotSip(f) !== null) return undefined;
  const hep: HepMeta = {
    version: f.version,
    agentId: f.agentId,
    node: f.node,
    correlationId: f.correlationId,
  };
  return {
    transport: f.ipProtocol === 6 ? 'tcp' : f.ipProtocol === 132 ? 'sctp' : 'udp',
    src: { ip: f.srcIp as string, port: f.srcPort as number },
    dst: { ip: f.dstIp as string, port: f.dstPort as number },
    bytes: payload,
    frame,
    frames,
    ts: f.ts ?? arrival,
    hep,
  };
}
