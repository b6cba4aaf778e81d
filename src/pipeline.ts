/**
 * The one place that wires the stages together (DESIGN.md "Data flow"):
 * capture frames → decode → SIP framing → SIP parse → (correlate → analyze).
 *
 * Push-driven and environment-neutral: a file, stdin, a live capture or a test
 * feeds frames in; messages come out through `onMessage` as soon as they are
 * complete, so memory follows what is in flight, not the file size.
 */
import type { Frame } from './capture/frame.js';
import { createDecoder, type DecoderOptions } from './decode/decoder.js';
import type { DecodeIssue, HepMeta, Payload } from './decode/payload.js';
import type { MediaTracker } from './media/media-tracker.js';
import {
  createSipExtractor,
  type ExtractorOptions,
  type ExtractorStats,
  type FramedMessage,
} from './sip/extractor.js';
import type { SipMessage } from './sip/message.js';
import { parseSip } from './sip/parse.js';
import type { TlsKeyWait } from './tls/key-wait.js';

export interface PipelineOptions {
  decoder?: DecoderOptions;
  extractor?: ExtractorOptions;
  /** Called for every SIP message, in the order they became complete. `id` is 0-based. */
  onMessage: (msg: SipMessage, id: number) => void;
  /**
   * RTP streams: learns the SDP of each message (before `onMessage`) and is
   * offered each UDP datagram first; what it takes is not looked at for SIP.
   */
  media?: MediaTracker;
  /**
   * Live capture with a key log that grows (src/tls/key-wait.ts): TCP payloads
   * go through it, a TLS connection's held until its key is logged. A file's
   * analysis has none (its key log is whole from the start).
   */
  tlsKeyWait?: TlsKeyWait;
}

export interface PipelineStats {
  frames: number;
  sipMessages: number;
  /** Framed candidates that turned out not to be SIP. */
  notSip: number;
  decodeErrors: number;
}

export interface Pipeline {
  push(frame: Frame): void;
  /**
   * A transport payload that did not come in a frame (a HEP collector): it
   * joins the SIP stage as the decoder's payloads do. Its bytes must stay
   * unchanged until the call returns (they are copied where kept).
   */
  pushPayload(payload: Payload): void;
  /** The wall clock moved: TLS connections whose key is now logged go on (with `tlsKeyWait`; capture time as the caller estimates it). */
  poll(captureTime?: number): void;
  /** End of input: releases what the reassemblers still hold. */
  end(): void;
  readonly stats: PipelineStats;
  /** The SIP stage's counters (stream flows, WebSocket, TLS decryption by reason). */
  readonly extractorStats: ExtractorStats;
  /** Undecodable frames (bounded list; the count is in stats.decodeErrors). */
  readonly issues: readonly DecodeIssue[];
}

export function createPipeline(opts: PipelineOptions): Pipeline {
  const decoder = createDecoder(opts.decoder);
  const extractor = createSipExtractor(opts.extractor);
  const stats: PipelineStats = { frames: 0, sipMessages: 0, notSip: 0, decodeErrors: 0 };
  const media = opts.media;
  const wait = opts.tlsKeyWait;
  /** Payloads the TLS key wait lets go, on their way to the SIP stage. */
  const released: Payload[] = [];

  const emit = (framed: FramedMessage[], hep?: HepMeta): void => {
    for (const f of framed) {
      const msg = parseSip(f.bytes);
      if (!msg) {
        stats.notSip++;
        continue;
      }
      // A HEP agent's details go with the messages of its payload (one per datagram; a stream's come from its flow).
      if (hep !== undefined) f.source.hep = hep;
      msg.source = f.source;
      if (media !== undefined) media.learn(msg, stats.sipMessages);
      opts.onMessage(msg, stats.sipMessages++);
    }
  };

  const letGo = (): void => {
    for (let i = 0; i < released.length; i++) emit(extractor.push(released[i]), released[i].hep);
    released.length = 0;
  };
  /** Through the TLS key wait: what it lets go first, then `p` unless it holds it. */
  const waitFor = (w: TlsKeyWait, p: Payload): void => {
    const held = w.push(p, released);
    letGo();
    if (!held) emit(extractor.push(p), p.hep);
  };

  return {
    push(frame) {
      stats.frames++;
      const payloads = decoder.push(frame);
      for (let i = 0; i < payloads.length; i++) {
        const p = payloads[i];
        if (media?.offer(p)) continue;
        if (wait === undefined) emit(extractor.push(p), p.hep);
        else waitFor(wait, p);
      }
      stats.decodeErrors = decoder.stats.undecodable;
    },
    pushPayload(p) {
      if (media?.offer(p)) return;
      if (wait === undefined) emit(extractor.push(p), p.hep);
      else waitFor(wait, p);
    },
    poll(captureTime) {
      if (wait === undefined) return;
      wait.poll(released, captureTime);
      letGo();
    },
    end() {
      for (const p of decoder.flush()) {
        if (media?.offer(p)) continue;
        if (wait === undefined) emit(extractor.push(p));
        else waitFor(wait, p);
      }
      if (wait !== undefined) {
        wait.flush(released);
        letGo();
      }
      emit(extractor.flush());
      media?.end();
      stats.decodeErrors = decoder.stats.undecodable;
    },
    stats,
    extractorStats: extractor.stats,
    get issues() {
      return decoder.issues;
    },
  };
}
