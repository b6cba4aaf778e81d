import { recordRoutes, routes, vias } from '../../sip/accessors.js';
import { isProvisional, isSuccess } from '../../sip/status.js';
import { hasHeader, hopText, isFirstCopy, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { hash32i } from '../hash.js';
import { IdMemo } from '../id-memo.js';
import { isRfc2543 } from '../message-facts.js';
import type { CorrelatedRule } from '../rule.js';
import { hasLr } from './route-strict-routing.js';

/**
 * Per dialog: Record-Route entries of the response that set the route set,
 * its message id, strict, reported, hashes of the hosts of the first and
 * last entries.
 */
const COUNT = 0;
const FROM = 1;
const STRICT = 2;
const REPORTED = 3;
const HOST_FIRST = 4;
const HOST_LAST = 5;

/** Host of a SIP URI (`sip:user@host:port;params`), IPv6 brackets removed. */
export function uriHost(uri: string): string {
  let i = uri.indexOf(':') + 1;
  const at = uri.indexOf('@', i);
  const semi = uri.indexOf(';', i);
  if (at >= 0 && (semi < 0 || at < semi)) i = at + 1;
  if (uri.charCodeAt(i) === 0x5b) {
    const close = uri.indexOf(']', i);
    return close < 0 ? uri.slice(i + 1) : uri.slice(i + 1, close);
  }
  let end = i;
  while (end < uri.length) {
    const ch = uri.charCodeAt(end);
    if (ch === 0x3a || ch === 0x3b || ch === 0x3f || ch === 0x3e) break;
    end++;
  }
  return uri.slice(i, end);
}

export const routeSetMissing: CorrelatedRule<IdMemo> = {
  id: 'route.set-missing',
  title: "In-dialog request without the Route set the dialog's Record-Route requires",
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §12.1.2, §12.2.1.1',
    text:
      'The route set MUST be set to the list of URIs in the Record-Route header field from the response, ' +
      'taken in reverse order and preserving all URI parameters. … If the route set is not empty, and the ' +
      'first URI in the route set contains the lr parameter (see Section 19.1.1), the UAC MUST place the ' +
      'remote target URI into the Request-URI and MUST include a Route header field containing the route set ' +
      'values in order, including all parameters.',
  },
  explanation:
    'A proxy that wants to stay in the path of a dialog adds a Record-Route to the dialog-creating request; ' +
    'the response carries the list back, and both UAs must then send every request of the dialog (ACK, BYE, ' +
    're-INVITE…) with a Route header naming those proxies. A UA that sends an in-dialog request without ' +
    'Route bypasses the proxies: accounting, NAT traversal and firewall pinholes at the proxy miss it, and ' +
    'the request often never arrives. Only requests a UA sends itself (a single Via) are checked; proxies ' +
    'remove their own Route entry when forwarding.',
  scope: 'correlated',
  on: ['message'],
  only: {
    requests: '*',
    inDialog: true,
    responses: [1, 2],
    responseTo: ['INVITE', 'SUBSCRIBE', 'REFER'],
    copies: 'first',
  },
  init: () => new IdMemo(6),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (!isFirstCopy(c) || c.dialog === null) return NONE;
    const memo = ctx.state;
    const d = c.dialog;
    if (m.kind === 'response') {
      // The route set comes from the dialog-creating response (1xx for an early dialog, recomputed at the 2xx).
      if (!(isSuccess(m.status) || (isProvisional(m.status) && m.status !== 100))) return NONE;
      // Most dialogs have no Record-Route: then only a 2xx clearing what a 1xx set matters.
      if (!hasHeader(m, 'record-route') && !(isSuccess(m.status) && memo.get(d, COUNT) > 0)) return NONE;
      const tx = txOf(model, c);
      if (tx === undefined || tx.inDialog) return NONE;
      const rr = recordRoutes(m);
      if (rr.length === 0 && !isSuccess(m.status)) return NONE;
      const r = memo.claim(d);
      const v = memo.v;
      v[r + COUNT] = rr.length;
      v[r + FROM] = ev.id;
      v[r + STRICT] = rr.some((x) => !hasLr(x.uri)) ? 1 : 0;
      v[r + HOST_FIRST] = rr.length === 0 ? 0 : hash32i(uriHost(rr[0].uri));
      v[r + HOST_LAST] = rr.length === 0 ? 0 : hash32i(uriHost(rr[rr.length - 1].uri));
      return NONE;
    }
    const n = memo.get(d, COUNT);
    if (!(n > 0) || m.method === 'CANCEL' || memo.get(d, REPORTED) === 1) return NONE;
    if (memo.get(d, STRICT) !== 0) return NONE;
    // Only what a UA sends itself (one Via); the non-2xx ACK is hop by hop, RFC 2543 peers route differently.
    if (vias(m).length !== 1 || isRfc2543(m) || routes(m).length > 0) return NONE;
    if (m.method === 'ACK' && txOf(model, c)?.kind === 'invite') return NONE;
    // A record-routing proxy that hides topology forwards with its own single Via and no Route left: the
    // sender is then one of the route set's own hosts, not a UA.
    const src = m.source === null ? 0 : hash32i(m.source.src.ip);
    if (src === memo.get(d, HOST_FIRST) || src === memo.get(d, HOST_LAST)) return NONE;
    memo.set(d, REPORTED, 1);
    return [
      {
        text: `${m.method} on ${hopText(m)} has no Route header, but the dialog has a route set of ${n} Record-Route entr${n === 1 ? 'y' : 'ies'}`,
        messages: [memo.get(d, FROM), ev.id],
      },
    ];
  },
};
