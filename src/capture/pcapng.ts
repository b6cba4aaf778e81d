/**
 * pcapng reader (draft-ietf-opsawg-pcapng): a file is a sequence of blocks,
 * grouped in sections that each start with a Section Header Block and have
 * their own byte order and their own interfaces.
 *
 * Used by `capture-parser.ts`, which feeds it whole blocks: `probe` says how
 * long the block at an offset is, `record` handles one whole block.
 */
import { CaptureError, type CaptureInfo, type Frame, MAX_FRAME_SEC } from './frame.js';

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
/** Obsolete Packet Block (draft-ietf-opsawg-pcapng Appendix A). */
export const BLOCK_PB = 0x00000002;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_NRB = 0x00000004;
export const BLOCK_ISB = 0x00000005;
export const BLOCK_EPB = 0x00000006;
/** Decryption Secrets Block (draft-ietf-opsawg-pcapng §4.7). */
export const BLOCK_DSB = 0x0000000a;
/** DSB Secrets Type "TLSK": an NSS key log (what `editcap --inject-secrets tls,FILE` writes). */
export const SECRETS_TLS_KEY_LOG = 0x544c534b;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const OPT_ENDOFOPT = 0;
export const IF_NAME = 2;
export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;

/** Bigger blocks are taken as corruption (no capture tool writes them). */
export const PCAPNG_MAX_BLOCK_LEN = 32 * 1024 * 1024;

const BLOCK_HEADER_LEN = 12;
const NS_PER_SEC = 1_000_000_000;

/** One Interface Description Block, as the packets of its section need it. */
interface Iface {
  linkType: number;
  snaplen: number;
  /** Index unique across the file (IDBs of earlier sections counted first). */
  globalIndex: number;
  /** Timestamp units per second; exact when `fast`. */
  perSec: number;
  /** Multiplier from remainder units to ns for decimal resolutions (10^(9-k)), 0 for binary ones. */
  decMul: number;
  /** For binary resolutions 2^-n with n <= 29: 2^(9-n); rem * 1953125 * binScale = rem * 1e9 / 2^n exactly. */
  binScale: number;
  /** Units per second fit the exact Number path (<= 1e9). */
  fast: boolean;
  /** Units per second as a BigInt, for resolutions finer than 1 ns. */
  perSecBig: bigint;
  /** if_tsoffset, in seconds. */
  tsOffset: number;
}

export class PcapngReader {
  /** The first Section Header Block has been read. */
  started = false;
  /** Byte order of the current section. */
  private le = true;
  private ifaces: Iface[] = [];
  /** IDBs seen in earlier sections, so interface numbers stay unique across the file. */
  private ifaceBase = 0;
  /** The current section has a major version we cannot read: skip to the next SHB. */
  private skipSection = false;
  private lastSec = 0;
  private lastNsec = 0;
  /** A packet time out of range was warned about (once per file). */
  private warnedTime = false;
  /** Scratch results of the timestamp conversion (no allocation per frame). */
  private tsSec = 0;
  private tsNsec = 0;

