/**
 * The SRTP of one stream as the media tracker starts it: the key of its
 * sender's SDP (sdes.ts), found from the SDP of the address it is sent to
 * and the SDP of the address it comes from (or, failing that, the other SRTP
 * description of the same Call-ID: sdes-pairs.ts), and the receiver that
 * verifies its packets.
 */
import type { DtlsKey } from './dtls-srtp.js';
import type { MediaEndpoint } from './media-map.js';
import { type SdesSide, type SrtpSummary, senderCrypto, srtpSetupOf } from './sdes.js';
import type { SdesPairs } from './sdes-pairs.js';
import { SrtpReceiver, type SrtpSetup } from './srtp.js';
import type { FingerprintCheck } from './srtp-summary.js';

/** The key of a stream: what its summary starts from, and its setup (null when none usable: `summary.reason`). */
export interface StreamKey {
  summary: SrtpSummary;
  setup: SrtpSetup | null;
  /** DTLS-SRTP: the generation of the pair's keys it was made from (dtls-srtp.ts). */
  dtlsGeneration?: number;
}

/** The DTLS-SRTP key of the stream's 5-tuple (dtls-srtp.ts `keyFor`), null when no DTLS was seen there. */
export type DtlsLookup = () => DtlsKey | null;

export interface StreamSrtp extends StreamKey {
  receiver: SrtpReceiver | null;
  /** SRTCP packets of the stream's sender (its SSRC) that verified and that did not (RFC 3711 §3.4). */
  rtcpVerified: number;
  rtcpAuthFailures: number;
  /** Packets seen while it had no key (a DTLS-SRTP stream keyed later says them in `beforeKeys`). */
  unkeyed: number;
}

/**
 * `toDst`: the SDP of the destination (its receiver's), `fromSrc`: the SDP
 * of its source (its sender's, with symmetric RTP). Null for plain RTP: no
 * SRTP profile and no a=crypto on either side, or a best-effort offer of
 * keys (a=crypto under RTP/AVP) answered without any.
 */
export function streamSrtp(
  toDst: MediaEndpoint | undefined,
  fromSrc: MediaEndpoint | undefined,
  pairs: SdesPairs,
  dtls?: DtlsLookup,
): StreamSrtp | null {
  const key = streamKey(toDst, fromSrc, pairs, dtls);
  if (key === null) return null;
  const receiver = key.setup === null ? null : new SrtpReceiver(key.setup);
  return { ...key, receiver, rtcpVerified: 0, rtcpAuthFailures: 0, unkeyed: 0 };
}

/** The sender's key of what goes to `toDst` from `fromSrc` (RTP or RTCP): as `streamSrtp`, without the receiver. */
export function streamKey(
  toDst: MediaEndpoint | undefined,
  fromSrc: MediaEndpoint | undefined,
  pairs: SdesPairs,
  dtls?: DtlsLookup,
): StreamKey | null {
  let receiver: SdesSide | undefined = toDst?.sdes;
  let sender: SdesSide | undefined = fromSrc?.sdes;
  if (receiver === undefined && sender === undefined) return null;
  if (sender === undefined || sender.crypto.length === 0)
    sender = (receiver && pairs.other(receiver)) ?? sender;
  if (receiver === undefined) receiver = sender && pairs.other(sender);
  const savp = receiver?.savp === true || sender?.savp === true;
  // RTP/AVP both ways, and one side without keys (an SDP known without SRTP media, or without
  // a=crypto): a best-effort offer of SRTP was declined.
  const plainSide =
    (toDst !== undefined && toDst.sdes === undefined) ||
    (fromSrc !== undefined && fromSrc.sdes === undefined);
  if (
    !savp &&
    (plainSide || receiver?.crypto.length === 0 || sender === undefined || sender.crypto.length === 0)
  )
    return null;
  const line = sender === undefined ? undefined : senderCrypto(sender.crypto, receiver?.crypto);
  // No a=crypto to key it: DTLS-SRTP (RFC 5764), when a handshake went over the stream's 5-tuple.
  const d = line === undefined ? dtls?.() : null;
  if (d != null) return dtlsStreamKey(d);
  const summary: SrtpSummary = { suite: null, decrypted: false, verified: 0, authFailures: 0 };
  if (sender === undefined || line === undefined) {
    summary.reason =
      sender === undefined
        ? "the sender's SDP is not in the capture"
        : "no a=crypto in the sender's SDP, and no DTLS handshake on the stream's addresses (DTLS-SRTP keys need one and a TLS key log)";
    return { summary, setup: null };
  }
  summary.suite = line.suite;
  summary.keying = 'sdes';
  summary.keyMessage = sender.message;
  summary.keyMedia = sender.media;
  summary.tag = line.tag;
  const setup = srtpSetupOf(line);
  if (typeof setup === 'string') {
    summary.reason = setup;
    return { summary, setup: null };
  }
  return { summary, setup };
}

/** The key of a stream from the DTLS handshake on its 5-tuple (RFC 5764 §4.2), or why there is none. */
export function dtlsStreamKey(d: DtlsKey): StreamKey {
  const summary: SrtpSummary = {
    suite: d.setup?.suite.name ?? null,
    decrypted: false,
    verified: 0,
    authFailures: 0,
    keying: 'dtls',
    dtls: d.keying,
  };
  if (d.reason !== undefined) summary.reason = d.reason;
  return { summary, setup: d.setup, dtlsGeneration: d.generation };
}

/**
 * A stream without a key (SRTP before its DTLS handshake, or before the key
 * log line came): keyed when the DTLS pair of its 5-tuple has changed since
 * it looked. The packets it saw until then are `beforeKeys`. True when the
 * stream now has a receiver.
 */
export function rekeyed(s: StreamSrtp, d: DtlsKey | null): boolean {
  if (d === null || d.generation === s.dtlsGeneration) return false;
  const k = dtlsStreamKey(d);
  s.summary = k.summary;
  if (s.unkeyed > 0) s.summary.beforeKeys = s.unkeyed;
  s.setup = k.setup;
  s.dtlsGeneration = k.dtlsGeneration;
  s.receiver = k.setup === null ? null : new SrtpReceiver(k.setup);
  return s.receiver !== null;
}

/**
 * The summary of a finished stream: its packets' figures, and why nothing
 * decrypted when none did. `fingerprint`: its sender's certificate check as
 * the handshake ended (dtls-srtp.ts; the client's Certificate may come after
 * the stream started).
 */
export function finishedSrtp(s: StreamSrtp, fingerprint?: FingerprintCheck | null): SrtpSummary {
  const summary =
    s.summary.dtls === undefined || fingerprint == null
      ? s.summary
      : { ...s.summary, dtls: { ...s.summary.dtls, fingerprint } };
  const r = s.receiver;
  if (r === null) return summary;
  const out: SrtpSummary = {
    ...summary,
    decrypted: r.verified > 0,
    verified: r.verified,
    authFailures: r.authFailures,
  };
  if (r.verified === 0 && r.authFailures > 0)
    out.reason =
      s.summary.keying === 'dtls'
        ? 'no packet authenticated with the key of the DTLS handshake (a wrong master secret in the key log?)'
        : 'no packet authenticated with the key of the SDP';
  if (s.rtcpVerified + s.rtcpAuthFailures > 0) {
    out.rtcpVerified = s.rtcpVerified;
    out.rtcpAuthFailures = s.rtcpAuthFailures;
  }
  return out;
}
