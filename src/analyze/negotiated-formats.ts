/**
 * The RTP payload types each completed SDP offer/answer exchange allowed,
 * filed by the media address (`ip:port`) of each of its m= lines, for
 * media.format-not-negotiated to judge a stream by its source and
 * destination.
 *
 * RFC 3264 §6.1: "The answerer MUST send using a media format in the offer
 * that is also listed in the answer [...] In the case of RTP, it MUST use
 * the payload type numbers from the offer, even if they differ from those
 * in the answer." RFC 3264 §7: the offerer "MUST send using a media format
 * listed in the answer". So RTP to the offerer may use the offer's numbers
 * of the codecs the answer lists too (compared by name and clock rate,
 * sdp-codecs.ts), and RTP to the answerer the answer's numbers.
 *
 * Re-negotiation (re-INVITE, UPDATE): an exchange is in force from its
 * offer to the answer of the next exchange on the same address. A stream
 * may use what any exchange in force while it flowed allowed, the union of
 * those, and `spans` says when each payload type was allowed, so a payload
 * type sent before the offer that allowed it, or after the answer that
 * dropped it, can be told. A stream that began before any exchange on its
 * addresses was seen (the capture started mid-call) is not judged.
 *
 * Bounded: past `max` exchanges filed, the addresses filed longest ago go
 * first; past MAX_PER_ADDRESS on one address, its oldest, and streams that
 * began before the ones kept are not judged.
 */
import { codecName, mediaEndpoint, rtpmapName } from '../media/media-map.js';
import { isRtpProfile } from '../media/payload-types.js';
import type { Sdp } from '../sip/sdp.js';
import { type FormatList, lists } from './sdp-codecs.js';

interface Times {
  offerAt: number;
  answerAt: number;
  /** The messages (ids) of the offer and the answer. */
  offerMsg: number;
  answerMsg: number;
}

interface Exchange extends Times {
  offer: FormatList;
  answer: FormatList;
  /** The two addresses (`ip:port`). */
  offerKey: string;
  answerKey: string;
}

/** An exchange as one of its two addresses sees it. */
interface Filed {
  ex: Exchange;
  /** The address is the offer's m= line (else the answer's). */
  offerSide: boolean;
}

interface AddressHistory {
  /** In the order answered. */
  list: Filed[];
  /** Exchanges before this time were dropped (MAX_PER_ADDRESS): a stream that began earlier is not judged. */
  knownFrom: number;
}

/** What a stream may use: each allowed payload type with its codec name. */
export interface Allowed {
  formats: Map<number, string>;
  /** Codec names of the payload types the other m= lines map (the sender's own numbers), for texts. */
  names: Map<number, string>;
  /** When each payload type of `formats` was allowed: one span an exchange that allowed it. */
  spans: Map<number, AllowedSpan[]>;
}

/** An exchange in force, capture time (s): from its offer to the answer of the exchange that replaced it. */
export interface AllowedSpan {
  from: number;
  until: number;
  /** The offer's message, and the answer of the exchange that replaced it (none while in force). */
  offerMsg: number;
  replacedBy?: number;
}

const MAX_PER_ADDRESS = 16;
/** M= lines of a session whose RTP addresses are remembered. */
const MAX_LINES = 8;
/** The formats of an exchange that stopped an RTP stream: none allowed. */
const NOTHING: FormatList = { formats: [], rtpmap: Object.create(null), proto: '' };
/** What is kept of an m= line (not the line itself: its attributes stay behind). */
const formatsOf = (f: FormatList): FormatList => ({ formats: f.formats, rtpmap: f.rtpmap, proto: f.proto });

export class NegotiatedFormats {
  private readonly byAddress = new Map<string, AddressHistory>();
  /** Addresses announced by SDP outside the completed exchanges (`other`), oldest first. */
  private readonly strangers = new Set<string>();
  /** Exchanges filed (each counted under both its addresses). */
  size = 0;
  /** By session (dialog) · MAX_LINES + m= line index, that line's latest RTP exchange, oldest first. */
  private readonly lines = new Map<number, Exchange>();

