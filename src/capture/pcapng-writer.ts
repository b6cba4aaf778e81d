/**
 * pcapng writer (draft-ietf-opsawg-pcapng): sections with their own byte
 * order, interfaces with their own link type and timestamp resolution,
 * Enhanced Packet Blocks. Used by tests, the sample generator and exports.
 * The low-level block encoders are exported so tests can build files with
 * Simple Packet Blocks, obsolete Packet Blocks or unknown blocks.
 */
import {
  BLOCK_DSB,
  BLOCK_EPB,
  BLOCK_IDB,
  BLOCK_PB,
  BLOCK_SHB,
  BLOCK_SPB,
  IF_NAME,
  IF_TSOFFSET,
  IF_TSRESOL,
  SECRETS_TLS_KEY_LOG,
} from './pcapng.js';

export interface PcapngInterface {
  /** LINKTYPE_* of the interface (see link-types.ts). */
  linkType: number;
  /** Timestamp resolution 10^-tsresol s (e.g. 6 = µs, 9 = ns). Default 6 (no if_tsresol option written). */
  tsresol?: number;
  /** Timestamp resolution 2^-tsresolPow2 s instead of a power of 10. */
  tsresolPow2?: number;
  /** if_tsoffset in seconds, subtracted from every timestamp written on this interface. */
  tsoffset?: number;
  /** SnapLen (default 0: no limit). */
  snaplen?: number;
  /** if_name. */
  name?: string;
}

export interface PcapngWriteFrame {
  /** Index into the section's interfaces. */
  iface: number;
  sec: number;
  nsec: number;
  data: Uint8Array;
  /** Length on the wire; defaults to data.length. */
  origLen?: number;
}

export interface PcapngSection {
  interfaces: PcapngInterface[];
  frames: PcapngWriteFrame[];
  /** Write this section big-endian (default little-endian). */
  bigEndian?: boolean;
}

/** One section, or several (each with its own byte order and interfaces). */
export type PcapngWriteOptions = PcapngSection | { sections: PcapngSection[] };

const encoder = new TextEncoder();

/** A whole pcapng file in one buffer. */
export function writePcapng(opts: PcapngWriteOptions): Uint8Array {
  const sections = 'sections' in opts ? opts.sections : [opts];
  const blocks: Uint8Array[] = [];
  for (const s of sections) {
    const be = s.bigEndian ?? false;
    blocks.push(encodeShb(be));
    for (const i of s.interfaces) blocks.push(encodeIdb(i, be));
    for (const f of s.frames) {
      const iface = s.interfaces[f.iface];
      if (iface === undefined)
        throw new RangeError(`frame on interface ${f.iface}, section has ${s.interfaces.length}`);
      blocks.push(encodeEpb(f, iface, be));
    }
  }
  return concat(blocks);
}

/**
 * Generic block (§3.1): type, total length, body padded to 32 bits, total
 * length again.
 */
export function encodeBlock(type: number, body: Uint8Array, bigEndian = false): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type >>> 0, !bigEndian);
  v.setUint32(4, total, !bigEndian);
  out.set(body, 8);
  v.setUint32(total - 4, total, !bigEndian);
  return out;
}

/** Section Header Block (§4.1), version 1.0, section length -1 (unspecified), no options. */
export function encodeShb(
  bigEndian = false,
  version: { major: number; minor: number } = { major: 1, minor: 0 },
): Uint8Array {
  const body = new Uint8Array(16);
  const v = new DataView(body.buffer);
  const le = !bigEndian;
  v.setUint32(0, 0x1a2b3c4d, le); // Byte-Order Magic
  v.setUint16(4, version.major, le);
  v.setUint16(6, version.minor, le);
  v.setInt32(8, -1, le); // Section Length: -1 = not specified
  v.setInt32(12, -1, le);
  return encodeBlock(BLOCK_SHB, body, bigEndian);
}

