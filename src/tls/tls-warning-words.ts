/**
 * The words by which the warning of SIP over TLS not decrypted
 * (tls-warning.ts) is known, with nothing Node-only behind them: the web UI
 * imports them to offer adding keys to a capture on that warning.
 */
export const NOT_DECRYPTED = 'on port 5061 (SIP over TLS) not decrypted';
export const GIVE_KEYS_LEAD = '(give the key log: ';

/** Whether a capture's warning is the one of SIP over TLS not decrypted. */
export function isTlsWarning(w: string): boolean {
  return w.includes(NOT_DECRYPTED) && w.includes(GIVE_KEYS_LEAD);
}
