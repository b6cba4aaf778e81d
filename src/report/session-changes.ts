/**
 * What the re-INVITEs and UPDATEs of an answered call did to its session
 * (RFC 3261 §14, RFC 3311), each told at its time and by its sender when
 * the SDP of its offer and answer says what changed (RFC 3264 §8): hold and
 * resume (§8.4), a new media address (§8.3.1), new codecs (§8.3.2), a switch
 * between audio and T.38 fax (§8.3.3), a stream added or removed (§8.1,
 * §8.2). A re-INVITE that repeats the session as it was (a refresh) is not
 * told. Without the bodies (the JSON contract's rows have none), the
 * re-INVITEs are counted as before. Pure (no DOM, no Node).
 */
import {
  addrOf,
  codecsOf,
  codecText,
  endpointOf,
  isNullAddr,
  kindName,
  kindOf,
  legOf,
  lineText,
  type Party,
  type Setup,
  senderOf,
} from './sdp-story.js';
import {
  type At,
  answers,
  isRequest,
  label,
  openingInvite,
  type StoryMessage,
  type StorySdp,
  type StorySdpMedia,
  type Who,
} from './story-facts.js';

/** At most this many exchanges are told one by one; the others are counted. */
const TOLD = 4;

/** An exchange's SDP: the message carrying it and the side that sent it. */
interface Side {
  msg: StoryMessage;
  sdp: StorySdp;
  by: Party;
}

/** The session as the last accepted exchange left it, a slot per m= line (RFC 3264 §8: lines match by position). */
interface Session {
  lines: Array<{ kind: string; active: boolean; declined: boolean; rtp: boolean; codecs: string[] }>;
  /** Where each side receives each line's media (its last address other than 0.0.0.0). */
  addr: Record<Party, Array<string | null>>;
  /** The side's last offer put the call on hold (RFC 3264 §8.4). */
  held: Record<Party, boolean>;
}

const emptySession = (): Session => ({
  lines: [],
  addr: { caller: [], callee: [] },
  held: { caller: false, callee: false },
});

/** A line put on hold by its offerer: sendonly, inactive, or RFC 2543's 0.0.0.0 (RFC 3264 §8.4). */
function holdMark(m: StorySdpMedia, sdp: StorySdp): string | null {
  if (isNullAddr(m, sdp)) return 'c=0.0.0.0, the RFC 2543 way';
  return m.direction === 'sendonly' || m.direction === 'inactive' ? `a=${m.direction}` : null;
}

const joinAnd = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

/**
 * What `offer` asked of `before` (verb phrases: `put the call on hold (…)`),
 * what its answer did (clauses), and the session after it. Without an
 * answer (a refused offer) only the asks are told and `after` is unchanged.
 */
function compare(
  before: Session,
  offer: Side,
  answer: Side | undefined,
  answerer: string,
): { asks: string[]; did: string[]; after: Session } {
  const asks: string[] = [];
  const did: string[] = [];
  const added: Array<{ kind: string; m: StorySdpMedia }> = [];
  const removed: string[] = [];
  const declined: string[] = [];
  const after: Session = {
    lines: [],
    addr: { caller: [...before.addr.caller], callee: [...before.addr.callee] },
    held: { ...before.held },
  };
  const by = offer.by;
  const n = Math.max(offer.sdp.media.length, before.lines.length);
  for (let i = 0; i < n; i++) {
    const o = offer.sdp.media[i] as StorySdpMedia | undefined;
    const a = answer?.sdp.media[i];
    const prev = before.lines[i];
    const kind = o !== undefined ? kindOf(o) : prev.kind;
    const offered = o !== undefined && o.port !== 0;
    const accepted = offered && a !== undefined && a.port !== 0;
    const same = prev?.active === true && prev.kind === kind;
    if (offered && !same) {
      // Offered again and declined again: nothing changed.
      const again = prev?.declined === true && prev.kind === kind && answer !== undefined && !accepted;
      if (!again) {
        added.push({ kind, m: o });
        if (answer !== undefined && !accepted) declined.push(kindName(o));
      }
    }
    if (prev?.active && (!offered || !same)) removed.push(prev.kind);
    if (offered && same) {
      const ep = endpointOf(o, offer.sdp);
      const was = before.addr[by][i];
      if (ep !== null && !isNullAddr(o, offer.sdp) && was != null && ep !== was)
        asks.push(`move the ${kindName(o)} it receives to ${ep} (RFC 3264 §8.3.1)`);
      if (answer !== undefined && !accepted)
        did.push(`the answer declined the ${kindName(o)} (port 0, RFC 3264 §6)`);
    }
    if (answer === undefined) continue;
    if (accepted && same && a !== undefined) {
      const ep = endpointOf(a, answer.sdp);
      const was = before.addr[answer.by][i];
      if (ep !== null && !isNullAddr(a, answer.sdp) && was != null && ep !== was)
        did.push(`${answerer} answered with the ${kindName(a)} it receives at ${ep} (RFC 3264 §8.3.1)`);
      const codecs = codecsOf(a);
      const key = (xs: readonly string[]) => xs.join(',').toUpperCase();
      if (prev.rtp && codecs.length > 0 && prev.codecs.length > 0 && key(codecs) !== key(prev.codecs))
        did.push(
          `the ${kindName(a)} codecs became ${codecText(codecs)} (were ${codecText(prev.codecs)}, RFC 3264 §8.3.2)`,
        );
    }
    after.lines.push({
      kind,
      active: accepted,
      declined: offered && !accepted,
      rtp: accepted && /RTP\//i.test(a!.proto),
      codecs: accepted ? codecsOf(a!) : [],
    });
    if (accepted) {
      for (const [side, m, sdp] of [
        [by, o, offer.sdp],
        [answer.by, a!, answer.sdp],
      ] as const)
        if (!isNullAddr(m, sdp)) after.addr[side][i] = addrOf(m, sdp) === null ? null : endpointOf(m, sdp);
    }
  }
  asks.unshift(...mediaAsks(added, removed, offer.sdp));
  // Hold is what an offer asks of every stream it sends (RFC 3264 §8.4).
  const live = offer.sdp.media.filter((m) => m.port !== 0);
  const marks = live.map((m) => holdMark(m, offer.sdp));
  const held = live.length > 0 && marks.every((x) => x !== null);
  if (held && !before.held[by]) asks.unshift(`put the call on hold (${marks[0]}, RFC 3264 §8.4)`);
  if (!held && before.held[by] && live.length > 0)
    asks.unshift(`take the call off hold (${live[0].direction ?? 'sendrecv'}, RFC 3264 §8.4)`);
  if (declined.length > 0) did.push(`the answer declined the ${joinAnd(declined)} (port 0, RFC 3264 §6)`);
  after.held[by] = held;
  return { asks, did, after: answer === undefined ? before : after };
}

