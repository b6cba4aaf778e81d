/**
 * a=crypto (RFC 4568 §9.1): tag, suite, inline key-params with lifetime and
 * MKI, session parameters kept; a malformed line kept with what was wrong.
 */
import { describe, expect, it } from 'vitest';
import { parseSdp } from '../../src/sip/sdp.js';
import { cryptoOf } from '../../src/sip/sdp-crypto.js';
import { sdpText } from '../helpers/sdp-text.js';

const KEY = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';

function media(...lines: string[]) {
  return parseSdp(sdpText(['m=audio 4000 RTP/SAVP 0', ...lines])).media[0];
}

describe('a=crypto (RFC 4568 §9.1)', () => {
  it('reads the tag, the suite, the inline key with lifetime and MKI, and keeps the session parameters', () => {
    const [c] = cryptoOf(
      media(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^20|1:4 KDR=0 UNENCRYPTED_SRTCP`),
    );
    expect(c).toMatchObject({
      tag: 1,
      suite: 'AES_CM_128_HMAC_SHA1_80',
      keys: [{ keySalt: KEY, lifetime: 1048576, mki: { value: 1, length: 4 } }],
      sessionParams: ['KDR=0', 'UNENCRYPTED_SRTCP'],
    });
    expect(c.error).toBeUndefined();
  });

  it('reads several lines in order and several keys of one line (§6.1, separated by ";")', () => {
    const list = cryptoOf(
      media(
        `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1:1;inline:${KEY}|2:1`,
        'a=rtpmap:0 PCMU/8000',
        `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`,
      ),
    );
    expect(list.map((c) => [c.tag, c.suite, c.keys.length])).toEqual([
      [1, 'AES_CM_128_HMAC_SHA1_80', 2],
      [2, 'AES_CM_128_HMAC_SHA1_32', 1],
    ]);
    expect(list[0].keys[1].mki).toEqual({ value: 2, length: 1 });
  });

  it('keeps a malformed line with what was wrong: a bad tag, no key-params, a non-inline method, a bad key-info', () => {
    const list = cryptoOf(
      media(
        `a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
        'a=crypto:3 AES_CM_128_HMAC_SHA1_80',
        'a=crypto:4 AES_CM_128_HMAC_SHA1_80 uri:https://keys.example',
        `a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|soon`,
        'a=crypto',
      ),
    );
    expect(list).toHaveLength(5);
    for (const c of list) expect(c.error).toMatch(/RFC 4568/);
  });

  it('finds nothing in a media description without a=crypto', () => {
    expect(cryptoOf(media('a=rtpmap:0 PCMU/8000', 'a=sendrecv'))).toEqual([]);
  });
});