  constructor(private readonly max = 65536) {}

  /**
   * Files a completed exchange: `offer` made at `offerAt` by message
   * `offerMsg`, answered at `answerAt` by `answerMsg`, in `session` (the
   * dialog, when known: an m= line that stops being RTP there ends what its
   * RTP exchange allowed).
   */
  add(
    offer: Sdp,
    answer: Sdp,
    offerAt: number,
    answerAt: number,
    offerMsg = -1,
    answerMsg = -1,
    session: number | null = null,
  ): void {
    const n = Math.min(offer.media.length, answer.media.length);
    const at: Times = { offerAt, answerAt, offerMsg, answerMsg };
    for (let i = 0; i < n; i++) {
      const o = offer.media[i];
      const a = answer.media[i];
      const ok = mediaEndpoint(o);
      const ak = mediaEndpoint(a);
      if (o.port === 0 || a.port === 0 || o.media !== a.media || !isRtpProfile(o.proto)) {
        this.stop(i, ok, ak, session, at);
        continue;
      }
      if (ok === null || ak === null || ok === ak) continue;
      const ho = this.byAddress.get(ok);
      const ha = this.byAddress.get(ak);
      let ex = ho?.list[ho.list.length - 1].ex;
      if (ex === undefined || !again(ho, ha, o, a)) {
        ex = {
          offerAt,
          answerAt,
          offerMsg,
          answerMsg,
          offer: formatsOf(o),
          answer: formatsOf(a),
          offerKey: ok,
          answerKey: ak,
        };
        this.file(ok, ho, { ex, offerSide: true });
        this.file(ak, ha, { ex, offerSide: false });
      }
      if (session !== null && i < MAX_LINES) this.remember(session * MAX_LINES + i, ex);
    }
  }

  private fileBoth(ex: Exchange): void {
    const ho = this.byAddress.get(ex.offerKey);
    const ha = this.byAddress.get(ex.answerKey);
    this.file(ex.offerKey, ho, { ex, offerSide: true });
    this.file(ex.answerKey, ha, { ex, offerSide: false });
  }

  /** `ex` is the latest RTP exchange on m= line `line` (session · MAX_LINES + index). */
  private remember(line: number, ex: Exchange): void {
    const had = this.lines.size;
    this.lines.set(line, ex);
    if (this.lines.size > had && had >= this.max) this.lines.delete(this.lines.keys().next().value as number);
  }

  /**
   * M= line `i` of an exchange is no RTP stream any more (RFC 3264 §8.2: a
   * port of 0 removes it; §8.3.3: T.38 `m=image` replaces it, on the same
   * address or another): what the RTP exchanges on its addresses, and on
   * the session's RTP addresses for that line, allowed ends with this answer
   * (an exchange allowing nothing is filed there).
   */
  private stop(i: number, ok: string | null, ak: string | null, session: number | null, at: Times): void {
    const pairs = new Map<string, string>();
    const line = session === null || i >= MAX_LINES ? undefined : this.lines.get(session * MAX_LINES + i);
    if (line !== undefined) pairs.set(line.offerKey, line.answerKey);
    for (const k of [ok, ak]) {
      const h = k === null ? undefined : this.byAddress.get(k);
      const last = h?.list[h.list.length - 1]?.ex;
      if (last !== undefined) pairs.set(last.offerKey, last.answerKey);
    }
    for (const [offerKey, answerKey] of pairs) {
      const last = this.byAddress.get(offerKey)?.list.at(-1)?.ex;
      // Already stopped (a second T.38 re-INVITE, a refresh of the fax session).
      if (last === undefined || last.offer.formats.length === 0) continue;
      this.fileBoth({ ...at, offer: NOTHING, answer: NOTHING, offerKey, answerKey });
    }
  }