/** Interface Description Block (§4.2) with if_name, if_tsresol and if_tsoffset when given. */
export function encodeIdb(iface: PcapngInterface, bigEndian = false): Uint8Array {
  const le = !bigEndian;
  const opts: Uint8Array[] = [];
  if (iface.name !== undefined) opts.push(encodeOption(IF_NAME, encoder.encode(iface.name), le));
  if (iface.tsresolPow2 !== undefined)
    opts.push(encodeOption(IF_TSRESOL, Uint8Array.of(0x80 | iface.tsresolPow2), le));
  else if (iface.tsresol !== undefined)
    opts.push(encodeOption(IF_TSRESOL, Uint8Array.of(iface.tsresol & 0x7f), le));
  if (iface.tsoffset !== undefined) {
    const val = new Uint8Array(8);
    new DataView(val.buffer).setBigInt64(0, BigInt(iface.tsoffset), le);
    opts.push(encodeOption(IF_TSOFFSET, val, le));
  }
  if (opts.length > 0) opts.push(new Uint8Array(4)); // opt_endofopt
  const fixed = new Uint8Array(8);
  const v = new DataView(fixed.buffer);
  v.setUint16(0, iface.linkType, le);
  v.setUint32(4, iface.snaplen ?? 0, le);
  return encodeBlock(BLOCK_IDB, concat([fixed, ...opts]), bigEndian);
}

/** Enhanced Packet Block (§4.3); the timestamp is converted to the interface's resolution. */
export function encodeEpb(frame: PcapngWriteFrame, iface: PcapngInterface, bigEndian = false): Uint8Array {
  return encodePacket(BLOCK_EPB, frame, iface, bigEndian);
}

/** Obsolete Packet Block (Appendix A): 16-bit interface ID and drops count, otherwise as the EPB. */
export function encodePb(frame: PcapngWriteFrame, iface: PcapngInterface, bigEndian = false): Uint8Array {
  return encodePacket(BLOCK_PB, frame, iface, bigEndian);
}

/** Simple Packet Block (§4.4): original length and data, no interface, no timestamp. */
export function encodeSpb(data: Uint8Array, origLen = data.length, bigEndian = false): Uint8Array {
  const body = new Uint8Array(4 + data.length);
  new DataView(body.buffer).setUint32(0, origLen, !bigEndian);
  body.set(data, 4);
  return encodeBlock(BLOCK_SPB, body, bigEndian);
}

/**
 * Decryption Secrets Block (§4.7) of Secrets Type "TLSK": an NSS key log's
 * lines (latin1, as key logs are read), what `editcap --inject-secrets
 * tls,KEYLOG` writes: Wireshark, and sipscope, decrypt the file's TLS with
 * them without a key log beside it.
 */
export function encodeDsb(keyLog: string, bigEndian = false): Uint8Array {
  const data = Buffer.from(keyLog, 'latin1');
  const body = new Uint8Array(8 + ((data.length + 3) & ~3));
  const v = new DataView(body.buffer);
  v.setUint32(0, SECRETS_TLS_KEY_LOG, !bigEndian);
  v.setUint32(4, data.length, !bigEndian);
  body.set(data, 8);
  return encodeBlock(BLOCK_DSB, body, bigEndian);
}

/** Timestamp units since the epoch for an interface's resolution (exact, BigInt). */
export function timestampUnits(sec: number, nsec: number, iface: PcapngInterface): bigint {
  const perSec =
    iface.tsresolPow2 !== undefined ? 1n << BigInt(iface.tsresolPow2) : 10n ** BigInt(iface.tsresol ?? 6);
  const s = BigInt(sec - (iface.tsoffset ?? 0));
  return s * perSec + (BigInt(nsec) * perSec) / 1_000_000_000n;
}

function encodePacket(
  type: number,
  frame: PcapngWriteFrame,
  iface: PcapngInterface,
  bigEndian: boolean,
): Uint8Array {
  const le = !bigEndian;
  const body = new Uint8Array(20 + frame.data.length);
  const v = new DataView(body.buffer);
  if (type === BLOCK_PB) {
    v.setUint16(0, frame.iface, le);
    v.setUint16(2, 0, le); // Drops Count
  } else {
    v.setUint32(0, frame.iface, le);
  }
  const units = timestampUnits(frame.sec, frame.nsec, iface);
  if (units < 0n || units >= 1n << 64n)
    throw new RangeError(`timestamp ${frame.sec}.${frame.nsec} does not fit 64 bits`);
  v.setUint32(4, Number(units >> 32n), le); // Timestamp (High)
  v.setUint32(8, Number(units & 0xffffffffn), le); // Timestamp (Low)
  v.setUint32(12, frame.data.length, le); // Captured Packet Length
  v.setUint32(16, frame.origLen ?? frame.data.length, le); // Original Packet Length
  body.set(frame.data, 20);
  return encodeBlock(type, body, bigEndian);
}

function encodeOption(code: number, value: Uint8Array, le: boolean): Uint8Array {
  const out = new Uint8Array(4 + ((value.length + 3) & ~3));
  const v = new DataView(out.buffer);
  v.setUint16(0, code, le);
  v.setUint16(2, value.length, le);
  out.set(value, 4);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
