/**
 * The receiving side of SRTCP (RFC 3711 §3.4): compound RTCP packets
 * protected by the fixture's sender (test/fixtures/srtp-protect.ts, built
 * apart from the decryptor) verified with HMAC-SHA1 over the packet, E flag
 * and SRTCP index (§4.2, no ROC), decrypted with AES-CM keyed by the SRTCP
 * session keys (labels 3, 4, 5, §4.3.2) and the index as i (§4.1.1); a tag
 * that fails counted and the packet not read.
 */
import { describe, expect, it } from 'vitest';
import { parseRtcp } from '../../src/media/rtcp.js';
import { SrtcpReceiver } from '../../src/media/srtcp.js';
import type { SrtpSetup } from '../../src/media/srtp.js';
import { compound, rtcpRr, rtcpSdes, rtcpSr } from '../fixtures/rtcp-build.js';
import { SrtpSender } from '../fixtures/srtp-protect.js';
import { receiverSetup } from '../fixtures/srtp-setup.js';

const KEY_SALT = Buffer.from(Array.from({ length: 30 }, (_, i) => (i * 11 + 5) & 0xff));
const setup = (suite: string, o: Partial<SrtpSetup> = {}) => receiverSetup(suite, KEY_SALT, o);

const report = () =>
  compound(
    rtcpSr(0xcafe, 3_900_000_000.25, 250, [{ ssrc: 0xbeef, fraction: 64, cumulativeLost: 7, jitter: 80 }]),
    rtcpSdes(0xcafe, 'alice@example.com'),
  );

describe('SRTCP receiver (RFC 3711 §3.4)', () => {
  it('verifies and decrypts a compound SR + SDES to the clear packet, read as clear RTCP is', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const rx = new SrtcpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    const clear = report();
    const p = tx.protectRtcp(clear, 1);
    // Header and SSRC clear, the rest encrypted, then E||index (4) and the 80-bit tag.
    expect(p.length).toBe(clear.length + 4 + 10);
    expect(Buffer.from(p.subarray(0, 8)).equals(Buffer.from(clear.subarray(0, 8)))).toBe(true);
    expect(parseRtcp(p.subarray(0, clear.length))?.[0].blocks[0]?.ssrc).not.toBe(0xbeef);
    const out = rx.unprotect(p);
    expect(Buffer.from(out ?? []).equals(Buffer.from(clear))).toBe(true);
    expect(parseRtcp(out ?? new Uint8Array(0))?.[0].blocks[0]).toMatchObject({
      ssrc: 0xbeef,
      fractionLost: 64,
      cumulativeLost: 7,
      jitter: 80,
    });
    expect(rx).toMatchObject({ verified: 1, authFailures: 0 });
  });

  it('uses the index of each packet as i: a capture joined late reads its first one (index 0x7FFFFFF0)', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const rx = new SrtcpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    const clear = rtcpRr(0xcafe, [{ ssrc: 0xbeef, cumulativeLost: 3 }]);
    expect(
      Buffer.from(rx.unprotect(tx.protectRtcp(clear, 0x7ffffff0)) ?? []).equals(Buffer.from(clear)),
    ).toBe(true);
  });

  it('keeps an 80-bit SRTCP tag for the _32 suites (RFC 4568 §6.2.2) and reads an MKI', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 4, mki: { value: 3, length: 2 } });
    const rx = new SrtcpReceiver(setup('AES_CM_128_HMAC_SHA1_32', { mkiLength: 2 }));
    const clear = report();
    const p = tx.protectRtcp(clear, 9);
    expect(p.length).toBe(clear.length + 4 + 2 + 10);
    expect(Buffer.from(rx.unprotect(p) ?? []).equals(Buffer.from(clear))).toBe(true);
  });

  it('reads a packet sent with E = 0 (UNENCRYPTED_SRTCP) as it is, once its tag verifies', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const rx = new SrtcpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    const clear = report();
    const p = tx.protectRtcp(clear, 4, false);
    expect(Buffer.from(p.subarray(0, clear.length)).equals(Buffer.from(clear))).toBe(true);
    expect(Buffer.from(rx.unprotect(p) ?? []).equals(Buffer.from(clear))).toBe(true);
  });

  it('counts a packet whose tag fails (one bit of the index changed, another key) and does not read it', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const other = new SrtpSender({ keySalt: Buffer.alloc(30, 1), tagBytes: 10 });
    const rx = new SrtcpReceiver(setup('AES_CM_128_HMAC_SHA1_80'));
    const p = Buffer.from(tx.protectRtcp(report(), 5));
    // The index is authenticated (§3.4): changing it breaks the tag.
    p[report().length + 3] ^= 1;
    expect(rx.unprotect(p)).toBeNull();
    expect(rx.unprotect(other.protectRtcp(report(), 5))).toBeNull();
    expect(rx.unprotect(new Uint8Array(20))).toBeNull();
    expect(rx).toMatchObject({ verified: 0, authFailures: 3 });
  });

  it('leaves the packet it is given as it came (a Buffer, whose slice is a view)', () => {
    const tx = new SrtpSender({ keySalt: KEY_SALT, tagBytes: 10 });
    const p = Buffer.from(tx.protectRtcp(report(), 2));
    const copy = Buffer.from(p);
    expect(new SrtcpReceiver(setup('AES_CM_128_HMAC_SHA1_80')).unprotect(p)).not.toBeNull();
    expect(p.equals(copy)).toBe(true);
  });
});
