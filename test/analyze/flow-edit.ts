/**
 * Small edits of the named flows (test/fixtures/flows) for the correlated
 * rule tests: change one message's text, drop or add messages, move one in
 * time. Edited messages are parsed again with the real parser and keep the
 * capture source (transport, src, dst, time) of the original.
 */

import type { Endpoint } from '../../src/decode/payload.js';
import type { SipMessage } from '../../src/sip/message.js';
import { parsed } from '../fixtures/flows/builder.js';

export const textOf = (m: SipMessage): string => Buffer.from(m.raw).toString('latin1');

/** `m` with its text changed by `fn` (same source). */
export function rewrite(m: SipMessage, fn: (text: string) => string): SipMessage {
  const c = parsed(fn(textOf(m)));
  c.source = m.source === null ? null : { ...m.source };
  return c;
}

/** The flow with message `i` rewritten. */
export function edit(msgs: readonly SipMessage[], i: number, fn: (text: string) => string): SipMessage[] {
  const out = msgs.slice();
  out[i] = rewrite(msgs[i], fn);
  return out;
}

/** The flow without the messages at `idx`. */
export function drop(msgs: readonly SipMessage[], ...idx: number[]): SipMessage[] {
  return msgs.filter((_, i) => !idx.includes(i));
}

/** The flow with `extra` inserted before position `i` (appended when `i` is the length). */
export function insert(msgs: readonly SipMessage[], i: number, ...extra: SipMessage[]): SipMessage[] {
  return [...msgs.slice(0, i), ...extra, ...msgs.slice(i)];
}

/** A copy of `m` sent `dt` seconds after it (optionally on another path). */
export function later(m: SipMessage, dt: number, src?: Endpoint, dst?: Endpoint): SipMessage {
  const c = rewrite(m, (t) => t);
  const s = c.source;
  if (s === null) throw new Error('later() needs a message with a source');
  c.source = { ...s, ts: s.ts + dt, src: src ?? s.src, dst: dst ?? s.dst };
  return c;
}

/** `text` with its body replaced and Content-Length set to match. */
export function withBody(text: string, body: string, type = 'application/sdp'): string {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  let h = head.replace(/\r\nContent-Length: \d+/i, '').replace(/\r\nContent-Type: [^\r]*/i, '');
  if (body.length > 0) h += `\r\nContent-Type: ${type}`;
  return `${h}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
}

/** Replaces a header line (`Name: value`) by another, or removes it with ''. */
export function header(text: string, name: string, line: string): string {
  const re = new RegExp(`\\r\\n${name}: [^\\r]*`, 'i');
  if (!re.test(text)) throw new Error(`no ${name} header in ${text.slice(0, 40)}`);
  return text.replace(re, line === '' ? '' : `\r\n${line}`);
}

/** Adds a header line before Content-Length. */
export function addHeader(text: string, line: string): string {
  return text.replace(/\r\nContent-Length: /i, `\r\n${line}\r\nContent-Length: `);
}
