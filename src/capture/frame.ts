/**
 * One captured packet, the unit every capture reader yields (pcap, pcapng, live).
 *
 * Timestamps are kept as whole seconds plus nanoseconds so that nanosecond
 * captures lose nothing; `tsSeconds()` gives the float the JSON contract uses.
 */
export interface Frame {
  /** 1-based frame number in its capture, as Wireshark numbers them. */
  no: number;
  /** Whole seconds since the epoch. */
  sec: number;
  /** Nanoseconds within the second (0..999,999,999). */
  nsec: number;
  /** LINKTYPE_* value of the interface the frame was captured on. */
  linkType: number;
  /** Captured bytes (may be shorter than origLen when the snaplen cut it). */
  data: Uint8Array;
  /** Length of the packet on the wire. */
  origLen: number;
  /** pcapng interface index (0 for classic pcap). */
  iface: number;
  /** Byte offset of the record in its file (for error messages and exports). */
  fileOffset: number;
}

/**
 * The latest capture time a frame is read with: 2^32 - 1 s (2106-02-07),
 * the most a classic pcap record holds, so that every frame can be shown as
 * a date and written again (call exports, `extract`). A time past it, or
 * before 1970, is damage or a forged file: the readers warn and keep the
 * frame with a time in range (pcap.ts, pcapng.ts).
 */
export const MAX_FRAME_SEC = 0xffffffff;

export function tsSeconds(f: Pick<Frame, 'sec' | 'nsec'>): number {
  return f.sec + f.nsec / 1e9;
}

/** A problem with the capture file itself: names the file and the byte offset. */
export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: ${reason} at byte offset ${offset}`);
    this.name = 'CaptureError';
  }
}

/** Something recoverable about the file: reported, the good frames are kept. */
export interface CaptureWarning {
  offset: number;
  message: string;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** What a reader learns about the file as it goes. */
export interface CaptureInfo {
  format: CaptureFormat;
  /** Distinct link types seen (one per interface for pcapng). */
  linkTypes: number[];
  frames: number;
  bytes: number;
  warnings: CaptureWarning[];
  /** NSS key log text of the pcapng Decryption Secrets Blocks read so far (TLS decryption), one entry per block. */
  tlsKeyLog?: string[];
  /**
   * A record or block turned out corrupt after good ones (read-file.ts):
   * the reader ended there, its frames before it kept, as Wireshark keeps
   * the packets before a damaged one; the error is also a warning.
   */
  corrupt?: CaptureError;
}
