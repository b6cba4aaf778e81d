import type { RtpStreamRecord } from '../../media/media-tracker.js';
import { SPAN_GAP } from '../../media/rtp-stats.js';
import { sdpOf } from '../../sip/sdp.js';
import { tsOf } from '../correlated-facts.js';
import { type FindingDraft, NONE } from '../finding.js';
import { type Allowed, NegotiatedFormats, type Uncovered, uncovered } from '../negotiated-formats.js';
import { offerAnswerStep, SDP_ANSWERS } from '../offer-answer.js';
import type { CorrelatedRule } from '../rule.js';

/** Capture times of the latest SDP messages seen, by id: when an answered offer was made. */
const OFFER_TIMES = 4096;

interface State {
  formats: NegotiatedFormats;
  times: Map<number, number>;
}

/** RFC 3389 comfort noise: static type 13, or a dynamic one the SDP mapped to CN. */
const isComfortNoise = (pt: number, codec: string): boolean => pt === 13 || /^CN\//i.test(codec);

/** `18 G729/8000` (the codec name only when the SDP or the static table gives one). */
const named = (pt: number, codec: string): string => (codec === String(pt) ? codec : `${pt} ${codec}`);

/** The findings for stream `s`: payload types never allowed, and allowed ones sent outside the time they were. */
function judge(s: RtpStreamRecord, allowed: Allowed): FindingDraft[] {
  const out: FindingDraft[] = [];
  const never = notAllowed(s, allowed);
  if (never !== null) out.push(never);
  const late = outsideTime(s, allowed);
  if (late !== null) out.push(late);
  return out;
}

/** The finding for the payload types of `s` that no exchange in force allowed, or null. */
function notAllowed(s: RtpStreamRecord, allowed: Allowed): FindingDraft | null {
  let sent: string[] | undefined;
  let onlyNoise = true;
  const pts = s.payloadTypes;
  for (let i = 0; i < pts.length; i++) {
    if (allowed.formats.has(pts[i])) continue;
    const pt = pts[i];
    const codec = codecOf(s, i, allowed);
    (sent ??= []).push(`${named(pt, codec)} (${packetsOf(s, i)})`);
    if (!isComfortNoise(pt, codec)) onlyNoise = false;
  }
  if (sent === undefined) return null;
  const ok = [...allowed.formats].map(([pt, codec]) => named(pt, codec));
  const what = sent.length === 1 ? 'payload type' : 'payload types';
  const text =
    `${s.media} RTP ${s.src} → ${s.dst} (SSRC ${s.ssrc}) carried ${what} ${sent.join(', ')} that the ` +
    `offer/answer did not agree on for that direction; it allowed ${ok.join(', ')}` +
    (onlyNoise ? ' (comfort noise only: the receiver may drop it as unknown)' : '');
  const messages = [s.setup];
  return onlyNoise ? { text, messages, severity: 'info' } : { text, messages };
}

/**
 * Packets in flight when an answer changes the formats (sent before the
 * sender saw it, captured after), and a capture point near either end: a
 * payload type used up to this long past the time it was allowed is not
 * flagged.
 */
const GRACE = 1;

/**
 * The finding for the allowed payload types of `s` sent while no exchange
 * allowed them: each activity span of the type (its packets with no pause
 * over SPAN_GAP) against the union of the spans it was allowed. A span
 * whose first packet came before the offer that allowed it, or whose last
 * came after the answer that dropped it (a codec switched before the
 * re-INVITE, or kept after the re-INVITE dropped it), and a span that ran
 * on through a time it was dropped (a T.38 or hold re-INVITE answered, the
 * codec sent on until a later offer allowed it again): such a time is
 * flagged when it is longer than SPAN_GAP, so that a packet was sent in it.
 */
function outsideTime(s: RtpStreamRecord, allowed: Allowed): FindingDraft | null {
  let said: string[] | undefined;
  let onlyNoise = true;
  const messages = [s.setup];
  const pts = s.payloadTypes;
  for (let i = 0; i < pts.length; i++) {
    const spans = allowed.spans.get(pts[i]);
    const active = activeSpans(s, i);
    if (spans === undefined || active === undefined) continue;
    const when: string[] = [];
    for (const [first, last] of active)
      for (const u of uncovered(spans, first, last, GRACE)) {
        const part = describe(u, first, last, s.start, messages);
        if (part !== null) when.push(part);
      }
    if (when.length === 0) continue;
    const codec = codecOf(s, i, allowed);
    (said ??= []).push(`payload type ${named(pts[i], codec)} (${packetsOf(s, i)}) ${when.join(' and ')}`);
    if (!isComfortNoise(pts[i], codec)) onlyNoise = false;
  }
  if (said === undefined) return null;
  const text =
    `${s.media} RTP ${s.src} → ${s.dst} (SSRC ${s.ssrc}) carried ${said.join('; ')}: ` +
    'a re-negotiation changed the formats and the sender did not follow it';
  const ids = [...new Set(messages.filter((m) => m >= 0))];
  return onlyNoise ? { text, messages: ids, severity: 'info' } : { text, messages: ids };
}

/** The activity spans of the stream's `i`th payload type; a record stored before they were kept has its first and last packets. */
function activeSpans(s: RtpStreamRecord, i: number): ReadonlyArray<readonly [number, number]> | undefined {
  const spans = s.payloadTypeSpans?.[i];
  if (spans !== undefined) return spans;
  const first = s.payloadTypeStart?.[i];
  const last = s.payloadTypeEnd?.[i];
  return first === undefined || last === undefined ? undefined : [[first, last]];
}

