import { type FindingDraft, NONE } from '../finding.js';
import { answerRule } from '../offer-answer.js';

export const sdpPortZeroMisuse = answerRule(
  {
    id: 'sdp.port-zero-misuse',
    title: 'SDP answer brings back a stream the offer had disabled with port 0',
    severity: 'error',
    rfc: {
      ref: 'RFC 3264 §8.2, §6',
      text:
        'A stream that is offered with a port of zero MUST be marked with port zero in the answer. … To reject an ' +
        'offered stream, the port number in the corresponding stream in the answer MUST be set to zero. Any ' +
        'media formats listed are ignored.',
    },
    explanation:
      'Port 0 on an m= line means "this stream is off": in an offer it removes a stream (a video that was ' +
      'stopped), in an answer it declines one. Declining is normal and is not reported. What is reported is ' +
      'an answer that gives a real port to a stream the offer had switched off: only the offerer can bring a ' +
      'stream back, by offering it again, so the two sides now disagree about which streams exist.',
  },
  (step) => {
    const offered = step.offer.sdp.media;
    const answered = step.answer.media;
    let out: FindingDraft[] | undefined;
    for (let i = 0; i < Math.min(offered.length, answered.length); i++) {
      if (offered[i].port !== 0 || answered[i].port === 0) continue;
      (out ??= []).push({
        text: `m=${answered[i].media} (line ${i + 1}) was offered with port 0 but answered with port ${answered[i].port}`,
        messages: [step.offer.msg, step.msg],
      });
    }
    return out ?? NONE;
  },
);
