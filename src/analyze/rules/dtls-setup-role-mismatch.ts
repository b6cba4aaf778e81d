/**
 * dtls.setup-role-mismatch: the answer's a=setup made one side the DTLS
 * client, and the handshake on the media addresses shows the other acting
 * as client, or both (the watch: dtls-role-watch.ts). Judged on the hellos
 * (DTLS 1.2 and 1.3 alike: both are in the clear); nothing is said of a
 * stream with no hello in the capture, of an answer whose a=setup decides
 * nothing (sdp.answer-dtls-setup's finding) or of a declined stream.
 */
import { DtlsRoleWatch, type Roles, type Verdict } from '../dtls-role-watch.js';
import { type FindingDraft, NONE } from '../finding.js';
import { offerAnswerStep, SDP_ANSWERS } from '../offer-answer.js';
import type { CorrelatedRule } from '../rule.js';

export const dtlsSetupRoleMismatch: CorrelatedRule<DtlsRoleWatch> = {
  id: 'dtls.setup-role-mismatch',
  title: 'DTLS ClientHello sent by the side the SDP answer made DTLS server, or by both sides',
  severity: 'error',
  rfc: {
    ref: 'RFC 5763 §5',
    text:
      'The answerer MUST use either a setup attribute value of setup:active or setup:passive. … Whichever party ' +
      'is active MUST initiate a DTLS handshake by sending a ClientHello over each flow (host/port quartet).',
  },
  explanation:
    'In DTLS-SRTP the SDP answer decides who starts the DTLS handshake: a=setup:active, the answerer is the ' +
    'DTLS client and sends the ClientHello; a=setup:passive, the offerer does. Here the hellos on the media ' +
    'addresses disagree with the answer: the side that said it would wait sent a ClientHello, and either the ' +
    'other answered it as server (both ends agree on roles the SDP does not say, which breaks any middlebox ' +
    'that followed the SDP) or also sent a ClientHello: two clients, each dropping the other’s hello, no key ' +
    'is ever agreed and the call has no audio. Seen with endpoints and gateways that ignore the answer’s a=setup ' +
    'and keep their own default role. Judged only when the answer says active or passive and a hello was seen ' +
    'on the stream’s addresses; hellos on other ICE candidates are not followed.',
  scope: 'correlated',
  on: ['message', 'tick', 'dtls-hello'],
  only: SDP_ANSWERS,
  wakes: true,
  init: () => new DtlsRoleWatch(),
  check(model, ctx) {
    const watch = ctx.state;
    const ev = model.event;
    const wait = 64 * ctx.timers.t1;
    let found: Array<[Roles, Verdict]>;
    if (ev.kind === 'dtls-hello') {
      const one = watch.onHello(ev.hello, wait);
      found = one === null ? [] : [one];
    } else {
      const step = offerAnswerStep(model, ctx);
      if (ev.kind === 'tick') found = watch.due(ctx.now, ctx.ended);
      else if (step === undefined || step.kind !== 'answer') return NONE;
      else {
        const call = ev.kind === 'message' ? (ev.correlation?.call ?? null) : null;
        found = watch.answered(step.offer.sdp, step.answer, step.offer.msg, step.msg, call, wait);
      }
    }
    const next = watch.nextDue;
    if (next !== undefined) ctx.wakeAt(next);
    return found.length === 0 ? NONE : found.map(([r, v]) => draft(r, v));
  },
};

function draft(r: Roles, v: Verdict): FindingDraft {
  const client = r.client;
  const server = client === 'offerer' ? 'answerer' : 'offerer';
  const addr = (s: 'offerer' | 'answerer') => (s === 'offerer' ? r.offerer : r.answerer);
  const offered = r.offerSetup === undefined ? 'no a=setup' : `a=setup:${r.offerSetup}`;
  const head =
    `m=${r.media} (line ${r.line + 1}, ${r.proto}): the offer says ${offered} and the answer a=setup:${r.answerSetup}, ` +
    `so the ${client} ${addr(client)} is the DTLS client and the ${server} ${addr(server)} the DTLS server`;
  const ch = r.clientHello;
  let what: string;
  if (v === 'both')
    what =
      `both sent a ClientHello (the offerer in frame ${ch.offerer}, the answerer in frame ${ch.answerer}): ` +
      'both act as DTLS client and no key is agreed';
  else if (v === 'swapped')
    what =
      (ch[server] === undefined ? '' : `the ${server} sent the ClientHello (frame ${ch[server]}) and `) +
      `the ${client} sent a ServerHello (frame ${r.serverHello}): the roles were taken the other way round`;
  else what = `the ${server} sent a ClientHello (frame ${ch[server]}) and the ${client} sent no hello`;
  return { text: `${head}, but ${what}`, messages: [r.offerMsg, r.answerMsg], call: r.call };
}
