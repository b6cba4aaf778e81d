/** TCP header (RFC 9293). Stream reassembly is in tcp-reassembly.ts. */
import { fail, type LayerResult, NEXT_NONE, u16, u32 } from './layer.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

export interface TcpFields {
  srcPort: number;
  dstPort: number;
  /** Sequence number (unsigned 32-bit). */
  seq: number;
  ack: number;
  /** Header length in bytes (Data Offset × 4). */
  headerLength: number;
  /** Flag bits (TCP_FIN, TCP_SYN, ... plus ECE 0x40, CWR 0x80). */
  flags: number;
  window: number;
  checksum: number;
  urgentPointer: number;
}

/**
 * RFC 9293 §3.1: Source Port (16), Destination Port (16), Sequence Number
 * (32), Acknowledgment Number (32), "Data Offset (DOffset): 4 bits. The number
 * of 32-bit words in the TCP header", reserved, control bits "CWR ECE URG ACK
 * PSH RST SYN FIN", Window, Checksum, Urgent Pointer, options.
 * The segment data is everything after the header up to the end of the IP
 * payload.
 */
export function decodeTcp(bytes: Uint8Array, offset: number): LayerResult<TcpFields> {
  const avail = bytes.length - offset;
  if (avail < 20) return fail(`TCP header truncated (${avail} of at least 20 bytes)`);
  const headerLength = (bytes[offset + 12] >>> 4) * 4;
  if (headerLength < 20) return fail(`TCP data offset ${headerLength / 4} is below the minimum of 5`);
  if (headerLength > avail) return fail(`TCP header of ${headerLength} bytes truncated at ${avail}`);
  return {
    ok: true,
    fields: {
      srcPort: u16(bytes, offset),
      dstPort: u16(bytes, offset + 2),
      seq: u32(bytes, offset + 4),
      ack: u32(bytes, offset + 8),
      headerLength,
      flags: bytes[offset + 13],
      window: u16(bytes, offset + 14),
      checksum: u16(bytes, offset + 16),
      urgentPointer: u16(bytes, offset + 18),
    },
    payload: bytes.subarray(offset + headerLength),
    next: NEXT_NONE,
  };
}
