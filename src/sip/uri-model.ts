/** The parsed forms of the URIs in SIP (RFC 3261 §19.1; tel: RFC 3966), as uri.ts builds them. */
import type { SipIssue } from './message.js';
import type { Params } from './params.js';

export interface SipUri {
  kind: 'sip';
  scheme: 'sip' | 'sips';
  /** User part, %-escapes decoded (each escape becomes the latin1 char of its byte). */
  user?: string;
  password?: string;
  /** Host without IPv6 brackets, case kept. */
  host: string;
  port?: number;
  /** uri-parameters, names lowercased, escapes decoded; `true` for a name without value. */
  params: Params;
  /** `?name=value&...` headers, escapes decoded. */
  headers: Record<string, string>;
  raw: string;
  issues: SipIssue[];
}

export interface TelUri {
  kind: 'tel';
  scheme: 'tel';
  /** telephone-subscriber number as written, e.g. `+1-201-555-0123`. */
  number: string;
  params: Params;
  raw: string;
  issues: SipIssue[];
}

export interface OtherUri {
  kind: 'other';
  /** Lowercase scheme; empty when the text has none. */
  scheme: string;
  raw: string;
  issues: SipIssue[];
}

export type Uri = SipUri | TelUri | OtherUri;
