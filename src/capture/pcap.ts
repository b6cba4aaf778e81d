/**
 * Classic libpcap file format reader (draft-ietf-opsawg-pcap): a 24-byte File
 * Header, then Packet Records of a 16-byte header and the captured bytes.
 *
 * Used by `capture-parser.ts`, which feeds it whole records (it never sees a
 * partial record): `probe` says how long the record at an offset is, `record`
 * turns one whole record into a Frame.
 */
import { CaptureError, type CaptureInfo, type Frame, MAX_FRAME_SEC } from './frame.js';

/** Microsecond magic as read big-endian from the first 4 bytes of a big-endian file. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** Nanosecond magic (draft-ietf-opsawg-pcap §4). */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** The microsecond magic written by a little-endian host, read big-endian. */
export const PCAP_MAGIC_US_SWAPPED = 0xd4c3b2a1;
/** The nanosecond magic written by a little-endian host, read big-endian. */
export const PCAP_MAGIC_NS_SWAPPED = 0x4d3cb2a1;

export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;

/** Largest incl_len we accept whatever the snaplen says (16 MiB). */
export const PCAP_MAX_RECORD_LEN = 16 * 1024 * 1024;
/** libpcap's MAXIMUM_SNAPLEN: records up to this size are plausible even with a smaller snaplen. */
export const PCAP_TYPICAL_MAX_SNAPLEN = 262144;

/** True when the 4 bytes read big-endian are one of the four pcap magics. */
export function isPcapMagic(magicBE: number): boolean {
  return (
    magicBE === PCAP_MAGIC_US ||
    magicBE === PCAP_MAGIC_NS ||
    magicBE === PCAP_MAGIC_US_SWAPPED ||
    magicBE === PCAP_MAGIC_NS_SWAPPED
  );
}

export class PcapReader {
  /** The File Header has been read. */
  started = false;
  /** Set from the magic: the file's byte order. */
  private readonly le: boolean;
  /** Nanosecond timestamps (magic 0xA1B23C4D). */
  private readonly nanos: boolean;
  snaplen = 0;
  linkType = 0;
  private maxRecord = PCAP_MAX_RECORD_LEN;
  /** A fraction carrying past MAX_FRAME_SEC was warned about (once per file). */
  private warnedCarry = false;

  constructor(
    private readonly name: string,
    private readonly info: CaptureInfo,
    magicBE: number,
  ) {
    if (!isPcapMagic(magicBE)) {
      throw new Error(`PcapReader: magic 0x${magicBE.toString(16)} is not a pcap magic`);
    }
    // draft-ietf-opsawg-pcap §4: "These numbers can be used to distinguish
    // sessions that have been written on little-endian machines from the ones
    // written on big-endian machines."
    this.le = magicBE === PCAP_MAGIC_US_SWAPPED || magicBE === PCAP_MAGIC_NS_SWAPPED;
    // "If the value is 0xA1B2C3D4, timestamps in Packet Records are in seconds
    // and microseconds; if it is 0xA1B23C4D, timestamps in Packet Records are
    // in seconds and nanoseconds."
    this.nanos = magicBE === PCAP_MAGIC_NS || magicBE === PCAP_MAGIC_NS_SWAPPED;
    info.format = 'pcap';
  }

  get nanosecond(): boolean {
    return this.nanos;
  }

  get littleEndian(): boolean {
    return this.le;
  }

  private u32(b: Uint8Array, o: number): number {
    return this.le
      ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
      : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }

  private u16(b: Uint8Array, o: number): number {
    return this.le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  /**
   * Length of the record starting at `off` (file header first, then packet
   * records), or minus the number of bytes needed to tell.
   */
  probe(b: Uint8Array, off: number, avail: number, fileOffset: number): number {
    if (!this.started) return PCAP_FILE_HEADER_LEN;
    if (avail < PCAP_RECORD_HEADER_LEN) return -PCAP_RECORD_HEADER_LEN;
    // draft-ietf-opsawg-pcap §5: "Captured Packet Length (32 bits): ... It will
    // be the minimum value among the Original Packet Length and the snapshot
    // length". §7: "A pcap file reader MUST do invalid header and packet
    // checks." A length beyond both the snaplen and what any capture tool
    // writes means the record headers are not where we think (wrong byte
    // order, corruption): stop here rather than skip a random amount.
    const incl = this.u32(b, off + 8);
    if (incl > this.maxRecord) {
      throw new CaptureError(
        this.name,
        fileOffset,
        `impossible record length ${incl} (snaplen ${this.snaplen})`,
      );
    }
    return PCAP_RECORD_HEADER_LEN + incl;
  }

  /** Consume one whole record of `len` bytes at `off`. */
  record(b: Uint8Array, off: number, len: number, fileOffset: number, out: Frame[]): void {
    if (!this.started) {
      this.readFileHeader(b, off);
      return;
    }
    let sec = this.u32(b, off);
    let frac = this.u32(b, off + 4);
    const origLen = this.u32(b, off + 12);
    let nsec: number;
    if (this.nanos) {
      if (frac >= 1_000_000_000) {
        // Out-of-range fraction (seen in corrupt or hand-made files): carry it
        // into the seconds so that nsec stays within 0..999,999,999.
        sec = this.carried(sec, Math.floor(frac / 1_000_000_000), fileOffset);
        frac %= 1_000_000_000;
      }
      nsec = frac;
    } else {
      if (frac >= 1_000_000) {
        sec = this.carried(sec, Math.floor(frac / 1_000_000), fileOffset);
        frac %= 1_000_000;
      }
      nsec = frac * 1000;
    }
    this.info.frames++;
    out.push({
      no: this.info.frames,
      sec,
      nsec,
      linkType: this.linkType,
      data: b.subarray(off + PCAP_RECORD_HEADER_LEN, off + len),
      origLen,
      iface: 0,
      fileOffset,
    });
  }

  /**
   * `sec` plus the whole seconds of an out-of-range fraction, unless that
   * passes MAX_FRAME_SEC (0xffffffff s and 1,000,000 µs would be 2^32 s,
   * which no pcap record holds): then the seconds stay, with a warning (once).
   */
  private carried(sec: number, carry: number, fileOffset: number): number {
    if (sec + carry <= MAX_FRAME_SEC) return sec + carry;
    if (!this.warnedCarry) {
      this.warnedCarry = true;
      this.info.warnings.push({
        offset: fileOffset,
        message: 'record time fraction of a second or more carries past 2106: the seconds kept as they are',
      });
    }
    return sec;
  }

  private readFileHeader(b: Uint8Array, off: number): void {
    // draft-ietf-opsawg-pcap §4, File Header:
    //   0 magic, 4 major version (2), 6 minor version (4), 8 Reserved1,
    //   12 Reserved2, 16 SnapLen, 20 LinkType and additional information.
    const major = this.u16(b, off + 4);
    const minor = this.u16(b, off + 6);
    if (major !== 2) {
      this.info.warnings.push({
        offset: 4,
        message: `unexpected pcap version ${major}.${minor} (expected 2.4); reading as 2.4`,
      });
    }
    this.snaplen = this.u32(b, off + 16);
    // "Link-layer type (16 bits)": the low 16 bits; the upper bits carry the
    // FCS length and reserved flags, which are not part of the type.
    this.linkType = this.u32(b, off + 20) & 0xffff;
    this.maxRecord = Math.min(Math.max(this.snaplen, PCAP_TYPICAL_MAX_SNAPLEN), PCAP_MAX_RECORD_LEN);
    if (!this.info.linkTypes.includes(this.linkType)) this.info.linkTypes.push(this.linkType);
    this.started = true;
  }
}
