/**
 * The media negotiation of a call's setup in one sentence: who offered which
 * media where, and what the answer kept (RFC 3264 §5, §6; RFC 3261 §13.2.1;
 * RFC 3262 §5), read from the SDP of the call's messages only. Shared with
 * session-changes.ts, which tells the later offers of re-INVITEs and UPDATEs.
 * Pure (no DOM, no Node): the web page loads it too.
 */
import { hostOf } from '../decode/payload.js';
import {
  type At,
  answers,
  isRequest,
  label,
  openingInvite,
  type StoryMessage,
  type StorySdp,
  type StorySdpMedia,
} from './story-facts.js';

export type Party = 'caller' | 'callee';

/**
 * Who sent `m`: a request's From tag is its sender's, a response's is the
 * side it answers (RFC 3261 §8.2.6.2 copies From), so the caller is the
 * sender of a request with the caller's tag, or of a response without it.
 * Without tags (RFC 2543 peers, hand-made rows), the host of the caller's
 * opening INVITE decides.
 */
export function senderOf(m: StoryMessage, opening: StoryMessage): Party {
  const callerTag = opening.fromTag;
  if (callerTag != null && m.fromTag != null)
    return (m.method !== undefined) === (m.fromTag === callerTag) ? 'caller' : 'callee';
  return hostOf(m.src) === hostOf(opening.src) ? 'caller' : 'callee';
}

/**
 * The messages of the caller's leg: on the opening INVITE's Call-ID (a
 * B2BUA's other leg has its own) and carrying the caller's tag in From or To
 * (an SBC that keeps the Call-ID but rewrites the tags, the CSeq and the SDP
 * makes another dialog on the far side, whose exchanges would otherwise be
 * compared with this one's), first copies only.
 */
export function legOf(messages: readonly StoryMessage[], opening: StoryMessage): StoryMessage[] {
  const tag = opening.fromTag;
  return messages.filter(
    (m) =>
      m.callId === opening.callId &&
      !m.retransmission &&
      (tag == null || m.fromTag === undefined || m.fromTag === tag || m.toTag === tag),
  );
}

/** A T.38 fax stream (ITU-T T.38 Annex D: m=image <port> udptl t38), not RTP. */
function isFax(m: StorySdpMedia): boolean {
  return (
    m.media.toLowerCase() === 'image' &&
    (/udptl/i.test(m.proto) || m.codecs.some((c) => c.toLowerCase() === 't38'))
  );
}

/** What a media line carries, for comparing lines: `audio`, `video`, `fax`. */
export function kindOf(m: StorySdpMedia): string {
  return isFax(m) ? 'fax' : m.media.toLowerCase();
}

/** What a media line carries, as the story names it: `audio`, `fax (T.38)`. */
export function kindName(m: StorySdpMedia): string {
  return isFax(m) ? 'fax (T.38)' : m.media;
}

/** The line's connection address: its own c=, else the session's (RFC 8866 §5.7). */
export function addrOf(m: StorySdpMedia, sdp: StorySdp): string | null {
  return m.addr ?? sdp.addr;
}

/** RFC 2543's hold: the connection address 0.0.0.0 (RFC 3264 §8.4). */
export function isNullAddr(m: StorySdpMedia, sdp: StorySdp): boolean {
  return addrOf(m, sdp) === '0.0.0.0';
}

/** Where the line's media is to be sent: `10.0.0.1:4000`, `[2001:db8::1]:4000`; null without an address. */
export function endpointOf(m: StorySdpMedia, sdp: StorySdp): string | null {
  const a = addrOf(m, sdp);
  if (a === null) return null;
  return `${a.includes(':') ? `[${a}]` : a}:${m.port}`;
}

/** The line's codecs without repeats (case aside), in their order of preference. */
export function codecsOf(m: StorySdpMedia): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of m.codecs) {
    const k = c.toUpperCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(c);
    }
  }
  return out;
}

/** At most this many codecs of a line are named; the rest are counted. */
const CODECS_NAMED = 4;

export function codecText(codecs: readonly string[]): string {
  const named = codecs.slice(0, CODECS_NAMED).join(', ');
  return codecs.length > CODECS_NAMED ? `${named} (+${codecs.length - CODECS_NAMED} more)` : named;
}

/**
 * One media line: `audio PCMU/8000, PCMA/8000 at 10.0.0.1:4000`, `fax (T.38
 * over udptl) at 10.0.0.1:4000`; its direction when not sendrecv, and
 * RFC 2543's hold address when it has it.
 */
