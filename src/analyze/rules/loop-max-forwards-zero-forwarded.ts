import { hopText } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import type { CorrelatedRule } from '../rule.js';
import { MAX_FORWARDS, newMaxForwardsMemo } from './loop-max-forwards-not-decremented.js';

export const loopMaxForwardsZeroForwarded: CorrelatedRule = {
  id: 'loop.max-forwards-zero-forwarded',
  title: 'A request that arrived with Max-Forwards 0 was forwarded',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §16.3',
    text:
      'If the request contains a Max-Forwards header field with a field value of zero (0), the element MUST NOT ' +
      'forward the request. If the request was for OPTIONS, the element MAY act as the final recipient and ' +
      'respond per Section 11. Otherwise, the element MUST return a 483 (Too many hops) response.',
  },
  explanation:
    'A request whose hop counter has reached 0 must stop where it is: the element answers 483 (or, for ' +
    'OPTIONS, may answer itself). Forwarding it anyway means this proxy does not check Max-Forwards, so a ' +
    'routing loop through it can only be ended by another element. The capture shows the request reaching the ' +
    'proxy with Max-Forwards 0 and a copy of it leaving on the next hop.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', copies: 'first' },
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const f = ctx.shared(MAX_FORWARDS, newMaxForwardsMemo).at(ev.id, ev.msg, ev.correlation, model);
    if (f === undefined || f.previous !== 0) return NONE;
    const req = model.transaction?.(f.upstream)?.request;
    return [
      {
        text: `${ev.msg.kind === 'request' ? ev.msg.method : ''} arrived with Max-Forwards 0 and was forwarded on ${hopText(ev.msg)} (Max-Forwards ${f.mine})`,
        messages: req === null || req === undefined ? [ev.id] : [req, ev.id],
      },
    ];
  },
};
