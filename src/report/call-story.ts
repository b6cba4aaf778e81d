/**
 * What happened in a call, in a few plain sentences: who called whom, how
 * long it rang, how it ended and why (the final response explained with its
 * RFC section), the media offered and answered and what re-INVITEs changed
 * (sdp-story.ts, session-changes.ts), its RTP and what sipscope found wrong.
 * Shown above the web ladder and by `sipscope analyze FILE --call ID`, for
 * the engineer who wants the answer before the ladder and the student who
 * is learning to read one.
 *
 * Every clause comes from the call's JSON contract fields (its state,
 * metrics and messages, the rules of README "Correlation") and the SDP of
 * its messages where the caller read them: nothing is guessed. Pure (no
 * DOM, no Node), shared by the CLI and the web page.
 */
import { hostOf } from '../decode/payload.js';
import { lostPastCapture } from '../media/rtcp-limits.js';
import { statusGuide } from '../sip/message-guide.js';
import { dtmfStory, type StoryDtmf } from './dtmf-story.js';
import { setupOf, setupStory } from './sdp-story.js';
import { sessionStory } from './session-changes.js';
import {
  type At,
  answers,
  isRequest,
  label,
  openingInvite,
  type StoryMessage,
  spanText,
  type Who,
} from './story-facts.js';

export type { StoryMessage, StorySdp, StorySdpMedia } from './story-facts.js';
export { spanText } from './story-facts.js';

/**
 * What the story reads of a call: fields of the JSON contract's call. Written
 * out rather than picked from store/rows.ts CallJson, whose type graph
 * reaches Node modules the web page's program cannot load; the web's rows
 * (kind and state as strings, `related` absent from older analyses) fit it.
 */
export interface StoryCall {
  kind: string;
  state: string;
  from: string | null;
  to: string | null;
  finalStatus: number | null;
  reason: string | null;
  pddMs: number | null;
  setupMs: number | null;
  durationMs: number | null;
  hangupBy: 'caller' | 'callee' | null;
  retransmissions: number;
  endpoints: ReadonlyArray<{ addr: string; label: string | null }>;
  related?: ReadonlyArray<{ call: number; relation: string }>;
  /** Its DTMF digits (report/call-dtmf.ts); absent when it carried none, and from older analyses. */
  dtmf?: readonly StoryDtmf[];
}

export interface StoryStream {
  src: string;
  dst: string;
  media: string;
  codecs: readonly string[];
  packets: number;
  lost: number;
  lostPercent: number;
  /** Absent from older analyses and from streams without RTCP (media/rtcp-reports.ts). */
  expected?: number;
  rtcp?: { lostBetweenReports: number | null; maxFractionLostPercent: number | null };
}

export interface StoryFinding {
  rule: string;
  severity: string;
}

const RELATION: Record<string, string> = {
  'transferred-to': 'was transferred to call',
  'transferred-from': 'is the transfer of call',
  replaces: 'replaces call',
  'replaced-by': 'was replaced by call',
};

export interface CallStory {
  /** One string a sentence. */
  sentences: string[];
  /** The sentence that says how it ended (or where it stands): the page's one-line preview. */
  outcome: number;
}

/**
 * The story of a call: its messages in capture order (`messages`), its RTP
 * streams and its findings.
 */
