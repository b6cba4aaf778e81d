import { detach } from '../../correlate/detach.js';
import { fromHeader, headerValues } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { isFirstCopy, secs, tsOf, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { hash32i } from '../hash.js';
import { IdMemo } from '../id-memo.js';
import { type Recent, RecentMap } from '../recent-map.js';
import type { CorrelatedRule } from '../rule.js';

/** Per request transaction: realm of its Authorization, realm of its Proxy-Authorization (hashes). */
const WWW = 0;
const PROXY = 1;

/** A user whose failure was reported: quiet for `QUIET` seconds of capture time. */
interface User extends Recent {
  first: number;
}
const QUIET = 300;

const REALM = /realm\s*=\s*(?:"([^"]*)"|([^\s,]+))/i;

function realmOf(v: string): number {
  const r = REALM.exec(v);
  return r === null ? 1 : hash32i(r[1] ?? r[2] ?? '');
}

/** Realm hash of the request's first credentials of this kind (NaN: none). */
function credentials(m: SipMessage, key: 'authorization' | 'proxy-authorization'): number {
  const h = m.headers;
  for (let i = 0; i < h.length; i++) if (h[i].key === key) return realmOf(h[i].value);
  return Number.NaN;
}

/** A challenge in `values` for realm `realm` that does not just say the nonce went stale. */
function rechallenged(values: string[], realm: number): boolean {
  for (const v of values) if (realmOf(v) === realm && !/stale\s*=\s*"?true/i.test(v)) return true;
  return false;
}

interface State {
  memo: IdMemo;
  users: RecentMap<string, User>;
}

export const authFailed: CorrelatedRule<State> = {
  id: 'auth.failed',
  title: 'Credentials rejected: a request with credentials challenged again (or refused) for the same realm',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §22.1, §22.2',
    text:
      'Finally, note that even if a UAC can locate credentials that are associated with the proper realm, the ' +
      'potential exists that these credentials may no longer be valid or that the challenging server will not ' +
      'accept these credentials for whatever reason (especially when "anonymous" with no password is ' +
      'submitted). In this instance a server may repeat its challenge, or it may respond with a 403 Forbidden. ' +
      'A UAC MUST NOT re-attempt requests with the credentials that have just been rejected (though the request ' +
      'may be retried if the nonce was stale).',
  },
  explanation:
    'A 401 or 407 to a request that carried no credentials is the normal first step of digest authentication. ' +
    'A second 401/407 for the same realm to a request that did carry them (or a 403) means the password, user ' +
    'name or realm is wrong; a challenge with stale=true only asks for a fresh nonce and is not counted. One ' +
    'finding per user and burst (quiet for 5 minutes); many of them for many users from one source is a ' +
    'password-guessing attack.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', except: ['ACK', 'CANCEL'], responses: [4], copies: 'first' },
  init: () => ({ memo: new IdMemo(2), users: new RecentMap(10_000, QUIET) }),
  check(model, ctx) {
    const ev = model.event;
    const s = ctx.state;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (!isFirstCopy(c)) return NONE;
    if (m.kind === 'request') {
      if (m.method === 'ACK' || m.method === 'CANCEL') return NONE;
      const w = credentials(m, 'authorization');
      const p = credentials(m, 'proxy-authorization');
      if (!Number.isNaN(w)) s.memo.set(c.transaction, WWW, w);
      if (!Number.isNaN(p)) s.memo.set(c.transaction, PROXY, p);
      return NONE;
    }
    const st = m.status;
    if ((st !== 401 && st !== 407 && st !== 403) || !s.memo.has(c.transaction)) return NONE;
    const w = s.memo.get(c.transaction, WWW);
    const p = s.memo.get(c.transaction, PROXY);
    let why: string | undefined;
    if (st === 403) why = 'refused with 403';
    else if (st === 401 && !Number.isNaN(w) && rechallenged(headerValues(m, 'www-authenticate'), w))
      why = 'challenged again with 401';
    else if (st === 407 && !Number.isNaN(p) && rechallenged(headerValues(m, 'proxy-authenticate'), p))
      why = 'challenged again with 407';
    if (why === undefined) return NONE;
    const user = fromHeader(m)?.uri ?? '?';
    const now = tsOf(m);
    s.users.sweep(now);
    const seen = s.users.get(user);
    if (seen !== undefined && now - seen.last < QUIET) {
      s.users.touch(user, seen, now);
      return NONE;
    }
    s.users.touch(detach(user), { first: ev.id, last: now }, now);
    const tx = txOf(model, c);
    const since = seen === undefined ? '' : ` (again, ${secs(now - seen.last)} after the last failure)`;
    return [
      {
        text: `${tx?.method ?? 'request'} with credentials for ${user} ${why}${since}`,
        messages: tx?.request === null || tx?.request === undefined ? [ev.id] : [tx.request, ev.id],
      },
    ];
  },
};