/**
 * The words for `u`, a time in the activity span [first, last] no exchange
 * allowed (the messages around it added to `messages`), or null when it lies
 * inside the span and is too short to be sure a packet was sent in it.
 */
function describe(
  u: Uncovered,
  first: number,
  last: number,
  start: number,
  messages: number[],
): string | null {
  if (u.before === undefined) {
    // From the span's first packet: the offer after it allowed the type.
    if (u.after === undefined) return null;
    messages.push(u.after.offerMsg);
    return `from ${seconds(u.after.from - first)} before the offer that allowed it`;
  }
  const dropped = u.before.replacedBy;
  if (u.after === undefined || u.to >= last) {
    if (dropped !== undefined) messages.push(dropped);
    return `until ${seconds(last - u.before.until)} after the answer that dropped it`;
  }
  if (u.to - u.from <= SPAN_GAP) return null;
  if (dropped !== undefined) messages.push(dropped);
  messages.push(u.after.offerMsg);
  return (
    `from ${seconds(u.before.until - start)} to ${seconds(u.after.from - start)} into the stream, ` +
    'between the answer that dropped it and the offer that allowed it again'
  );
}

/** The codec of the stream's `i`th payload type; unnamed by the SDP it was found by, the name the sender's own SDP gave it. */
const codecOf = (s: RtpStreamRecord, i: number, allowed: Allowed): string =>
  s.codecs[i] === String(s.payloadTypes[i])
    ? (allowed.names.get(s.payloadTypes[i]) ?? s.codecs[i])
    : s.codecs[i];

const packetsOf = (s: RtpStreamRecord, i: number): string => {
  const n = s.payloadTypePackets[i];
  return `${n} packet${n === 1 ? '' : 's'}`;
};

const seconds = (x: number): string => `${x.toFixed(1)} s`;

export const mediaFormatNotNegotiated: CorrelatedRule<State> = {
  id: 'media.format-not-negotiated',
  title: 'RTP sent with a payload type the SDP offer/answer did not agree on',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3264 §6.1, §7',
    text:
      'The answerer MUST send using a media format in the offer that is also listed in the answer, and SHOULD ' +
      'send using the most preferred media format in the offer that is also listed in the answer. In the case ' +
      'of RTP, it MUST use the payload type numbers from the offer, even if they differ from those in the ' +
      'answer. (§6.1) [The offerer] MUST send using a media format listed in the answer, and it SHOULD use the ' +
      'first media format listed in the answer when it does send. (§7)',
  },
  explanation:
    'An RTP stream carried a payload type its sender was not allowed to use: to the answerer, a format not in ' +
    "the answer; to the offerer, a format of the offer the answer did not list too, or the answer's number " +
    'for a codec the offer numbered otherwise. The receiver does not know how to decode it: one-way, garbled ' +
    'or silent audio, or DTMF (telephone-event) that is never heard. Typical causes are a phone that ignores ' +
    'the answer (G.729 to a PCMU-only gateway), DTMF or comfort noise sent without being negotiated, and a ' +
    'B2BUA that rewrites the SDP but not the media. Judged once the stream has ended, each run of a payload ' +
    "type's packets (no pause over 2 s) against when it was allowed, from the offer of an exchange that listed " +
    'it to the answer of the exchange that replaced it, ended too by a re-INVITE that turns the line into T.38 ' +
    'or port 0 (a re-INVITE or UPDATE that changes codec allows both in between, with a second of grace for ' +
    'packets in flight), so a codec switched before the re-INVITE that offers it, kept after the answer that ' +
    'dropped it, or sent through a fax or hold that dropped it until audio came back, is flagged too; a stream ' +
    'whose negotiation the capture did not see is not judged, and comfort noise alone is reported as info.',
  scope: 'correlated',
  on: ['message', 'stream', 'tick'],
  only: SDP_ANSWERS,
  wakes: true,
  init: () => ({ formats: new NegotiatedFormats(), times: new Map() }),
  check(model, ctx) {
    const ev = model.event;
    const st = ctx.state;
    if (ev.kind === 'stream') {
      const s = ev.record;
      const allowed = st.formats.allowed(s.src, s.dst, s.start, s.end);
      if (allowed === null) return NONE;
      const fs = judge(s, allowed);
      return fs.length === 0 ? NONE : fs.map((f) => ({ ...f, call: ev.call }));
    }
    const step = offerAnswerStep(model, ctx);
    if (ev.kind !== 'message') return NONE;
    const at = tsOf(ev.msg);
    if (step?.kind === 'answer') {
      st.formats.add(
        step.offer.sdp,
        step.answer,
        st.times.get(step.offer.msg) ?? at,
        at,
        step.offer.msg,
        ev.id,
        ev.correlation?.dialog ?? null,
      );
      st.times.delete(step.offer.msg);
    } else if (step === undefined) {
      // Maybe an offer: its time is wanted when it is answered.
      st.times.set(ev.id, at);
      if (st.times.size > OFFER_TIMES) st.times.delete(st.times.keys().next().value as number);
      // SDP in a response that answers nothing: another fork's early media (or its 2xx).
      const sdp = ev.msg.kind === 'response' ? sdpOf(ev.msg) : undefined;
      if (sdp !== undefined) st.formats.other(sdp);
    }
    return NONE;
  },
};
