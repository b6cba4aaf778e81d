/**
 * The Session-Expires header of RFC 4028 §4:
 *
 *   Session-Expires  =  ("Session-Expires" / "x") HCOLON delta-seconds
 *                       *(SEMI se-params)
 *   se-params        =  refresher-param / generic-param
 *   refresher-param  =  "refresher" EQUAL  ("uas" / "uac")
 *
 * Read leniently (a finding about the session timer needs the interval, not
 * a perfect header): whitespace around the parts is skipped, names and the
 * refresher's value are case-insensitive.
 */
import { headerValue } from './accessors.js';
import type { SipMessage } from './message.js';

export interface SessionExpires {
  /** The session interval, in seconds. */
  seconds: number;
  /** Who refreshes: the UAC or the UAS of the transaction that carried it; null when the parameter is absent or unknown. */
  refresher: 'uac' | 'uas' | null;
}

/** Longest interval read: 2^31 − 1 s, as RFC 3261 §25.1 bounds delta-seconds. */
const MAX_SECONDS = 2 ** 31 - 1;

/** The message's Session-Expires (or its compact form `x`); undefined when absent or its interval is not a positive number. */
export function sessionExpires(m: SipMessage): SessionExpires | undefined {
  const value = headerValue(m, 'Session-Expires');
  if (value === undefined) return undefined;
  const [first, ...params] = value.split(';');
  const digits = first.trim();
  if (!/^\d{1,10}$/.test(digits)) return undefined;
  const seconds = Number(digits);
  if (seconds === 0 || seconds > MAX_SECONDS) return undefined;
  let refresher: SessionExpires['refresher'] = null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'refresher') continue;
    const who = p
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (who === 'uac' || who === 'uas') refresher = who;
  }
  return { seconds, refresher };
}
