import { sdpOf } from '../../sip/sdp.js';
import { hopText, isFirstCopy, label } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { hash32 } from '../hash.js';
import { IdMemo } from '../id-memo.js';
import { isPublicIpv4, isRfc1918 } from '../ip-class.js';
import type { CorrelatedRule } from '../rule.js';

/** Per call: the private addresses already reported (two: caller and callee side). */
const SLOTS = 2;

export const sdpPrivateAddress: CorrelatedRule<IdMemo> = {
  id: 'sdp.private-address',
  title: 'Private (RFC 1918) media address in SDP sent across a public network',
  severity: 'warning',
  rfc: {
    ref: 'RFC 1918 §3',
    text:
      'Because private addresses have no global meaning, routing information ' +
      'about private networks shall not be propagated on inter-enterprise links, and packets with private ' +
      'source or destination addresses should not be forwarded across such links.',
  },
  explanation:
    'The c= line of an SDP body is the address where its sender wants to receive audio and video. An address ' +
    "from 10/8, 172.16/12 or 192.168/16 only means something inside the sender's own network; sent to a peer " +
    "on the public Internet, the peer's media goes nowhere: the classic one-way or no audio behind NAT. It is " +
    'fixed with a SIP-aware NAT, an SBC that rewrites SDP, ICE or STUN on the phone. Reported once per address ' +
    'and call, when the packet carrying the SDP has a public source or destination.',
  scope: 'correlated',
  on: ['message'],
  only: { requests: '*', responses: [1, 2, 3, 4, 5, 6], withBody: true, copies: 'first' },
  init: () => new IdMemo(SLOTS),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    const s = m.source;
    if (!isFirstCopy(c) || s === null || m.body.length === 0) return NONE;
    if (!isPublicIpv4(s.src.ip) && !isPublicIpv4(s.dst.ip)) return NONE;
    const sdp = sdpOf(m);
    if (sdp === undefined) return NONE;
    let addr: string | undefined;
    for (const md of sdp.media) {
      const a = md.connection?.address;
      if (md.port !== 0 && a !== undefined && isRfc1918(a)) addr = a;
    }
    if (addr === undefined && sdp.media.length === 0 && sdp.connection && isRfc1918(sdp.connection.address))
      addr = sdp.connection.address;
    if (addr === undefined) return NONE;
    const memo = ctx.state;
    const h = hash32(addr);
    for (let i = 0; i < SLOTS; i++) if (memo.get(c.call, i) === h) return NONE;
    memo.set(c.call, Number.isNaN(memo.get(c.call, 0)) ? 0 : 1, h);
    return [
      {
        text: `${label(m)} on ${hopText(m)} offers media at private address ${addr}, which the public peer cannot reach`,
        messages: [ev.id],
      },
    ];
  },
};