export function callStory(
  call: StoryCall,
  messages: readonly StoryMessage[],
  streams: readonly StoryStream[] = [],
  findings: readonly StoryFinding[] = [],
): CallStory {
  const labels = new Map(call.endpoints.map((e) => [e.addr, e.label]));
  // A media address is named by the SIP endpoint on its host, when that host has one label only.
  const byHost = new Map<string, string | null>();
  for (const e of call.endpoints) {
    const host = hostOf(e.addr);
    byHost.set(host, byHost.has(host) && byHost.get(host) !== e.label ? null : e.label);
  }
  const who = (addr: string): string => {
    const label = labels.get(addr) ?? byHost.get(hostOf(addr));
    return label ? `${label} (${addr})` : addr;
  };
  const firstTs = messages.length > 0 ? messages[0].ts : 0;
  const at = (m: StoryMessage): string => spanText((m.ts - firstTs) * 1000);
  const out =
    call.kind === 'call' ? inviteStory(call, messages, who, at) : requestStory(call, messages, who, at);
  // The outcome is the last sentence of either story; what follows adds to it.
  const outcome = out.length - 1;
  if (call.kind === 'call') {
    // The media negotiated at the setup, then what re-INVITEs and UPDATEs changed (from the SDP).
    const answered = call.state === 'completed' || call.state === 'in-call';
    const setup = setupOf(messages);
    const told = setupStory(setup, answered, at);
    if (told !== null) out.push(told);
    out.push(...sessionStory(answered, messages, setup, who, at));
  }
  const related = call.related ?? [];
  for (const r of related) {
    const text = RELATION[r.relation];
    if (text !== undefined) out.push(`This call ${text} ${r.call}.`);
  }
  if (call.kind === 'call')
    out.push(...mediaStory(streams, who, call.state === 'completed' || call.state === 'in-call'));
  out.push(...dtmfStory(call.dtmf ?? [], who, firstTs));
  if (call.retransmissions > 0)
    out.push(
      `${call.retransmissions === 1 ? 'One retransmission' : `${call.retransmissions} retransmissions`} (a request or response sent again for want of an answer, RFC 3261 §17).`,
    );
  out.push(findingsStory(findings));
  return { sentences: out, outcome };
}

function inviteStory(call: StoryCall, messages: readonly StoryMessage[], who: Who, at: At): string[] {
  const out: string[] = [];
  // The call's opening INVITE: out of any dialog (no To tag). A re-INVITE alone means the call began before the capture.
  const invite = openingInvite(messages);
  if (invite === undefined) return partialStory(messages, who);
  out.push(
    `${who(invite.src)} called ${call.to ?? 'an unknown address'}, sending its INVITE to ${who(invite.dst)}.`,
  );
  // The first INVITE's transaction: a challenge there, then a new INVITE (RFC 3261 §22.2).
  const challenge = messages.find(
    (m) =>
      answers(m, 'INVITE') && m.transaction === invite.transaction && (m.status === 401 || m.status === 407),
  );
  const retried =
    challenge !== undefined && messages.some((m) => isRequest(m, 'INVITE') && m.ts > challenge.ts);
  if (challenge !== undefined && retried)
    out.push(
      `It was challenged for credentials (${challenge.status} ${challenge.reason ?? ''}`.trimEnd() +
        `, RFC 3261 §22) and sent the INVITE again with them.`,
    );
  const ring = messages.find(
    (m) => answers(m, 'INVITE') && m.status !== undefined && m.status > 100 && m.status < 200,
  );
  if (ring !== undefined) {
    const pdd = call.pddMs !== null ? spanText(call.pddMs) : at(ring);
    out.push(
      ring.status === 180
        ? `The callee's side rang after ${pdd} (180 Ringing: the post-dial delay).`
        : `Progress came after ${pdd} (${ring.status} ${ring.reason ?? ''}`.trimEnd() +
            (ring.status === 183 ? ': early media or an announcement may play).' : ').'),
    );
  }
  const redirect = messages.find(
    (m) =>
      answers(m, 'INVITE') &&
      m.status !== undefined &&
      m.status >= 300 &&
      m.status < 400 &&
      m.dst === invite.src,
  );
  const followed =
    redirect !== undefined &&
    messages.some(
      (m) => isRequest(m, 'INVITE') && m.toTag === null && m.src === invite.src && m.ts > redirect.ts,
    );
  if (redirect !== undefined && followed && call.state !== 'redirected')
    out.push(
      `It was redirected (${redirect.status} ${redirect.reason ?? ''}`.trimEnd() +
        ', RFC 3261 §8.1.3.4) and the caller tried again at the address it was given.',
    );
  const final = finalOf(messages, call.finalStatus);
  const from = final === undefined ? '' : ` from ${who(final.src)}`;
  const status =
    call.finalStatus === null ? '' : `${call.finalStatus}${final?.reason ? ` ${final.reason}` : ''}`;
  const explained = (): string => {
    if (call.finalStatus === null) return '';
    const g = statusGuide(call.finalStatus, final?.reason);
    return g === undefined ? '' : ` ${g.text} (${g.ref})`;
  };
  const reason = call.reason ? ` The Reason given: ${call.reason} (RFC 3326).` : '';
  // A dialog of the call may be confirmed while the caller's own INVITE has no final response in the capture.
  const answer = status === '' ? '' : ` (${status}${from})`;
  const setup = call.setupMs === null ? '' : ` after ${spanText(call.setupMs)}`;
  switch (call.state) {
    case 'completed': {
      // The ACK of a 2xx is a transaction of its own (§17.1.1.3); a non-2xx's ACK belongs to its INVITE's.
      const inviteTxs = new Set(messages.filter((m) => isRequest(m, 'INVITE')).map((m) => m.transaction));
      const acked = messages.some((m) => isRequest(m, 'ACK') && !inviteTxs.has(m.transaction));
      const by = call.hangupBy === null ? 'one side' : `the ${call.hangupBy}`;
      const lasted = call.durationMs === null ? '' : ` after ${spanText(call.durationMs)} of conversation`;
      const bye = call.reason ? `BYE, Reason ${call.reason}` : 'BYE';
      out.push(
        `It was answered${setup}${answer}${acked ? ' and confirmed by ACK' : ''}; ${by} hung up${lasted} (${bye}).`,
      );
      break;
    }
    case 'in-call':
      out.push(`It was answered${setup}${answer} and was still up when the capture ended: no BYE was seen.`);
      break;
    case 'cancelled':
      out.push(
        `The caller gave up before an answer (CANCEL, RFC 3261 §9): ${status ? `the INVITE was ended with ${status}` : 'no 487 ending the INVITE is in the capture'}.${reason}`,
      );
      break;
    case 'busy':
    case 'rejected':
    case 'redirected':
      out.push(
        `The call was ${call.state === 'busy' ? 'refused as busy' : call.state}: ${status}${from}${final ? ` after ${at(final)}` : ''}.${explained()}${reason}`,
      );
      break;
    case 'failed':
      out.push(
        call.finalStatus === null
          ? 'No final response came: the INVITE went unanswered until its timer ran out (Timer B, 64·T1 = 32 s, or Timer C after a provisional response; RFC 3261 §17.1.1.2, §16.6).'
          : `The call failed: ${status}${from}.${explained()}${reason}`,
      );
      break;
    case 'ringing':
      out.push('The capture ends while it is still ringing: no final response yet.');
      break;
    default:
      out.push('The capture ends while the call is being set up: no answer beyond 100 Trying yet.');
  }
  return out;
}