  constructor(
    private readonly name: string,
    private readonly info: CaptureInfo,
  ) {
    info.format = 'pcapng';
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
   * Total length of the block at `off`, or minus the number of bytes needed
   * to tell. Pure: it may be called again on the same bytes.
   */
  probe(b: Uint8Array, off: number, avail: number, fileOffset: number): number {
    if (avail < BLOCK_HEADER_LEN) return -BLOCK_HEADER_LEN;
    let le = this.le;
    const isShb = b[off] === 0x0a && b[off + 1] === 0x0d && b[off + 2] === 0x0d && b[off + 3] === 0x0a;
    if (isShb) {
      // §4.1: "The endianness is recognized by reading the Byte Order Magic,
      // which is located 8 octets after the Block Type."
      const bomLE = (b[off + 8] | (b[off + 9] << 8) | (b[off + 10] << 16) | (b[off + 11] << 24)) >>> 0;
      if (bomLE === BYTE_ORDER_MAGIC) le = true;
      else if (bomLE === 0x4d3c2b1a) le = false;
      else {
        throw new CaptureError(
          this.name,
          fileOffset,
          `bad pcapng byte-order magic 0x${bomLE.toString(16).padStart(8, '0')}`,
        );
      }
    }
    const len = le
      ? (b[off + 4] | (b[off + 5] << 8) | (b[off + 6] << 16) | (b[off + 7] << 24)) >>> 0
      : ((b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7]) >>> 0;
    // §3.1: "the length of a block that does not have a body is 12 octets ...
    // This value MUST be a multiple of 4."
    if (len < BLOCK_HEADER_LEN || len % 4 !== 0) {
      throw new CaptureError(
        this.name,
        fileOffset,
        `bad pcapng block length ${len} (must be >= 12 and a multiple of 4)`,
      );
    }
    if (len > PCAPNG_MAX_BLOCK_LEN) {
      throw new CaptureError(this.name, fileOffset, `impossible pcapng block length ${len}`);
    }
    if (isShb && len < 28) {
      throw new CaptureError(this.name, fileOffset, `section header block too short (${len} bytes)`);
    }
    return len;
  }

  /** Consume one whole block of `len` bytes at `off`. */
  record(b: Uint8Array, off: number, len: number, fileOffset: number, out: Frame[]): void {
    const isShb = b[off] === 0x0a && b[off + 1] === 0x0d && b[off + 2] === 0x0d && b[off + 3] === 0x0a;
    if (isShb) this.le = b[off + 8] === 0x4d; // probe() has checked the byte-order magic
    // §3.1: the Block Total Length is "duplicated to permit backward file
    // navigation"; a mismatch means the block boundaries cannot be trusted.
    const trailer = this.u32(b, off + len - 4);
    if (trailer !== len) {
      throw new CaptureError(
        this.name,
        fileOffset,
        `pcapng block trailing length ${trailer} differs from its leading length ${len}`,
      );
    }
    if (isShb) {
      this.sectionHeader(b, off, fileOffset);
      return;
    }
    if (this.skipSection) return;
    switch (this.u32(b, off)) {
      case BLOCK_IDB:
        this.interfaceDescription(b, off, len, fileOffset);
        return;
      case BLOCK_EPB:
        this.packet(b, off, len, fileOffset, out, false);
        return;
      case BLOCK_PB:
        this.packet(b, off, len, fileOffset, out, true);
        return;
      case BLOCK_SPB:
        this.simplePacket(b, off, len, fileOffset, out);
        return;
      case BLOCK_DSB:
        this.decryptionSecrets(b, off, len, fileOffset);
        return;
      default:
        // §3.1: "A parser that does not understand them can simply ignore
        // their content." (NRB, ISB, custom and unknown blocks.)
        return;
    }
  }

  private sectionHeader(b: Uint8Array, off: number, fileOffset: number): void {
    // §4.1: 8 byte-order magic, 12 major version, 14 minor version,
    // 16 section length (64 bits), 24 options.
    const major = this.u16(b, off + 12);
    const minor = this.u16(b, off + 14);
    // §3.4: "In case an application cannot read a Section because of
    // different version number, it MUST skip everything until the next
    // Section Header Block."
    this.skipSection = major !== 1;
    if (this.skipSection) {
      this.info.warnings.push({
        offset: fileOffset + 12,
        message: `pcapng section version ${major}.${minor} not supported; section skipped`,
      });
    }
    // §4.2: the Interface ID "is only unique inside the current section".
    this.ifaceBase += this.ifaces.length;
    this.ifaces = [];
    this.started = true;
  }

  private interfaceDescription(b: Uint8Array, off: number, len: number, fileOffset: number): void {
    // §4.2: 8 LinkType (16 bits), 10 reserved, 12 SnapLen, 16 options.
    if (len < 20) {
      throw new CaptureError(this.name, fileOffset, `interface description block too short (${len} bytes)`);
    }
    const linkType = this.u16(b, off + 8);
    const snaplen = this.u32(b, off + 12);
    // if_tsresol: "If this option is not present, a resolution of 10^-6 is assumed".
    let tsresol = 6;
    let tsOffset = 0;
    const end = off + len - 4;
    let p = off + 16;
    while (p + 4 <= end) {
      const code = this.u16(b, p);
      const olen = this.u16(b, p + 2);
      p += 4;
      if (code === OPT_ENDOFOPT) break;
      if (p + olen > end) {
        // §3.5: readers "MAY ignore the option and continue processing".
        this.info.warnings.push({
          offset: fileOffset + (p - 4 - off),
          message: 'IDB option runs past its block',
        });
        break;
      }
      if (code === IF_TSRESOL && olen >= 1) tsresol = b[p];
      else if (code === IF_TSOFFSET && olen >= 8) {
        // "a 64-bit signed integer value that specifies an offset (in seconds)
        // that must be added to the timestamp of each packet".
        const lo = this.u32(b, this.le ? p : p + 4);
        const hi = this.u32(b, this.le ? p + 4 : p) | 0;
        tsOffset = hi * 4294967296 + lo;
      }
      p += (olen + 3) & ~3;
    }
    this.ifaces.push(makeIface(linkType, snaplen, this.ifaceBase + this.ifaces.length, tsresol, tsOffset));
    if (!this.info.linkTypes.includes(linkType)) this.info.linkTypes.push(linkType);
  }

  /**
   * Decryption Secrets Block (§4.7): 8 Secrets Type, 12 Secrets Length, 16
   * Secrets Data (padded to 32 bits), then options. "TLSK" secrets are an NSS
   * key log, kept in `info.tlsKeyLog` for the TLS stage; other types (WireGuard,
   * ZigBee, …) are skipped.
   */
  private decryptionSecrets(b: Uint8Array, off: number, len: number, fileOffset: number): void {
    if (len < 20) {
      throw new CaptureError(this.name, fileOffset, `decryption secrets block too short (${len} bytes)`);
    }
    const type = this.u32(b, off + 8);
    const secretsLen = this.u32(b, off + 12);
    if (secretsLen > len - 20) {
      this.info.warnings.push({
        offset: fileOffset + 12,
        message: 'decryption secrets run past their block',
      });
      return;
    }
    if (type !== SECRETS_TLS_KEY_LOG) return;
    const text = new TextDecoder('latin1').decode(b.subarray(off + 16, off + 16 + secretsLen));
    (this.info.tlsKeyLog ??= []).push(text);
  }

  /** Enhanced Packet Block (§4.3) or obsolete Packet Block (Appendix A): same layout up to the data. */
  private packet(
    b: Uint8Array,
    off: number,
    len: number,
    fileOffset: number,
    out: Frame[],
    obsolete: boolean,
  ): void {
    // EPB: 8 Interface ID (32), 12 Timestamp (High), 16 Timestamp (Low),
    //      20 Captured Packet Length, 24 Original Packet Length, 28 data.
    // PB:  8 Interface ID (16), 10 Drops Count (16), then as the EPB.
    if (len < 32) {
      throw new CaptureError(this.name, fileOffset, `packet block too short (${len} bytes)`);
    }
    const id = obsolete ? this.u16(b, off + 8) : this.u32(b, off + 8);
    // §4.3: "The interface ID MUST be valid, which means that an matching
    // interface description block MUST exist."
    const iface = this.ifaces[id];
    if (iface === undefined) {
      throw new CaptureError(
        this.name,
        fileOffset,
        `packet on interface ${id}, but the section has ${this.ifaces.length}`,
      );
    }
    const capLen = this.u32(b, off + 20);
    const origLen = this.u32(b, off + 24);
    if (capLen > len - 32) {
      throw new CaptureError(
        this.name,
        fileOffset,
        `captured length ${capLen} does not fit in its ${len}-byte block`,
      );
    }
    this.timestamp(iface, this.u32(b, off + 12), this.u32(b, off + 16));
    const sec = this.tsSec + iface.tsOffset;
    if (sec >= 0 && sec <= MAX_FRAME_SEC) this.tsSec = sec;
    else this.outOfRange(iface, fileOffset);
    this.lastSec = this.tsSec;
    this.lastNsec = this.tsNsec;
    this.info.frames++;
    out.push({
      no: this.info.frames,
      sec: this.tsSec,
      nsec: this.tsNsec,
      linkType: iface.linkType,
      data: b.subarray(off + 28, off + 28 + capLen),
      origLen,
      iface: iface.globalIndex,
      fileOffset,
    });
  }

  private simplePacket(b: Uint8Array, off: number, len: number, fileOffset: number, out: Frame[]): void {
    if (len < 16) {
      throw new CaptureError(this.name, fileOffset, `simple packet block too short (${len} bytes)`);
    }
    // §4.4: "it MUST be assumed that all the Simple Packet Blocks have been
    // captured on the interface previously specified in the first Interface
    // Description Block."
    const iface = this.ifaces[0];
    if (iface === undefined) {
      throw new CaptureError(
        this.name,
        fileOffset,
        'simple packet block before any interface description block',
      );
    }
    const origLen = this.u32(b, off + 8);
    // "The length of this field ... is the minimum value among the SnapLen
    // (present in the Interface Description Block) and the Original Packet
    // Length"; the block body bounds it too.
    let capLen = Math.min(origLen, len - 16);
    if (iface.snaplen !== 0 && iface.snaplen < capLen) capLen = iface.snaplen;
    // The SPB has no timestamp: we keep the previous frame's time (or 0),
    // so that capture time never runs backwards for the later stages.
    this.info.frames++;
    out.push({
      no: this.info.frames,
      sec: this.lastSec,
      nsec: this.lastNsec,
      linkType: iface.linkType,
      data: b.subarray(off + 12, off + 12 + capLen),
      origLen,
      iface: iface.globalIndex,
      fileOffset,
    });
  }

  /**
   * §4.3: "The timestamp is a single 64-bit unsigned integer that represents
   * the number of units of time that have elapsed since 1970-01-01 00:00:00
   * UTC. The length of a unit of time is specified by the 'if_tsresol'
   * option". Sets tsSec / tsNsec exactly (no float rounding), before
   * if_tsoffset (added by the caller).
   */
  private timestamp(iface: Iface, hi: number, lo: number): void {
    if (iface.fast) {
      // Long division of the 64-bit value hi:lo by perSec (<= 1e9 < 2^30)
      // in 16-bit steps, so that every intermediate stays below 2^53.
      const r0 = iface.perSec;
      const q2 = Math.floor(hi / r0);
      let rem = hi - q2 * r0;
      let x = rem * 65536 + (lo >>> 16);
      const q1 = Math.floor(x / r0);
      rem = x - q1 * r0;
      x = rem * 65536 + (lo & 0xffff);
      const q0 = Math.floor(x / r0);
      rem = x - q0 * r0;
      this.tsSec = q2 * 4294967296 + q1 * 65536 + q0;
      // decimal: rem * 10^(9-k); binary 2^-n: rem * 1e9 / 2^n = rem * 1953125 * 2^(9-n),
      // whose product stays below 2^50 and whose scaling by a power of 2 is exact.
      this.tsNsec = iface.decMul !== 0 ? rem * iface.decMul : Math.floor(rem * 1953125 * iface.binScale);
      return;
    }
    const ts = (BigInt(hi) << 32n) | BigInt(lo);
    const per = iface.perSecBig;
    this.tsSec = Number(ts / per);
    this.tsNsec = Number(((ts % per) * BigInt(NS_PER_SEC)) / per);
  }

  /**
   * The packet's time (tsSec plus the interface's if_tsoffset) is before
   * 1970 or after MAX_FRAME_SEC. When the offset alone put it there, the offset
   * is dropped for the interface (its packets keep their spacing); otherwise
   * the packet takes the previous packet's time, as a Simple Packet Block
   * does. Said in the warnings; the packet is kept either way.
   */
  private outOfRange(iface: Iface, fileOffset: number): void {
    const offset = iface.tsOffset;
    if (offset !== 0 && this.tsSec >= 0 && this.tsSec <= MAX_FRAME_SEC) {
      iface.tsOffset = 0;
      this.info.warnings.push({
        offset: fileOffset,
        message: `if_tsoffset of ${offset} s puts the packet times before 1970 or after 2106: ignored`,
      });
      return;
    }
    if (!this.warnedTime) {
      this.warnedTime = true;
      this.info.warnings.push({
        offset: fileOffset,
        message:
          "packet time before 1970 or after 2106: read as the previous packet's (and so for any later one)",
      });
    }
    this.tsSec = this.lastSec;
    this.tsNsec = this.lastNsec;
  }
}

function makeIface(
  linkType: number,
  snaplen: number,
  globalIndex: number,
  tsresol: number,
  tsOffset: number,
): Iface {
  // §4.2 if_tsresol: "If the Most Significant Bit is equal to zero, the
  // remaining bits indicates the resolution of the timestamp as a negative
  // power of 10 ... If the Most Significant Bit is equal to one, the remaining
  // bits indicates the resolution as negative power of 2".
  const binary = (tsresol & 0x80) !== 0;
  const exp = tsresol & 0x7f;
  const iface: Iface = {
    linkType,
    snaplen,
    globalIndex,
    perSec: 0,
    decMul: 0,
    binScale: 0,
    fast: false,
    perSecBig: binary ? 1n << BigInt(exp) : 10n ** BigInt(exp),
    tsOffset,
  };
  if (!binary && exp <= 9) {
    iface.fast = true;
    iface.perSec = 10 ** exp;
    iface.decMul = 10 ** (9 - exp);
  } else if (binary && exp <= 29) {
    iface.fast = true;
    iface.perSec = 2 ** exp;
    iface.binScale = 2 ** (9 - exp);
  }
  return iface;
}
