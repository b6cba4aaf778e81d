/**
 * Which SDES key decrypts an SRTP stream, and the SrtpSetup of it.
 *
 * RFC 4568 §6.1: the a=crypto key of an SDP is the one its sender uses to
 * protect what IT SENDS ("the offerer ... the key ... to be used for SRTP
 * packets it sends", and §7.1.1 the same for the answerer); the answer keeps
 * one line of the offer's, naming it by its tag (§5.1.2), and the offerer
 * then sends with its line of that tag. A stream is therefore decrypted
 * with the key of its SENDER's SDP, the line whose tag the other SDP of the
 * offer/answer has.
 */
import { cryptoOf, type SdpCrypto } from '../sip/sdp-crypto.js';
import type { SdpFingerprint, SdpSetupRole } from '../sip/sdp-fingerprint.js';
import type { Sdp } from '../sip/sdp-model.js';
import type { SrtpSetup } from './srtp.js';
import { SRTP_SUITES } from './srtp-keys.js';
import { fingerprintNote, type SrtpSummary } from './srtp-summary.js';

export type { SrtpSummary };

/**
 * The SRTP of a stream in a few words, for the text report and the audio
 * command: `SRTP AES_CM_128_HMAC_SHA1_80 decrypted` (`, 2 tags failed`), or
 * `SRTP not decrypted: <reason>`. The suite and reason quote the SDP: the
 * caller prints them through its terminal-safe output.
 */
export function srtpNote(s: SrtpSummary): string {
  const cert = s.dtls?.fingerprint === undefined ? '' : fingerprintNote(s.dtls.fingerprint);
  if (!s.decrypted)
    return `SRTP not decrypted: ${s.reason ?? 'no packet'}${cert === '' ? '' : `; DTLS ${cert}`}`;
  const failed =
    s.authFailures === 0 ? '' : `, ${s.authFailures} tag${s.authFailures === 1 ? '' : 's'} failed`;
  // SRTCP said only when it failed: a wrong or missing key of the control flow, its reports not read.
  const rtcp = s.rtcpAuthFailures ?? 0;
  const rtcpFailed = rtcp === 0 ? '' : `, ${rtcp} SRTCP tag${rtcp === 1 ? '' : 's'} failed`;
  // DTLS-SRTP (RFC 5764): which end of the handshake sent it, and what came before its keys.
  const dtls =
    s.dtls === undefined
      ? ''
      : ` with DTLS-SRTP keys (its sender the DTLS ${s.dtls.role}${cert === '' ? '' : `; ${cert}`})`;
  const early = s.beforeKeys === undefined ? '' : `, ${s.beforeKeys} before the keys`;
  return `SRTP ${s.suite} decrypted${dtls}${failed}${rtcpFailed}${early}`;
}

/** One side's SRTP media description as an SDP announced it (media-map.ts). */
export interface SdesSide {
  /** The message whose SDP it is. */
  message: number;
  /** Index of the m= line in that SDP. */
  media: number;
  /** The profile is RTP/SAVP or RTP/SAVPF: SRTP, whatever the a=crypto lines. */
  savp: boolean;
  crypto: SdpCrypto[];
  /** The address and port it announced, and its Call-ID (set by the tracker): to find the other side. */
  ip: string;
  port: number;
  callId: string | null;
  /** DTLS-SRTP (RFC 5763 §5): its a=fingerprint lines (media-level, else session-level), present when any. */
  fingerprints?: SdpFingerprint[];
  /** Its a=setup role (RFC 4145 §4), when the SDP has one with a fingerprint. */
  setup?: SdpSetupRole | 'invalid';
}

/**
 * The sender's a=crypto line: the first whose tag the receiver's SDP has
 * (the answer's choice, §5.1.2), else its first (its most preferred, §5.1.1:
 * the answer is not in the capture); undefined when it has none.
 */
export function senderCrypto(
  sender: readonly SdpCrypto[],
  receiver: readonly SdpCrypto[] | undefined,
): SdpCrypto | undefined {
  if (receiver !== undefined) for (const c of sender) if (receiver.some((r) => r.tag === c.tag)) return c;
  return sender[0];
}

/** RFC 4568 §6.3.1: "KDR=" 1*2DIGIT, the key derivation rate as a power of two (0: none). */
const KDR = /^KDR=(\d{1,2})$/;

/** The SrtpSetup of one a=crypto line, or why it cannot be used. */
export function srtpSetupOf(c: SdpCrypto): SrtpSetup | string {
  const suite = SRTP_SUITES.get(c.suite);
  if (suite === undefined) return `suite ${c.suite} is not decrypted here`;
  if (c.error !== undefined) return c.error;
  if (c.keys.length === 0) return 'a=crypto has no inline key';
  let encrypted = true;
  let authenticated = true;
  for (const p of c.sessionParams) {
    const kdr = KDR.exec(p);
    if (kdr !== null && kdr[1] !== '0') return `${p}: a key derivation rate other than 0 is not done here`;
    if (p === 'UNENCRYPTED_SRTP') encrypted = false;
    if (p === 'UNAUTHENTICATED_SRTP') authenticated = false;
  }
  // AES-GCM encrypts and authenticates in one (RFC 7714): a line that turns either off is not read.
  if (suite.aead && !(encrypted && authenticated))
    return `${c.suite} with UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP is not done here`;
  const mkiLength = c.keys[0].mki?.length ?? 0;
  // RFC 4568 §6.1: "the MKI length ... MUST be the same for all keys" of the line; 1 to 128 bytes.
  if (mkiLength > 128 || c.keys.some((k) => (k.mki?.length ?? 0) !== mkiLength))
    return 'the keys of a=crypto do not share one MKI length of 1 to 128 (RFC 4568 §6.1)';
  const want = suite.keyBytes + suite.saltBytes;
  const keys: SrtpSetup['keys'] = [];
  for (const k of c.keys) {
    const bytes = Buffer.from(k.keySalt, 'base64');
    if (bytes.length !== want)
      return `inline key is ${bytes.length} bytes, ${c.suite} needs ${want} (key || salt, RFC 4568 §6.1)`;
    keys.push({
      key: bytes.subarray(0, suite.keyBytes),
      salt: bytes.subarray(suite.keyBytes),
      mki: k.mki?.value,
    });
  }
  return { suite, keys, mkiLength, encrypted, authenticated };
}

/**
 * The setup of a stream's key as the stream record names it (`keyMessage`'s
 * SDP, m= line `keyMedia`, tag `tag`): what reads a stream's packets back
 * (the server, from the stored message) uses. Null when it is not there.
 */
export function recordedSetup(summary: SrtpSummary | undefined, sdp: Sdp | undefined): SrtpSetup | null {
  if (summary?.keyMedia === undefined || sdp === undefined) return null;
  const m = sdp.media[summary.keyMedia];
  const line = m === undefined ? undefined : cryptoOf(m).find((c) => c.tag === summary.tag);
  const setup = line === undefined ? undefined : srtpSetupOf(line);
  return setup === undefined || typeof setup === 'string' ? null : setup;
}
