import { cseq, toHeader } from '../../sip/accessors.js';
import { isFinal } from '../../sip/status.js';
import { isFirstCopy, secs, tsOf } from '../correlated-facts.js';
import { DeadlineQueue } from '../deadline-queue.js';
import { type FindingDraft, NONE } from '../finding.js';
import { hash32, hash32Range, mix } from '../hash.js';
import { type Recent, RecentMap } from '../recent-map.js';
import type { CorrelatedRule } from '../rule.js';

/** Distinct targets (user at address) from one source within `WINDOW` seconds that make a sweep. */
export const TARGETS = 20;
const WINDOW = 60;
/** Share of the requests that must end as a scan does (no answer, or refused / unknown user). */
const SCANLIKE = 0.8;
const SCANNED = ['OPTIONS', 'REGISTER', 'INVITE', 'SUBSCRIBE', 'MESSAGE'];
/** Answers a scanner typically collects: not found, challenge, forbidden, not allowed. */
const REFUSALS = new Set([401, 403, 404, 405, 407, 484, 501]);

interface Source extends Recent {
  start: number;
  targets: Set<number>;
  requests: number;
  /** Final responses that end a request the way scans end. */
  refused: number;
  /** Other final responses (the requests were served). */
  served: number;
  first: number;
  methods: Set<string>;
  /** The window was queued for evaluation. */
  queued: boolean;
}

interface State {
  sources: RecentMap<string, Source>;
  /** (window end, start of the window) per source; the source address is looked up by `order`. */
  windows: DeadlineQueue;
  order: string[];
}

/** Hash of the user part of a URI (`sip:USER@host`), the whole URI when it has none. */
function userHash(uri: string): number {
  const at = uri.indexOf('@');
  const colon = uri.indexOf(':');
  return at < 0 ? hash32(uri) : hash32Range(uri, colon < 0 || colon > at ? 0 : colon + 1, at);
}

export const scanSweep: CorrelatedRule<State> = {
  id: 'scan.sweep',
  title: 'One source probing many users or addresses (a scan)',
  severity: 'info',
  rfc: {
    ref: 'RFC 3261 §26.1.5, §26.5',
    text:
      'Attackers can create bogus requests that contain a falsified source IP address and a corresponding Via ' +
      'header field that identify a targeted host as the originator of the request and then send this request ' +
      'to a large number of SIP network elements … If a user or service chooses to be reachable at an address ' +
      "that is guessable from the person's name and organizational affiliation (which describes most " +
      'addresses-of-record), the traditional method of ensuring privacy by having an unlisted "phone number" is ' +
      'compromised.',
  },
  explanation:
    'A scanner sends OPTIONS to many addresses to find SIP servers, or REGISTER/INVITE/OPTIONS for many user ' +
    'names to find which extensions exist (the answer differs: 404 for unknown users, 401 for real ones). ' +
    'Reported when one source sends out-of-dialog requests to 20 or more distinct users or addresses within a ' +
    'minute and at least 80% of them end unanswered or refused (401, 403, 404, 407…): busy proxies and ' +
    'dialers see their requests served and are not reported. Info: worth knowing, often harmless noise from ' +
    'the Internet, but the prelude to password guessing.',
  scope: 'correlated',
  on: ['message', 'tick'],
  only: {
    requests: SCANNED,
    inDialog: false,
    responses: [2, 3, 4, 5, 6],
    responseTo: SCANNED,
    copies: 'first',
  },
  wakes: true,
  init: () => ({
    sources: new RecentMap<string, Source>(10_000, 2 * WINDOW),
    windows: new DeadlineQueue(),
    order: [],
  }),
  check(model, ctx) {
    const ev = model.event;
    const s = ctx.state;
    if (ev.kind === 'tick') {
      const out = ctx.ended ? endAll(s) : evaluate(s, ctx.now);
      if (s.windows.firstAt !== undefined) ctx.wakeAt(s.windows.firstAt);
      return out;
    }
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const src = m.source;
    if (src === null || !isFirstCopy(ev.correlation)) return NONE;
    if (m.kind === 'response') {
      if (!isFinal(m.status)) return NONE;
      const e = s.sources.get(src.dst.ip);
      const method = e === undefined ? undefined : cseq(m)?.method;
      if (e === undefined || method === undefined || !e.methods.has(method)) return NONE;
      if (REFUSALS.has(m.status)) e.refused++;
      else e.served++;
      return NONE;
    }
    const to = toHeader(m);
    if (to === undefined || to.tag !== undefined) return NONE;
    const now = tsOf(m);
    let e = s.sources.get(src.src.ip);
    if (e === undefined || now - e.start > WINDOW) {
      e = {
        start: now,
        targets: new Set(),
        requests: 0,
        refused: 0,
        served: 0,
        first: ev.id,
        methods: new Set(),
        queued: false,
        last: now,
      };
    }
    e.requests++;
    e.methods.add(m.method);
    if (e.targets.size <= TARGETS) e.targets.add(mix(hash32(src.dst.ip), userHash(to.uri)));
    s.sources.touch(src.src.ip, e, now);
    if (e.targets.size >= TARGETS && !e.queued) {
      e.queued = true;
      s.windows.push(e.start + WINDOW, s.order.length, e.start);
      s.order.push(src.src.ip);
      if (s.windows.size === 1) ctx.wakeAt(s.windows.firstAt as number);
    }
    return NONE;
  },
};

/** Judges the windows that have closed. */
function evaluate(s: State, now: number): readonly FindingDraft[] {
  s.sources.sweep(now);
  let out: FindingDraft[] | undefined;
  while (s.windows.due(now)) {
    const f = judge(s, s.windows.first(0), s.windows.first(1));
    s.windows.shift();
    if (f !== undefined) (out ??= []).push(f);
  }
  if (s.windows.size === 0) s.order.length = 0;
  return out ?? NONE;
}

/**
 * At the end, a window still open is judged on the answers already seen:
 * requests still unanswered may yet be answered, so they do not count.
 */
function endAll(s: State): readonly FindingDraft[] {
  let out: FindingDraft[] | undefined;
  while (s.windows.size > 0) {
    const f = judge(s, s.windows.first(0), s.windows.first(1), true);
    s.windows.shift();
    if (f !== undefined) (out ??= []).push(f);
  }
  return out ?? NONE;
}

function judge(s: State, index: number, start: number, open = false): FindingDraft | undefined {
  const ip = s.order[index];
  const e = ip === undefined ? undefined : s.sources.get(ip);
  if (e === undefined || e.start !== start) return undefined;
  const unanswered = Math.max(0, e.requests - e.refused - e.served);
  if ((open ? 0 : unanswered) + e.refused < SCANLIKE * e.requests) return undefined;
  return {
    text: `${ip} sent ${e.requests} ${[...e.methods].join('/')} requests to ${e.targets.size >= TARGETS ? `${TARGETS}+` : e.targets.size} distinct users or addresses within ${secs(WINDOW)}; ${e.refused} refused, ${unanswered} unanswered`,
    messages: [e.first],
  };
}
