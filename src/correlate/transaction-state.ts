/**
 * Transaction states as RFC 3261 §17 names them, and the transitions a
 * passive observer may see on the wire (DESIGN.md convention 3: string unions
 * with an explicit table; an impossible transition is an anomaly on the
 * transaction, never an exception).
 *
 * The observer sees the client and the server transaction of a hop at once,
 * so one table merges both machines: "calling" and "trying" are the client's
 * names for "a request sent and nothing back yet"; "confirmed" is the server's
 * name for "the ACK to a non-2xx final response arrived".
 */

import { isSuccess } from '../sip/status.js';

export type TransactionKind = 'invite' | 'non-invite' | 'ack';

/**
 * INVITE: RFC 3261 §17.1.1 (client: Calling, Proceeding, Completed,
 * Terminated), §17.2.1 (server adds Confirmed) and RFC 6026 ("Accepted": a
 * 2xx was sent/received; the transaction lives on to absorb retransmissions of
 * the 2xx instead of terminating at once).
 */
export type InviteState = 'calling' | 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

/** Non-INVITE: RFC 3261 §17.1.2 / §17.2.2: Trying, Proceeding, Completed, Terminated. */
export type NonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export type TransactionState = InviteState | NonInviteState;

/**
 * What can happen to a transaction:
 * - `request`: another copy of the request (retransmission or another hop);
 * - `1xx`, `2xx`, `non-2xx`: a response (`non-2xx` is any 300–699);
 * - `ack`: the ACK to a non-2xx final response (INVITE only);
 * - `timeout`: Timer B/F (or C) expired with no final response;
 * - `timer`: the lifetime timer of the current state expired (D/H/I/J/K/L).
 */
export type TransactionEvent = 'request' | '1xx' | '2xx' | 'non-2xx' | 'ack' | 'timeout' | 'timer';

type Table<S extends string> = Record<S, Partial<Record<TransactionEvent, S>>>;

export const INVITE_TRANSITIONS: Table<InviteState> = {
  // §17.1.1.2: "If the client transaction receives a provisional response
  // while in the "Calling" state, it transitions to the "Proceeding" state.
  // ... When in either the "Calling" or "Proceeding" states, reception of a
  // response with status code from 300-699 MUST cause the client transaction
  // to transition to "Completed"." RFC 6026 (paraphrase): a 2xx moves the
  // client and the server INVITE transaction to the new "Accepted" state.
  // "If the client transaction is still in the "Calling" state when timer B
  // fires, the client transaction SHOULD inform the TU that a timeout has
  // occurred ... The client transaction MUST NOT generate an ACK."
  calling: {
    request: 'calling',
    '1xx': 'proceeding',
    '2xx': 'accepted',
    'non-2xx': 'completed',
    timeout: 'terminated',
  },
  // Timer C (§16.6 step 11) is the only timeout once a provisional arrived.
  proceeding: {
    request: 'proceeding',
    '1xx': 'proceeding',
    '2xx': 'accepted',
    'non-2xx': 'completed',
    timeout: 'terminated',
  },
  // §17.2.1: "While in the "Completed" state, if a request retransmission is
  // received, the server SHOULD pass the response to the transport for
  // retransmission. If an ACK is received while the server transaction is in
  // the "Completed" state, the server transaction MUST transition to the
  // "Confirmed" state." Timer H (no ACK) or Timer D end it.
  completed: { request: 'completed', 'non-2xx': 'completed', ack: 'confirmed', timer: 'terminated' },
  // §17.2.1: "The purpose of the "Confirmed" state is to absorb any additional
  // ACK messages that arrive, triggered from retransmissions of the final
  // response." Timer I ends it.
  confirmed: { request: 'confirmed', 'non-2xx': 'confirmed', ack: 'confirmed', timer: 'terminated' },
  // RFC 6026 (paraphrase): in "Accepted" further 2xx responses (forking,
  // retransmissions) are passed on and INVITE retransmissions are absorbed;
  // Timer L (server) and Timer M (client), both 64*T1, end it.
  accepted: { request: 'accepted', '2xx': 'accepted', timer: 'terminated' },
  terminated: {},
};

