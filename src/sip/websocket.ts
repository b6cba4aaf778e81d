/**
 * SIP over WebSocket (RFC 7118) on a plain TCP flow: the WebSocket framing
 * (RFC 6455 §5) that follows the HTTP Upgrade handshake (which the extractor
 * recognises), one direction at a time.
 *
 * RFC 7118 §5: "each SIP message MUST be carried within a single WebSocket
 * message, and a WebSocket message MUST NOT contain more than one SIP
 * message" — so every complete text or binary WebSocket message is one SIP
 * message candidate, and no Content-Length framing is needed (or flagged).
 */
import type { Endpoint, Payload } from '../decode/payload.js';
import { ChunkBuffer, mergeSources } from './chunk-buffer.js';
import type { MessageSource } from './message.js';
import { matchSipStartLine, START_LINE_NEED_MORE, sipMessageStart } from './sniff.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  type FramedMessage,
  type FramingStats,
  newFramingStats,
} from './stream-framer.js';

/** WebSocket counters, next to the framing ones. */
export interface WsStats {
  /** Complete WebSocket data messages seen. */
  wsMessages: number;
  /** Ping / pong / close frames skipped. */
  wsControlFrames: number;
  /** Frames breaking RFC 6455 §5 (reserved bits, unknown opcodes, bad control frames, stray continuations). */
  wsProtocolErrors: number;
  /** Frames compressed by an extension (RFC 7692 permessage-deflate): skipped, not inflated. */
  wsCompressed: number;
  /** Data messages that were not SIP. */
  wsNotSip: number;
}

export const newWsStats = (): WsStats => ({
  wsMessages: 0,
  wsControlFrames: 0,
  wsProtocolErrors: 0,
  wsCompressed: 0,
  wsNotSip: 0,
});

export interface WsFramerOptions {
  /** Largest WebSocket message kept; larger ones are skipped and counted. Default 1 MiB. */
  maxMessageBytes?: number;
}

// RFC 6455 §5.2 opcodes.
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

const isControl = (op: number): boolean => op === OP_CLOSE || op === OP_PING || op === OP_PONG;

/** Result of reading a frame header. */
interface FrameHead {
  /** Header length (2..14) or NEED_MORE / INVALID. */
  hdr: number;
  len: number;
}

const HEAD_NEED_MORE = -2;
const HEAD_INVALID = -1;
/** Largest payload length we accept reading from a 64-bit field (2^53 - 1 is the JS limit). */
const MAX_LEN_HI = 0x1fffff;

/**
 * RFC 6455 §5.2: "Payload length: 7 bits, 7+16 bits, or 7+64 bits ... If 126,
 * the following 2 bytes interpreted as a 16-bit unsigned integer are the
 * payload length. If 127, the following 8 bytes interpreted as a 64-bit
 * unsigned integer (the most significant bit MUST be 0) are the payload
 * length." Then the 4-byte masking key when MASK is set.
 * (Non-minimal length encodings are accepted.)
 */
function readHead(b: Uint8Array, i: number, e: number, out: FrameHead): void {
  if (e - i < 2) {
    out.hdr = HEAD_NEED_MORE;
    return;
  }
  const b1 = b[i + 1];
  const len7 = b1 & 0x7f;
  let hdr = 2;
  let len = len7;
  if (len7 === 126) {
    hdr = 4;
    if (e - i < 4) {
      out.hdr = HEAD_NEED_MORE;
      return;
    }
    len = (b[i + 2] << 8) | b[i + 3];
  } else if (len7 === 127) {
    hdr = 10;
    if (e - i < 10) {
      out.hdr = HEAD_NEED_MORE;
      return;
    }
    const hi = ((b[i + 2] << 24) | (b[i + 3] << 16) | (b[i + 4] << 8) | b[i + 5]) >>> 0;
    const lo = ((b[i + 6] << 24) | (b[i + 7] << 16) | (b[i + 8] << 8) | b[i + 9]) >>> 0;
    if (hi > MAX_LEN_HI) {
      out.hdr = HEAD_INVALID;
      return;
    }
    len = hi * 0x100000000 + lo;
  }
  if (b1 & 0x80) hdr += 4;
  if (e - i < hdr) {
    out.hdr = HEAD_NEED_MORE;
    return;
  }
  out.hdr = hdr;
  out.len = len;
}

const SCRATCH = new Uint8Array(24);
const HEAD: FrameHead = { hdr: 0, len: 0 };

/**
 * Heuristic for a WebSocket flow whose handshake was not captured: does
 * `b[i..e)` begin with a well-formed frame that is a control frame or a data
 * frame whose (unmasked) payload begins like a SIP message?
 * Returns 1 (yes), 0 (no) or START_LINE_NEED_MORE.
 */
