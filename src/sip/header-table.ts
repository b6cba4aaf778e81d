/**
 * The one header table (DESIGN.md convention 8): name, compact form, whether
 * the header is a comma-separated list, and the RFC that defines it. The parser
 * (name → key), `headerValues` (split or not) and the validator all read it.
 *
 * RFC 3261 §7.3.1: "Multiple header field rows with the same field-name MAY be
 * present in a message if and only if the entire field-value for that header
 * field is defined as a comma-separated list (that is, if follows the grammar
 * defined in Section 7.3)." Authorization-style headers and Date contain commas
 * that are not list separators, so they are single here.
 *
 * RFC 3261 §7.3.3: "SIP provides a mechanism to represent common header field
 * names in an abbreviated form." Compact forms from later RFCs are included.
 * Unknown headers (X-*, P-* not listed) are single-valued: their commas are
 * kept as written.
 */

export interface HeaderDef {
  /** Canonical spelling, e.g. `Call-ID`. */
  readonly name: string;
  /** Lowercase long name: the `HeaderField.key` of this header. */
  readonly key: string;
  /** Compact form (one lowercase letter), when the header has one. */
  readonly compact?: string;
  /** Value is a comma-separated list (`#element` in the ABNF). */
  readonly multi: boolean;
  /** Defining RFC, e.g. `RFC 3261 §20.42`. */
  readonly rfc: string;
}

type Row = [name: string, compact: string, multi: boolean, rfc: string];

