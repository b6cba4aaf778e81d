/**
 * SDES: the `a=crypto` attribute of an SRTP media description (RFC 4568 §9.1):
 *
 * ```
 * a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]
 * key-params = key-param *(";" key-param)
 * key-param  = key-method ":" key-info        ("inline" for SRTP, §6.1)
 * key-info   = key-salt ["|" lifetime] ["|" mki]
 * lifetime   = ["2^"] 1*DIGIT
 * mki        = mki-value ":" mki-length
 * ```
 *
 * Read from a media's attributes only when asked (`cryptoOf`): the SDP
 * parser keeps every a= line as it is, so a description without a=crypto
 * costs nothing here. A malformed line is kept with what could be read of it
 * and `error` saying what was wrong; it never throws.
 */
import type { SdpAttribute, SdpMedia } from './sdp-model.js';

/** One `inline:` master key of an a=crypto line (RFC 4568 §6.1). */
export interface SdesKey {
  /** The base64 text of the master key || master salt, as written. */
  keySalt: string;
  /** Its lifetime in packets (`2^20` is 1048576), when given. */
  lifetime?: number;
  /** MKI value (decimal, as written) and length in bytes, when given (RFC 4568 §6.1, RFC 3711 §3.1). */
  mki?: { value: number; length: number };
}

export interface SdpCrypto {
  /** 1*9DIGIT: the answer names the offer line it accepts by it (§5.1.2). */
  tag: number;
  /** `AES_CM_128_HMAC_SHA1_80`… (§6.2; RFC 6188 for the AES_256 ones). */
  suite: string;
  /** The `inline:` keys, in order (several only with MKIs, §6.1). */
  keys: SdesKey[];
  /** Session parameters as written (`KDR=…`, `UNENCRYPTED_SRTP`…, §6.3). */
  sessionParams: string[];
  /** Message offset of its a= line. */
  offset: number;
  /** What was wrong with the line, when something was: no key is then used from it. */
  error?: string;
}

/** Longest tag (`1*9DIGIT`, §9.1). */
const TAG = /^\d{1,9}$/;
const LIFETIME = /^(2\^)?(\d{1,15})$/;
const MKI = /^(\d{1,10}):(\d{1,3})$/;

/** One key-param (`inline:<key||salt>[|lifetime][|mki]`), or what is wrong with it. */
function keyParam(text: string): SdesKey | string {
  if (!text.startsWith('inline:')) return `key method is not "inline" (RFC 4568 §6.1): ${text.slice(0, 20)}`;
  const parts = text.slice(7).split('|');
  const key: SdesKey = { keySalt: parts[0] };
  if (parts.length > 3) return 'more than key|lifetime|mki in a key-info (RFC 4568 §9.2)';
  for (const p of parts.slice(1)) {
    const mki = MKI.exec(p);
    if (mki !== null) {
      key.mki = { value: Number(mki[1]), length: Number(mki[2]) };
      continue;
    }
    const life = LIFETIME.exec(p);
    if (life === null) return `"${p.slice(0, 20)}" is neither a lifetime nor an MKI (RFC 4568 §9.2)`;
    key.lifetime = life[1] === undefined ? Number(life[2]) : 2 ** Math.min(Number(life[2]), 64);
  }
  return key;
}

/** The a=crypto line of one attribute, or undefined when it is not one. */
export function parseCrypto(a: SdpAttribute): SdpCrypto | undefined {
  if (a.name !== 'crypto') return undefined;
  const fields = (a.value ?? '').trim().split(/[ \t]+/);
  const [tagText = '', suite = '', keyParams = ''] = fields;
  const c: SdpCrypto = {
    tag: TAG.test(tagText) ? Number(tagText) : -1,
    suite,
    keys: [],
    sessionParams: fields.slice(3),
    offset: a.offset,
  };
  if (c.tag < 0) c.error = `tag "${tagText.slice(0, 20)}" is not 1 to 9 digits (RFC 4568 §9.1)`;
  else if (suite === '' || keyParams === '')
    c.error = 'a=crypto needs a tag, a suite and key-params (RFC 4568 §9.1)';
  else
    for (const text of keyParams.split(';')) {
      const k = keyParam(text);
      if (typeof k === 'string') {
        c.error = k;
        break;
      }
      c.keys.push(k);
    }
  return c;
}

/** The a=crypto lines of a media description, in order (none: an empty list). */
export function cryptoOf(m: Pick<SdpMedia, 'attributes'>): SdpCrypto[] {
  const out: SdpCrypto[] = [];
  for (const a of m.attributes) {
    const c = parseCrypto(a);
    if (c !== undefined) out.push(c);
  }
  return out;
}