  /**
   * Notes the addresses of an SDP that is not part of a completed exchange
   * (early media of another fork in a 1xx, the 2xx of a second fork): RTP
   * between such an address and an exchange's is not judged by that
   * exchange, which is not the sender's.
   */
  other(sdp: Sdp): void {
    for (const m of sdp.media) {
      if (m.port === 0 || !isRtpProfile(m.proto)) continue;
      const k = mediaEndpoint(m);
      if (k === null || this.strangers.has(k)) continue;
      this.strangers.add(k);
      if (this.strangers.size > this.max)
        this.strangers.delete(this.strangers.values().next().value as string);
    }
  }

  /**
   * What RTP from `src` to `dst` (endpoint strings) flowing from `start` to
   * `end` (capture time, s) was allowed to carry, or null when no exchange
   * seen covers it.
   */
  allowed(src: string, dst: string, start: number, end: number): Allowed | null {
    const out: Allowed = { formats: new Map(), names: new Map(), spans: new Map() };
    // By the receiver's address first: its SDP's numbers are the ones to use.
    const toDst = this.collect(dst, src, true, start, end, out);
    if (toDst === false) return null;
    const fromSrc = this.collect(src, dst, false, start, end, out);
    if (fromSrc === false || (toDst === null && fromSrc === null)) return null;
    return out;
  }

  /**
   * Adds what the exchanges on `key` allowed the stream to `out`: null when
   * none is filed there, false when the stream cannot be judged by them
   * (its other end, `peer`, announced itself in an SDP outside them).
   */
  private collect(
    key: string,
    peer: string,
    isDst: boolean,
    start: number,
    end: number,
    out: Allowed,
  ): boolean | null {
    const h = this.byAddress.get(key);
    if (h === undefined) return null;
    if (start < h.knownFrom) return false;
    const list = h.list;
    let covered = false;
    let any = false;
    for (let i = 0; i < list.length; i++) {
      const { ex, offerSide } = list[i];
      const next = supersededBy(list, i);
      const until = next === undefined ? Number.POSITIVE_INFINITY : next.answerAt;
      if (ex.offerAt > end || until < start) continue;
      if (peer !== (offerSide ? ex.answerKey : ex.offerKey) && this.strangers.has(peer)) return false;
      any = true;
      if (ex.offerAt <= start) covered = true;
      // The address is the receiver's when it is the destination, the sender's when it is the source.
      const senderOffered = isDst ? !offerSide : offerSide;
      addAllowed(ex, senderOffered, out, {
        from: ex.offerAt,
        until,
        offerMsg: ex.offerMsg,
        replacedBy: next?.answerMsg,
      });
    }
    if (!any) return null;
    return covered;
  }

  /** Files `f` under `key`, whose history is `h` (undefined: none yet). */
  private file(key: string, h: AddressHistory | undefined, f: Filed): void {
    // Filed again: now the most recent, the last to be evicted (unless filing the other address just evicted it).
    if (h === undefined || !this.byAddress.delete(key)) h = { list: [], knownFrom: Number.NEGATIVE_INFINITY };
    this.byAddress.set(key, h);
    h.list.push(f);
    this.size++;
    if (h.list.length > MAX_PER_ADDRESS) {
      h.list.shift();
      this.size--;
      // Those dropped were in force until the first kept was answered.
      h.knownFrom = h.list[0].ex.answerAt;
    }
    while (this.size > this.max) this.evictOldest();
  }

  private evictOldest(): void {
    for (const [key, h] of this.byAddress) {
      this.byAddress.delete(key);
      this.size -= h.list.length;
      return;
    }
  }
}

/**
 * The exchange that ended the one at `i`: the next one answered later (m=
 * lines of one exchange on the same address, RFC 8843 BUNDLE, do not
 * replace each other); undefined while it is in force.
 */
