import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openTls12, openTls13, perRecordNonce } from '../../src/tls/aead.js';
import { cipherSuite } from '../../src/tls/suites.js';
import { prf, tls12KeyBlock } from '../../src/tls/tls12-keys.js';
import { tls13NextSecret, tls13TrafficKey } from '../../src/tls/tls13-keys.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const AES128 = cipherSuite(0x1301)!;

// RFC 8448 §3 "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256): the traffic secrets and the
// write keys and IVs the trace derives from them.
const RFC8448 = [
  {
    what: 'server handshake',
    secret: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
    key: '3fce516009c21727d0f2e4e86ee403bc',
    iv: '5d313eb2671276ee13000b30',
  },
  {
    what: 'client handshake',
    secret: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
    key: 'dbfaa693d1762c5b666af5d950258d01',
    iv: '5bd3c71b836e0b76bb73265f',
  },
  {
    what: 'server application',
    secret: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
    key: '9f02283b6c9c07efc26bb9f2ac92e356',
    iv: 'cf782b88dd83549aadf1e984',
  },
  {
    what: 'client application',
    secret: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
    key: '17422dda596ed5d9acd890e3c63f5051',
    iv: '5b78923dee08579033e523d9',
  },
];

describe('TLS 1.3 traffic keys (RFC 8446 §7.1, §7.3)', () => {
  for (const v of RFC8448) {
    it(`RFC 8448 §3: the ${v.what} traffic secret expands to its write key and IV`, () => {
      const k = tls13TrafficKey(AES128, hex(v.secret));
      expect(toHex(k.key)).toBe(v.key);
      expect(toHex(k.iv)).toBe(v.iv);
    });
  }

  it('RFC 8446 §7.2: KeyUpdate makes a new secret of the hash length, and new keys', () => {
    const next = tls13NextSecret(AES128, hex(RFC8448[2].secret));
    expect(next.length).toBe(32);
    expect(toHex(next)).not.toBe(RFC8448[2].secret);
    expect(toHex(tls13TrafficKey(AES128, next).key)).not.toBe(RFC8448[2].key);
    expect(tls13NextSecret(cipherSuite(0x1302)!, new Uint8Array(48)).length).toBe(48);
  });

  it('RFC 8446 §5.3: the per-record nonce is the IV XOR the 64-bit sequence number', () => {
    expect(toHex(perRecordNonce(hex('000102030405060708090a0b'), 0n))).toBe('000102030405060708090a0b');
    expect(toHex(perRecordNonce(hex('000102030405060708090a0b'), 0x0102n))).toBe('000102030405060708090b09');
  });

  // RFC 8448 §3 {client} send handshake record: the client Finished, protected with the client
  // handshake key at sequence number 0 (record header 17 03 03 00 35).
  const finishedRecord = hex(
    '170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546',
  );
  const clientHs = tls13TrafficKey(AES128, hex(RFC8448[1].secret));

  it('RFC 8446 §5.2: the RFC 8448 client Finished record opens to a Finished handshake message (inner type 22)', () => {
    const inner = openTls13(AES128, clientHs, 0n, finishedRecord.subarray(0, 5), finishedRecord.subarray(5));
    expect(inner?.type).toBe(22);
    expect(toHex(inner!.content)).toBe(
      '14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61',
    );
  });

  it('RFC 8446 §5.2: a record with one flipped byte, or the wrong sequence number, does not authenticate', () => {
    const bad = Uint8Array.from(finishedRecord);
    bad[20] ^= 1;
    expect(openTls13(AES128, clientHs, 0n, bad.subarray(0, 5), bad.subarray(5))).toBeNull();
    expect(
      openTls13(AES128, clientHs, 1n, finishedRecord.subarray(0, 5), finishedRecord.subarray(5)),
    ).toBeNull();
  });
});

describe('TLS 1.2 key expansion and AEAD records (RFC 5246 §5, §6.3, §6.2.3.3)', () => {
  it('RFC 5246 §5: P_SHA256 gives the TLS working group test vector', () => {
    const out = prf(
      'sha256',
      hex('9bbe436ba940f017b17652849a71db35'),
      'test label',
      hex('a0ba9f936cda311827a6f796ffd5198c'),
      100,
    );
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('RFC 5246 §6.3: the key block is cut into client key, server key, client IV, server IV', () => {
    const suite = cipherSuite(0xc02f)!; // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    const ms = hex('11'.repeat(48));
    const cr = hex('22'.repeat(32));
    const sr = hex('33'.repeat(32));
    const block = prf('sha256', ms, 'key expansion', Buffer.concat([sr, cr]), 40);
    const k = tls12KeyBlock(suite, ms, cr, sr);
    expect(toHex(k.client.key)).toBe(toHex(block.subarray(0, 16)));
    expect(toHex(k.server.key)).toBe(toHex(block.subarray(16, 32)));
    expect(toHex(k.client.iv)).toBe(toHex(block.subarray(32, 36)));
    expect(toHex(k.server.iv)).toBe(toHex(block.subarray(36, 40)));
  });

  // A record sealed as RFC 5288 §3 says: nonce = salt (the 4-byte write IV) + 8-byte explicit nonce,
  // additional_data = seq_num + type + version + plaintext length (RFC 5246 §6.2.3.3).
  function sealGcm(key: Uint8Array, salt: Uint8Array, seq: bigint, plain: Uint8Array): Uint8Array {
    const explicit = hex('0000000000000007');
    const aad = Buffer.alloc(13);
    aad.writeBigUInt64BE(seq);
    aad.set([23, 3, 3, plain.length >> 8, plain.length & 0xff], 8);
    const c = createCipheriv('aes-128-gcm', key, Buffer.concat([salt, explicit]));
    c.setAAD(aad);
    const body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    const len = 8 + body.length;
    return Buffer.concat([Buffer.from([23, 3, 3, len >> 8, len & 0xff]), explicit, body]);
  }

  it('RFC 5246 §6.2.3.3 and RFC 5288 §3: a GCM record opens with the implicit salt, explicit nonce and sequence number in the AAD', () => {
    const suite = cipherSuite(0xc02b)!;
    const key = { key: hex('000102030405060708090a0b0c0d0e0f'), iv: hex('a0a1a2a3') };
    const plain = Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n');
    const rec = sealGcm(key.key, key.iv, 5n, plain);
    expect(Buffer.from(openTls12(suite, key, 5n, rec.subarray(0, 5), rec.subarray(5))!).toString()).toBe(
      plain.toString(),
    );
    // The sequence number is authenticated: the same record at another position does not open.
    expect(openTls12(suite, key, 4n, rec.subarray(0, 5), rec.subarray(5))).toBeNull();
  });

  it('RFC 7905 §2: a ChaCha20-Poly1305 record uses the 12-byte IV XOR the sequence number, no explicit nonce', () => {
    const suite = cipherSuite(0xcca9)!;
    const key = { key: hex('42'.repeat(32)), iv: hex('0102030405060708090a0b0c') };
    const plain = Buffer.from('SIP/2.0 200 OK\r\n\r\n');
    const aad = Buffer.alloc(13);
    aad.writeBigUInt64BE(9n);
    aad.set([23, 3, 3, 0, plain.length], 8);
    const c = createCipheriv('chacha20-poly1305', key.key, perRecordNonce(key.iv, 9n), { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plain.length });
    const body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    const header = Buffer.from([23, 3, 3, 0, body.length]);
    expect(Buffer.from(openTls12(suite, key, 9n, header, body)!).toString()).toBe(plain.toString());
  });
});
