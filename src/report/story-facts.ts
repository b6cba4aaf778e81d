/**
 * What the call story (call-story.ts) and its media sentences
 * (sdp-story.ts, session-changes.ts) read of a message, and the small
 * helpers they share. Pure (no DOM, no Node): the web page loads it too.
 */
import type { MessageRecord } from './message-record.js';

/** One m= line of a session description, as store/rows.ts SdpSummary writes it. */
export interface StorySdpMedia {
  media: string;
  /** 0: the stream is rejected or disabled (RFC 3264 §6, §8.2). */
  port: number;
  proto: string;
  /** The media's own c= address (null: the session's applies). */
  addr: string | null;
  /** `PCMU/8000` where an rtpmap (or a static payload type) names it, else the format as written. */
  codecs: readonly string[];
  /** a=sendrecv, sendonly, recvonly or inactive; null when none is written (sendrecv, RFC 3264 §5.1). */
  direction: string | null;
}

/**
 * A message's session description as the store's rows carry it
 * (store/rows.ts SdpSummary). Written out rather than imported: rows.ts's
 * type graph reaches Node modules the web page's program cannot load.
 */
export interface StorySdp {
  /** The session c= address, else the first media's. */
  addr: string | null;
  media: readonly StorySdpMedia[];
}

/**
 * What the story reads of a message: the JSON contract's record
 * (report/message-record.ts), which the web page's rows are too. A request
 * with a To tag is sent inside a dialog (RFC 3261 §12.2). `sdp`: the
 * message's session description (null: it has none); absent where the
 * caller did not read the bodies (the JSON contract has none), and then the
 * story says nothing of the offer and answer.
 */
export type StoryMessage = Pick<
  MessageRecord,
  | 'ts'
  | 'src'
  | 'dst'
  | 'method'
  | 'status'
  | 'reason'
  | 'callId'
  | 'cseq'
  | 'cseqMethod'
  | 'toTag'
  | 'transaction'
  | 'dialog'
  | 'retransmission'
> & { fromTag?: string | null; sdp?: StorySdp | null };

/** An address as the story names it: `AliceUA/1.0 (10.0.0.1:5060)`. */
export type Who = (addr: string) => string;
/** A message's time, relative to the call's first message: `2.00 s`. */
export type At = (m: StoryMessage) => string;

/** 20 ms, 2.00 s, 1 min 5 s. */
export function spanText(ms: number): string {
  if (!(ms > 0)) return '0 ms';
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_995) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The first copy of a `method` request (not a retransmission). */
export const isRequest = (m: StoryMessage, method: string): boolean =>
  m.method === method && !m.retransmission;

/** A first copy of a response to a `method` request. */
export const answers = (m: StoryMessage, method: string): boolean =>
  m.status !== undefined && m.cseqMethod === method && !m.retransmission;

/** A message as the ladder labels it: `BYE`, `408 Request Timeout`. */
export function label(m: StoryMessage): string {
  return m.method ?? `${m.status}${m.reason ? ` ${m.reason}` : ''}`;
}

/** The call's opening INVITE: out of any dialog (no To tag). */
export function openingInvite(messages: readonly StoryMessage[]): StoryMessage | undefined {
  return messages.find((m) => isRequest(m, 'INVITE') && m.toTag === null);
}
