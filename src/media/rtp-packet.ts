/**
 * One RTP packet as read back from a capture file (stream-packets.ts), what
 * the sound (rtp-audio.ts) and the packet analysis (stream-analysis.ts) are
 * made from. A file of its own, without the reader: the web page uses
 * rtp-audio.ts's pure parts and must not pull in the file reader.
 */
export interface RtpPacket {
  /** The frame that carried it (its last fragment's, when IP-fragmented). */
  frame: number;
  /** Capture time, seconds. */
  ts: number;
  sequence: number;
  /** RTP timestamp, uint32. */
  timestamp: number;
  payloadType: number;
  marker: boolean;
  /** Bytes of payload (its padding left out). */
  payloadLength: number;
  /** Those bytes, copied; empty when they were not asked for (stream-packets.ts `ReadOptions.payloads`). */
  payload: Uint8Array;
}
