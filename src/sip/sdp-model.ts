/**
 * The parsed form of an SDP session description (RFC 8866), as `parseSdp`
 * (sdp.ts) builds it: every part keeps its message byte offset.
 */
import type { SipIssue } from './message.js';

export interface SdpLine {
  /** The one-char type: `v`, `o`, `s`, `c`, `t`, `m`, `a`, `b`... */
  type: string;
  value: string;
  offset: number;
  length: number;
}

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
  offset: number;
}

export interface SdpConnection {
  netType: string;
  /** `IP4` or `IP6`. */
  addrType: string;
  /** Address without the /ttl and /count suffixes. */
  address: string;
  ttl?: number;
  count?: number;
  offset: number;
}

export interface SdpAttribute {
  name: string;
  /** Text after the first ":"; absent for a property attribute (`a=sendonly`). */
  value?: string;
  offset: number;
}

export interface SdpRtpMap {
  payloadType: number;
  encoding: string;
  clockRate: number;
  channels?: number;
  offset: number;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpMedia {
  /** `audio`, `video`, `image`, `application`, `text`, `message`. */
  media: string;
  /** 0 means the stream is rejected or disabled (RFC 3264 §6). */
  port: number;
  portCount?: number;
  /** e.g. `RTP/AVP`, `RTP/SAVP`, `udptl`. */
  proto: string;
  formats: string[];
  /** The c= that applies: the media's own, else the session's. */
  connection?: SdpConnection;
  connectionLevel?: 'media' | 'session';
  attributes: SdpAttribute[];
  /** a=rtpmap by payload type (as written in `formats`). */
  rtpmap: Record<string, SdpRtpMap>;
  /** a=fmtp parameters by format. */
  fmtp: Record<string, string>;
  /** The direction that applies: media-level attribute, else session-level, else sendrecv. */
  direction: SdpDirection;
  offset: number;
  length: number;
}

export interface Sdp {
  version?: number;
  origin?: SdpOrigin;
  sessionName?: string;
  /** Session-level c=. */
  connection?: SdpConnection;
  times: Array<{ start: number; stop: number }>;
  /** Session-level attributes. */
  attributes: SdpAttribute[];
  /** Session-level direction (sendrecv when no attribute says otherwise, RFC 8866 §6.7). */
  direction: SdpDirection;
  media: SdpMedia[];
  lines: SdpLine[];
  issues: SipIssue[];
}
