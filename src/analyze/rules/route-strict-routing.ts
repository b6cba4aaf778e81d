import { recordRoutes } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import { startLineRange } from '../message-facts.js';
import type { MessageContext, MessageRule } from '../rule.js';

/** The URI has the `lr` parameter (RFC 3261 §19.1.1), before any `?headers`. */
export function hasLr(uri: string): boolean {
  const q = uri.indexOf('?');
  const end = q < 0 ? uri.length : q;
  for (let i = uri.indexOf(';'); i >= 0 && i < end; i = uri.indexOf(';', i + 1)) {
    if ((uri.charCodeAt(i + 1) | 0x20) !== 0x6c || (uri.charCodeAt(i + 2) | 0x20) !== 0x72) continue;
    const after = i + 3 >= end ? -1 : uri.charCodeAt(i + 3);
    if (after === -1 || after === 0x3b || after === 0x3d) return true;
  }
  return false;
}

export const routeStrictRouting: MessageRule = {
  id: 'route.strict-routing',
  title: 'Strict-routing artefact: Record-Route without lr, or a route URI in the Request-URI',
  severity: 'warning',
  rfc: {
    ref: 'RFC 3261 §16.6, §16.4',
    text:
      'The URI placed in the Record-Route header field value MUST be a SIP or SIPS URI. This URI MUST contain ' +
      'an lr parameter (see Section 19.1.1). … If the Request-URI of the request contains a value this proxy ' +
      'previously placed into a Record-Route header field (see Section 16.6 item 4), the proxy MUST replace ' +
      'the Request-URI in the request with the last value from the Route header field, and remove that value ' +
      'from the Route header field.',
  },
  explanation:
    'RFC 2543 proxies were strict routers: the next hop travelled in the Request-URI and the real target at ' +
    'the end of the Route list. RFC 3261 proxies are loose routers and mark their Record-Route with ";lr", ' +
    'so the Request-URI keeps the target. A Record-Route without lr forces every UA of the dialog into the ' +
    'old strict-routing dance, and a Request-URI carrying ";lr" shows an element that put a loose router\'s ' +
    'route URI in the Request-URI: both are where interworking with old equipment breaks.',
  scope: 'message',
  only: { requests: '*', copies: 'first' },
  check(msg: SipMessage, ctx: MessageContext): readonly FindingDraft[] {
    if (msg.kind !== 'request') return NONE;
    const c = ctx.correlation;
    if (c !== null && (c.retransmission || c.duplicate)) return NONE;
    let out: FindingDraft[] | undefined;
    if (msg.uri.includes(';') && hasLr(msg.uri)) {
      out = [
        {
          text: `the Request-URI ${msg.uri} carries lr: a loose router's route URI was put in the Request-URI (strict routing)`,
          range: startLineRange(msg),
        },
      ];
    }
    // The top Record-Route value is the one the last proxy just added.
    const rr = recordRoutes(msg)[0];
    if (rr !== undefined && !hasLr(rr.uri)) {
      (out ??= []).push({
        text: `Record-Route <${rr.uri}> has no lr parameter: the proxy that added it is a strict router`,
        range: { offset: rr.offset, length: rr.length },
      });
    }
    return out ?? NONE;
  },
};
