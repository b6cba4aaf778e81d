/**
 * The receiving side of SRTP (RFC 3711): packets made by the fixture's
 * sender (test/fixtures/srtp-protect.ts, built apart from the decryptor)
 * verified with HMAC-SHA1 over the packet and ROC (§4.2), decrypted with
 * AES-CM (§4.1.1), the ROC followed across a sequence wrap (§3.3.1,
 * Appendix A), a bad tag counted and the packet left alone.
 */
import { describe, expect, it } from 'vitest';
import { SrtpReceiver, type SrtpSetup } from '../../src/media/srtp.js';
import { rtpPacket } from '../fixtures/rtp-frames.js';
import { SrtpSender } from '../fixtures/srtp-protect.js';
import { receiverSetup } from '../fixtures/srtp-setup.js';

const KEY_SALT = Buffer.from(Array.from({ length: 30 }, (_, i) => (i * 7 + 3) & 0xff));
const setup = (suite: string, keySalt: Uint8Array = KEY_SALT, o: Partial<SrtpSetup> = {}) =>
  receiverSetup(suite, keySalt, o);

/** A payload of 160 bytes that says which packet it is. */
const voice = (seq: number) => Buffer.from(Array.from({ length: 160 }, (_, i) => (seq + i) & 0xff));
const clear = (seq: number) => rtpPacket(0, seq, seq * 160, 0xcafe, voice(seq));

describe('SRTP receiver (RFC 3711)', () => {
  it('authenticates and decrypts AES_CM_128_HMAC_SHA1_80 packets to their clear payload', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const rx = new SrtpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    for (let seq = 100; seq < 105; seq++) {
      const p = tx.protect(clear(seq));
      expect(p.length).toBe(12 + 160 + 10);
      expect(Buffer.from(p.subarray(12, 172)).equals(voice(seq))).toBe(false);
      expect(Buffer.from(rx.unprotect(p, 12, true) ?? []).equals(voice(seq))).toBe(true);
    }
    expect(rx).toMatchObject({ verified: 5, authFailures: 0 });
  });

  it('follows the ROC across a sequence wrap from 65535 to 0 (§3.3.1, Appendix A), a late packet of before the wrap too', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 4 });
    const rx = new SrtpReceiver(setup('AES_CM_128_HMAC_SHA1_32'));
    const seqs = [65533, 65534, 65535, 0, 1, 2];
    const sent = seqs.map((s) => tx.protect(clear(s)));
    // 65535 arrives after 0 (reordered): it still has ROC 0, the others after the wrap ROC 1.
    const order = [0, 1, 3, 2, 4, 5];
    for (const i of order)
      expect(Buffer.from(rx.unprotect(sent[i], 12, true) ?? []).equals(voice(seqs[i]))).toBe(true);
    expect(rx).toMatchObject({ verified: 6, authFailures: 0 });
  });

  it('counts a packet whose tag does not verify and leaves it undecrypted, the ROC unchanged', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const rx = new SrtpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    const a = tx.protect(clear(10));
    const b = tx.protect(clear(11));
    b[20] ^= 0x01; // one bit of ciphertext flipped
    expect(rx.unprotect(a, 12, true)).not.toBeNull();
    expect(rx.unprotect(b, 12, true)).toBeNull();
    expect(rx.unprotect(tx.protect(clear(12)), 12, true)).not.toBeNull();
    expect(rx).toMatchObject({ verified: 2, authFailures: 1 });
  });

  it('fails every packet with the wrong key, and never throws on a packet shorter than its tag', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const other = Buffer.from(KEY_SALT);
    other[0] ^= 0xff;
    const rx = new SrtpReceiver(setup('AES_CM_128_HMAC_SHA1_80', other));
    expect(rx.unprotect(tx.protect(clear(1)), 12, true)).toBeNull();
    expect(rx.unprotect(new Uint8Array(15), 12, true)).toBeNull();
    expect(rx.unprotect(new Uint8Array(3), 12, false)).toBeNull();
    expect(rx).toMatchObject({ verified: 0, authFailures: 3 });
  });

  it('skips the MKI between payload and tag (§3.1) and picks the master key it names', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10, mki: { value: 2, length: 4 } });
    const wrong = Buffer.alloc(30, 9);
    const s = setup('AES_CM_128_HMAC_SHA1_80', KEY_SALT, { mkiLength: 4 });
    s.keys = [
      { key: wrong.subarray(0, 16), salt: wrong.subarray(16), mki: 1 },
      { ...s.keys[0], mki: 2 },
    ];
    const rx = new SrtpReceiver(s);
    const p = tx.protect(clear(7));
    expect(p.length).toBe(12 + 160 + 4 + 10);
    expect(Buffer.from(rx.unprotect(p, 12, true) ?? []).equals(voice(7))).toBe(true);
  });

  it('finds the ROC of a stream joined after its first wrap (a capture begun late in a call)', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    for (const s of [65534, 65535]) tx.protect(clear(s));
    const rx = new SrtpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    // The capture starts at sequence 5 of ROC 1.
    for (let seq = 0; seq < 5; seq++) tx.protect(clear(seq));
    expect(Buffer.from(rx.unprotect(tx.protect(clear(5)), 12, true) ?? []).equals(voice(5))).toBe(true);
    expect(Buffer.from(rx.unprotect(tx.protect(clear(6)), 12, true) ?? []).equals(voice(6))).toBe(true);
  });

  it('decrypts an AES_256_CM_HMAC_SHA1_80 packet (RFC 6188: 32-byte master key)', () => {
    const keySalt = Buffer.from(Array.from({ length: 46 }, (_, i) => (i * 13 + 1) & 0xff));
    const tx = new SrtpSender({ keySalt, tagBytes: 10 });
    const rx = new SrtpReceiver(setup('AES_256_CM_HMAC_SHA1_80', keySalt));
    expect(Buffer.from(rx.unprotect(tx.protect(clear(3)), 12, true) ?? []).equals(voice(3))).toBe(true);
  });

  it('leaves the packet it is given as it came (a Buffer, whose slice is a view): read twice, it decrypts twice', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const p = Buffer.from(tx.protect(clear(7)));
    const copy = Buffer.from(p);
    const rx = new SrtpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    expect(Buffer.from(rx.unprotect(p, 12, true) ?? []).equals(voice(7))).toBe(true);
    expect(p.equals(copy)).toBe(true);
    expect(
      Buffer.from(new SrtpReceiver(setup('AES_CM_128_HMAC_SHA1_80')).unprotect(p, 12, true) ?? []).equals(
        voice(7),
      ),
    ).toBe(true);
  });
});
