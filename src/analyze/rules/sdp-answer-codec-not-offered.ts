import type { SdpMedia } from '../../sip/sdp.js';
import { type FindingDraft, NONE } from '../finding.js';
import { answerRule } from '../offer-answer.js';
import { formatName, isAuxiliary, lists, sameName } from '../sdp-codecs.js';

/** At least one real codec of the answer is in the offer (or, when the answer has only helper formats, one of those). */
function hasCommonCodec(o: SdpMedia, a: SdpMedia): boolean {
  let real = false;
  let commonAux = false;
  for (const f of a.formats) {
    const aux = isAuxiliary(a, f);
    if (!aux) real = true;
    if (!lists(o, a, f)) continue;
    if (!aux) return true;
    commonAux = true;
  }
  return !real && commonAux;
}

/** The finding's text (its own function: closures in the check's loop would cost a context per stream). */
function textOf(a: SdpMedia, o: SdpMedia, i: number): string {
  const mine = a.formats.map((f) => formatName(a, f));
  const have = o.formats.map((f) => formatName(o, f));
  return `m=${a.media} (line ${i + 1}) of the answer lists ${mine.join(', ')}; the offer had ${have.join(', ')}`;
}

export const sdpAnswerCodecNotOffered = answerRule(
  {
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
  },
  (step) => {
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
);
