/**
 * A digit sent in a SIP INFO (RFC 6086 carries the package; these two
 * bodies predate it and are what PBXes and gateways send):
 *
 * - `application/dtmf-relay` (Cisco, Asterisk, FreeSWITCH): lines
 *   `Signal=5` and `Duration=160` (ms); some write `Signal: 5`, read too;
 * - `application/dtmf`: the digit alone (`5`).
 *
 * KPML (RFC 4730, SUBSCRIBE/NOTIFY with application/kpml-response+xml) is
 * not read.
 */
import { eventName } from '../media/telephone-event.js';
import { contentType } from './accessors.js';
import type { SipMessage } from './message.js';

export interface InfoDtmf {
  /** `0`–`9`, `*`, `#`, `A`–`D`, `flash`; a Signal given as an event code (`11`) by its RFC 4733 name; anything else as sent (16 characters at most). */
  digit: string;
  /** Duration= of a dtmf-relay body (ms); null when absent or not a number. */
  durationMs: number | null;
}

/** Bytes of the body read: a DTMF body is a couple of short lines. */
const MAX_BODY = 256;
const MAX_DIGIT = 16;

/** The digit of an INFO request carrying one, else null (any other message, type or a body without a signal). */
export function infoDtmf(m: SipMessage): InfoDtmf | null {
  if (m.kind !== 'request' || m.method !== 'INFO' || m.body.length === 0) return null;
  const type = contentType(m);
  if (type !== 'application/dtmf-relay' && type !== 'application/dtmf') return null;
  const body = m.text.slice(m.bodyOffset, m.bodyOffset + Math.min(m.body.length, MAX_BODY));
  if (type === 'application/dtmf') {
    const d = body.trim();
    return d === '' ? null : { digit: digitOf(d), durationMs: null };
  }
  let digit: string | null = null;
  let durationMs: number | null = null;
  for (const line of body.split(/\r?\n/)) {
    const eq = line.search(/[=:]/);
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key === 'signal' && value !== '') digit = digitOf(value);
    else if (key === 'duration' && /^\d{1,9}$/.test(value)) durationMs = Number(value);
  }
  return digit === null ? null : { digit, durationMs };
}

/** A DTMF key as RFC 4733 §3.2 names it: `a`–`d` upper-cased, an event code (`10`, `16`) by its name. */
function digitOf(s: string): string {
  if (/^[0-9*#A-Da-d]$/.test(s)) return s.toUpperCase();
  if (/^\d{2,3}$/.test(s) && Number(s) < 256) return eventName(Number(s));
  return s.slice(0, MAX_DIGIT);
}
