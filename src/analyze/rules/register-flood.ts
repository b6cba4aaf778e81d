import { detach } from '../../correlate/detach.js';
import { toHeader } from '../../sip/accessors.js';
import { isFirstCopy, secs, tsOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { type Recent, RecentMap } from '../recent-map.js';
import type { CorrelatedRule } from '../rule.js';

/** REGISTERs for one address-of-record within `WINDOW` seconds that make a flood. */
export const FLOOD = 20;
const WINDOW = 60;

interface Aor extends Recent {
  start: number;
  count: number;
  first: number;
  reported: boolean;
}

export const registerFlood: CorrelatedRule<RecentMap<string, Aor>> = {
  id: 'register.flood',
  title: 'REGISTER flood: one address-of-record registered far too often',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §10.2.7, §10.3, §26.1.5',
    text:
      'If the transaction layer returns a timeout error because the REGISTER yielded no response, the UAC ' +
      'SHOULD NOT immediately re-attempt a registration to the same registrar. … Allowing the registrar to set ' +
      'the registration interval protects it against excessively frequent registration refreshes … Attackers ' +
      'might also attempt to deplete available memory and disk resources of a registrar by registering huge ' +
      'numbers of bindings.',
  },
  explanation:
    'A UA refreshes its registration shortly before it expires, typically every few minutes to an hour, and ' +
    'a digest challenge doubles that to two REGISTERs per refresh. Twenty or more (new, not retransmitted) ' +
    'REGISTERs for one address-of-record within a minute is a flood: a UA stuck re-registering after every ' +
    '401 or 423, a misconfigured expiry of a few seconds, or an attack on the registrar. Retransmissions are ' +
    'not counted.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: ['REGISTER'], copies: 'first' },
  init: () => new RecentMap<string, Aor>(10_000, 2 * WINDOW),
  check(model, ctx) {
    const ev = model.event;
    const aors = ctx.state;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    if (m.kind !== 'request' || m.method !== 'REGISTER' || !isFirstCopy(ev.correlation)) return NONE;
    const aor = toHeader(m)?.uri;
    if (aor === undefined) return NONE;
    const now = tsOf(m);
    aors.sweep(now);
    let e = aors.get(aor);
    if (e === undefined || now - e.start > WINDOW)
      e = { start: now, count: 0, first: ev.id, reported: false, last: now };
    e.count++;
    aors.touch(e.count === 1 ? detach(aor) : aor, e, now);
    if (e.count < FLOOD || e.reported) return NONE;
    e.reported = true;
    return [
      {
        text: `${e.count} REGISTERs for ${aor} within ${secs(now - e.start)}`,
        messages: [e.first, ev.id],
      },
    ];
  },
};
