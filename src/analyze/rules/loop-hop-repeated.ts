import { vias } from '../../sip/accessors.js';
import { hopOf, hopText, isFirstCopy, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedRule } from '../rule.js';

/** Per request transaction: Via count and hop of its first copy, and whether it was reported. */
const VIAS = 0;
const HOP = 1;
const REPORTED = 2;
/** Max-Forwards bounds any honest chain of proxies. */
const MAX_CHAIN = 70;

export const loopHopRepeated: CorrelatedRule<IdMemo> = {
  id: 'loop.hop-repeated',
  title: 'A request crossed the same hop twice (a loop, not a retransmission)',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §16.3, §16.6',
    text:
      'If the request contains a Via header field with a sent-by value that equals a value placed into ' +
      'previous requests by the proxy, the request has been forwarded by this element before. The request has ' +
      'either looped or is legitimately spiraling through the element. … If the parameters match, the request ' +
      'has looped. If they differ, the request is spiraling, and processing continues. If a loop is detected, ' +
      'the element MAY return a 482 (Loop Detected) response.',
  },
  explanation:
    'The capture saw the same request travel the same src → dst hop twice. It is not a retransmission: the ' +
    'second copy has a longer Via list, because it went round through other proxies and came back, or it ' +
    "descends (through the proxies' second Vias) from the copy seen on that hop before. Each lap costs every " +
    'proxy on the circle a transaction until Max-Forwards runs out and someone answers 483. The cause is a ' +
    'routing entry that points back towards the sender.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', copies: 'all' },
  init: () => new IdMemo(3),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const msg = ev.msg;
    const c = ev.correlation;
    if (msg.kind !== 'request' || c === null || c.duplicate || msg.source === null) return NONE;
    // Only a forwarded request (a second Via) can come round a loop: the first crossing of the looping hop
    // is itself forwarded, and a UA's own request on its first hop has nothing before it.
    const n = vias(msg).length;
    if (n < 2) return NONE;
    const memo = ctx.state;
    const tx = c.transaction;
    const hop = hopOf(msg);
    if (c.retransmission) {
      // Same branch and sent-by on the same hop: a retransmission, unless the Via list grew.
      const first = memo.get(tx, VIAS);
      if (Number.isNaN(first) || first === n || memo.get(tx, REPORTED) === 1) return NONE;
      memo.set(tx, REPORTED, 1);
      return [
        {
          text: `${msg.method} crossed ${hopText(msg)} again with the same top branch but ${n} Vias instead of ${first}: it came back round a loop`,
          messages: [ev.id],
        },
      ];
    }
    if (!isFirstCopy(c)) return NONE;
    const r = memo.claim(tx);
    memo.v[r + VIAS] = n;
    memo.v[r + HOP] = hop;
    // A forwarded request names its previous hop's transaction (its second Via):
    // walking up that chain back to a transaction on this very hop is a loop.
    let up = txOf(model, c)?.upstream;
    for (let depth = 0; up !== undefined && depth < MAX_CHAIN; depth++) {
      if (memo.get(up, HOP) === hop) {
        const earlier = model.transaction?.(up)?.request;
        memo.set(tx, REPORTED, 1);
        return [
          {
            text: `${msg.method} crossed ${hopText(msg)} a second time after going round ${depth + 1} more hop${depth === 0 ? '' : 's'} (Via list: ${n} entries)`,
            messages: earlier === null || earlier === undefined ? [ev.id] : [earlier, ev.id],
          },
        ];
      }
      up = model.transaction?.(up)?.upstream;
    }
    return NONE;
  },
};
