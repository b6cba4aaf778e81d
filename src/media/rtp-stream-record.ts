/**
 * An RTP stream's record (media-tracker.ts finds the streams): what
 * `sipscope analyze --json` writes in `streams` and the API's `RtpStream`
 * (server/API.md). Types only, no code, so that the store and the web UI's
 * types (web/src/api/types.ts) name it without pulling in the tracker.
 */
import type { SdpDirection } from '../sip/sdp-model.js';
import type { DtmfEvent } from './dtmf-events.js';
import type { RtcpSummary } from './rtcp-reports.js';
import type { RtpStreamSummary } from './rtp-stats.js';
import type { SrtpSummary } from './srtp-summary.js';
import type { StreamQuality } from './stream-quality.js';

/** A stream's RFC 2198 redundancy, as its record gives it (stream-red.ts makes it). */
export interface RedSummary {
  /** The payload types its blocks carried (primary and redundant), in the order first seen. */
  payloadTypes: number[];
  /** Their codecs (`telephone-event/8000`), or the number where the SDP names none. */
  codecs: string[];
  /** Payloads that did not parse as RFC 2198 (cut short: red.ts): flagged, not read (present when any). */
  malformed?: number;
}

/** One RTP stream, as the JSON report and the API give it. */
export interface RtpStreamRecord extends RtpStreamSummary {
  id: number;
  src: string;
  dst: string;
  /** `audio`, `video`… from the SDP. */
  media: string;
  /** The codecs of the payload types seen (`PCMA/8000`), or the number where the SDP names none. */
  codecs: string[];
  /** The message whose SDP announced the address the stream matched. */
  setup: number;
  /**
   * That SDP's direction for the stream's media (RFC 3264 §5.1). When the
   * address matched is the destination's, this is what its receiver said:
   * sendrecv or sendonly, it meant to send back.
   */
  setupDirection: SdpDirection;
  /** The destination's or the source's SDP came in a 2xx to an INVITE (the call was answered with it). */
  answered: boolean;
  /**
   * RTP went the other way between the same two hosts while this stream was
   * flowing (a stream the other way started, or was sending, within 5 s of
   * one of its packets): false is one-way media.
   */
  reverse: boolean;
  /** The call of that message; null until the caller assigns it. */
  call: number | null;
  /** Frames of the first and last packets (1-based, as Wireshark counts). */
  firstFrame: number;
  lastFrame: number;
  /** What RTCP said about the stream (rtcp-reports.ts): present only when its receiver or sender reported. */
  rtcp?: RtcpSummary;
  /**
   * Its RFC 4733 telephone events, one per digit (dtmf-events.ts): present
   * only when it carried packets of a payload type its SDP mapped to
   * telephone-event.
   */
  dtmf?: DtmfEvent[];
  /** Telephone-event packets too short to hold an event (present when any). */
  dtmfMalformed?: number;
  /** Events past the most kept per stream (present when any). */
  dtmfDropped?: number;
  /**
   * Its RFC 2198 redundancy (stream-red.ts): the payload types its blocks
   * carried and their codecs, payloads that did not parse; present only
   * when it carried packets of a payload type its SDP mapped to red.
   */
  red?: RedSummary;
  /**
   * Present when the stream is SRTP (RFC 3711: an RTP/SAVP description, or
   * keys offered with a=crypto and answered): the suite of the sender's SDES
   * key (RFC 4568), whether its packets authenticated and so were
   * decrypted, how many did not. The figures above are the packets' as
   * they went (their headers are clear; payload bytes include the tag).
   */
  srtp?: SrtpSummary;
  /**
   * How it sounded, estimated: the E-model's R and MOS (ITU-T G.107; the
   * wideband G.107.1 for AMR-WB, `quality.model`) from its codec, loss
   * (after RFC 2198 recovery for red), late packets and delay, or why there
   * is none (stream-quality.ts). Absent on records stored before it was made.
   */
  quality?: StreamQuality;
}
