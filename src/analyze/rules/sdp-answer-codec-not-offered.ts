import type { SdpMedia } from '../../sip/sdp.js';
import { type FindingDraft, NONE } from '../finding.js';
import { offerAnswerStep, SDP_ANSWERS } from '../offer-answer.js';
import type { CorrelatedRule } from '../rule.js';

/** Formats that ride along with a codec and do not carry the media themselves. */
const AUXILIARY = ['telephone-event', 'cn', 'red', 'ulpfec', 'rtx', 'flexfec'];

interface Codec {
  encoding: string;
  clockRate: number;
}

/** RFC 3551 static payload types, so "0" in one description and "PCMU/8000" in the other match. */
const STATIC: Record<string, Codec> = {
  '0': { encoding: 'PCMU', clockRate: 8000 },
  '3': { encoding: 'GSM', clockRate: 8000 },
  '4': { encoding: 'G723', clockRate: 8000 },
  '8': { encoding: 'PCMA', clockRate: 8000 },
  '9': { encoding: 'G722', clockRate: 8000 },
  '18': { encoding: 'G729', clockRate: 8000 },
};

const isRtp = (m: SdpMedia): boolean => m.proto.includes('RTP') || m.proto.toUpperCase().includes('RTP');

/** The codec a format names: its rtpmap, else a static payload type; undefined for anything else. */
function codecOf(m: SdpMedia, fmt: string): Codec | undefined {
  return m.rtpmap[fmt] ?? (isRtp(m) && Object.hasOwn(STATIC, fmt) ? STATIC[fmt] : undefined);
}

const sameName = (a: string, b: string): boolean =>
  a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());

function same(a: SdpMedia, fa: string, b: SdpMedia, fb: string): boolean {
  const ca = codecOf(a, fa);
  const cb = codecOf(b, fb);
  if (ca === undefined || cb === undefined) return ca === cb && fa === fb;
  return ca.clockRate === cb.clockRate && sameName(ca.encoding, cb.encoding);
}

function isAuxiliary(m: SdpMedia, fmt: string): boolean {
  const c = codecOf(m, fmt);
  if (c === undefined) return false;
  for (const x of AUXILIARY) if (sameName(x, c.encoding)) return true;
  return false;
}

/** `PCMU/8000` or the format as written, for texts. */
function nameOf(m: SdpMedia, fmt: string): string {
  const c = codecOf(m, fmt);
  return c === undefined ? fmt : `${c.encoding}/${c.clockRate}`;
}

function offers(o: SdpMedia, a: SdpMedia, fmt: string): boolean {
  for (const f of o.formats) if (same(o, f, a, fmt)) return true;
  return false;
}

/** At least one real codec of the answer is in the offer (or, when the answer has only helper formats, one of those). */
function hasCommonCodec(o: SdpMedia, a: SdpMedia): boolean {
  let real = false;
  let commonAux = false;
  for (const f of a.formats) {
    const aux = isAuxiliary(a, f);
    if (!aux) real = true;
    if (!offers(o, a, f)) continue;
    if (!aux) return true;
    commonAux = true;
  }
  return !real && commonAux;
}

/** The finding's text (its own function: closures in the check's loop would cost a context per stream). */
function textOf(a: SdpMedia, o: SdpMedia, i: number): string {
  const mine = a.formats.map((f) => nameOf(a, f));
  const have = o.formats.map((f) => nameOf(o, f));
  return `m=${a.media} (line ${i + 1}) of the answer lists ${mine.join(', ')}; the offer had ${have.join(', ')}`;
}

export const sdpAnswerCodecNotOffered: CorrelatedRule = {
  id: 'sdp.answer-codec-not-offered',
  title: 'SDP answer accepts a stream with no codec from the offer',
  severity: 'error',
  rfc: {
    ref: 'RFC 3264 §6.1',
    text:
      'For streams marked as sendrecv in the answer, the "m=" line MUST contain at least one codec the answerer ' +
      'is willing to both send and receive, from amongst those listed in the offer. The stream MAY indicate ' +
      'additional media formats, not listed in the corresponding stream in the offer, that the answerer is ' +
      'willing to send or receive (of course, it will not be able to send them at this time, since it was not ' +
      'listed in the offer).',
  },
  explanation:
    'The answer picks from the codecs of the offer; it may list extra ones, but at least one codec of each ' +
    'accepted stream must come from the offer, or the two sides have no common codec and the call has no ' +
    'audio (or noise). Codecs are compared by name and clock rate, so a renumbered dynamic payload type ' +
    'still matches; helper formats such as telephone-event or comfort noise do not count as the common codec. ' +
    'A stream declined with port 0 is not checked.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: SDP_ANSWERS,
  wakes: true,
  check(model, ctx) {
    const step = offerAnswerStep(model, ctx);
    if (step === undefined || step.kind !== 'answer') return NONE;
    const offered = step.offer.sdp.media;
    const answered = step.answer.media;
    let out: FindingDraft[] | undefined;
    for (let i = 0; i < Math.min(offered.length, answered.length); i++) {
      const o = offered[i];
      const a = answered[i];
      if (o.port === 0 || a.port === 0 || !sameName(o.media, a.media) || a.formats.length === 0) continue;
      if (hasCommonCodec(o, a)) continue;
      (out ??= []).push({ text: textOf(a, o, i), messages: [step.offer.msg, step.msg] });
    }
    return out ?? NONE;
  },
};