// biome-ignore format: one header per line reads as a table
const ROWS: readonly Row[] = [
  // RFC 3261 §20
  ['Accept', '', true, 'RFC 3261 §20.1'],
  ['Accept-Encoding', '', true, 'RFC 3261 §20.2'],
  ['Accept-Language', '', true, 'RFC 3261 §20.3'],
  ['Alert-Info', '', true, 'RFC 3261 §20.4'],
  ['Allow', '', true, 'RFC 3261 §20.5'],
  ['Authentication-Info', '', false, 'RFC 3261 §20.6'],
  ['Authorization', '', false, 'RFC 3261 §20.7'],
  ['Call-ID', 'i', false, 'RFC 3261 §20.8'],
  ['Call-Info', '', true, 'RFC 3261 §20.9'],
  ['Contact', 'm', true, 'RFC 3261 §20.10'],
  ['Content-Disposition', '', false, 'RFC 3261 §20.11'],
  ['Content-Encoding', 'e', true, 'RFC 3261 §20.12'],
  ['Content-Language', '', true, 'RFC 3261 §20.13'],
  ['Content-Length', 'l', false, 'RFC 3261 §20.14'],
  ['Content-Type', 'c', false, 'RFC 3261 §20.15'],
  ['CSeq', '', false, 'RFC 3261 §20.16'],
  ['Date', '', false, 'RFC 3261 §20.17'],
  ['Error-Info', '', true, 'RFC 3261 §20.18'],
  ['Expires', '', false, 'RFC 3261 §20.19'],
  ['From', 'f', false, 'RFC 3261 §20.20'],
  ['In-Reply-To', '', true, 'RFC 3261 §20.21'],
  ['Max-Forwards', '', false, 'RFC 3261 §20.22'],
  ['Min-Expires', '', false, 'RFC 3261 §20.23'],
  ['MIME-Version', '', false, 'RFC 3261 §20.24'],
  ['Organization', '', false, 'RFC 3261 §20.25'],
  ['Priority', '', false, 'RFC 3261 §20.26'],
  ['Proxy-Authenticate', '', false, 'RFC 3261 §20.27'],
  ['Proxy-Authorization', '', false, 'RFC 3261 §20.28'],
  ['Proxy-Require', '', true, 'RFC 3261 §20.29'],
  ['Record-Route', '', true, 'RFC 3261 §20.30'],
  ['Reply-To', '', false, 'RFC 3261 §20.31'],
  ['Require', '', true, 'RFC 3261 §20.32'],
  ['Retry-After', '', false, 'RFC 3261 §20.33'],
  ['Route', '', true, 'RFC 3261 §20.34'],
  ['Server', '', false, 'RFC 3261 §20.35'],
  ['Subject', 's', false, 'RFC 3261 §20.36'],
  ['Supported', 'k', true, 'RFC 3261 §20.37'],
  ['Timestamp', '', false, 'RFC 3261 §20.38'],
  ['To', 't', false, 'RFC 3261 §20.39'],
  ['Unsupported', '', true, 'RFC 3261 §20.40'],
  ['User-Agent', '', false, 'RFC 3261 §20.41'],
  ['Via', 'v', true, 'RFC 3261 §20.42'],
  ['Warning', '', true, 'RFC 3261 §20.43'],
  ['WWW-Authenticate', '', false, 'RFC 3261 §20.44'],
  // Extensions
  ['Accept-Contact', 'a', true, 'RFC 3841 §9.2'],
  ['Reject-Contact', 'j', true, 'RFC 3841 §9.2'],
  ['Request-Disposition', 'd', true, 'RFC 3841 §9.1'],
  ['Referred-By', 'b', false, 'RFC 3892 §3'],
  ['Refer-To', 'r', false, 'RFC 3515 §2.1'],
  ['Refer-Sub', '', false, 'RFC 4488 §4'],
  ['Event', 'o', false, 'RFC 6665 §8.2.1'],
  ['Allow-Events', 'u', true, 'RFC 6665 §8.2.2'],
  ['Subscription-State', '', false, 'RFC 6665 §8.2.3'],
  ['Session-Expires', 'x', false, 'RFC 4028 §4'],
  ['Min-SE', '', false, 'RFC 4028 §5'],
  ['Identity', 'y', false, 'RFC 8224 §4'],
  ['Identity-Info', 'n', false, 'RFC 4474 §9'],
  ['RAck', '', false, 'RFC 3262 §7.2'],
  ['RSeq', '', false, 'RFC 3262 §7.1'],
  ['Replaces', '', false, 'RFC 3891 §6.1'],
  ['Join', '', false, 'RFC 3911 §7.1'],
  ['Target-Dialog', '', false, 'RFC 4538 §7'],
  ['Reason', '', true, 'RFC 3326 §2'],
  ['Path', '', true, 'RFC 3327 §4'],
  ['Service-Route', '', true, 'RFC 3608 §5'],
  ['Privacy', '', false, 'RFC 3323 §4.2'],
  ['P-Asserted-Identity', '', true, 'RFC 3325 §9.1'],
  ['P-Preferred-Identity', '', true, 'RFC 3325 §9.2'],
  ['P-Charging-Vector', '', false, 'RFC 7315 §4.6'],
  ['P-Charging-Function-Addresses', '', false, 'RFC 7315 §4.5'],
  ['P-Access-Network-Info', '', true, 'RFC 7315 §4.4'],
  ['P-Associated-URI', '', true, 'RFC 7315 §4.1'],
  ['P-Called-Party-ID', '', false, 'RFC 7315 §4.2'],
  ['P-Visited-Network-ID', '', true, 'RFC 7315 §4.3'],
  ['P-Asserted-Service', '', true, 'RFC 6050 §4.1'],
  ['P-Preferred-Service', '', true, 'RFC 6050 §4.2'],
  ['P-Served-User', '', false, 'RFC 5502 §6'],
  ['P-Early-Media', '', true, 'RFC 5009 §8'],
  ['History-Info', '', true, 'RFC 7044 §9'],
  ['Diversion', '', true, 'RFC 5806 §3'],
  ['Session-ID', '', false, 'RFC 7989 §5'],
  ['SIP-ETag', '', false, 'RFC 3903 §11.3.1'],
  ['SIP-If-Match', '', false, 'RFC 3903 §11.3.2'],
  ['Security-Client', '', true, 'RFC 3329 §2.2'],
  ['Security-Server', '', true, 'RFC 3329 §2.2'],
  ['Security-Verify', '', true, 'RFC 3329 §2.2'],
  ['Resource-Priority', '', true, 'RFC 4412 §3.1'],
  ['Accept-Resource-Priority', '', true, 'RFC 4412 §3.2'],
  ['Answer-Mode', '', false, 'RFC 5373 §5'],
  ['Priv-Answer-Mode', '', false, 'RFC 5373 §5'],
  ['Max-Breadth', '', false, 'RFC 5393 §5'],
  ['Flow-Timer', '', false, 'RFC 5626 §11'],
  ['Geolocation', '', true, 'RFC 6442 §4.1'],
  ['Geolocation-Routing', '', false, 'RFC 6442 §4.2'],
  ['Geolocation-Error', '', false, 'RFC 6442 §4.3'],
  ['Info-Package', '', false, 'RFC 6086 §8.2'],
  ['Recv-Info', '', true, 'RFC 6086 §8.3'],
  ['Feature-Caps', '', true, 'RFC 6809 §6'],
  ['Policy-ID', '', true, 'RFC 6794 §4.2'],
  ['Policy-Contact', '', true, 'RFC 6794 §4.3'],
  ['Suppress-If-Match', '', false, 'RFC 5839 §4.3'],
  ['Trigger-Consent', '', true, 'RFC 5360 §5.11.2'],
  ['Permission-Missing', '', true, 'RFC 5360 §5.9.3'],
  ['Content-ID', '', false, 'RFC 8262 §4'],
  ['Content-Transfer-Encoding', '', false, 'RFC 2045 §6'],
];

