/**
 * Classic pcap writer (draft-ietf-opsawg-pcap): used by tests, the sample
 * generator and the per-call pcap export. File-format level only: the caller
 * supplies the link-layer bytes.
 */
import { PCAP_FILE_HEADER_LEN, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_RECORD_HEADER_LEN } from './pcap.js';

export interface PcapWriteFrame {
  sec: number;
  /** Nanoseconds within the second; written as µs (truncated) unless `nanos`. */
  nsec: number;
  data: Uint8Array;
  /** Length on the wire; defaults to data.length. */
  origLen?: number;
}

export interface PcapWriteOptions {
  /** LINKTYPE_* of every frame (see link-types.ts). */
  linkType: number;
  /** Nanosecond magic 0xA1B23C4D and ns fractions (default false: µs). */
  nanos?: boolean;
  /** Write big-endian (default false: little-endian, as x86 and ARM hosts do). */
  bigEndian?: boolean;
  /** SnapLen in the header (default 262144); longer frames are cut to it, keeping origLen. */
  snaplen?: number;
}

export const DEFAULT_SNAPLEN = 262144;

/** The 24-byte File Header (draft-ietf-opsawg-pcap §4). */
export function encodePcapHeader(opts: PcapWriteOptions): Uint8Array {
  const out = new Uint8Array(PCAP_FILE_HEADER_LEN);
  const v = new DataView(out.buffer);
  const le = !opts.bigEndian;
  v.setUint32(0, opts.nanos ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
  v.setUint16(4, 2, le); // Major Version
  v.setUint16(6, 4, le); // Minor Version
  // 8 Reserved1, 12 Reserved2: "SHOULD be filled with 0"
  v.setUint32(16, opts.snaplen ?? DEFAULT_SNAPLEN, le);
  v.setUint32(20, opts.linkType & 0xffff, le);
  return out;
}

/** One Packet Record: 16-byte header then the (possibly snaplen-cut) bytes (§5). */
export function encodePcapRecord(frame: PcapWriteFrame, opts: PcapWriteOptions): Uint8Array {
  const snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
  const incl = Math.min(frame.data.length, snaplen);
  const out = new Uint8Array(PCAP_RECORD_HEADER_LEN + incl);
  writeRecordHeader(new DataView(out.buffer), 0, frame, incl, opts);
  out.set(frame.data.subarray(0, incl), PCAP_RECORD_HEADER_LEN);
  return out;
}

/** A whole pcap file in one buffer. */
export function writePcap(frames: Iterable<PcapWriteFrame>, opts: PcapWriteOptions): Uint8Array {
  const snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
  const list = Array.isArray(frames) ? (frames as PcapWriteFrame[]) : [...frames];
  let total = PCAP_FILE_HEADER_LEN;
  for (const f of list) total += PCAP_RECORD_HEADER_LEN + Math.min(f.data.length, snaplen);
  const out = new Uint8Array(total);
  out.set(encodePcapHeader(opts), 0);
  const v = new DataView(out.buffer);
  let p = PCAP_FILE_HEADER_LEN;
  for (const f of list) {
    const incl = Math.min(f.data.length, snaplen);
    writeRecordHeader(v, p, f, incl, opts);
    out.set(f.data.subarray(0, incl), p + PCAP_RECORD_HEADER_LEN);
    p += PCAP_RECORD_HEADER_LEN + incl;
  }
  return out;
}

/**
 * Streaming variant: yields the header, then one record per frame, so an
 * export can be piped to an HTTP response without building the whole file.
 */
export function* pcapChunks(frames: Iterable<PcapWriteFrame>, opts: PcapWriteOptions): Generator<Uint8Array> {
  yield encodePcapHeader(opts);
  for (const f of frames) yield encodePcapRecord(f, opts);
}

function writeRecordHeader(
  v: DataView,
  p: number,
  f: PcapWriteFrame,
  incl: number,
  opts: PcapWriteOptions,
): void {
  const le = !opts.bigEndian;
  if (!Number.isInteger(f.sec) || f.sec < 0 || f.sec > 0xffffffff) {
    throw new RangeError(`pcap timestamps are unsigned 32-bit seconds, got ${f.sec}`);
  }
  if (!Number.isInteger(f.nsec) || f.nsec < 0 || f.nsec > 999_999_999) {
    throw new RangeError(`nsec must be an integer in 0..999999999, got ${f.nsec}`);
  }
  v.setUint32(p, f.sec, le);
  v.setUint32(p + 4, opts.nanos ? f.nsec : Math.floor(f.nsec / 1000), le);
  v.setUint32(p + 8, incl, le);
  v.setUint32(p + 12, f.origLen ?? f.data.length, le);
}
