/**
 * AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714): the decryptor against
 * the RFC's own packets (§16.1.1, §16.2.1 for SRTP; §17.1–17.3 for SRTCP,
 * stated with session key and salt), the key derivation of a 96-bit master
 * salt (§11), and packets of the fixture's sender (test/fixtures/srtp-protect.ts,
 * IVs built apart over BigInts) through the SRTP and SRTCP receivers: the
 * ROC across a wrap, an MKI after the tag, a failed tag counted.
 */
import { describe, expect, it } from 'vitest';
import { SrtcpReceiver } from '../../src/media/srtcp.js';
import { SrtpReceiver } from '../../src/media/srtp.js';
import { gcmIv, gcmRtcp, gcmRtcpIv, gcmRtp } from '../../src/media/srtp-gcm.js';
import { SRTP_SUITES, sessionKeys } from '../../src/media/srtp-keys.js';
import { compound, rtcpRr, rtcpSdes } from '../fixtures/rtcp-build.js';
import { rtpPacket } from '../fixtures/rtp-frames.js';
import { SrtpSender } from '../fixtures/srtp-protect.js';
import { receiverSetup } from '../fixtures/srtp-setup.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const lower = (b: Uint8Array | readonly number[]) => Buffer.from(b).toString('hex');

// RFC 7714 §16 and §17: the keys 00 01 … 0f (… 1f), the salt "Quid pro quo".
const KEY_128 = hex('000102030405060708090a0b0c0d0e0f');
const KEY_256 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const SALT = hex('517569642070726f2071756f');
// §16: a 12-byte header (SEQ 0xf17b, SSRC 0x5501a0b2) and "Gallia est omnis divisa in partes tres".
const RTP = hex(
  `8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573`,
);
const SRTP_128 =
  hex(`8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf
  8833899d7f27beb16a9152cf765ee4390cce`);
const SRTP_256 =
  hex(`8040f17b8041f8d35501a0b2 32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799
  b87b7aa3db36dfffd6b0f9bb7878d7a76c13`);
// §17: an SR of SSRC "Mars" and its SRTCP with index 0x5d4.
const RTCP = hex(`81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61
  deadbeefdeadbeefdeadbeefdeadbeefdeadbeef`);
const SRTCP_128 = hex(`81c8000d4d617273 63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda
  4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade 800005d4`);
const SRTCP_256 = hex(`81c8000d4d617273 d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be
  8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be 800005d4`);
// §17.3: E = 0, nothing encrypted, the tag over all of it.
const SRTCP_128_CLEAR = hex(`81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61
  deadbeefdeadbeefdeadbeefdeadbeefdeadbeef 841dd9683dd78ec92ae58790125f62b3 000005d4`);

describe('RFC 7714 §16-17 vectors (session key and salt)', () => {
  it('builds the SRTP IV of §8.1 and the SRTCP IV of §9.1 as the RFC examples do', () => {
    const iv = Buffer.alloc(12);
    gcmIv(SALT, 0x5501a0b2, 0, 0xf17b, iv);
    expect(lower(iv)).toBe('51753c6580c2726f20718414');
    gcmRtcpIv(SALT, 0x4d617273, 0x5d4, iv);
    expect(lower(iv)).toBe('517524055203726f207170bb');
  });

  it('opens the §16.1.1 (AES-128) and §16.2.1 (AES-256) packets to the plaintext, the header as AAD', () => {
    const iv = Buffer.alloc(12);
    for (const [key, srtp] of [
      [KEY_128, SRTP_128],
      [KEY_256, SRTP_256],
    ]) {
      const clear = gcmRtp({ encryption: key, salt: SALT }, srtp, 12, srtp.length - 16, 0, iv);
      expect(lower(clear ?? [])).toBe(lower(RTP.subarray(12)));
      // The header is authenticated: another marker bit fails the tag.
      const marked = Buffer.from(srtp);
      marked[1] ^= 0x80;
      expect(gcmRtp({ encryption: key, salt: SALT }, marked, 12, srtp.length - 16, 0, iv)).toBeNull();
      // So is the ROC, through the IV.
      expect(gcmRtp({ encryption: key, salt: SALT }, srtp, 12, srtp.length - 16, 1, iv)).toBeNull();
    }
  });

  it('opens the §17.1, §17.2 SRTCP packets and the §17.3 one sent with E = 0 to the clear SR', () => {
    const iv = Buffer.alloc(12);
    expect(lower(gcmRtcp({ encryption: KEY_128, salt: SALT }, SRTCP_128, 0, iv) ?? [])).toBe(lower(RTCP));
    expect(lower(gcmRtcp({ encryption: KEY_256, salt: SALT }, SRTCP_256, 0, iv) ?? [])).toBe(lower(RTCP));
    expect(lower(gcmRtcp({ encryption: KEY_128, salt: SALT }, SRTCP_128_CLEAR, 0, iv) ?? [])).toBe(
      lower(RTCP),
    );
    // The E flag and index are associated data: flipping E fails the tag.
    const flipped = Buffer.from(SRTCP_128);
    flipped[flipped.length - 4] ^= 0x80;
    expect(gcmRtcp({ encryption: KEY_128, salt: SALT }, flipped, 0, iv)).toBeNull();
    expect(gcmRtcp({ encryption: KEY_128, salt: SALT }, SRTCP_128.subarray(0, 20), 0, iv)).toBeNull();
  });
});