export function sniffWsFrame(b: Uint8Array, i: number, e: number): number {
  if (e - i < 2) return START_LINE_NEED_MORE;
  const b0 = b[i];
  const op = b0 & 0x0f;
  if ((b0 & 0x70) !== 0) return 0;
  if (isControl(op)) return b0 & 0x80 && (b[i + 1] & 0x7f) <= 125 ? 1 : 0;
  if (op !== OP_TEXT && op !== OP_BINARY) return 0;
  readHead(b, i, e, HEAD);
  if (HEAD.hdr === HEAD_NEED_MORE) return START_LINE_NEED_MORE;
  if (HEAD.hdr < 0 || HEAD.len === 0) return 0;
  const want = Math.min(HEAD.len, SCRATCH.length);
  const at = i + HEAD.hdr;
  if (e - at < want) return START_LINE_NEED_MORE;
  const masked = (b[i + 1] & 0x80) !== 0;
  for (let k = 0; k < want; k++) SCRATCH[k] = masked ? b[at + k] ^ b[at - 4 + (k & 3)] : b[at + k];
  let k = 0;
  while (k < want && (SCRATCH[k] === 13 || SCRATCH[k] === 10)) k++;
  if (k === want) return 1; // CRLF keep-alive
  return matchSipStartLine(SCRATCH, k, want) === -1 ? 0 : 1;
}

/**
 * Reassembles WebSocket messages in one direction of a flow (after the
 * handshake) and hands out those that are SIP messages.
 */
export class WsFramer {
  readonly cb: ChunkBuffer;
  readonly stats: FramingStats & WsStats;
  private readonly maxMessage: number;
  src: Endpoint = { ip: '', port: 0 };
  dst: Endpoint = { ip: '', port: 0 };

  /** Fragments of the message in progress (RFC 6455 §5.4), unmasked copies. */
  private parts: Uint8Array[] = [];
  private partsLen = 0;
  private partsSource: MessageSource | null = null;
  private inMessage = false;
  /** Skipping the rest of an oversize fragmented message. */
  private discarding = false;
  private skipRemaining = 0;
  /** After a gap or a protocol error: wait for a chunk that begins with a plausible frame. */
  private resyncing = false;

  constructor(
    opts: WsFramerOptions = {},
    stats: FramingStats & WsStats = { ...newFramingStats(), ...newWsStats() },
    cb = new ChunkBuffer(),
  ) {
    this.maxMessage = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.stats = stats;
    this.cb = cb;
  }

  /** Feeds one in-order chunk of this direction (WebSocket frames only). */
  push(p: Payload, out: FramedMessage[] = []): FramedMessage[] {
    this.src = p.src;
    this.dst = p.dst;
    if (p.gap) this.gap();
    this.cb.append(p.bytes, p.frame, p.frames, p.ts);
    this.drain(out);
    if (p.fin) this.flush();
    this.cb.settle();
    return out;
  }

  /** Bytes are missing: drop the frame and message in progress, resynchronise on a later chunk. */
  gap(): void {
    this.flush();
    this.resyncing = true;
  }

  /** End of the stream: a partial frame or message is dropped and counted. */
  flush(): FramedMessage[] {
    if (this.inMessage && !this.discarding) this.stats.truncated++;
    this.dropMessage();
    this.stats.skippedBytes += this.cb.clear();
    this.skipRemaining = 0;
    return [];
  }

  private dropMessage(): void {
    this.parts.length = 0;
    this.partsLen = 0;
    this.partsSource = null;
    this.inMessage = false;
    this.discarding = false;
  }

  private protocolError(): void {
    this.stats.wsProtocolErrors++;
    if (this.inMessage) this.stats.truncated++;
    this.dropMessage();
    this.stats.skippedBytes += this.cb.clear();
    this.resyncing = true;
  }

