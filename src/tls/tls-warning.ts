/**
 * The warning a capture gets when SIP over TLS in it could not be read: its
 * connections on port 5061 (RFC 3261 §26.2) not decrypted. Without it, an
 * engineer who uploads a TLS capture sees no calls and no reason. Other TLS
 * connections (HTTPS, mostly) are only counted.
 */
import type { TlsStats } from './session.js';
import { GIVE_KEYS_LEAD, NOT_DECRYPTED } from './tls-warning-words.js';

export { isTlsWarning } from './tls-warning-words.js';

/** How a capture's analysis is given the keys (a live capture names its own options). */
const GIVE_KEYS =
  'sipscope analyze --tls-keylog FILE, or a pcapng with the keys embedded: editcap --inject-secrets tls,KEYLOG';

const giveKeysText = (giveKeys: string) => `${GIVE_KEYS_LEAD}${giveKeys})`;

/**
 * The warning naming another way to give the keys (an upload to `sipscope
 * serve`: the web UI, the API) when it is tlsWarning's with the CLI's; any
 * other warning as it is.
 */
export function withGiveKeys(w: string, giveKeys: string): string {
  const cli = giveKeysText(GIVE_KEYS);
  const at = w.lastIndexOf(cli);
  return at < 0 ? w : w.slice(0, at) + giveKeysText(giveKeys) + w.slice(at + cli.length);
}

export function tlsWarning(
  name: string,
  s: Pick<TlsStats, 'tlsSipPortNotDecrypted'>,
  giveKeys = GIVE_KEYS,
): string | null {
  const n = s.tlsSipPortNotDecrypted;
  if (n === 0) return null;
  const [what, its, it] =
    n === 1 ? ['a TLS connection', 'its', 'it'] : [`${n} TLS connections`, 'their', 'them'];
  return (
    `${name}: ${what} ${NOT_DECRYPTED}, ${its} SIP not read: no key for ${it} ` +
    `${giveKeysText(giveKeys)}, ` +
    'a cipher suite not decrypted here (TLS 1.0/1.1, 3DES, RC4), or a handshake before the capture began'
  );
}

/** `warnings` with the capture's TLS warning after them, when it has one. */
export function withTlsWarning(
  warnings: string[],
  name: string,
  s: Pick<TlsStats, 'tlsSipPortNotDecrypted'>,
): string[] {
  const w = tlsWarning(name, s);
  if (w !== null) warnings.push(w);
  return warnings;
}
