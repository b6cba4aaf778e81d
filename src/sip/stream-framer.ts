/**
 * SIP message framing on a byte stream (one direction of a TCP connection).
 *
 * RFC 3261 §18.3: "In the case of stream-oriented transports such as TCP, the
 * Content-Length header field indicates the size of the body. All SIP
 * messages MUST contain a Content-Length header field when sent over a stream
 * transport."
 *
 * The stream arrives as chunks (`Payload`s); a message may span many chunks
 * and a chunk may hold many messages. `ChunkBuffer` keeps, for every byte
 * range, the frame that brought it, so each framed message can name all the
 * frames it came from and the one that completed it.
 */
import type { Endpoint, Payload, Transport } from '../decode/payload.js';
import { copyBytes } from './byte-pool.js';
import { ChunkBuffer } from './chunk-buffer.js';
import type { MessageSource } from './message.js';
import {
  afterLineEnd,
  CL_HUGE,
  CL_INVALID,
  CL_MISSING,
  findHeaderEnd,
  findSipStart,
  matchSipStartLine,
  parseContentLength,
  START_LINE_NEED_MORE,
} from './sniff.js';

/** One SIP message cut out of a transport payload, ready for the parser. */
export interface FramedMessage {
  /** The message bytes: a copy owned by the message, never a view of a pooled chunk. */
  bytes: Uint8Array;
  source: MessageSource;
  /**
   * Set when framing had to guess: `content-length-missing` and
   * `content-length-invalid` (body taken as empty), `body-truncated` (the
   * stream ended or lost bytes before the declared body was complete).
   */
  framingIssue?: string;
}

/** Drop-and-count counters of the framing layer (shared by all flows). */
export interface FramingStats {
  /** Messages handed out. */
  framed: number;
  /** Bytes discarded: garbage before a start line, partial messages at gaps, oversize messages. */
  skippedBytes: number;
  /** Messages (or header blocks) dropped because they exceeded the size limits. */
  oversize: number;
  /** Messages handed out with an incomplete body (`body-truncated`). */
  truncated: number;
  /** Runs of CRLF keep-alives skipped between messages (RFC 5626 §3.5.1). */
  keepAlives: number;
  /** Times a stream had to be resynchronised to the next start line. */
  resyncs: number;
  missingContentLength: number;
  invalidContentLength: number;
  /** Bytes of streams found not to be SIP (never framed). */
  ignoredBytes: number;
}

export const newFramingStats = (): FramingStats => ({
  framed: 0,
  skippedBytes: 0,
  oversize: 0,
  truncated: 0,
  keepAlives: 0,
  resyncs: 0,
  missingContentLength: 0,
  invalidContentLength: 0,
  ignoredBytes: 0,
});

export interface StreamFramerOptions {
  /** Largest message (headers + body) kept; larger ones are skipped and counted. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Largest header block searched for its end before giving up on it. Default 64 KiB. */
  maxHeaderBytes?: number;
  /**
   * Bytes discarded while hunting for a first start line after which the
   * stream is declared not SIP (`dead`). Default 64 KiB; 0 never gives up.
   */
  giveUpBytes?: number;
  /** Transport named in `source`. Default `tcp`. */
  transport?: Transport;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
export const DEFAULT_MAX_HEADER_BYTES = 64 << 10;
export const DEFAULT_GIVE_UP_BYTES = 64 << 10;

const CR = 13;
const LF = 10;

const IDLE = 0;
const HEADERS = 1;
const BODY = 2;

/**
 * Frames SIP messages in one direction of a stream. Use `push` on its own, or
 * (as the extractor does) `append` to the shared `ChunkBuffer` and `drain`.
 */
export class StreamFramer {
  readonly cb: ChunkBuffer;
  readonly stats: FramingStats;
  private readonly maxMessage: number;
  private readonly maxHeader: number;
  private readonly giveUp: number;
  private readonly transport: Transport;
  src: Endpoint = { ip: '', port: 0 };
  dst: Endpoint = { ip: '', port: 0 };

  private state = IDLE;
  /** HEADERS: start line terminator, and where to resume the header-end search (relative to the message start). */
  private lineEnd = 0;
  private scanFrom = 0;
  /** BODY: header block length and total message length. */
  private headerLen = 0;
  private total = 0;
  private issue: string | undefined = undefined;
  /** Bytes still to discard of an oversize message. */
  private skipRemaining = 0;
  /** Whether any start line was ever found (the stream is SIP). */
  private everFound = false;
  private huntedBytes = 0;
  /** The stream is not SIP: nothing is framed any more. */
  dead = false;

  constructor(
    opts: StreamFramerOptions = {},
    stats: FramingStats = newFramingStats(),
    cb = new ChunkBuffer(),
  ) {
    this.maxMessage = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxHeader = Math.min(opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES, this.maxMessage);
    this.giveUp = opts.giveUpBytes ?? DEFAULT_GIVE_UP_BYTES;
    this.transport = opts.transport ?? 'tcp';
    this.stats = stats;
    this.cb = cb;
  }

  /** Feeds one in-order chunk of this direction; returns the messages it completed. */
  push(p: Payload, out: FramedMessage[] = []): FramedMessage[] {
    this.src = p.src;
    this.dst = p.dst;
    if (p.gap) this.gap(out);
    this.cb.append(p.bytes, p.frame, p.frames, p.ts);
    this.drain(out);
    if (p.fin) this.flush(out);
    this.cb.settle();
    return out;
  }

