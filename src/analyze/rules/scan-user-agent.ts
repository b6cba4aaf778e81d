import { userAgent } from '../../sip/accessors.js';
import { hopText, isFirstCopy, tsOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { type Recent, RecentMap } from '../recent-map.js';
import type { CorrelatedRule } from '../rule.js';

/** User-Agent strings of SIP scanning and password-guessing tools (SIPVicious and its kin). */
export const SCANNER =
  /friendly-scanner|sipvicious|sipcli|sip-scan|sundayddr|\biwar\b|sivus|vaxsipuseragent|pplsip|\bsipscan\b/i;

interface Source extends Recent {
  first: number;
}

export const scanUserAgent: CorrelatedRule<RecentMap<string, Source>> = {
  id: 'scan.user-agent',
  title: 'Request from a known SIP scanner (SIPVicious "friendly-scanner" and similar)',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §26.1.5',
    text:
      'Attackers can create bogus requests that contain a falsified source IP address and a corresponding Via ' +
      'header field that identify a targeted host as the originator of the request and then send this request ' +
      'to a large number of SIP network elements, thereby using hapless SIP UAs or proxies to generate ' +
      'denial-of-service traffic aimed at the target.',
  },
  explanation:
    'Tools like SIPVicious (svmap, svwar, svcrack) sweep the Internet for SIP servers with OPTIONS, enumerate ' +
    'extensions with REGISTER or INVITE, then guess passwords, and they announce themselves in the User-Agent ' +
    '("friendly-scanner", "sipcli", "sipvicious"…). A request with such a User-Agent is almost never ' +
    'legitimate: block the source, check that no extension has a weak password, and do not answer unknown ' +
    'users differently from known ones. Reported once per source address per hour.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', inDialog: false, copies: 'first' },
  init: () => new RecentMap<string, Source>(10_000, 3600),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    if (m.kind !== 'request' || m.source === null || !isFirstCopy(ev.correlation)) return NONE;
    const ua = userAgent(m);
    if (ua === undefined || !SCANNER.test(ua)) return NONE;
    const ip = m.source.src.ip;
    const now = tsOf(m);
    ctx.state.sweep(now);
    const seen = ctx.state.get(ip);
    ctx.state.touch(ip, seen ?? { first: ev.id, last: now }, now);
    if (seen !== undefined) return NONE;
    return [
      {
        text: `${m.method} on ${hopText(m)} with User-Agent "${ua}": a SIP scanning tool`,
        messages: [ev.id],
      },
    ];
  },
};
