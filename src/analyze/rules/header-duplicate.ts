import { HEADER_TABLE, type HeaderDef } from '../../sip/header-table.js';
import type { HeaderField, SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import type { MessageRule } from '../rule.js';

/**
 * RFC 3261 §7.3.1: "The exceptions to this rule are the WWW-Authenticate,
 * Authorization, Proxy-Authenticate, and Proxy-Authorization header fields."
 * RFC 8224 §4 lets a request carry several Identity header fields (one per
 * PASSporT), although its grammar is not a list.
 */
const MAY_REPEAT = new Set([
  'www-authenticate',
  'authorization',
  'proxy-authenticate',
  'proxy-authorization',
  'identity',
]);

/** Single-valued headers of the table, by key (the parser's `HeaderField.key`). */
const SINGLE = new Map<string, HeaderDef>();
for (const def of HEADER_TABLE) if (!def.multi && !MAY_REPEAT.has(def.key)) SINGLE.set(def.key, def);

/**
 * Key lengths seen in the current message: `stamp[len]` is the message's
 * generation when a header key of that length came before. Two fields can
 * only share a key when they share its length, so most headers (a length
 * not seen yet) are settled by one array read, without looking the key up.
 * Reused between calls (no allocation per message).
 */
const LENGTHS = 64;
const stamp = new Int32Array(LENGTHS);
let generation = 0;

/** More header lines than this are checked by looking each key up (bounded work per line). */
const SCAN_MAX = 64;

/**
 * Used for messages with more than SCAN_MAX lines, reused between calls (no
 * allocation per message): single-valued fields seen so far. Emptied by
 * clearing its slots, not its length (a length of 0 drops the backing store,
 * which the next message then grew again).
 */
const seen: Array<HeaderField | null> = [];

const cut = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s);

export const headerDuplicate: MessageRule = {
  id: 'header.duplicate',
  title: 'Single-value header repeated',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §7.3.1',
    text:
      'Multiple header field rows with the same field-name MAY be present in a message if and only if the ' +
      'entire field-value for that header field is defined as a comma-separated list (that is, if follows the ' +
      'grammar defined in Section 7.3).',
  },
  explanation:
    'Headers such as Call-ID, CSeq, From, To, Max-Forwards, Content-Length and Content-Type hold one value; ' +
    'only list headers (Via, Route, Contact, Allow...) and the four authentication headers may appear on ' +
    'several lines. With two Content-Length or two CSeq lines, different elements pick different values, ' +
    'which breaks framing and transaction matching. It usually comes from a proxy or B2BUA adding a header ' +
    'without removing the original (RFC 4475 §3.3.8, §3.3.9). Extension headers (not from RFC 3261) are ' +
    'reported as warnings, since deployments differ on them.',
  scope: 'message',
  issues: ['syntax.duplicate-header'],
  check(msg: SipMessage): readonly FindingDraft[] {
    const h = msg.headers;
    if (h.length < 2) return NONE;
    if (h.length > SCAN_MAX) return byLookup(h);
    if (++generation > 0x3fffffff) {
      stamp.fill(0);
      generation = 1;
    }
    const g = generation;
    let out: FindingDraft[] | undefined;
    for (let i = 0; i < h.length; i++) {
      const f = h[i];
      const key = f.key;
      const n = key.length < LENGTHS ? key.length : LENGTHS - 1;
      if (stamp[n] !== g) {
        stamp[n] = g;
        continue;
      }
      // A key of this length came before: the first field with this very key, if any.
      for (let k = 0; k < i; k++) {
        const e = h[k];
        if (e.key.length !== key.length || e.key !== key) continue;
        const def = SINGLE.get(key);
        if (def !== undefined) (out ??= []).push(draftOf(def, e, f));
        break;
      }
    }
    return out ?? NONE;
  },
};

/** The finding for `f`, a repeat of the single-valued header `first`. */
function draftOf(def: HeaderDef, first: HeaderField, f: HeaderField): FindingDraft {
  return {
    text: `${def.name} appears more than once ("${cut(first.value)}" and "${cut(f.value)}"); it is not a list header (${def.rfc})`,
    range: { offset: f.offset, length: f.length },
    severity: def.rfc.startsWith('RFC 3261 ') ? 'error' : 'warning',
  };
}

/** The same check by a lookup of each key in the table (for messages with very many lines). */
function byLookup(h: readonly HeaderField[]): readonly FindingDraft[] {
  let out: FindingDraft[] | undefined;
  let n = 0;
  for (let i = 0; i < h.length; i++) {
    const f = h[i];
    const def = SINGLE.get(f.key);
    if (def === undefined) continue;
    let first: HeaderField | undefined;
    for (let k = 0; k < n; k++) {
      if (seen[k]!.key === f.key) {
        first = seen[k]!;
        break;
      }
    }
    if (first === undefined) {
      seen[n++] = f;
      continue;
    }
    (out ??= []).push(draftOf(def, first, f));
  }
  for (let k = 0; k < n; k++) seen[k] = null;
  return out ?? NONE;
}
