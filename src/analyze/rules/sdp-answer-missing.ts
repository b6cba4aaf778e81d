import { NONE } from '../finding.js';
import { offerAnswerStep, SDP_MESSAGES } from '../offer-answer.js';
import type { CorrelatedRule } from '../rule.js';

export const sdpAnswerMissing: CorrelatedRule = {
  id: 'sdp.answer-missing',
  title: 'Offer/answer left open: a 2xx (or ACK, PRACK) without the SDP it must carry',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §13.3.1.4, §13.2.2.4; RFC 3262 §5',
    text:
      'If the INVITE request contained an offer, and the UAS had not yet sent an answer, the 2xx MUST contain ' +
      'an answer. If the INVITE did not contain an offer, the 2xx MUST contain an offer if the UAS had not yet ' +
      'sent an offer. … If the 2xx contains an offer (based on the rules above), the ACK MUST carry an answer ' +
      'in its body.',
  },
  explanation:
    'SIP sets up media with one offer and one answer (RFC 3264). An offer in the INVITE is answered at the ' +
    'latest in the 2xx (or earlier in a reliable provisional); an INVITE without SDP gets the offer in the 2xx ' +
    'and sends the answer in the ACK. When the message that must close the exchange carries no SDP, one side ' +
    'never learns where to send media: the call connects with no audio, or one-way audio. Early media in an ' +
    'unreliable 18x does not count as the answer.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: SDP_MESSAGES,
  wakes: true,
  check(model, ctx) {
    const step = offerAnswerStep(model, ctx);
    if (step === undefined || step.kind !== 'missing') return NONE;
    const m = model.event.kind === 'message' ? model.event.msg : undefined;
    const what =
      m === undefined ? 'the message' : m.kind === 'request' ? m.method : `the ${m.status} ${m.reason}`;
    const text =
      step.expected === 'offer'
        ? `${what} to an INVITE without SDP carries no offer`
        : `${what} carries no SDP answer to the offer in the ${step.offer?.in ?? 'request'}`;
    return [{ text, messages: step.offer === null ? [step.msg] : [step.offer.msg, step.msg] }];
  },
};
