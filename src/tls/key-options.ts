/**
 * `--tls-keylog KEYLOG` and `--tls-key KEY.pem` (repeatable) of `sipscope
 * analyze` and `sipscope serve`: read and checked before a capture is (for
 * serve, at start and again at each analysis: a key log grows), so that a
 * missing file or a key that is not an RSA private key is one clear line,
 * not a silent miss.
 */
import { readFileSync } from 'node:fs';
import { TlsKeyLog } from './keylog.js';
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

/**
 * Key material given as text (the fields of an upload to `sipscope serve`),
 * checked as the options are: each key must be an RSA private key in PEM; a
 * key log must also hold at least one secret, so that a file given in the
 * wrong field (a PEM, a capture) is refused rather than silently useless.
 * The problem as one sentence, or null.
 */
export function tlsKeyTextProblem(keyLog: string | undefined, keys: readonly string[]): string | null {
  if (keyLog !== undefined && new TlsKeyLog(keyLog).lines === 0)
    return (
      'the TLS key log holds no secret: it must have lines "LABEL <client random> <secret>" ' +
      '(CLIENT_RANDOM, or the TLS 1.3 traffic secrets) as SSLKEYLOGFILE writes them'
    );
  for (const [i, pem] of keys.entries()) {
    try {
      rsaPrivateKey(pem);
    } catch (e) {
      return `TLS key ${i + 1}: ${(e as Error).message}`;
    }
  }
  return null;
}