/**
 * The engine's own copy of `s` (the one its string literals use): `===`
 * between two such strings is one pointer comparison. The keys and names
 * handed out for every header line are compared with literals all over
 * (`f.key === 'via'`); made by toLowerCase they were ordinary strings, and
 * every match compared characters.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0];
}

export const HEADER_TABLE: readonly HeaderDef[] = ROWS.map(([name, compact, multi, rfc]) => {
  const key = internalized(name.toLowerCase());
  return compact ? { name, key, compact, multi, rfc } : { name, key, multi, rfc };
});

const BY_KEY = new Map<string, HeaderDef>();
/** Any spelling seen often on the wire → key; filled from the table, never from input. */
const ALIASES = new Map<string, string>();
for (const def of HEADER_TABLE) {
  if (BY_KEY.has(def.key)) throw new Error(`header table: duplicate ${def.name}`);
  BY_KEY.set(def.key, def);
  ALIASES.set(def.key, def.key);
  ALIASES.set(def.name, def.key);
  if (def.compact) {
    if (ALIASES.has(def.compact)) throw new Error(`header table: duplicate compact form ${def.compact}`);
    ALIASES.set(def.compact, def.key);
    ALIASES.set(def.compact.toUpperCase(), def.key);
  }
}
// Spellings common in real traffic that differ from the canonical one.
for (const name of ['Call-Id', 'CSEQ', 'Cseq', 'WWW-authenticate', 'Www-Authenticate', 'VIA', 'FROM', 'TO']) {
  ALIASES.set(name, name.toLowerCase());
}

/** Known headers by name length and first letter (compact forms as length 1), for `lookupHeader`. */
const MAX_NAME = 40;
const BUCKETS: Array<HeaderDef[] | undefined> = new Array((MAX_NAME + 1) * 32).fill(undefined);
const bucketId = (length: number, first: number): number => length * 32 + (first & 0x1f);
for (const def of HEADER_TABLE) {
  if (def.key.length > MAX_NAME) throw new Error(`header table: ${def.name} longer than ${MAX_NAME}`);
  const id = bucketId(def.key.length, def.key.charCodeAt(0));
  const list = BUCKETS[id];
  if (list === undefined) BUCKETS[id] = [def];
  else list.push(def);
  if (def.compact) BUCKETS[bucketId(1, def.compact.charCodeAt(0))] = [def];
}

/**
 * The table row for the name written at `s[start, end)`, compared without
 * case and without slicing: the parser calls this for every header line.
 */
export function lookupHeader(s: string, start: number, end: number): HeaderDef | undefined {
  const n = end - start;
  if (n > MAX_NAME || n <= 0) return undefined;
  const list = BUCKETS[bucketId(n, s.charCodeAt(start))];
  if (list === undefined) return undefined;
  if (n === 1) {
    const c = s.charCodeAt(start) | 0x20;
    return c === list[0].compact!.charCodeAt(0) ? list[0] : undefined;
  }
  for (let d = 0; d < list.length; d++) {
    const k = list[d].key;
    let i = 0;
    for (; i < n; i++) {
      let c = s.charCodeAt(start + i);
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (c !== k.charCodeAt(i)) break;
    }
    if (i === n) return list[d];
  }
  return undefined;
}

/**
 * The table row of a header name written exactly in its canonical spelling
 * at `s[start, end)`; undefined otherwise, including for other spellings of
 * known headers, which `lookupHeader` finds. The text is compared in place
 * (natively) with the few canonical names of its length and first letter:
 * no slice is taken (a header name is shorter than 13 characters more often
 * than not, and V8 copies such slices: a string per header line).
 */
export function exactHeader(s: string, start: number, end: number): HeaderDef | undefined {
  const n = end - start;
  // Length 1 holds compact forms, whose canonical spelling is longer.
  if (n > MAX_NAME || n <= 1) return undefined;
  const list = BUCKETS[bucketId(n, s.charCodeAt(start))];
  if (list === undefined) return undefined;
  // A bucket holds names of one length: a match at `start` is the whole name.
  for (let d = 0; d < list.length; d++) if (s.startsWith(list[d].name, start)) return list[d];
  return undefined;
}

/**
 * Canonical key of a header name in any case or compact form: `v` → `via`,
 * `CALL-ID` → `call-id`. Unknown names map to their lowercase spelling.
 * RFC 3261 §7.3.1: "field names are always case-insensitive".
 */
export function headerKey(name: string): string {
  const hit = ALIASES.get(name);
  if (hit !== undefined) return hit;
  const lower = name.toLowerCase();
  return ALIASES.get(lower) ?? lower;
}

/** The table row for a key or any spelling of a known header. */
export function headerDef(name: string): HeaderDef | undefined {
  return BY_KEY.get(headerKey(name));
}

/** True when the header's value is a comma-separated list. Unknown headers are single. */
export function isMultiValued(name: string): boolean {
  return BY_KEY.get(headerKey(name))?.multi === true;
}