/** Streams an offer adds or removes: a switch between audio and fax is one (RFC 3264 §8.3.3). */
function mediaAsks(
  added: ReadonlyArray<{ kind: string; m: StorySdpMedia }>,
  removed: readonly string[],
  sdp: StorySdp,
): string[] {
  const out: string[] = [];
  const gone = [...removed];
  for (const { kind, m } of added) {
    const from = kind === 'fax' ? 'audio' : kind === 'audio' ? 'fax' : null;
    const k = from === null ? -1 : gone.indexOf(from);
    if (k >= 0) {
      gone.splice(k, 1);
      out.push(
        `switch the call from ${from === 'fax' ? 'fax (T.38) back' : 'audio'} to ${lineText(m, sdp, true)} (RFC 3264 §8.3.3)`,
      );
    } else out.push(`add ${lineText(m, sdp, true)} (RFC 3264 §8.1)`);
  }
  for (const kind of gone) out.push(`remove the ${kind === 'fax' ? 'fax (T.38)' : kind} (RFC 3264 §8.2)`);
  return out;
}

interface Exchange {
  request: StoryMessage;
  final: StoryMessage | undefined;
  accepted: boolean;
  offer: Side | undefined;
  answer: Side | undefined;
}

/**
 * The re-INVITEs and UPDATEs on the opening INVITE's Call-ID, each at its
 * first copy (a proxy's copy on the next hop is the same request), with
 * their final response and the messages carrying their offer and answer: in
 * the request and its 2xx, or, a re-INVITE without SDP, in the 2xx and the
 * ACK (RFC 3261 §14.1, §13.2.1).
 */