export function lineText(m: StorySdpMedia, sdp: StorySdp, withKind: boolean): string {
  const at = endpointOf(m, sdp);
  const where = at === null ? ` on port ${m.port}` : ` at ${at}`;
  const notes: string[] = [];
  if (m.direction !== null && m.direction !== 'sendrecv') notes.push(`a=${m.direction}`);
  if (isNullAddr(m, sdp)) notes.push('c=0.0.0.0: on hold, RFC 3264 §8.4');
  const note = notes.length ? ` (${notes.join('; ')})` : '';
  if (isFax(m)) return `fax (T.38 over ${m.proto})${where}${note}`;
  if (!/RTP\//i.test(m.proto)) return `${m.media} over ${m.proto}${where}${note}`;
  const codecs = codecText(codecsOf(m));
  return `${withKind || codecs === '' ? `${m.media}${codecs ? ' ' : ''}` : ''}${codecs}${where}${note}`;
}

/** An offer: each line, `video disabled (port 0)` for a line offered off. */
export function offerText(sdp: StorySdp): string {
  if (sdp.media.length === 0) return 'no media line';
  return sdp.media
    .map((m) => (m.port === 0 ? `${kindName(m)} disabled (port 0)` : lineText(m, sdp, true)))
    .join(' plus ');
}

/**
 * What an answer did with an offer's lines, as a verb phrase: `answered
 * PCMU/8000 at 10.0.0.2:5000 and declined the video (port 0, RFC 3264 §6)`
 * (RFC 3264 §6: a stream is rejected with port 0 in the answer). The media
 * are named when the offer had several lines. `declined`: some line was.
 */
export function answerPhrase(offer: StorySdp, answer: StorySdp): { text: string; declined: boolean } {
  const multi = offer.media.length > 1;
  const kept: string[] = [];
  const declined: string[] = [];
  answer.media.forEach((a, i) => {
    const o = offer.media[i];
    if (a.port !== 0) kept.push(lineText(a, answer, multi));
    else if (o !== undefined && o.port !== 0) declined.push(kindName(o));
  });
  const ref = '(port 0, RFC 3264 §6)';
  if (kept.length === 0)
    return declined.length > 0
      ? { text: `declined every media line ${ref}`, declined: true }
      : { text: 'answered with no media line', declined: false };
  const no = declined.length > 0 ? ` and declined the ${declined.join(' and the ')} ${ref}` : '';
  return { text: `answered ${kept.join(' plus ')}${no}`, declined: no !== '' };
}

/** Two descriptions that say the same for the story (same lines, addresses, codecs and directions). */
export function sameSdp(a: StorySdp, b: StorySdp): boolean {
  const key = (s: StorySdp) =>
    s.media
      .map(
        (m) =>
          `${kindOf(m)} ${m.port} ${m.proto} ${addrOf(m, s)} ${codecsOf(m).join(',').toUpperCase()} ${m.direction ?? 'sendrecv'}`,
      )
      .join('\n');
  return key(a) === key(b);
}

/**
 * The offer and answer of the call's setup (RFC 3261 §13.2.1): the offer in
 * the INVITE, answered in the 2xx or earlier in a provisional response; or,
 * the INVITE without one (a late offer), the offer in the 2xx answered in the
 * ACK, or in a reliable provisional response answered in the PRACK (RFC 3262
 * §5). `offer`/`answer` are undefined where the capture has none.
 */
export interface Setup {
  /** The caller's INVITE the call was answered on (after a challenge, the one with credentials). */
  invite: StoryMessage;
  /** Its 2xx (the first, for a forked INVITE). */
  ok: StoryMessage | undefined;
  /** The ACK of that 2xx. */
  ack: StoryMessage | undefined;
  offer: { msg: StoryMessage; sdp: StorySdp; by: Party } | undefined;
  answer: { msg: StoryMessage; sdp: StorySdp; by: Party } | undefined;
  /** The PRACK acknowledging the provisional response that answered or offered (RFC 3262 §4): it was sent reliably. */
  prack: StoryMessage | undefined;
}

/**
 * The setup's exchange, read on the opening INVITE's Call-ID (a B2BUA's
 * other leg has its own). A request or response the capture holds on
 * several hops (a proxy's copy) is read at its first copy, the nearest its
 * author. Null when no message of the call has an SDP, or the bodies were
 * not read (`sdp` absent).
 */
export function setupOf(messages: readonly StoryMessage[]): Setup | null {
  const opening = openingInvite(messages);
  if (opening === undefined || !messages.some((m) => m.sdp != null)) return null;
  const leg = legOf(messages, opening);
  const invites = leg.filter((m) => isRequest(m, 'INVITE') && m.toTag === null);
  const cseqs = new Set(invites.map((m) => m.cseq));
  // The 2xx of the opening INVITE (a re-INVITE of the callee may reuse its CSeq number: From tags differ).
  const ok = leg.find(
    (m) =>
      answers(m, 'INVITE') &&
      m.status! >= 200 &&
      m.status! < 300 &&
      cseqs.has(m.cseq) &&
      senderOf(m, opening) === 'callee',
  );
  const cseq = ok?.cseq ?? invites[invites.length - 1].cseq;
  const invite = invites.find((m) => m.cseq === cseq)!;
  const sameDialog = (m: StoryMessage) => ok === undefined || m.toTag === ok.toTag;
  const ack =
    ok === undefined
      ? undefined
      : leg.find((m) => isRequest(m, 'ACK') && m.cseq === cseq && m.toTag === ok.toTag && m.ts >= ok.ts);
  const provisional = leg.filter(
    (m) =>
      answers(m, 'INVITE') &&
      m.cseq === cseq &&
      m.status! > 100 &&
      m.status! < 200 &&
      m.sdp != null &&
      sameDialog(m) &&
      (ok === undefined || m.ts <= ok.ts),
  );
  const prackAfter = (p: StoryMessage) =>
    leg.find((m) => isRequest(m, 'PRACK') && m.toTag === p.toTag && m.ts >= p.ts);
  const setup: Setup = { invite, ok, ack, offer: undefined, answer: undefined, prack: undefined };
  const at = (msg: StoryMessage, by: Party) => ({ msg, sdp: msg.sdp!, by });
  if (invite.sdp != null) {
    setup.offer = at(invite, 'caller');
    // The 2xx answers; the same answer MAY come earlier in a provisional response (RFC 3261 §13.2.1).
    const early = provisional[0];
    if (early !== undefined) {
      setup.answer = at(early, 'callee');
      setup.prack = prackAfter(early);
    } else if (ok?.sdp != null) setup.answer = at(ok, 'callee');
    return setup;
  }
  // A late offer: in a reliable provisional response, answered in its PRACK (RFC 3262 §5).
  for (const p of provisional) {
    const prack = prackAfter(p);
    if (prack?.sdp != null) {
      setup.offer = at(p, 'callee');
      setup.answer = at(prack, 'caller');
      setup.prack = prack;
      return setup;
    }
  }
  // Or in the 2xx, answered in the ACK (RFC 3261 §13.2.1).
  if (ok?.sdp != null) setup.offer = at(ok, 'callee');
  if (setup.offer !== undefined && ack?.sdp != null) setup.answer = at(ack, 'caller');
  return setup;
}

/**
 * The sentence on the setup's offer and answer, or null when the call's
 * messages carry no SDP (or were read without their bodies).
 */
export function setupStory(setup: Setup | null, answered: boolean, at: At): string | null {
  if (setup === null) return null;
  const { invite, ok, ack, offer, answer } = setup;
  const okName = ok === undefined ? 'the 2xx' : `the ${label(ok)}`;
  if (offer === undefined) {
    if (!answered || ok === undefined) return null;
    return `Neither the caller's INVITE nor ${okName} carried an offer: no media was negotiated at the call's setup (RFC 3261 §13.2.1 puts the offer in the 2xx when the INVITE has none).`;
  }
  const offered = offerText(offer.sdp);
  if (offer.msg === invite) {
    const said = `The caller offered ${offered}`;
    if (answer === undefined) {
      if (!answered || ok === undefined) return `${said} (RFC 3264 §5).`;
      const nor = ack !== undefined && ack.sdp == null ? ` nor the ACK` : '';
      return `${said}, but ${nor ? 'neither ' : ''}${okName}${nor} carried an answer: the offer went unanswered in the capture (RFC 3261 §13.3.1.4 wants the answer in the 2xx).`;
    }
    const { text: phrase, declined } = answerPhrase(offer.sdp, answer.sdp);
    if (answer.msg.status !== undefined && answer.msg.status < 200) {
      const reliable = setup.prack !== undefined;
      const then =
        ok?.sdp != null && !sameSdp(ok.sdp, answer.sdp)
          ? `; its ${label(ok)} then ${answerPhrase(offer.sdp, ok.sdp).text}`
          : '';
      return `${said}; the callee ${phrase} early, in its ${label(answer.msg)} after ${at(answer.msg)} (early media, RFC 3960${reliable ? '; a reliable provisional response, acknowledged by PRACK, RFC 3262 §5' : ''})${then}.`;
    }
    return `${said}; the callee ${phrase}${declined ? '' : ' (RFC 3264 §6)'}.`;
  }
  const late = `The caller's INVITE carried no offer (a late offer, RFC 3261 §13.2.1): the callee offered ${offered} in its ${label(offer.msg)}`;
  if (answer !== undefined)
    return `${late} and the caller ${answerPhrase(offer.sdp, answer.sdp).text} in the ${label(answer.msg)}${answer.msg.method === 'PRACK' ? ' (RFC 3262 §5)' : ''}.`;
  return `${late}, but ${ack === undefined ? 'the ACK that must carry the answer is not in the capture' : 'the ACK carried no answer: the offer went unanswered in the capture'}.`;
}
