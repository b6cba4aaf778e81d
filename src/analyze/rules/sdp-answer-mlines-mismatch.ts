import { NONE } from '../finding.js';
import { answerRule } from '../offer-answer.js';

export const sdpAnswerMlinesMismatch = answerRule(
  {
    id: 'sdp.answer-mlines-mismatch',
    title: 'SDP answer with another number or order of m= lines than the offer',
    severity: 'error',
    rfc: {
      ref: 'RFC 3264 §6, §6.1',
      text:
        'For each "m=" line in the offer, there MUST be a corresponding "m=" line in the answer. The answer MUST ' +
        'contain exactly the same number of "m=" lines as the offer. This allows for streams to be matched up ' +
        'based on their order. … The media type of the stream in the answer MUST match that of the offer.',
    },
    explanation:
      'Offer and answer pair their media streams by position: the first m= line of the answer answers the ' +
      'first of the offer, and so on. A stream is declined by answering it with port 0, never by leaving its ' +
      'line out. An answer with fewer or more m= lines, or with audio where the offer had video, cannot be ' +
      'matched, so the offerer may drop the answer or send media to the wrong stream. Usually a gateway that ' +
      'builds its answer from a template instead of from the offer.',
  },
  (step) => {
    const offered = step.offer.sdp.media;
    const answered = step.answer.media;
    const messages = [step.offer.msg, step.msg];
    if (offered.length !== answered.length) {
      return [
        {
          text: `the answer has ${answered.length} m= line${answered.length === 1 ? '' : 's'}, the offer ${offered.length}`,
          messages,
        },
      ];
    }
    for (let i = 0; i < offered.length; i++) {
      const x = offered[i].media;
      const y = answered[i].media;
      if (x === y || (x.length === y.length && x.toLowerCase() === y.toLowerCase())) continue;
      return [
        {
          text: `m= line ${i + 1} is ${answered[i].media} in the answer but ${offered[i].media} in the offer`,
          messages,
        },
      ];
    }
    return NONE;
  },
);