describe('RFC 7714 §11: session keys of a 96-bit master salt', () => {
  // Computed apart with Python's cryptography (AES-CTR over x·2^16), the salt padded with two zero
  // bytes as libSRTP pads it (master key || salt || 00 00).
  it('derives the SRTP and SRTCP keys and 96-bit salts (labels 0, 2, 3, 5)', () => {
    const rtp = sessionKeys(KEY_128, SALT);
    const rtcp = sessionKeys(KEY_128, SALT, true);
    expect(lower(rtp.encryption)).toBe('b1bb5ee1803c7cb022c25343feb23261');
    expect(lower(rtp.salt)).toBe('52fa33dcddd7c677e513ce75');
    expect(lower(rtcp.encryption)).toBe('02657506d1e93c6639357fb793c2b082');
    expect(lower(rtcp.salt)).toBe('6f09033e2235e99cc6537c7a');
    const k256 = sessionKeys(KEY_256, SALT);
    expect(lower(k256.encryption)).toBe('55a897acc260e7906b03359810579a2d9fe41f1985acf2e07a9e4a6ac284d8e1');
    expect(lower(k256.salt)).toBe('2df806deb9b0f9c4bcbbc9dd');
  });

  it('names the two suites of §14.2 with their key, salt and tag lengths', () => {
    expect(SRTP_SUITES.get('AEAD_AES_128_GCM')).toMatchObject({
      keyBytes: 16,
      saltBytes: 12,
      tagBytes: 16,
      aead: true,
    });
    expect(SRTP_SUITES.get('AEAD_AES_256_GCM')).toMatchObject({
      keyBytes: 32,
      saltBytes: 12,
      rtcpTagBytes: 16,
    });
  });
});

const KEY_SALT_128 = Buffer.from(Array.from({ length: 28 }, (_, i) => (i * 13 + 1) & 0xff));
const KEY_SALT_256 = Buffer.from(Array.from({ length: 44 }, (_, i) => (i * 5 + 9) & 0xff));

const voice = (seq: number) => Buffer.from(Array.from({ length: 160 }, (_, i) => (seq * 3 + i) & 0xff));
const clear = (seq: number) => rtpPacket(0, seq, seq * 160, 0xfeed, voice(seq));

describe('AES-GCM SRTP and SRTCP receivers, with the fixture sender', () => {
  for (const [suite, keySalt] of [
    ['AEAD_AES_128_GCM', KEY_SALT_128],
    ['AEAD_AES_256_GCM', KEY_SALT_256],
  ] as const)
    it(`${suite}: decrypts across a sequence wrap (ROC 0 to 1) and reads the SRTCP`, () => {
      const tx = new SrtpSender({ keySalt, tagBytes: 16, gcm: true });
      const rx = new SrtpReceiver(receiverSetup(suite, keySalt));
      for (const seq of [65534, 65535, 0, 1]) {
        const p = tx.protect(clear(seq));
        expect(p.length).toBe(12 + 160 + 16);
        expect(Buffer.from(rx.unprotect(p, 12, true) ?? []).equals(voice(seq))).toBe(true);
      }
      expect(rx).toMatchObject({ verified: 4, authFailures: 0 });
      const rtcp = compound(rtcpRr(0xfeed, [{ ssrc: 0xabc, cumulativeLost: 4 }]), rtcpSdes(0xfeed, 'a@b'));
      const srx = new SrtcpReceiver(receiverSetup(suite, keySalt));
      expect(Buffer.from(srx.unprotect(tx.protectRtcp(rtcp, 77)) ?? []).equals(Buffer.from(rtcp))).toBe(true);
      expect(
        Buffer.from(srx.unprotect(tx.protectRtcp(rtcp, 78, false)) ?? []).equals(Buffer.from(rtcp)),
      ).toBe(true);
      expect(srx).toMatchObject({ verified: 2, authFailures: 0 });
    });

  it('finds the ROC of a stream joined after its first wrap, and reads an MKI after the tag (RFC 7714 §8)', () => {
    const tx = new SrtpSender({
      keySalt: KEY_SALT_128,
      tagBytes: 16,
      gcm: true,
      mki: { value: 7, length: 2 },
    });
    const sent = [65535, 0, 1, 2].map((s) => tx.protect(clear(s)));
    const rx = new SrtpReceiver(receiverSetup('AEAD_AES_128_GCM', KEY_SALT_128, { mkiLength: 2 }));
    expect(sent[1].length).toBe(12 + 160 + 16 + 2);
    // The capture begins after the wrap: the first packet seen has ROC 1.
    for (const i of [1, 2, 3])
      expect(Buffer.from(rx.unprotect(sent[i], 12, true) ?? []).equals(voice(i - 1))).toBe(true);
    expect(rx).toMatchObject({ verified: 3, authFailures: 0 });
  });

  it('counts a packet whose tag fails and gives nothing of it (one ciphertext bit, a wrong key)', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT_128, tagBytes: 16, gcm: true });
    const rx = new SrtpReceiver(receiverSetup('AEAD_AES_128_GCM', KEY_SALT_128));
    expect(rx.unprotect(tx.protect(clear(10)), 12, true)).not.toBeNull();
    const bad = Buffer.from(tx.protect(clear(11)));
    bad[40] ^= 1;
    expect(rx.unprotect(bad, 12, true)).toBeNull();
    const other = new SrtpSender({ keySalt: Buffer.alloc(28, 2), tagBytes: 16, gcm: true });
    for (let i = 0; i < 20; i++) other.protect(clear(11 + i));
    expect(rx.unprotect(other.protect(clear(31)), 12, false)).toBeNull();
    expect(rx.unprotect(new Uint8Array(20), 12, true)).toBeNull();
    expect(rx).toMatchObject({ verified: 1, authFailures: 3 });
  });
});
