/**
 * A DTLS 1.2 endpoint's certificate against the a=fingerprint of the SDP
 * that announced its address (RFC 5763 §5: "The certificate presented
 * during the DTLS handshake MUST match the fingerprint exchanged via the
 * signaling path in the SDP"). DTLS 1.2 sends the Certificate message in
 * the clear (epoch 0, RFC 6347 §4.2.2), so no key is needed:
 *
 * ```
 * Certificate (RFC 5246 §7.4.2):  certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>
 * ```
 *
 * the first is the sender's own (end-entity) certificate, hashed here over
 * its DER bytes. RFC 8122 §5: "An endpoint MUST select the set of
 * fingerprints that use its most preferred hash function (out of those
 * offered by the peer) and verify that each certificate used matches one
 * fingerprint out of that set": the strongest hash function of the SDP's
 * lines that node:crypto computes is used. What cannot be checked (no
 * a=fingerprint, an unknown hash function, an empty certificate list) gives
 * `match: null` with the reason, never a mismatch.
 */
import { createHash, getHashes } from 'node:crypto';
import type { SdpFingerprint } from '../sip/sdp-fingerprint.js';
import type { FingerprintCheck } from './srtp-summary.js';

export type { FingerprintCheck };

/** Node's digest name of an RFC 8122 hash function, strongest first (md2 is not in OpenSSL 3). */
const DIGESTS: ReadonlyArray<[string, string]> = [
  ['sha-512', 'sha512'],
  ['sha-384', 'sha384'],
  ['sha-256', 'sha256'],
  ['sha-224', 'sha224'],
  ['sha-1', 'sha1'],
  ['md5', 'md5'],
];

let available: ReadonlySet<string> | null = null;

/** The end-entity certificate (DER, a view) of a Certificate message body, null when the list is empty or cut. */
export function firstCertificate(body: Uint8Array): Uint8Array | null {
  if (body.length < 3) return null;
  const listEnd = Math.min(body.length, 3 + ((body[0] << 16) | (body[1] << 8) | body[2]));
  if (listEnd < 6) return null;
  const len = (body[3] << 16) | (body[4] << 8) | body[5];
  if (len === 0 || 6 + len > listEnd) return null;
  return body.subarray(6, 6 + len);
}

/** Upper-case hex pairs separated by ':' (the SDP's form, RFC 8122 §5). */
export const colonHex = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');

/**
 * `cert` (DER; null when the message had none) against `fingerprints` (the
 * sender's SDP's). Fills hash, sdp, certificate, match and reason of `out`.
 */
export function checkCertificate(
  cert: Uint8Array | null,
  fingerprints: readonly SdpFingerprint[],
  out: FingerprintCheck,
): FingerprintCheck {
  const valid = fingerprints.filter((f) => f.error === undefined);
  if (fingerprints.length === 0) return notChecked(out, 'the SDP of this address has no a=fingerprint');
  if (valid.length === 0)
    return notChecked(out, `the SDP's a=fingerprint is malformed: ${fingerprints[0].error}`);
  available ??= new Set(getHashes());
  const usable = DIGESTS.find(([name, node]) => available?.has(node) && valid.some((f) => f.hash === name));
  if (usable === undefined)
    return notChecked(out, `hash function ${valid[0].hash} of the SDP's a=fingerprint is not computed here`);
  const [name, node] = usable;
  const set = valid.filter((f) => f.hash === name);
  out.hash = name;
  if (cert === null) {
    out.sdp = set[0].value;
    return notChecked(out, `the ${out.side}'s Certificate message holds no certificate`);
  }
  const mine = colonHex(createHash(node).update(cert).digest());
  const hit = set.find((f) => f.value === mine);
  out.sdp = (hit ?? set[0]).value;
  out.certificate = mine;
  out.match = hit !== undefined;
  delete out.reason;
  return out;
}

function notChecked(out: FingerprintCheck, reason: string): FingerprintCheck {
  out.match = null;
  out.reason = reason;
  return out;
}
