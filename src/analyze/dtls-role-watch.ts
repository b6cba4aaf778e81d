/**
 * Who an SDP offer/answer made DTLS client, against who sent the
 * ClientHello on the media addresses (dtls.setup-role-mismatch). RFC 5763
 * §5: "Whichever party is active MUST initiate a DTLS handshake by sending
 * a ClientHello over each flow (host/port quartet)": an answer with
 * a=setup:active makes the answerer the client, a=setup:passive the
 * offerer (RFC 4145 §4: active "will initiate an outgoing connection",
 * passive "will accept an incoming connection").
 *
 * Each answered DTLS stream (proto with `/TLS/`, both ports not 0, the
 * answer saying active or passive) becomes a `Roles`, found by either
 * address: a hello to the offerer's address comes from the answerer's side
 * (whatever address its NAT gave it), and the other way round. Hellos seen
 * before the answer (an active answerer's ClientHello may overtake its
 * 200 OK) wait in a short list of the latest ones and are replayed.
 *
 * What each `Roles` can end with (once, the first that is certain):
 * - `both`: each side sent a ClientHello: both act as client, no key;
 * - `swapped`: the side due to be client answered with a ServerHello;
 * - `server-hello`: the side due to be server sent a ClientHello, and
 *   within 64·T1 (a hello retransmitted from 1 s doubling, RFC 6347
 *   §4.2.4.1, has been sent six times) the other sent no hello at all.
 * Bounded: MAX_STREAMS streams, the oldest forgotten first.
 */
import type { DtlsHello } from '../media/dtls-srtp.js';
import { mediaEndpoint } from '../media/media-map.js';
import type { Sdp } from '../sip/sdp.js';
import { setupOf } from '../sip/sdp-fingerprint.js';

const MAX_STREAMS = 4096;
/** Hellos kept while no answer names their addresses. */
const EARLY = 64;

export type Side = 'offerer' | 'answerer';

/** One answered DTLS stream: who should be client, and what each side sent. */
export interface Roles {
  offerer: string;
  answerer: string;
  client: Side;
  /** The answer's a=setup (and the offer's, as written, or undefined). */
  answerSetup: 'active' | 'passive';
  offerSetup: string | undefined;
  /** Index of the m= line, its media and proto. */
  line: number;
  media: string;
  proto: string;
  offerMsg: number;
  answerMsg: number;
  call: number | null;
  /** Frame of the first ClientHello each side sent, and of the ServerHello of the side due to be client. */
  clientHello: { offerer?: number; answerer?: number };
  serverHello?: number;
  /** Capture time after which a lone ClientHello from the side due to be server is judged. */
  due?: number;
  done: boolean;
}

export type Verdict = 'both' | 'swapped' | 'server-hello';

const other = (s: Side): Side => (s === 'offerer' ? 'answerer' : 'offerer');

export class DtlsRoleWatch {
  private readonly byAddress = new Map<string, Roles>();
  private readonly early: DtlsHello[] = [];
  /** Streams waiting for their `due` time. */
  private readonly waiting = new Set<Roles>();

  /**
   * The DTLS streams of an answered exchange whose answer decided the roles;
   * returns the verdicts the hellos already seen give.
   */
  answered(
    offer: Sdp,
    answer: Sdp,
    offerMsg: number,
    answerMsg: number,
    call: number | null,
    wait: number,
  ): Array<[Roles, Verdict]> {
    let out: Array<[Roles, Verdict]> | undefined;
    const n = Math.min(offer.media.length, answer.media.length);
    for (let i = 0; i < n; i++) {
      const a = answer.media[i];
      // RFC 5764 §8's UDP/TLS/RTP/SAVP(F), and the like: the cheap test that ends it for RTP/AVP.
      if (!a.proto.includes('/TLS/')) continue;
      const o = offer.media[i];
      const setup = setupOf(answer, a);
      if (setup !== 'active' && setup !== 'passive') continue;
      // A declined stream (port 0) has no handshake to judge.
      if (o.port === 0 || a.port === 0) continue;
      const offerer = mediaEndpoint(o);
      const answerer = mediaEndpoint(a);
      if (offerer === null || answerer === null) continue;
      const r: Roles = {
        offerer,
        answerer,
        client: setup === 'active' ? 'answerer' : 'offerer',
        answerSetup: setup,
        offerSetup: setupOf(offer, o),
        line: i,
        media: a.media,
        proto: a.proto,
        offerMsg,
        answerMsg,
        call,
        clientHello: {},
        done: false,
      };
      this.file(r);
      for (const h of this.earlyFor(r)) {
        const v = this.hello(r, h, wait);
        if (v !== null) (out ??= []).push([r, v]);
      }
    }
    return out ?? [];
  }