export const NON_INVITE_TRANSITIONS: Table<NonInviteState> = {
  // §17.1.2.2: "If a provisional response is received while in the "Trying"
  // state, the response MUST be passed to the TU, and then the client
  // transaction SHOULD move to the "Proceeding" state. If a final response
  // (status codes 200-699) is received while in the "Trying" state, the
  // response MUST be passed to the TU, and the client transaction MUST
  // transition to the "Completed" state." "If Timer F fires while the client
  // transaction is still in the "Trying" state, the client transaction
  // SHOULD inform the TU about the timeout, and then it SHOULD enter the
  // "Terminated" state."
  trying: {
    request: 'trying',
    '1xx': 'proceeding',
    '2xx': 'completed',
    'non-2xx': 'completed',
    timeout: 'terminated',
  },
  proceeding: {
    request: 'proceeding',
    '1xx': 'proceeding',
    '2xx': 'completed',
    'non-2xx': 'completed',
    timeout: 'terminated',
  },
  // §17.2.2: "While in the "Completed" state, the server transaction MUST pass
  // the final response to the transport layer for retransmission whenever a
  // retransmission of the request is received." Timers J/K end it.
  completed: { request: 'completed', '2xx': 'completed', 'non-2xx': 'completed', timer: 'terminated' },
  terminated: {},
};

export interface Transition {
  state: TransactionState;
  /** Set when the event is impossible in the current state; the state is unchanged. */
  anomaly?: string;
}

/**
 * The state after `event`. An event the table does not allow keeps the state
 * and names the anomaly `<event>-in-<state>` (e.g. `1xx-in-completed`: a
 * provisional response after the final one), for later rules to report.
 */
export function transition(
  kind: TransactionKind,
  state: TransactionState,
  event: TransactionEvent,
): Transition {
  if (kind === 'ack') return { state };
  const next =
    kind === 'invite'
      ? INVITE_TRANSITIONS[state as InviteState]?.[event]
      : NON_INVITE_TRANSITIONS[state as NonInviteState]?.[event];
  if (next === undefined) return { state, anomaly: `${event}-in-${state}` };
  return { state: next };
}

/** The state a transaction starts in when its request is seen (§17.1.1.2, §17.1.2.2). */
export function initialState(kind: TransactionKind): TransactionState {
  return kind === 'invite' ? 'calling' : kind === 'ack' ? 'terminated' : 'trying';
}

/**
 * Other anomalies recorded on transactions (not transitions), with the text a
 * rule can show. Transition anomalies are `<event>-in-<state>`.
 */
export const TRANSACTION_ANOMALIES: Record<string, string> = {
  'no-ack': 'no ACK for the non-2xx final response before Timer H expired (RFC 3261 §17.2.1)',
  'conflicting-final':
    'a second final response with a different status or To tag in a non-forking transaction (RFC 3261 §17.1)',
  'ack-reuses-invite-branch':
    'the ACK for a 2xx reuses the INVITE branch; RFC 3261 §8.1.1.7 allows that only for CANCEL and the ACK of a non-2xx',
  'call-id-mismatch': 'a message of the transaction carries another Call-ID than its request',
  'invalid-status': 'a response status code outside 100–699',
  'response-to-ack': 'a response to an ACK (RFC 3261 §17.1.1.3: ACK is never answered)',
};

/** The anomaly list of a record with none (shared; `addAnomaly` replaces it). */
export const NO_ANOMALIES: readonly string[] = Object.freeze([]);

/** Records an anomaly code once. */
export function addAnomaly(rec: { anomalies: readonly string[] }, code: string): void {
  if (!rec.anomalies.includes(code)) rec.anomalies = [...rec.anomalies, code];
}

/**
 * A second, different final response. RFC 3261 §13.2.2.4: an INVITE may get
 * several 2xx with different To tags (forking), so only non-2xx finals and
 * non-INVITE finals must agree.
 */
export function conflictingFinal(
  kind: TransactionKind,
  first: number,
  st: number,
  firstTag: string | undefined,
  tag: string | undefined,
): boolean {
  if (kind === 'invite' && isSuccess(first) && isSuccess(st)) return false;
  return first !== st || firstTag !== tag;
}
