/**
 * TLS 1.2 AES-CBC records opened (src/tls/cbc.ts): records sealed here with
 * node:crypto by the RFC's recipe, MAC-then-encrypt (RFC 5246 §6.2.3.2) and
 * encrypt-then-MAC (RFC 7366 §3), then damaged in each part the receiver
 * must check. The captures in tls-captures.test.ts check the same code
 * against tshark on real TLS stacks.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTls12Cbc } from '../../src/tls/cbc.js';
import { cipherSuite } from '../../src/tls/suites.js';

const suite = cipherSuite(0xc013)!; // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: AES-128, HMAC-SHA1
const key = { key: randomBytes(16), iv: new Uint8Array(0), macKey: randomBytes(20) };
const header = Uint8Array.from([23, 3, 3, 0, 0]); // application_data, TLS 1.2 (length unused by the MAC)
const seq = 7n;

function macHeader(len: number): Buffer {
  const h = Buffer.alloc(13);
  h.writeBigUInt64BE(seq);
  h[8] = 23;
  h[9] = 3;
  h[10] = 3;
  h.writeUInt16BE(len, 11);
  return h;
}
const mac = (body: Uint8Array) =>
  createHmac('sha1', key.macKey).update(macHeader(body.length)).update(body).digest();

/** padding_length + 1 bytes of value padding_length up to whole blocks (RFC 5246 §6.2.3.2). */
function pad(b: Buffer, extraBlocks = 0): Buffer {
  const n = ((16 - ((b.length + 1) % 16)) % 16) + 16 * extraBlocks;
  return Buffer.concat([b, Buffer.alloc(n + 1, n)]);
}

function encrypt(iv: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv('aes-128-cbc', key.key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]);
}

function macThenEncrypt(content: Buffer, extraBlocks = 0): Buffer {
  const iv = randomBytes(16);
  return Buffer.concat([iv, encrypt(iv, pad(Buffer.concat([content, mac(content)]), extraBlocks))]);
}

function encryptThenMac(content: Buffer): Buffer {
  const iv = randomBytes(16);
  const sealed = Buffer.concat([iv, encrypt(iv, pad(content))]);
  return Buffer.concat([sealed, mac(sealed)]);
}

const content = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n');
const open = (f: Uint8Array, etm: boolean) => openTls12Cbc(suite, key, seq, header, f, etm);

describe('TLS 1.2 AES-CBC records (RFC 5246 §6.2.3.2, RFC 7366)', () => {
  it('MAC-then-encrypt: the content comes back, whatever the padding length (up to 255)', () => {
    expect(Buffer.from(open(macThenEncrypt(content), false)!)).toEqual(content);
    expect(Buffer.from(open(macThenEncrypt(content, 3), false)!)).toEqual(content);
  });

  it('encrypt-then-MAC: the content comes back', () => {
    expect(Buffer.from(open(encryptThenMac(content), true)!)).toEqual(content);
  });

  it('the MAC is over the sequence number: the same record under another seq_num does not open', () => {
    expect(openTls12Cbc(suite, key, seq + 1n, header, macThenEncrypt(content), false)).toBeNull();
    expect(openTls12Cbc(suite, key, seq + 1n, header, encryptThenMac(content), true)).toBeNull();
  });

  it('RFC 5246 §6.2.3.2: "The receiver MUST check this padding": a padding byte changed gives null', () => {
    // Decrypt, change a padding byte, encrypt again: the MAC is intact, the padding is not.
    const iv = randomBytes(16);
    const plain = pad(Buffer.concat([content, mac(content)]), 1);
    plain[plain.length - 2] ^= 1;
    expect(open(Buffer.concat([iv, encrypt(iv, plain)]), false)).toBeNull();
  });

  it('a flipped bit anywhere (IV, ciphertext, MAC) gives null, never a throw', () => {
    for (const etm of [false, true]) {
      const f = etm ? encryptThenMac(content) : macThenEncrypt(content);
      for (let i = 0; i < f.length; i += 7) {
        const g = Buffer.from(f);
        g[i] ^= 0x80;
        expect(open(g, etm), `byte ${i} etm ${etm}`).toBeNull();
      }
    }
  });

  it('the wrong mode (MtE read as EtM and back) gives null', () => {
    expect(open(macThenEncrypt(content), true)).toBeNull();
    expect(open(encryptThenMac(content), false)).toBeNull();
  });

  it('random and truncated fragments never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (b, etm) => {
        expect(open(b, etm)).toBeNull();
      }),
      { numRuns: 500 },
    );
    const f = encryptThenMac(content);
    for (let n = 0; n < f.length; n++) expect(open(f.subarray(0, n), true)).toBeNull();
  });
});