function supersededBy(list: readonly Filed[], i: number): Exchange | undefined {
  const at = list[i].ex.answerAt;
  for (let j = i + 1; j < list.length; j++) if (list[j].ex.answerAt > at) return list[j].ex;
  return undefined;
}

/**
 * The payload types of one exchange for a sender: the offerer sends what
 * the answer lists (RFC 3264 §7), the answerer what the offer lists and the
 * answer lists too, with the offer's numbers (§6.1).
 */
function addAllowed(ex: Exchange, senderOffered: boolean, out: Allowed, span: AllowedSpan): void {
  const own = senderOffered ? ex.answer : ex.offer;
  const other = senderOffered ? ex.offer : ex.answer;
  for (const f of other.formats) {
    const name = rtpmapName(other.rtpmap, f);
    if (name !== null) out.names.set(Number(f), name);
  }
  for (const f of own.formats) {
    if (!senderOffered && !lists(ex.answer, ex.offer, f)) continue;
    const pt = Number(f);
    if (!Number.isInteger(pt)) continue;
    const spans = out.spans.get(pt);
    if (spans === undefined) out.spans.set(pt, [span]);
    else spans.push(span);
    if (!out.formats.has(pt)) out.formats.set(pt, codecName(own.rtpmap, pt) ?? f);
  }
}

/**
 * The latest exchange on both addresses was between them, the same way
 * round, with the same formats (the next call of the same two phones, a
 * session refresh): it allows the same from now on, and stays in force.
 */
function again(
  ho: AddressHistory | undefined,
  ha: AddressHistory | undefined,
  o: FormatList,
  a: FormatList,
): boolean {
  if (ho === undefined || ha === undefined) return false;
  const lo = ho.list[ho.list.length - 1];
  const la = ha.list[ha.list.length - 1];
  return lo.ex === la.ex && lo.offerSide && sameFormats(lo.ex.offer, o) && sameFormats(lo.ex.answer, a);
}

/** The same formats, mapped to the same codecs. */
function sameFormats(x: FormatList, y: FormatList): boolean {
  const fx = x.formats;
  const fy = y.formats;
  if (fx.length !== fy.length) return false;
  for (let i = 0; i < fx.length; i++) {
    if (fx[i] !== fy[i]) return false;
    // The parser's rtpmap has no prototype; a plain object's inherited keys would be the same on both sides.
    const mx = x.rtpmap[fx[i]];
    const my = y.rtpmap[fy[i]];
    if (mx === my) continue;
    if (mx === undefined || my === undefined) return false;
    if (mx.encoding !== my.encoding || mx.clockRate !== my.clockRate || mx.channels !== my.channels)
      return false;
  }
  return true;
}

/** A part of an activity span no allowed span covered, with the allowed spans either side (none: before the first, after the last). */
export interface Uncovered {
  from: number;
  to: number;
  /** The allowed span that ended before it (its `replacedBy` dropped the type), and the one that began after it. */
  before?: AllowedSpan;
  after?: AllowedSpan;
}

/**
 * The parts of [from, to] (capture time, s) outside every span of
 * `allowed`, each widened by `grace` at both ends (packets in flight, a
 * capture point near either end), in time order.
 */
export function uncovered(
  allowed: readonly AllowedSpan[],
  from: number,
  to: number,
  grace: number,
): Uncovered[] {
  const sorted = [...allowed].sort((x, y) => x.from - y.from);
  const out: Uncovered[] = [];
  let at = from;
  let before: AllowedSpan | undefined;
  for (const a of sorted) {
    if (at >= to) break;
    if (a.from - grace > at) {
      out.push({ from: at, to: Math.min(to, a.from - grace), before, after: a });
      if (a.from - grace >= to) return out;
    }
    if (a.until + grace > at) {
      at = a.until + grace;
      before = a;
    }
  }
  if (at < to) out.push({ from: at, to, before });
  return out;
}