  drain(out: FramedMessage[]): void {
    const cb = this.cb;
    const stats = this.stats;
    for (;;) {
      const b = cb.bytes;
      const i = cb.pos;
      const e = cb.end;
      if (i >= e) return;
      if (this.skipRemaining > 0) {
        const n = Math.min(this.skipRemaining, e - i);
        this.skipRemaining -= n;
        stats.skippedBytes += n;
        cb.consumeTo(i + n);
        continue;
      }
      if (this.resyncing) {
        const s = sniffWsFrame(b, i, e);
        if (s === START_LINE_NEED_MORE) return;
        if (s === 0) {
          stats.skippedBytes += cb.clear();
          return;
        }
        this.resyncing = false;
      }

      const b0 = b[i];
      const fin = (b0 & 0x80) !== 0;
      const op = b0 & 0x0f;
      readHead(b, i, e, HEAD);
      const hdr = HEAD.hdr;
      if (hdr === HEAD_NEED_MORE) return;
      const len = HEAD.len;
      if (hdr === HEAD_INVALID) {
        this.protocolError();
        return;
      }
      const rsv = b0 & 0x70;
      // RFC 6455 §5.5: "All control frames MUST have a payload length of 125
      // bytes or less and MUST NOT be fragmented."
      if (isControl(op)) {
        if (!fin || len > 125 || rsv !== 0) {
          this.protocolError();
          return;
        }
        if (e - i < hdr + len) return;
        stats.wsControlFrames++;
        cb.consumeTo(i + hdr + len);
        continue;
      }
      if (op !== OP_CONTINUATION && op !== OP_TEXT && op !== OP_BINARY) {
        this.protocolError();
        return;
      }
      // RFC 6455 §5.4: a fragmented message is one frame with FIN clear and an
      // opcode, then continuation frames, the last with FIN set; control
      // frames may be injected in between.
      if (op === OP_CONTINUATION) {
        if (!this.inMessage) {
          stats.wsProtocolErrors++;
          this.skipFrame(hdr + len, true);
          continue;
        }
        if (this.discarding) {
          this.skipFrame(hdr + len, fin);
          continue;
        }
      } else if (this.inMessage) {
        // A new message before the previous one finished: drop the previous one.
        stats.wsProtocolErrors++;
        if (!this.discarding) stats.truncated++;
        this.dropMessage();
      }
      // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated";
      // RSV1 on the first frame of a message is RFC 7692 permessage-deflate,
      // which we do not inflate: the message is skipped and counted.
      if (rsv !== 0) {
        if (rsv !== 0x40 || op === OP_CONTINUATION) {
          this.protocolError();
          return;
        }
        stats.wsCompressed++;
        this.skipFrame(hdr + len, fin);
        if (!fin) this.inMessage = this.discarding = true;
        continue;
      }
      if (this.partsLen + len > this.maxMessage) {
        stats.oversize++;
        this.dropMessage();
        this.skipFrame(hdr + len, fin);
        if (!fin) this.inMessage = this.discarding = true;
        continue;
      }
      if (e - i < hdr + len) return;

      const payload = new Uint8Array(len);
      const at = i + hdr;
      if (b[i + 1] & 0x80) {
        // RFC 6455 §5.3: "Octet i of the transformed data is the XOR of octet
        // i of the original data with octet at index i modulo 4 of the masking key."
        const k0 = b[at - 4];
        const k1 = b[at - 3];
        const k2 = b[at - 2];
        const k3 = b[at - 1];
        let k = 0;
        const n4 = len & ~3;
        for (; k < n4; k += 4) {
          payload[k] = b[at + k] ^ k0;
          payload[k + 1] = b[at + k + 1] ^ k1;
          payload[k + 2] = b[at + k + 2] ^ k2;
          payload[k + 3] = b[at + k + 3] ^ k3;
        }
        for (; k < len; k++) payload[k] = b[at + k] ^ b[at - 4 + (k & 3)];
      } else payload.set(b.subarray(at, at + len));
      const source = cb.sourceOf(i, at + len, 'ws', this.src, this.dst);
      cb.consumeTo(at + len);

      if (!fin) {
        this.inMessage = true;
        this.parts.push(payload);
        this.partsLen += len;
        this.partsSource = this.partsSource === null ? source : mergeSources(this.partsSource, source);
        continue;
      }
      let message: Uint8Array = payload;
      let msgSource = source;
      if (this.inMessage) {
        this.parts.push(payload);
        message = concat(this.parts, this.partsLen + len);
        msgSource = mergeSources(this.partsSource!, source);
        this.dropMessage();
      }
      stats.wsMessages++;
      this.emit(message, msgSource, out);
    }
  }

  private skipFrame(n: number, fin: boolean): void {
    const cb = this.cb;
    const take = Math.min(n, cb.available);
    this.stats.skippedBytes += take;
    cb.consumeTo(cb.pos + take);
    this.skipRemaining = n - take;
    if (fin && this.discarding) this.dropMessage();
  }

  private emit(message: Uint8Array, source: MessageSource, out: FramedMessage[]): void {
    const start = sipMessageStart(message, 0, message.length);
    if (start < 0) {
      let k = 0;
      while (k < message.length && (message[k] === 13 || message[k] === 10)) k++;
      if (k === message.length) this.stats.keepAlives++;
      else this.stats.wsNotSip++;
      return;
    }
    out.push({ bytes: start === 0 ? message : message.slice(start), source });
    this.stats.framed++;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const m = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    m.set(p, o);
    o += p.length;
  }
  return m;
}
