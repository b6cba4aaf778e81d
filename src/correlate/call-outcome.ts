/**
 * A call's kind, state and metrics, as Wireshark's VoIP Calls and sngrep show
 * them, from what the correlator gathered. Pure: it reads the call's
 * transactions, dialogs and facts and writes the derived fields of its record.
 *
 * The rules (README "Calls"):
 *
 * Kind: `call` when the call has an INVITE — or, captured mid-call, only the
 * methods of an INVITE dialog (ACK, BYE, CANCEL, PRACK, UPDATE, INFO);
 * otherwise the first method decides: REGISTER `registration`; SUBSCRIBE,
 * NOTIFY, PUBLISH `subscription`; MESSAGE `message`; OPTIONS `options`;
 * anything else `other`. Linked legs keep the strongest kind (call first).
 *
 * State of a `call` follows its attempt: the latest out-of-dialog INVITE
 * transaction of the call's first Call-ID that was not forwarded from
 * another hop (the caller's view: a proxy's downstream transactions are
 * not the attempt). An INVITE answered 401/407 and sent again with
 * credentials is a new transaction, so the state follows the retry; so does
 * a new INVITE after a 3xx. With A = the attempt:
 * - A got a 2xx (or a dialog of the call was confirmed while A has no final
 *   response in the capture): `completed` when a BYE was seen, else `in-call`;
 * - A got 487, or a CANCEL for A was seen before its final response (and the
 *   final response is not a 2xx): `cancelled`;
 * - 486 Busy Here or 600 Busy Everywhere: `busy`; 3xx: `redirected`; any
 *   other 4xx–6xx: `rejected`;
 * - no final response: `failed` when Timer B (no provisional) or Timer C
 *   (after a provisional) expired in capture time, `ringing` when a
 *   provisional other than 100 arrived, else `setup`. A call still ringing at
 *   the end of the capture stays `ringing`: the end of a capture is not a
 *   timeout.
 * Other kinds follow their latest out-of-dialog request the same way:
 * 2xx `completed`, 3xx–6xx `rejected`, Timer F `failed`, else `setup`.
 *
 * Metrics (milliseconds, null when an end is missing), as the caller sees
 * them (see `callerTimes`): `pddMs` first INVITE → first 18x; `setupMs` first
 * INVITE → first 2xx (both from the first INVITE, so an authentication round
 * trip counts, as the caller perceives it); `durationMs` the 2xx ACK (else
 * the 2xx) → the first BYE of the call (any leg). `reason` is the
 * RFC 3326 Reason header of the BYE (completed), of the CANCEL (cancelled),
 * else of the final response. `hangupBy` compares the first BYE's From tag
 * with the From tag of the request that created its dialog.
 */
import { endpointString } from '../decode/payload.js';
import { isRedirect, isSuccess } from '../sip/status.js';
import type { CallKind, CallNode, CallState, Tx } from './model.js';

const CALL_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'PRACK', 'UPDATE', 'INFO']);

export function kindOfMethod(method: string): CallKind {
  if (CALL_METHODS.has(method)) return 'call';
  switch (method) {
    case 'REGISTER':
      return 'registration';
    case 'SUBSCRIBE':
    case 'NOTIFY':
    case 'PUBLISH':
      return 'subscription';
    case 'MESSAGE':
      return 'message';
    case 'OPTIONS':
      return 'options';
    default:
      return 'other';
  }
}

const RANK: Record<CallKind, number> = {
  call: 5,
  subscription: 4,
  registration: 3,
  message: 2,
  options: 1,
  other: 0,
};

/** The kind of a call made of two: the stronger one (a call beats a keep-alive). */
export function mergeKind(a: CallKind, b: CallKind): CallKind {
  return RANK[b] > RANK[a] ? b : a;
}

/** Milliseconds between two capture times (s), rounded to the microsecond; null if either is missing. */
export function msBetween(from: number, to: number): number | null {
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return null;
  return Math.round((to - from) * 1e6) / 1e3;
}

/**
 * The attempt: latest (highest id) root transaction passing `pred`, preferring
 * the call's first Call-ID and transactions whose request was captured.
 */
export function attemptOf(n: CallNode, pred: (t: Tx) => boolean): Tx | undefined {
  const primary = n.rec.callIds[0];
  let own: Tx | undefined;
  let other: Tx | undefined;
  let orphan: Tx | undefined;
  for (const t of n.txs) {
    const r = t.rec;
    if (r.upstream !== undefined || !pred(t)) continue;
    if (r.orphan) {
      if (orphan === undefined || r.id > orphan.rec.id) orphan = t;
    } else if (r.callId === primary) {
      if (own === undefined || r.id > own.rec.id) own = t;
    } else if (other === undefined || r.id > other.rec.id) other = t;
  }
  return own ?? other ?? orphan;
}

const isInitialInvite = (t: Tx): boolean => t.rec.kind === 'invite' && !t.rec.inDialog;
const isInitialRequest = (t: Tx): boolean =>
  t.rec.kind === 'non-invite' && !t.rec.inDialog && t.rec.method !== 'CANCEL';
