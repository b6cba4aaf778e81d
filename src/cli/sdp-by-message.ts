/**
 * The SDP of a capture's messages, summarised as the store's rows carry them
 * (store/sdp-summary.ts), for `sipscope analyze FILE --call ID`: the call
 * story tells the offer and answer and what re-INVITEs changed from them
 * (report/sdp-story.ts), as the web page does from its rows. Fed by
 * analyzeCapture's `onMessage`, only when a call's story is to be printed.
 */
import type { StorySdp } from '../report/story-facts.js';
import type { SipMessage } from '../sip/message.js';
import { sdpOf } from '../sip/sdp.js';
import { sdpSummary } from '../store/sdp-summary.js';

export class SdpByMessage {
  private readonly byId = new Map<number, StorySdp>();

  /** analyzeCapture's `onMessage`: keeps the summary of a message with an SDP body (a part of a multipart one too). */
  readonly onMessage = (msg: SipMessage, id: number): void => {
    const sdp = msg.body.length > 0 ? sdpOf(msg) : undefined;
    if (sdp !== undefined) this.byId.set(id, sdpSummary(sdp));
  };

  /** The message's SDP; null when it has none. */
  get(id: number): StorySdp | null {
    return this.byId.get(id) ?? null;
  }
}
