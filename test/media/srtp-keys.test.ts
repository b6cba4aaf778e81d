/**
 * SRTP's key derivation and keystream against RFC 3711's own test vectors
 * (Appendix B.2, B.3): a round trip alone would pass with an encryptor and
 * a decryptor sharing a bug; these numbers are the RFC's.
 */
import { describe, expect, it } from 'vitest';
import { keystream, packetIv, SRTP_SUITES, sessionKeys } from '../../src/media/srtp-keys.js';
import { deriveKey } from '../fixtures/srtp-protect.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const upper = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

// RFC 3711 Appendix B.3, key derivation test vectors.
const MASTER_KEY = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const MASTER_SALT = hex('0EC675AD498AFEEBB6960B3AABE6');

describe('RFC 3711 B.3: key derivation (key_derivation_rate 0, index 0)', () => {
  it('derives the cipher key, the cipher salt and the auth key of the vectors', () => {
    const k = sessionKeys(MASTER_KEY, MASTER_SALT);
    expect(upper(k.encryption)).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(upper(k.salt)).toBe('30CBBC08863D8C85D49DB34A9AE1');
    // The RFC lists more of the label-0x01 keystream; HMAC-SHA1 uses its first 160 bits (§4.2.1).
    expect(upper(k.authentication)).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });

  it('the label 0x01 keystream goes on as the RFC lists it (the AES-CM PRF counts blocks past the first)', () => {
    const iv = Buffer.alloc(16);
    MASTER_SALT.copy(iv);
    iv[7] ^= 0x01;
    expect(upper(keystream(MASTER_KEY, iv, 48))).toBe(
      'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098',
    );
  });

  // The RFC lists labels 0x00–0x02 only; these SRTCP keys of the same master key (labels 0x03–0x05,
  // §4.3.2) were computed apart with Python's cryptography (AES-CTR over x·2^16), which gives the
  // RFC's own figures for 0x00–0x02.
  it('derives the SRTCP cipher key, auth key and salt (labels 0x03, 0x04, 0x05) of the B.3 master key', () => {
    const k = sessionKeys(MASTER_KEY, MASTER_SALT, true);
    expect(upper(k.encryption)).toBe('4C1AA45A81F73D61C800BBB00FBB1EAA');
    expect(upper(k.authentication)).toBe('8D54534FEB49AE8E7993A6BD0B844FC323A93DFD');
    expect(upper(k.salt)).toBe('9581C7AD87B3E530BF3E4454A8B3');
    expect(upper(deriveKey(MASTER_KEY, MASTER_SALT, 5, 14))).toBe('9581C7AD87B3E530BF3E4454A8B3');
  });

  it('the fixture sender (AES in ECB over BigInt counters) derives the same vectors', () => {
    expect(upper(deriveKey(MASTER_KEY, MASTER_SALT, 0, 16))).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(upper(deriveKey(MASTER_KEY, MASTER_SALT, 2, 14))).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(upper(deriveKey(MASTER_KEY, MASTER_SALT, 1, 20))).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });
});

describe('RFC 3711 B.2: AES-CM keystream', () => {
  // Session key and salt of B.2; ROC, SEQ and SSRC all 0.
  const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const salt = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');

  it('puts the salt, SSRC and index in the counter block as §4.1.1 says (B.2 offset F0…FD0000)', () => {
    const iv = Buffer.alloc(16);
    packetIv(salt, 0, 0, 0, iv);
    expect(upper(iv)).toBe('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    // SSRC at bits 64–95 from the right, i = 2^16·ROC + SEQ shifted by 16.
    packetIv(Buffer.alloc(14), 0x11223344, 0x55667788, 0x99aa, iv);
    expect(upper(iv)).toBe('00000000112233445566778899AA0000');
  });

  it('gives the keystream blocks of the vectors, the first three and the last three of the segment', () => {
    const iv = Buffer.alloc(16);
    packetIv(salt, 0, 0, 0, iv);
    const ks = keystream(key, iv, 0xff02 * 16);
    const block = (n: number) => upper(ks.subarray(n * 16, n * 16 + 16));
    expect(block(0x0000)).toBe('E03EAD0935C95E80E166B16DD92B4EB4');
    expect(block(0x0001)).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
    expect(block(0x0002)).toBe('41E95B3BB0A2E8DD477901E4FCA894C0');
    expect(block(0xfeff)).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4');
    expect(block(0xff00)).toBe('362B7C3C6773516318A077D7FC5073AE');
    expect(block(0xff01)).toBe('6A2CC3787889374FBEB4C81B17BA6C44');
  });
});

describe('RFC 4568 §6.2 and RFC 6188 suites', () => {
  it('knows the tag and key lengths of the AES-CM HMAC-SHA1 suites', () => {
    expect(SRTP_SUITES.get('AES_CM_128_HMAC_SHA1_80')).toMatchObject({
      keyBytes: 16,
      saltBytes: 14,
      tagBytes: 10,
    });
    expect(SRTP_SUITES.get('AES_CM_128_HMAC_SHA1_32')).toMatchObject({
      keyBytes: 16,
      tagBytes: 4,
      rtcpTagBytes: 10,
    });
    expect(SRTP_SUITES.get('AES_256_CM_HMAC_SHA1_80')).toMatchObject({ keyBytes: 32, tagBytes: 10 });
    expect(SRTP_SUITES.get('F8_128_HMAC_SHA1_80')).toBeUndefined();
  });
});
