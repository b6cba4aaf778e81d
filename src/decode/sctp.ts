/**
 * SCTP common header and chunks (RFC 9260), with DATA (type 0) and I-DATA
 * (type 64, RFC 8260) chunks taken apart. Fragment reassembly and duplicate
 * suppression are in sctp-reassembly.ts.
 */
import { fail, type LayerResult, NEXT_NONE, u16, u32 } from './layer.js';

export const SCTP_DATA = 0;
export const SCTP_IDATA = 64;

export interface SctpChunk {
  type: number;
  flags: number;
  /** Declared chunk length (header included, padding excluded). */
  length: number;
  /** Offset of the chunk in the bytes given to decodeSctp. */
  offset: number;
  /** DATA / I-DATA only. */
  tsn?: number;
  stream?: number;
  /** DATA: Stream Sequence Number. */
  ssn?: number;
  /** I-DATA: Message Identifier. */
  mid?: number;
  /** I-DATA: Fragment Sequence Number (0 on the first fragment, whose word holds the PPID). */
  fsn?: number;
  ppid?: number;
  unordered?: boolean;
  /** B bit: first fragment of a user message. */
  begin?: boolean;
  /** E bit: last fragment of a user message. */
  end?: boolean;
  /** DATA / I-DATA user data (a view). */
  data?: Uint8Array;
}

export interface SctpFields {
  srcPort: number;
  dstPort: number;
  verificationTag: number;
  checksum: number;
  chunks: SctpChunk[];
}

/**
 * RFC 9260 §3.1: Source Port, Destination Port, Verification Tag, Checksum.
 * §3.2: each chunk is "Chunk Type (8) | Chunk Flags (8) | Chunk Length (16)";
 * "Chunk Length ... represents the size of the chunk in bytes, including the
 * Chunk Type, Chunk Flags, Chunk Length, and Chunk Value fields" and "The
 * total length of a chunk ... MUST be a multiple of 4 bytes. If the length of
 * the chunk is not a multiple of 4 bytes, the sender MUST pad the chunk".
 * §3.3.1 DATA: flags "|I|U|B|E|", then TSN (32), Stream Identifier (16),
 * Stream Sequence Number (16), Payload Protocol Identifier (32), User Data.
 * RFC 8260 §2.1 I-DATA: flags "|I|U|B|E|", TSN, Stream Identifier, Reserved
 * (16), Message Identifier (32), PPID / Fragment Sequence Number (32), data.
 *
 * A chunk whose length runs past the captured bytes ends the walk with an
 * issue; the chunks before it are kept.
 */
export function decodeSctp(bytes: Uint8Array, offset: number): LayerResult<SctpFields> {
  const avail = bytes.length - offset;
  if (avail < 12) return fail(`SCTP common header truncated (${avail} of 12 bytes)`);
  const fields: SctpFields = {
    srcPort: u16(bytes, offset),
    dstPort: u16(bytes, offset + 2),
    verificationTag: u32(bytes, offset + 4),
    checksum: u32(bytes, offset + 8),
    chunks: [],
  };
  let issue: string | undefined;
  let o = offset + 12;
  while (bytes.length - o >= 4) {
    const type = bytes[o];
    const flags = bytes[o + 1];
    const length = u16(bytes, o + 2);
    if (length < 4) {
      issue = `SCTP chunk type ${type} with length ${length} (minimum 4)`;
      break;
    }
    if (length > bytes.length - o) {
      issue = `SCTP chunk type ${type} of ${length} bytes truncated at ${bytes.length - o}`;
      break;
    }
    const chunk: SctpChunk = { type, flags, length, offset: o };
    if (type === SCTP_DATA || type === SCTP_IDATA) {
      const headerLength = type === SCTP_DATA ? 16 : 20;
      if (length < headerLength) {
        issue = `SCTP ${type === SCTP_DATA ? 'DATA' : 'I-DATA'} chunk of ${length} bytes is shorter than its header`;
        break;
      }
      chunk.tsn = u32(bytes, o + 4);
      chunk.stream = u16(bytes, o + 8);
      chunk.unordered = (flags & 0x04) !== 0;
      chunk.begin = (flags & 0x02) !== 0;
      chunk.end = (flags & 0x01) !== 0;
      if (type === SCTP_DATA) {
        chunk.ssn = u16(bytes, o + 10);
        chunk.ppid = u32(bytes, o + 12);
      } else {
        chunk.mid = u32(bytes, o + 12);
        const word = u32(bytes, o + 16);
        if (chunk.begin) chunk.ppid = word;
        chunk.fsn = chunk.begin ? 0 : word;
      }
      chunk.data = bytes.subarray(o + headerLength, o + length);
    }
    fields.chunks.push(chunk);
    o += (length + 3) & ~3;
  }
  const payload = bytes.subarray(offset + 12);
  return issue === undefined
    ? { ok: true, fields, payload, next: NEXT_NONE }
    : { ok: true, fields, payload, next: NEXT_NONE, issue };
}