  /** A hello on a media address: the verdict it gives, if any. */
  onHello(h: DtlsHello, wait: number): [Roles, Verdict] | null {
    const r = this.byAddress.get(h.to) ?? this.byAddress.get(h.from);
    if (r === undefined) {
      this.early.push(h);
      if (this.early.length > EARLY) this.early.shift();
      return null;
    }
    const v = this.hello(r, h, wait);
    return v === null ? null : [r, v];
  }

  /** Streams whose lone wrong ClientHello is due by `now` (all of them at the end). */
  due(now: number, ended: boolean): Array<[Roles, Verdict]> {
    let out: Array<[Roles, Verdict]> | undefined;
    for (const r of this.waiting) {
      if (!ended && (r.due ?? 0) > now) continue;
      this.waiting.delete(r);
      if (r.done) continue;
      r.done = true;
      (out ??= []).push([r, 'server-hello']);
    }
    return out ?? [];
  }

  /** Earliest `due` of the streams waiting (undefined: none). */
  get nextDue(): number | undefined {
    let next: number | undefined;
    for (const r of this.waiting)
      if (r.due !== undefined && (next === undefined || r.due < next)) next = r.due;
    return next;
  }

  private file(r: Roles): void {
    for (const addr of [r.offerer, r.answerer]) {
      const old = this.byAddress.get(addr);
      if (old !== undefined) this.waiting.delete(old);
      this.byAddress.delete(addr);
      this.byAddress.set(addr, r);
    }
    while (this.byAddress.size > 2 * MAX_STREAMS) {
      const first = this.byAddress.keys().next().value as string;
      const gone = this.byAddress.get(first);
      if (gone !== undefined) this.waiting.delete(gone);
      this.byAddress.delete(first);
    }
  }

  /** The early hellos between the stream's two sides (taken out of the list). */
  private earlyFor(r: Roles): DtlsHello[] {
    const mine: DtlsHello[] = [];
    for (let i = 0; i < this.early.length; ) {
      const h = this.early[i];
      if (sideOf(r, h) !== null) {
        mine.push(h);
        this.early.splice(i, 1);
      } else i++;
    }
    return mine;
  }

  private hello(r: Roles, h: DtlsHello, wait: number): Verdict | null {
    const side = sideOf(r, h);
    if (side === null || r.done) return null;
    if (h.hello === 'server') {
      if (side !== r.client) return null;
      r.serverHello ??= h.frame;
      return this.decided(r, 'swapped');
    }
    r.clientHello[side] ??= h.frame;
    if (r.clientHello[other(side)] !== undefined) return this.decided(r, 'both');
    if (side !== r.client && r.due === undefined) {
      r.due = h.ts + wait;
      this.waiting.add(r);
    }
    return null;
  }

  private decided(r: Roles, v: Verdict): Verdict {
    r.done = true;
    this.waiting.delete(r);
    return v;
  }
}

/**
 * The side of `r` that sent `h`: by the address it went to (the sender may
 * be behind a NAT), else by the address it came from; null when neither is
 * the stream's.
 */
function sideOf(r: Roles, h: DtlsHello): Side | null {
  if (h.to === r.offerer) return 'answerer';
  if (h.to === r.answerer) return 'offerer';
  if (h.from === r.offerer) return 'offerer';
  if (h.from === r.answerer) return 'answerer';
  return null;
}
