/**
 * Test helpers: messages written as readable lines, joined with CRLF.
 */
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import { parseSip } from '../../src/sip/parse.js';

export const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Header lines (start line first), the empty line, then the body. */
export function wire(lines: string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export function parse(text: string): SipMessage {
  const m = parseSip(enc(text));
  if (m === null) throw new Error(`not SIP: ${JSON.stringify(text.slice(0, 60))}`);
  return m;
}

export function request(text: string): SipRequest {
  const m = parse(text);
  if (m.kind !== 'request') throw new Error('expected a request');
  return m;
}

export function response(text: string): SipResponse {
  const m = parse(text);
  if (m.kind !== 'response') throw new Error('expected a response');
  return m;
}

/** Issue codes of a given severity. */
export function codes(m: SipMessage, severity: 'error' | 'warning' = 'error'): string[] {
  return m.issues.filter((i) => i.severity === severity).map((i) => i.code);
}

/** The bytes an issue points at. */
export function at(m: SipMessage, code: string): string {
  const i = m.issues.find((x) => x.code === code);
  if (i === undefined) throw new Error(`no issue ${code}: ${JSON.stringify(m.issues)}`);
  return m.text.slice(i.offset, i.offset + i.length);
}

/** A minimal valid INVITE's headers, for tests that vary one thing. */
export const BASE_HEADERS = [
  'Via: SIP/2.0/UDP pc33.example.org:5060;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@example.net>',
  'From: Alice <sip:alice@example.org>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.org',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.example.org>',
  'Content-Length: 0',
];

export function invite(extra: string[] = [], replace: Record<string, string | null> = {}): string {
  const lines = ['INVITE sip:bob@example.net SIP/2.0'];
  for (const h of BASE_HEADERS) {
    const name = h.slice(0, h.indexOf(':'));
    if (name in replace) {
      const r = replace[name];
      if (r !== null) lines.push(r);
    } else lines.push(h);
  }
  return wire([...lines, ...extra]);
}
