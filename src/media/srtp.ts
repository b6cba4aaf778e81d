/**
 * The receiving side of one SRTP stream (RFC 3711): its packets, in capture
 * order, verified and decrypted with the sender's master key.
 *
 * ```
 * | RTP header (clear) | encrypted payload (and padding) | [MKI] | auth tag |
 *  \____________ authenticated portion ______________/
 * ```
 *
 * - The packet index (§3.3.1): i = 2^16·ROC + SEQ, the rollover counter ROC
 *   guessed from the highest sequence number seen, s_l, as Appendix A does:
 *   "if (s_l < 32768) if (SEQ - s_l > 32768) v = ROC-1 else v = ROC;
 *    else if (s_l - 32768 > SEQ) v = ROC+1 else v = ROC".
 *   ROC and s_l are updated only once the packet authenticated (§3.3.1).
 * - The tag (§4.2): HMAC-SHA1 over "the Authenticated Portion of the packet
 *   concatenated with the ROC" (§4.2, M = portion || ROC), truncated to the
 *   suite's 80 or 32 bits. A packet whose tag does not verify is counted and
 *   left as it is: not decrypted, ROC untouched.
 * - The payload (§4.1.1): XOR with AES-CM keystream from counter block
 *   IV = (k_s·2^16) XOR (SSRC·2^64) XOR (i·2^16).
 * - An MKI (§3.1), when the SDP gave one, sits between payload and tag: it
 *   picks the master key of that MKI and is not authenticated.
 * - AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714, srtp-gcm.ts):
 *   | RTP header | ciphertext | 16-byte tag | [MKI] |, AES-GCM authenticating
 *   the header (§8.2) with the IV of SSRC, ROC and SEQ (§8.1); the ROC is
 *   found and followed the same way, a packet opening being one verified.
 *
 * A stream joined late (a capture begun 22 minutes into a call has ROC 1)
 * is found by trying the next few ROCs until one packet verifies
 * (MAX_ROC_GUESS), then tracked from there. Bounded, never throws on bad
 * input: a packet too short for its MKI and tag is counted as a failure.
 */
import { createHmac } from 'node:crypto';
import { ssrcOf } from './srtp-fields.js';
import { gcmRtp } from './srtp-gcm.js';
import { keystream, packetIv, type SessionKeys, type SrtpSuite, sessionKeys } from './srtp-keys.js';

export interface SrtpMasterKey {
  key: Uint8Array;
  salt: Uint8Array;
  /** Its MKI value, when the SDP gave one (RFC 4568 §6.1). */
  mki?: number;
}

/** What decrypts one direction: the sender's suite and master keys (RFC 4568 §6.1, §6.3). */
export interface SrtpSetup {
  suite: SrtpSuite;
  /** At least one. */
  keys: SrtpMasterKey[];
  /** Bytes of MKI in each packet (0: none). */
  mkiLength: number;
  /** False for UNENCRYPTED_SRTP (§6.3.5): the payload is clear. */
  encrypted: boolean;
  /** False for UNAUTHENTICATED_SRTP (§6.3.6): no tag. */
  authenticated: boolean;
}

/** ROCs tried past the expected one, while no packet of the stream has verified yet. */
export const MAX_ROC_GUESS = 8;
/** Packets failing with every guess before guessing stops (a wrong key fails them all). */
const GUESSING_PACKETS = 16;

const EMPTY = new Uint8Array(0);

/**
 * Of `sessions` (one a master key), the one of the MKI at `at` (RFC 3711
 * §3.1: it "identifies the master key from which the session key(s) were
 * derived"); the first when none matches or there is none.
 */
export function byMki<T extends { mki: number | undefined }>(
  sessions: readonly T[],
  bytes: Uint8Array,
  at: number,
  mkiLength: number,
): T {
  if (mkiLength === 0 || sessions.length === 1) return sessions[0];
  let mki = 0;
  for (let i = 0; i < mkiLength && i < 6; i++) mki = mki * 256 + bytes[at + i];
  return sessions.find((s) => s.mki === mki) ?? sessions[0];
}

export class SrtpReceiver {
  /** Packets authenticated (all of them, for UNAUTHENTICATED_SRTP). */
  verified = 0;
  /** Packets whose tag did not verify, or too short to hold one. */
  authFailures = 0;
  private roc = 0;
  /** s_l: the highest sequence number authenticated (-1: none yet). */
  private sl = -1;
  private readonly sessions: Array<{ mki: number | undefined; keys: SessionKeys }>;
  private readonly iv = Buffer.alloc(16);
  private readonly gcmIv = Buffer.alloc(12);
  private readonly rocBytes = Buffer.alloc(4);