/**
 * The response the call's final status came from: the first 2xx to an INVITE
 * (a forked call is answered by the first, its other branches ending 487),
 * else the last final response with that status.
 */
function finalOf(messages: readonly StoryMessage[], status: number | null): StoryMessage | undefined {
  if (status === null) return undefined;
  const finals = messages.filter((m) => answers(m, 'INVITE') && m.status === status);
  return status < 300 ? finals[0] : finals[finals.length - 1];
}

/**
 * A call or exchange whose opening request is not in the capture (it began
 * before the capture, or the capture point missed it): what is there.
 */
function partialStory(messages: readonly StoryMessage[], who: Who): string[] {
  const first = messages[0];
  if (first === undefined) return ['None of its messages is in the capture.'];
  const out = [
    `The capture holds it from after its opening request: it starts with ${label(first)} from ${who(first.src)} to ${who(first.dst)}.`,
  ];
  const final = [...messages]
    .reverse()
    .find((m) => m.status !== undefined && m.status >= 200 && !m.retransmission);
  if (final !== undefined) {
    const g = statusGuide(final.status!, final.reason);
    out.push(
      `The last final response is ${label(final)}${final.cseqMethod ? ` to its ${final.cseqMethod}` : ''}, from ${who(final.src)}.${g !== undefined && final.status! >= 300 ? ` ${g.text} (${g.ref})` : ''}`,
    );
  } else out.push('No final response to any of its requests is in the capture.');
  return out;
}

const METHOD_TEXT: Record<string, string> = {
  REGISTER: 'registered',
  SUBSCRIBE: 'subscribed to',
  PUBLISH: 'published its state to',
  MESSAGE: 'sent a message to',
  OPTIONS: 'asked the capabilities of (OPTIONS, often a keep-alive)',
  NOTIFY: 'sent a NOTIFY to',
  REFER: 'asked a transfer of (REFER)',
};

/**
 * A registration, subscription, MESSAGE, OPTIONS or other exchange. Its
 * state follows its latest request out of any dialog (README "States"): that
 * request's own final response is the one told, timed from the request.
 */