  /**
   * Bytes are missing before the next chunk: a message in progress cannot be
   * completed. One whose header block is complete is handed out with what
   * there is (`body-truncated`); a partial header block is dropped. Framing
   * then restarts at the next start line.
   */
  gap(out: FramedMessage[]): void {
    this.abandon(out);
  }

  /** End of the stream (FIN/RST or end of capture): as for a gap. */
  flush(out: FramedMessage[] = []): FramedMessage[] {
    this.abandon(out);
    this.cb.settle();
    return out;
  }

  private abandon(out: FramedMessage[]): void {
    const cb = this.cb;
    if (this.state === BODY) {
      this.emit(cb.available, 'body-truncated', out);
      this.stats.truncated++;
    }
    this.stats.skippedBytes += cb.clear();
    this.state = IDLE;
    this.skipRemaining = 0;
  }

  /** Frames as many messages as the buffered bytes hold. */
  drain(out: FramedMessage[]): void {
    const cb = this.cb;
    const stats = this.stats;
    for (;;) {
      if (this.dead) {
        stats.ignoredBytes += cb.clear();
        return;
      }
      const b = cb.bytes;
      let i = cb.pos;
      const e = cb.end;
      if (i >= e) return;

      if (this.skipRemaining > 0) {
        const n = Math.min(this.skipRemaining, e - i);
        this.skipRemaining -= n;
        stats.skippedBytes += n;
        cb.consumeTo(i + n);
        continue;
      }

      if (this.state === IDLE) {
        // RFC 5626 §3.5.1: a keep-alive "ping" is a double CRLF, the "pong" a
        // single CRLF, sent between messages; they are not SIP messages.
        if (b[i] === CR || b[i] === LF) {
          while (i < e && (b[i] === CR || b[i] === LF)) i++;
          stats.keepAlives++;
          cb.consumeTo(i);
          continue;
        }
        const r = matchSipStartLine(b, i, e);
        if (r === START_LINE_NEED_MORE) return;
        if (r < 0) {
          this.resync(b, i, e);
          continue;
        }
        this.everFound = true;
        this.state = HEADERS;
        this.lineEnd = this.scanFrom = r - i;
      }

      if (this.state === HEADERS) {
        const hdrEnd = findHeaderEnd(b, i + this.scanFrom, e);
        if (hdrEnd < 0) {
          if (e - i > this.maxHeader) {
            // No end of headers within the limit: drop it and hunt for the next start line.
            stats.oversize++;
            stats.skippedBytes += e - i;
            cb.consumeTo(e);
            this.state = IDLE;
            continue;
          }
          // Resume three bytes before the end: the blank line may straddle chunks.
          this.scanFrom = Math.max(this.scanFrom, e - i - 3);
          return;
        }
        this.headerLen = hdrEnd - i;
        const cl = parseContentLength(b, afterLineEnd(b, i + this.lineEnd), hdrEnd);
        let body = cl;
        this.issue = undefined;
        if (cl === CL_MISSING) {
          this.issue = 'content-length-missing';
          stats.missingContentLength++;
          body = 0;
        } else if (cl === CL_INVALID) {
          this.issue = 'content-length-invalid';
          stats.invalidContentLength++;
          body = 0;
        }
        if (cl === CL_HUGE || this.headerLen + body > this.maxMessage) {
          stats.oversize++;
          this.state = IDLE;
          if (cl === CL_HUGE) {
            // Unknowable length: drop the header block, resync on what follows.
            stats.skippedBytes += this.headerLen;
            cb.consumeTo(hdrEnd);
          } else this.skipRemaining = this.headerLen + body;
          continue;
        }
        this.total = this.headerLen + body;
        this.state = BODY;
      }

      // BODY
      if (e - i < this.total) return;
      this.emit(this.total, this.issue, out);
      this.state = IDLE;
    }
  }

  private emit(len: number, issue: string | undefined, out: FramedMessage[]): void {
    const cb = this.cb;
    const i = cb.pos;
    const source = cb.sourceOf(i, i + len, this.transport, this.src, this.dst);
    const msg: FramedMessage = { bytes: copyBytes(cb.bytes, i, i + len), source };
    if (issue !== undefined) msg.framingIssue = issue;
    out.push(msg);
    this.stats.framed++;
    cb.consumeTo(i + len);
  }

  /**
   * The buffered bytes do not begin with a start line (a gap, a capture that
   * starts mid-stream, or junk): discard up to the next line that is, or may
   * become, a SIP start line.
   */
  private resync(b: Uint8Array, i: number, e: number): void {
    // The line at i is not a start line (it was matched before): look from the next one.
    const lf = b.indexOf(LF, i);
    let to = lf < 0 || lf >= e ? e : findSipStart(b, lf + 1, e);
    if (to < 0) to = e;
    this.stats.resyncs++;
    this.stats.skippedBytes += to - i;
    this.cb.consumeTo(to);
    if (!this.everFound) {
      this.huntedBytes += to - i;
      if (this.giveUp > 0 && this.huntedBytes > this.giveUp) this.dead = true;
    }
  }
}
