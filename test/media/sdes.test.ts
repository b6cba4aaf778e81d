/**
 * Which a=crypto line decrypts a stream (RFC 4568 §5.1.2, §6.1): the
 * sender's line of the tag the answer kept; and the SrtpSetup of a line or
 * why it cannot be used.
 */
import { describe, expect, it } from 'vitest';
import { senderCrypto, srtpSetupOf } from '../../src/media/sdes.js';
import type { SdpCrypto } from '../../src/sip/sdp-crypto.js';

const KEY30 = Buffer.alloc(30, 1).toString('base64');

const line = (
  tag: number,
  suite = 'AES_CM_128_HMAC_SHA1_80',
  keySalt = KEY30,
  sessionParams: string[] = [],
): SdpCrypto => ({
  tag,
  suite,
  keys: [{ keySalt }],
  sessionParams,
  offset: 0,
});

describe('the sender key of an offer/answer (RFC 4568 §5.1.2)', () => {
  it('takes the offerer line whose tag the answer kept, not its first', () => {
    expect(senderCrypto([line(1), line(2)], [line(2)])?.tag).toBe(2);
  });
  it('takes the answer single line when the answerer sends', () => {
    expect(senderCrypto([line(2)], [line(1), line(2)])?.tag).toBe(2);
  });
  it('takes the sender first line when the other SDP is not known, and nothing when it has none', () => {
    expect(senderCrypto([line(3), line(4)], undefined)?.tag).toBe(3);
    expect(senderCrypto([], [line(1)])).toBeUndefined();
  });
});

describe('the SrtpSetup of an a=crypto line', () => {
  it('splits the inline key into master key and salt for the suite', () => {
    const s = srtpSetupOf(line(1, 'AES_CM_128_HMAC_SHA1_32'));
    expect(typeof s).toBe('object');
    if (typeof s === 'string') return;
    expect([s.suite.tagBytes, s.keys[0].key.length, s.keys[0].salt.length, s.mkiLength]).toEqual([
      4, 16, 14, 0,
    ]);
  });
  it('says why a line cannot be used: an unknown suite, a key of the wrong length, a KDR other than 0', () => {
    expect(srtpSetupOf(line(1, 'F8_128_HMAC_SHA1_80'))).toMatch(/not decrypted here/);
    expect(srtpSetupOf(line(1, 'AES_256_CM_HMAC_SHA1_80'))).toMatch(
      /30 bytes, AES_256_CM_HMAC_SHA1_80 needs 46/,
    );
    expect(srtpSetupOf(line(1, undefined, undefined, ['KDR=20']))).toMatch(/key derivation rate/);
  });
  it('reads UNENCRYPTED_SRTP and UNAUTHENTICATED_SRTP (§6.3.5, §6.3.6)', () => {
    const s = srtpSetupOf(line(1, undefined, undefined, ['UNENCRYPTED_SRTP', 'UNAUTHENTICATED_SRTP']));
    expect(s).toMatchObject({ encrypted: false, authenticated: false });
  });
});
