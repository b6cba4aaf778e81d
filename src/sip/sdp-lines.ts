/**
 * The `lines` of a parsed SDP (every "<type>=<value>" line with its offset),
 * made only when first read: nothing in the analysis reads them, and one
 * object plus one string per line was most of what parsing allocated.
 */
import type { SipIssue } from './message.js';
import type {
  Sdp,
  SdpAttribute,
  SdpConnection,
  SdpDirection,
  SdpLine,
  SdpMedia,
  SdpOrigin,
} from './sdp-model.js';
import { indexIn } from './sdp-text.js';

/**
 * The lines of `s[start, end)` that have the form `<type>=<value>` (blank and
 * malformed lines are left out; `parseSdpRange` reports the malformed ones).
 */
export function sdpLines(s: string, start: number, end: number, base: number): SdpLine[] {
  const lines: SdpLine[] = [];
  let pos = start;
  while (pos < end) {
    const lineEnd = indexIn(s, '\n', pos, end);
    const ce = lineEnd > pos && s.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    const lineStart = pos;
    pos = lineEnd < end ? lineEnd + 1 : end;
    if (ce - lineStart < 2 || s.charCodeAt(lineStart + 1) !== 0x3d) continue;
    lines.push({
      type: s[lineStart],
      value: s.slice(lineStart + 2, ce),
      offset: base + lineStart,
      length: ce - lineStart,
    });
  }
  return lines;
}

/**
 * A parsed SDP whose `lines` are only built when first read: nothing in the
 * analysis reads them, and one object plus one string per line was most of
 * what parsing allocated. `lines` is an own enumerable property (an accessor,
 * in the same key order as before) so `Object.entries`, spreads and
 * `JSON.stringify` still see it.
 */
export class LazySdp implements Sdp {
  declare version?: number;
  declare origin?: SdpOrigin;
  declare sessionName?: string;
  declare connection?: SdpConnection;
  declare times: Array<{ start: number; stop: number }>;
  declare attributes: SdpAttribute[];
  declare direction: SdpDirection;
  declare media: SdpMedia[];
  declare lines: SdpLine[];
  declare issues: SipIssue[];
  readonly #text: string;
  readonly #start: number;
  readonly #end: number;
  readonly #base: number;
  #lines: SdpLine[] | undefined;

  constructor(text: string, start: number, end: number, base: number) {
    this.times = [];
    this.attributes = [];
    this.direction = 'sendrecv';
    this.media = [];
    Object.defineProperty(this, 'lines', LAZY_LINES);
    this.issues = [];
    this.#text = text;
    this.#start = start;
    this.#end = end;
    this.#base = base;
  }

  /** The lines of `d`, scanned from its text on the first call. */
  static linesOf(d: LazySdp): SdpLine[] {
    if (d.#lines === undefined) d.#lines = sdpLines(d.#text, d.#start, d.#end, d.#base);
    return d.#lines;
  }
}

/** One descriptor (and one getter) shared by every `LazySdp`, so they all keep one hidden class. */
const LAZY_LINES: PropertyDescriptor = {
  get(this: LazySdp): SdpLine[] {
    return LazySdp.linesOf(this);
  },
  enumerable: true,
  configurable: true,
};