  constructor(private readonly setup: SrtpSetup) {
    this.sessions = setup.keys.map((k) => ({ mki: k.mki, keys: sessionKeys(k.key, k.salt) }));
  }

  /**
   * Verifies one packet (`headerLength`: its RTP header's, RFC 3550 §5.1,
   * CSRCs and extension included) and, when `decrypt`, gives its payload in
   * clear (padding removed when P is set); null when it did not verify.
   * With `decrypt` false a verified packet gives an empty array.
   */
  unprotect(bytes: Uint8Array, headerLength: number, decrypt: boolean): Uint8Array | null {
    const { suite, mkiLength } = this.setup;
    // AES-GCM always authenticates (RFC 7714 §8: its tag is part of the ciphertext).
    const tagLength = suite.aead || this.setup.authenticated ? suite.tagBytes : 0;
    // RFC 3711 §3.1: | header | payload | MKI | tag |; RFC 7714 §8: | header | payload | tag | MKI |.
    const end = bytes.length - tagLength - mkiLength;
    if (bytes.length < 12 || end < headerLength) {
      this.authFailures++;
      return null;
    }
    const { keys } = byMki(this.sessions, bytes, suite.aead ? end + tagLength : end, mkiLength);
    const seq = (bytes[2] << 8) | bytes[3];
    const expected = this.estimate(seq);
    let v = expected;
    let clear = tagLength === 0 ? EMPTY : this.open(keys, bytes, headerLength, end, v);
    // Joined late: the stream may be past its first rollover.
    for (
      let g = 1;
      clear === null && this.verified === 0 && this.authFailures < GUESSING_PACKETS && g <= MAX_ROC_GUESS;
      g++
    ) {
      clear = this.open(keys, bytes, headerLength, end, expected + g);
      if (clear !== null) v = expected + g;
    }
    if (clear === null) {
      this.authFailures++;
      return null;
    }
    this.verified++;
    this.update(v, seq);
    if (!decrypt) return EMPTY;
    let out: Uint8Array = clear;
    if (!suite.aead) {
      // A copy: a Buffer's slice() is a view, and XOR in place would change the packet the caller holds.
      out = new Uint8Array(bytes.subarray(headerLength, end));
      if (this.setup.encrypted) {
        packetIv(keys.salt, ssrcOf(bytes), v >>> 0, seq, this.iv);
        const ks = keystream(keys.encryption, this.iv, out.length);
        for (let i = 0; i < out.length; i++) out[i] ^= ks[i];
      }
    }
    // RFC 3550 §5.1: with P set, the last octet counts the padding octets, itself included; RFC 3711
    // §3.1 encrypts the padding with the payload, so it is read here, in clear.
    if ((bytes[0] & 0x20) !== 0 && out.length > 0) {
      const pad = out[out.length - 1];
      if (pad >= 1 && pad <= out.length) out = out.subarray(0, out.length - pad);
    }
    return out;
  }

  /**
   * Whether the packet authenticates with ROC `v`: with HMAC-SHA1, an empty
   * array when it does; with AES-GCM, its payload in clear (RFC 7714 §8.1:
   * the IV of SSRC, ROC and SEQ; §8.2: the header is the associated data).
   * Null when it does not.
   */
  private open(
    keys: SessionKeys,
    bytes: Uint8Array,
    headerLength: number,
    end: number,
    v: number,
  ): Uint8Array | null {
    if (v < 0 || v > 0xffffffff) return null;
    if (this.setup.suite.aead) return gcmRtp(keys, bytes, headerLength, end, v, this.gcmIv);
    return this.verifies(keys.authentication, bytes, end, this.setup.suite.tagBytes, v) ? EMPTY : null;
  }

  /** RFC 3711 Appendix A: the ROC this sequence number most likely goes with. */
  private estimate(seq: number): number {
    const { roc, sl } = this;
    if (sl < 0) return roc;
    if (sl < 32768) return seq - sl > 32768 ? roc - 1 : roc;
    return sl - 32768 > seq ? roc + 1 : roc;
  }

  /** §3.3.1: after authentication, "ROC = v" when it rolled over, and s_l the highest SEQ. */
  private update(v: number, seq: number): void {
    if (this.sl < 0 || v > this.roc) {
      this.roc = v;
      this.sl = seq;
    } else if (v === this.roc && seq > this.sl) this.sl = seq;
  }

  private verifies(authKey: Buffer, bytes: Uint8Array, end: number, tagLength: number, v: number): boolean {
    this.rocBytes.writeUInt32BE(v, 0);
    const mac = createHmac('sha1', authKey).update(bytes.subarray(0, end)).update(this.rocBytes).digest();
    const tag = bytes.length - tagLength;
    for (let i = 0; i < tagLength; i++) if (mac[i] !== bytes[tag + i]) return false;
    return true;
  }
}
