/**
 * Per-message memo of parsed header values. The parser's validation pass
 * fills it while checking the well-known headers, so accessors called later
 * (by correlation, analysis, the UI) do not parse the same bytes again.
 *
 */
import type { SipMessage } from './message.js';
import type { NameAddr } from './name-addr.js';
import type { Via } from './via.js';

export interface CSeq {
  seq: number;
  method: string;
}

export interface MessageCache {
  vias?: Via[];
  /** `null`: looked at, absent or unparseable. */
  from?: NameAddr | null;
  to?: NameAddr | null;
  cseq?: CSeq | null;
  contacts?: Array<NameAddr | '*'>;
  routes?: NameAddr[];
  recordRoutes?: NameAddr[];
  /** Lowercased `type/subtype` of the first Content-Type; `null`: absent or unparseable. */
  contentType?: string | null;
  /** sdp.ts's memo (typed there; `null` when the message has no SDP). */
  sdp?: unknown;
  /** headerValues results by key. */
  values?: Map<string, string[]>;
}

/**
 * Messages built by `parseSip` extend `Memo`: the cache sits in a private
 * field, invisible to JSON, spread, `Object.keys` and equality checks.
 * Messages built any other way (tests, deserialised copies) fall back to a
 * WeakMap. (A WeakMap for every message was the first design; its ephemeron
 * bookkeeping cost a third of parse time in GC at 100k+ messages.)
 */
export class Memo {
  #memo: MessageCache | undefined;

  static of(m: object): MessageCache | undefined {
    if (!(#memo in m)) return undefined;
    const h = m as Memo;
    if (h.#memo === undefined) h.#memo = {};
    return h.#memo;
  }
}

const FALLBACK = new WeakMap<SipMessage, MessageCache>();

export function cacheOf(m: SipMessage): MessageCache {
  const own = Memo.of(m);
  if (own !== undefined) return own;
  let c = FALLBACK.get(m);
  if (c === undefined) {
    c = {};
    FALLBACK.set(m, c);
  }
  return c;
}