const isAnyRequest = (t: Tx): boolean => t.rec.kind !== 'ack' && t.rec.method !== 'CANCEL';

/** Fills state, finalStatus, reason, metrics and endpoints of the call's record. */
export function computeOutcome(n: CallNode): void {
  const r = n.rec;
  r.endpoints = n.endpoints.map((e) => ({ addr: endpointString(e), label: e.label }));
  if (r.kind === 'call') {
    const a = attemptOf(n, isInitialInvite);
    const cancel = a?.rec.cancelledBy !== undefined ? txById(n.txs, a.rec.cancelledBy) : undefined;
    r.state = inviteState(n, a, cancel);
    r.finalStatus = a?.rec.finalStatus ?? null;
    r.reason =
      r.state === 'completed'
        ? (n.byeReason ?? a?.reason ?? null)
        : r.state === 'cancelled'
          ? (cancel?.reason ?? a?.reason ?? null)
          : (a?.reason ?? null);
    const t = callerTimes(n);
    r.pddMs = msBetween(t.invite, t.ringing);
    r.setupMs = msBetween(t.invite, t.answer);
    r.durationMs = msBetween(Number.isNaN(t.ack) ? t.answer : t.ack, n.byeAt);
    r.hangupBy = n.hangupBy;
    return;
  }
  const a = attemptOf(n, isInitialRequest) ?? attemptOf(n, isAnyRequest);
  r.finalStatus = a?.rec.finalStatus ?? null;
  r.reason = a?.reason ?? null;
  r.state = a === undefined ? 'setup' : requestState(a);
}

/**
 * The caller's times (capture seconds, NaN when not seen): its first INVITE,
 * first 18x, first 2xx and the ACK of that 2xx, read on the out-of-dialog
 * INVITE transactions of the call's first Call-ID that were not forwarded
 * from another hop. A proxy's downstream branch sees the 18x earlier than
 * the caller does; the caller's view is what PDD means.
 */
export function callerTimes(n: CallNode): { invite: number; ringing: number; answer: number; ack: number } {
  const primary = n.rec.callIds[0];
  const txs = n.txs;
  // Loops rather than filter/find with closures: this runs for every call.
  let ownOnly = false;
  for (let i = 0; i < txs.length && !ownOnly; i++)
    ownOnly = isCallerInvite(txs[i]) && txs[i].rec.callId === primary;
  let invite = Number.NaN;
  let ringing = Number.NaN;
  let answer = Number.NaN;
  let ack = Number.NaN;
  for (let i = 0; i < txs.length; i++) {
    const t = txs[i];
    if (!isCallerInvite(t) || (ownOnly && t.rec.callId !== primary)) continue;
    invite = minNaN(invite, t.rec.start);
    ringing = minNaN(ringing, t.first18xAt);
    const fs = t.rec.finalStatus;
    if (fs !== null && isSuccess(fs) && t.rec.finalAt !== null) answer = minNaN(answer, t.rec.finalAt);
    if (t.rec.ackedBy !== undefined) {
      const a = txById(txs, t.rec.ackedBy);
      if (a !== undefined) ack = minNaN(ack, a.rec.start);
    }
  }
  return { invite, ringing, answer, ack };
}

/** An out-of-dialog INVITE transaction not forwarded from another hop, with its request seen. */
function isCallerInvite(t: Tx): boolean {
  return isInitialInvite(t) && t.rec.upstream === undefined && !t.rec.orphan;
}

function txById(txs: readonly Tx[], id: number): Tx | undefined {
  for (let i = 0; i < txs.length; i++) if (txs[i].rec.id === id) return txs[i];
  return undefined;
}

function minNaN(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.min(a, b);
}

function inviteState(n: CallNode, a: Tx | undefined, cancel: Tx | undefined): CallState {
  const bye = !Number.isNaN(n.byeAt);
  const confirmed = n.dialogs.some((d) => d.rec.kind === 'invite' && d.rec.confirmedAt !== null);
  if (a === undefined) {
    // Captured mid-call: only in-dialog traffic.
    if (bye) return 'completed';
    if (confirmed) return 'in-call';
    return n.dialogs.some((d) => d.rec.state === 'early') ? 'ringing' : 'setup';
  }
  const fs = a.rec.finalStatus;
  if ((fs !== null && isSuccess(fs)) || (fs === null && confirmed)) return bye ? 'completed' : 'in-call';
  const cancelledFirst =
    cancel !== undefined && (a.rec.finalAt === null || cancel.rec.start <= a.rec.finalAt);
  if (fs === 487 || cancelledFirst) return 'cancelled';
  if (fs !== null) {
    if (fs === 486 || fs === 600) return 'busy';
    if (isRedirect(fs)) return 'redirected';
    return 'rejected';
  }
  if (a.rec.timedOut) return 'failed';
  return a.provisional > 100 ? 'ringing' : 'setup';
}

function requestState(a: Tx): CallState {
  const fs = a.rec.finalStatus;
  if (fs !== null) return isSuccess(fs) ? 'completed' : 'rejected';
  return a.rec.timedOut ? 'failed' : 'setup';
}
