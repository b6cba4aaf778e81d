/**
 * The receiving side of one direction's SRTCP (RFC 3711 §3.4): its compound
 * RTCP packets verified and decrypted with the sender's master key, so
 * their sender and receiver reports read as clear RTCP's (rtcp.ts).
 *
 * ```
 * | RTCP header, sender SSRC (8 bytes, clear) | encrypted rest of the compound |E| SRTCP index | [MKI] | tag |
 *  \_________________________ authenticated portion ________________________________/
 * ```
 *
 * - Keys (§4.3.2): labels 0x03, 0x04, 0x05 of the SRTP master key.
 * - The tag (§3.4): "the authentication tag ... MUST be applied to SRTCP"
 *   (an UNAUTHENTICATED_SRTP session still authenticates it, RFC 4568
 *   §6.3.6), HMAC-SHA1 over the authenticated portion, E-flag and index
 *   included and no ROC appended (§4.2), 80 bits (srtp-keys.ts).
 * - The E flag says whether the rest is encrypted (UNENCRYPTED_SRTCP sends
 *   it clear, E = 0); when set, AES-CM with IV = (k_s·2^16) XOR (SSRC·2^64)
 *   XOR (i·2^16), i the 31-bit SRTCP index (§4.1.1, "for SRTCP, i is set to
 *   the 31-bit SRTCP index").
 *
 * AES-GCM suites (RFC 7714 §9) put the 16-byte tag before the index word
 * and authenticate the clear header and that word as associated data
 * (srtp-gcm.ts).
 *
 * The index is in every packet: no state to follow, a capture joined late
 * reads its first one. A packet whose tag fails is counted and not read.
 * Never throws on bad input.
 */
import { createHmac } from 'node:crypto';
import type { SrtpSetup } from './srtp.js';
import { byMki } from './srtp.js';
import { srtcpIndexAt, ssrcOf } from './srtp-fields.js';
import { gcmRtcp } from './srtp-gcm.js';
import { keystream, packetIv, type SessionKeys, sessionKeys } from './srtp-keys.js';

/** The E flag and 31-bit index after the encrypted portion (§3.4). */
const INDEX_BYTES = 4;
/** The RTCP header and sender SSRC left clear (§3.4: "the first 8 octets"). */
const CLEAR_HEAD = 8;

export class SrtcpReceiver {
  /** Packets whose tag verified. */
  verified = 0;
  /** Packets whose tag did not verify, or too short to hold one. */
  authFailures = 0;
  private readonly sessions: Array<{ mki: number | undefined; keys: SessionKeys }>;
  private readonly iv = Buffer.alloc(16);
  private readonly gcmIv = Buffer.alloc(12);

  constructor(private readonly setup: SrtpSetup) {
    this.sessions = setup.keys.map((k) => ({ mki: k.mki, keys: sessionKeys(k.key, k.salt, true) }));
  }

  /** The compound RTCP packet in clear (a copy), or null when its tag does not verify. */
  unprotect(bytes: Uint8Array): Uint8Array | null {
    const out = this.setup.suite.aead ? this.openGcm(bytes) : this.openCm(bytes);
    if (out === null) this.authFailures++;
    else this.verified++;
    return out;
  }

  private openCm(bytes: Uint8Array): Uint8Array | null {
    const { suite, mkiLength } = this.setup;
    const tagLength = suite.rtcpTagBytes;
    const end = bytes.length - tagLength - mkiLength;
    if (end < CLEAR_HEAD + INDEX_BYTES) return null;
    const { keys } = byMki(this.sessions, bytes, end, mkiLength);
    const mac = createHmac('sha1', keys.authentication).update(bytes.subarray(0, end)).digest();
    const tag = bytes.length - tagLength;
    for (let i = 0; i < tagLength; i++) if (mac[i] !== bytes[tag + i]) return null;
    const at = end - INDEX_BYTES;
    // A copy (a Buffer's slice() is a view): decrypted in place, the caller's packet stays as it came.
    const out = new Uint8Array(bytes.subarray(0, at));
    if ((bytes[at] & 0x80) === 0) return out;
    const index = srtcpIndexAt(bytes, at);
    packetIv(keys.salt, ssrcOf(bytes, 4), index >>> 16, index & 0xffff, this.iv);
    const ks = keystream(keys.encryption, this.iv, out.length - CLEAR_HEAD);
    for (let i = CLEAR_HEAD; i < out.length; i++) out[i] ^= ks[i - CLEAR_HEAD];
    return out;
  }

  /** RFC 7714 §9 (srtp-gcm.ts): the MKI last, after the tag and the index word. */
  private openGcm(bytes: Uint8Array): Uint8Array | null {
    const { mkiLength } = this.setup;
    if (bytes.length < mkiLength) return null;
    const { keys } = byMki(this.sessions, bytes, bytes.length - mkiLength, mkiLength);
    return gcmRtcp(keys, bytes, mkiLength, this.gcmIv);
  }
}
