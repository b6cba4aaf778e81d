/**
 * Typed, lazy, memoised views of a message's headers. Names are accepted in
 * any case and in compact form (`v`, `Via`, `VIA`). Results are cached per
 * message (see message-cache.ts); returned arrays are shared, do not mutate
 * them. Messages from `parseSip` come with the common ones already parsed by
 * its validation pass.
 */
import { parseDigits } from './chars.js';
import { splitList } from './header-split.js';
import { headerKey, isMultiValued } from './header-table.js';
import type { HeaderField, SipMessage } from './message.js';
import { type CSeq, cacheOf } from './message-cache.js';
import type { NameAddr } from './name-addr.js';
import {
  allFields,
  cseqOf,
  firstField,
  mediaTypeOf,
  nameAddrListOf,
  nameAddrOf,
  valueEnd,
  viasOf,
} from './typed-headers.js';
import type { Via } from './via.js';

export type { CSeq } from './message-cache.js';

/** Value of the first occurrence of a header (the whole field value, unsplit). */
export function headerValue(m: SipMessage, name: string): string | undefined {
  return firstField(m, headerKey(name))?.value;
}

/**
 * Every value of a header: all occurrences in order, each split at commas when
 * the header table says it is a list (quotes and `<>` respected), e.g. two Via
 * lines holding three hops give three strings.
 */
export function headerValues(m: SipMessage, name: string): string[] {
  const key = headerKey(name);
  const c = cacheOf(m);
  if (c.values === undefined) c.values = new Map();
  let out = c.values.get(key);
  if (out !== undefined) return out;
  out = [];
  const multi = isMultiValued(key);
  const h = m.headers;
  for (let i = 0; i < h.length; i++) {
    const f = h[i];
    if (f.key !== key) continue;
    if (!multi) {
      out.push(f.value);
      continue;
    }
    const elems = splitList(m.text, f.valueOffset, valueEnd(f), null);
    for (let k = 0; k < elems.length; k++) out.push(elems[k].value);
  }
  c.values.set(key, out);
  return out;
}

/** All fields (lines) of a header, in message order. */
export function headerFields(m: SipMessage, name: string): HeaderField[] {
  return allFields(m, headerKey(name));
}

/**
 * The Call-ID (RFC 3261 §20.8). A NUL byte cannot be part of one (it is not in
 * `word`); a damaged value is cut there, as Wireshark does, and the message is
 * already flagged by the validation pass.
 */
export function callId(m: SipMessage): string | undefined {
  const v = firstField(m, 'call-id')?.value;
  if (v === undefined) return undefined;
  const nul = v.indexOf('\0');
  return nul < 0 ? v : v.slice(0, nul);
}

export function cseq(m: SipMessage): CSeq | undefined {
  const c = cacheOf(m);
  if (c.cseq === undefined) c.cseq = cseqOf(m, null);
  return c.cseq ?? undefined;
}

/** Every Via hop in header order: the top Via (the one the last hop added) first. */
export function vias(m: SipMessage): Via[] {
  const c = cacheOf(m);
  if (c.vias === undefined) c.vias = viasOf(m, null);
  return c.vias;
}

export function topVia(m: SipMessage): Via | undefined {
  const v = vias(m);
  return v.length > 0 ? v[0] : undefined;
}

export function fromHeader(m: SipMessage): NameAddr | undefined {
  const c = cacheOf(m);
  if (c.from === undefined) c.from = nameAddrOf(m, 'from', null);
  return c.from ?? undefined;
}

export function toHeader(m: SipMessage): NameAddr | undefined {
  const c = cacheOf(m);
  if (c.to === undefined) c.to = nameAddrOf(m, 'to', null);
  return c.to ?? undefined;
}

/** Contact values; `'*'` for the wildcard of a REGISTER removing all bindings (RFC 3261 §10.2.2). */
export function contacts(m: SipMessage): Array<NameAddr | '*'> {
  const c = cacheOf(m);
  if (c.contacts === undefined) c.contacts = nameAddrListOf(m, 'contact', null, true);
  return c.contacts;
}

export function routes(m: SipMessage): NameAddr[] {
  const c = cacheOf(m);
  if (c.routes === undefined) c.routes = nameAddrListOf(m, 'route', null, false) as NameAddr[];
  return c.routes;
}

export function recordRoutes(m: SipMessage): NameAddr[] {
  const c = cacheOf(m);
  if (c.recordRoutes === undefined)
    c.recordRoutes = nameAddrListOf(m, 'record-route', null, false) as NameAddr[];
  return c.recordRoutes;
}

function numeric(m: SipMessage, key: string): number | undefined {
  const f = firstField(m, key);
  if (f === undefined) return undefined;
  const n = parseDigits(m.text, f.valueOffset, valueEnd(f));
  return n < 0 ? undefined : n;
}

export function maxForwards(m: SipMessage): number | undefined {
  return numeric(m, 'max-forwards');
}

/** The Content-Length header's value (not the body length); undefined when absent or not a number. */
export function contentLength(m: SipMessage): number | undefined {
  return numeric(m, 'content-length');
}

/** The Expires header in seconds; undefined when absent or not delta-seconds. */
export function expires(m: SipMessage): number | undefined {
  return numeric(m, 'expires');
}

/** Lowercased `type/subtype` of Content-Type, parameters dropped. */
export function contentType(m: SipMessage): string | undefined {
  const c = cacheOf(m);
  if (c.contentType === undefined) {
    const f = firstField(m, 'content-type');
    c.contentType = f === undefined ? null : (mediaTypeOf(m.text, f.valueOffset, valueEnd(f), null) ?? null);
  }
  return c.contentType ?? undefined;
}

/** User-Agent, or Server for responses from servers that only send that. */
export function userAgent(m: SipMessage): string | undefined {
  return firstField(m, 'user-agent')?.value ?? firstField(m, 'server')?.value;
}
