/**
 * `--tls-keylog KEYLOG` and `--tls-key KEY.pem` (repeatable) of `sipscope
 * analyze` and `sipscope serve`: read and checked before a capture is (for
 * serve, at start and again at each analysis: a key log grows), so that a
 * missing file or a key that is not an RSA private key is one clear line,
 * not a silent miss.
 */
import { readFileSync } from 'node:fs';
import { rsaPrivateKey } from './rsa-key-exchange.js';

export interface TlsKeyOptions {
  /** The NSS key log's text. */
  tlsKeyLog?: string;
  /** Servers' RSA private keys (PEM texts). */
  tlsRsaKeys?: string[];
}

/** The options' key material, or the error line to print. */
export function readTlsKeyOptions(
  keyLog: string | undefined,
  keys: string[] | undefined,
): TlsKeyOptions | string {
  const o: TlsKeyOptions = {};
  if (keyLog !== undefined) {
    try {
      o.tlsKeyLog = readFileSync(keyLog, 'latin1');
    } catch (e) {
      return `cannot read the TLS key log: ${(e as Error).message}`;
    }
  }
  for (const file of keys ?? []) {
    let pem: string;
    try {
      pem = readFileSync(file, 'latin1');
      rsaPrivateKey(pem);
    } catch (e) {
      return `--tls-key ${file}: ${(e as Error).message}`;
    }
    (o.tlsRsaKeys ??= []).push(pem);
  }
  return o;
}