function exchanges(messages: readonly StoryMessage[], opening: StoryMessage): Exchange[] {
  const leg = legOf(messages, opening);
  const seen = new Set<string>();
  const out: Exchange[] = [];
  for (const req of leg) {
    const method = req.method;
    if (!((method === 'INVITE' && req.toTag !== null) || method === 'UPDATE')) continue;
    const by = senderOf(req, opening);
    const key = `${method} ${req.cseq} ${by}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const mine = (m: StoryMessage) => m.cseq === req.cseq && senderOf(m, opening) !== by;
    const finals = leg.filter((m) => answers(m, method) && mine(m) && m.status! >= 200);
    const ok = finals.find((m) => m.status! < 300);
    const side = (msg: StoryMessage | undefined): Side | undefined =>
      msg?.sdp == null ? undefined : { msg, sdp: msg.sdp, by: senderOf(msg, opening) };
    const x: Exchange = {
      request: req,
      final: ok ?? finals.find((m) => m.status !== 401 && m.status !== 407),
      accepted: ok !== undefined,
      offer: undefined,
      answer: undefined,
    };
    if (req.sdp != null) {
      x.offer = side(req);
      x.answer = side(ok);
    } else if (method === 'INVITE' && ok !== undefined) {
      x.offer = side(ok);
      x.answer = side(
        leg.find(
          (m) => isRequest(m, 'ACK') && m.cseq === req.cseq && senderOf(m, opening) === by && m.ts >= ok.ts,
        ),
      );
    }
    out.push(x);
  }
  return out;
}

/**
 * The sentences on the re-INVITEs (and UPDATEs) of an answered call. With
 * the SDP: one sentence an exchange that changed the session or was refused
 * asking a change (at most `TOLD`, then how many more); a re-INVITE accepted
 * with no SDP to tell what it did is counted as before, as are refusals of a
 * re-INVITE that asked nothing the SDP shows. Counted once each on the
 * opening INVITE's Call-ID by CSeq number, "changed" when answered 2xx,
 * "refused" when answered 3xx–6xx other than a challenge (which is sent
 * again with a new CSeq).
 */
export function sessionStory(
  answered: boolean,
  messages: readonly StoryMessage[],
  setup: Setup | null,
  who: Who,
  at: At,
): string[] {
  if (!answered) return [];
  const opening = openingInvite(messages);
  if (opening === undefined) return [];
  if (setup === null) return countedStory(messages, opening);
  // The session the setup negotiated (nothing, without an offer and its answer).
  let session = emptySession();
  if (setup.offer !== undefined && setup.answer !== undefined)
    session = compare(session, setup.offer, setup.answer, '').after;
  const told: Array<{ text: string; refused: boolean }> = [];
  let unexplained = 0;
  const refused: string[] = [];
  for (const x of exchanges(messages, opening)) {
    const { request, offer, answer } = x;
    const name = request.method === 'INVITE' ? 'a re-INVITE' : 'an UPDATE';
    const refusal = !x.accepted && x.final !== undefined;
    if (x.accepted && (offer === undefined || answer === undefined)) {
      if (request.method === 'INVITE') unexplained++;
      continue;
    }
    if (!x.accepted && !refusal) continue;
    const said =
      offer === undefined
        ? null
        : compare(session, offer, x.accepted ? answer : undefined, answer ? who(answer.msg.src) : '');
    if (said !== null && x.accepted) session = said.after;
    if (said === null || (said.asks.length === 0 && said.did.length === 0)) {
      if (refusal && request.method === 'INVITE') refused.push(label(x.final!));
      continue;
    }
    const subject =
      offer!.msg === request
        ? `${who(request.src)} sent ${name}`
        : `${who(request.src)} sent ${name} without an offer and ${who(offer!.msg.src)} offered in its ${label(offer!.msg)}`;
    const asks = said.asks.length > 0 ? ` to ${joinAnd(said.asks)}` : '';
    const did = said.did.length > 0 ? `; ${said.did.join('; ')}` : '';
    const no = refusal
      ? `; it was refused (${label(x.final!)}): the session stayed as it was (RFC 3261 §14.1)`
      : '';
    told.push({ text: `At ${at(request)}, ${subject}${asks}${did}${no}.`, refused: refusal });
  }
  const out = told.slice(0, TOLD).map((t) => t.text);
  const rest = told.slice(TOLD);
  const changed = rest.filter((t) => !t.refused).length;
  const tried = rest.length - changed;
  if (rest.length > 0) {
    const more = (k: number, verb: string) =>
      `${k === 1 ? 'one more re-INVITE or UPDATE' : `${k} more re-INVITEs or UPDATEs`} ${verb}`;
    const parts = [
      ...(changed > 0 ? [more(changed, 'changed the session')] : []),
      ...(tried > 0 ? [more(tried, tried === 1 ? 'was refused' : 'were refused')] : []),
    ].join(' and ');
    out.push(`${parts[0].toUpperCase()}${parts.slice(1)} after that.`);
  }
  out.push(...countSentences(unexplained, refused));
  return out;
}

/** The re-INVITEs counted by CSeq, as told when the SDP is not known. */
function countedStory(messages: readonly StoryMessage[], opening: StoryMessage): string[] {
  const cseqs = new Set<number>();
  for (const m of messages)
    if (isRequest(m, 'INVITE') && m.toTag !== null && m.callId === opening.callId && m.cseq !== null)
      cseqs.add(m.cseq);
  let changed = 0;
  const refused: string[] = [];
  for (const n of cseqs) {
    const finals = messages.filter(
      (m) => answers(m, 'INVITE') && m.callId === opening.callId && m.cseq === n && m.status! >= 200,
    );
    if (finals.some((m) => m.status! < 300)) changed++;
    else {
      const f = finals.find((m) => m.status !== 401 && m.status !== 407);
      if (f !== undefined) refused.push(label(f));
    }
  }
  return countSentences(changed, refused);
}

function countSentences(changed: number, refused: readonly string[]): string[] {
  const parts: string[] = [];
  if (changed > 0)
    parts.push(
      `The session was changed ${changed === 1 ? 'once' : `${changed} times`} during the call (re-INVITE, RFC 3261 §14: hold, codecs or a new media address).`,
    );
  if (refused.length > 0)
    parts.push(
      `${refused.length === 1 ? 'A re-INVITE was' : `${refused.length} re-INVITEs were`} refused (${refused.join(', ')}): the session stayed as it was (RFC 3261 §14.1).`,
    );
  return parts.length === 0 ? [] : [parts.join(' ')];
}