function requestStory(call: StoryCall, messages: readonly StoryMessage[], who: Who, _at: At): string[] {
  const outOfDialog = messages.filter((m) => m.method !== undefined && !m.retransmission && m.toTag === null);
  const first = outOfDialog[0];
  if (first === undefined) return partialStory(messages, who);
  const method = first.method!;
  const verb = METHOD_TEXT[method.toUpperCase()] ?? `sent ${method} to`;
  const target = call.to ?? who(first.dst);
  const out = [`${who(first.src)} ${verb} ${target}.`];
  const attempt = [...outOfDialog].reverse().find((m) => m.method === method) ?? first;
  const tries = outOfDialog.filter((m) => m.method === method).length;
  const challenged = messages.find(
    (m) => (m.status === 401 || m.status === 407) && m.cseqMethod === method && !m.retransmission,
  );
  if (challenged !== undefined && tries > 1)
    out.push(`It was challenged for credentials (${challenged.status}, RFC 3261 §22) and tried again.`);
  const final = messages.find(
    (m) =>
      m.status !== undefined && m.status >= 200 && m.transaction === attempt.transaction && !m.retransmission,
  );
  const after = final === undefined ? '' : ` after ${spanText((final.ts - attempt.ts) * 1000)}`;
  const status =
    final !== undefined ? label(final) : call.finalStatus === null ? null : String(call.finalStatus);
  if (call.state === 'completed' && status !== null) out.push(`It was accepted: ${status}${after}.`);
  else if (call.state === 'rejected' && status !== null) {
    const g = statusGuide(final?.status ?? call.finalStatus!, final?.reason);
    const from = final === undefined ? '' : ` from ${who(final.src)}`;
    out.push(`It was refused: ${status}${from}${after}.${g ? ` ${g.text} (${g.ref})` : ''}`);
  } else if (call.state === 'failed')
    out.push('No final response came before its timer ran out (Timer F, 64·T1 = 32 s, RFC 3261 §17.1.2.2).');
  else out.push('The capture ends before a final response.');
  return out;
}

function mediaStory(streams: readonly StoryStream[], who: Who, answered: boolean): string[] {
  if (streams.length === 0)
    return answered
      ? ['No RTP of this call is in the capture (the capture point may not see the media path).']
      : [];
  const back = (s: StoryStream) =>
    streams.some((t) => t !== s && hostOf(t.src) === hostOf(s.dst) && hostOf(t.dst) === hostOf(s.src));
  const codecs = [...new Set(streams.flatMap((s) => s.codecs))].join(', ') || streams[0].media;
  const packets = streams.reduce((n, s) => n + s.packets, 0);
  const out = [
    streams.every(back)
      ? `RTP flowed both ways (${codecs}, ${packets} packets in ${streams.length} streams).`
      : `RTP went one way only: ${streams
          .filter((s) => !back(s))
          .map((s) => `${who(s.src)} → ${who(s.dst)}`)
          .join(
            '; ',
          )} (${codecs}), nothing came back${answered ? ': one-way audio' : ' (early media of a call never answered)'}.`,
  ];
  const lossy = streams.filter((s) => s.lost > 0);
  for (const s of lossy)
    out.push(
      `${s.src} → ${s.dst} lost ${s.lost} of its packets (${s.lostPercent}%) before the capture point.`,
    );
  // What the receiver said in RTCP (RFC 3550 §6.4.1) beyond what the capture counted: lost after it.
  for (const s of streams) {
    const past = s.expected === undefined ? 0 : lostPastCapture({ ...s, expected: s.expected });
    if (past > 0)
      out.push(
        `${who(s.dst)} reported in RTCP that ${s.rtcp!.lostBetweenReports} of the packets ${who(s.src)} sent it were lost while the capture ran (up to ${s.rtcp!.maxFractionLostPercent}% in one interval), ${past} more than the capture saw: lost after the capture point (RFC 3550 §6.4.1).`,
      );
  }
  return out;
}

function findingsStory(findings: readonly StoryFinding[]): string {
  if (findings.length === 0) return 'sipscope found no protocol violation in it.';
  const rules = [...new Set(findings.map((f) => f.rule))];
  const count = (sev: string) => findings.filter((f) => f.severity === sev).length;
  const parts = ['error', 'warning', 'info']
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`);
  return `sipscope found ${findings.length === 1 ? 'one finding' : `${findings.length} findings`} (${parts.join(', ')}): ${rules.join(', ')}.`;
}
