/**
 * The correlated model (DESIGN.md "Model"): call ⊃ dialog ⊃ transaction.
 *
 * The `*Record` interfaces are the public output (plain data, JSON-ready,
 * ids are 0-based integers in creation order, times are capture seconds,
 * `…Ms` fields are milliseconds). The other interfaces are the correlator's
 * working state around a record; they never leave `src/correlate/`.
 */

import type { Endpoint } from '../decode/payload.js';
import type {
  CallEndpoint,
  CallEvidence,
  CallLink,
  CallRelation,
  CallRelationEvidence,
  CallRelationKind,
} from './call-links.js';
import type { CALL_KINDS, CALL_STATES } from './call-values.js';
import type { ParkedCall } from './park.js';
import type { TransactionKey } from './transaction-key.js';
import type { TransactionKind, TransactionState } from './transaction-state.js';

export type { CallEndpoint, CallEvidence, CallLink, CallRelation, CallRelationEvidence, CallRelationKind };

export interface TransactionRecord {
  id: number;
  kind: TransactionKind;
  /** Method of the request that created it (`INVITE` for the non-2xx ACK's transaction). */
  method: string;
  /** Top Via branch of its request (null when the Via had none). */
  branch: string | null;
  /** Top Via sent-by of its request, as written. */
  sentBy: string;
  /** Matched by the RFC 2543 rules (branch without the `z9hG4bK` cookie). */
  rfc2543: boolean;
  state: TransactionState;
  callId: string;
  cseq: number | null;
  /** The request carried a To tag: it belongs to a dialog. */
  inDialog: boolean;
  /** Every message of the transaction (request copies, responses, non-2xx ACK), ascending ids. */
  messages: number[];
  /** First copy of the request; null when only responses were captured. */
  request: number | null;
  responses: number[];
  /** Per entry of `responses`: ms since the first copy of the request (null without one). */
  responseTimes: Array<number | null>;
  finalStatus: number | null;
  /** Capture time (s) of the first final response. */
  finalAt: number | null;
  firstResponseAt: number | null;
  /** Capture time (s) of the first message and the last one. */
  start: number;
  end: number;
  /** Copies counted as retransmissions / as mirror duplicates. */
  retransmissions: number;
  duplicates: number;
  /** Timer B/F (or C for an INVITE in Proceeding) expired without a final response. */
  timedOut: boolean;
  /** The request was seen only through its responses (capture started late). */
  orphan: boolean;
  /** Transaction of the previous hop this request was forwarded from (second Via). */
  upstream?: number;
  /** CANCEL: the INVITE transaction it cancels. */
  cancels?: number;
  /** INVITE: the first CANCEL transaction that cancels it. */
  cancelledBy?: number;
  /** 2xx ACK: the INVITE transaction it acknowledges. */
  acks?: number;
  /** INVITE: the first 2xx ACK transaction for it. */
  ackedBy?: number;
  /** Codes from `transaction-state.ts` (`<event>-in-<state>` or TRANSACTION_ANOMALIES); read-only. */
  anomalies: readonly string[];
}

export type DialogState = 'early' | 'confirmed' | 'terminated';
export type DialogKind = 'invite' | 'subscribe' | 'refer';

export interface DialogRecord {
  id: number;
  callId: string;
  /** The two tags, sorted (the dialog is the same seen from either side). */
  tags: [string, string];
  /** From tag of the request that created it (the caller's / subscriber's tag). */
  callerTag: string;
  state: DialogState;
  kind: DialogKind;
  /** Transaction whose response (or NOTIFY) created it. */
  createdBy: number;
  messages: number[];
  /** Capture time (s) it was created / confirmed (null if never) / terminated (null while not terminated). */
  start: number;
  confirmedAt: number | null;
  end: number | null;
  /** Why it ended: `bye`, `481`, `408`, `non-2xx-final`, `transaction-ended`, `notify-terminated`. */
  endReason: string | null;
  /** Released while confirmed after `dialogIdle` seconds without a message. */
  idle: boolean;
  /** `<event>-in-<state>` for an impossible transition seen on the wire; read-only. */
  anomalies: readonly string[];
}

export type CallKind = (typeof CALL_KINDS)[number];
export type CallState = (typeof CALL_STATES)[number];
export interface CallRecord {
  id: number;
  kind: CallKind;
  state: CallState;
  /** The first is the call's own; the others were linked (see `links`). */
  callIds: string[];
  links: CallLink[];
  /** URIs of From and To of the call's first message. */
  from: string | null;
  to: string | null;
  start: number;
  end: number;
  finalStatus: number | null;
  /** RFC 3326 Reason header value of the BYE, the CANCEL or the final response. */
  reason: string | null;
  /** First INVITE → first 18x. */
  pddMs: number | null;
  /** First INVITE → first 2xx. */
  setupMs: number | null;
  /** ACK (else 2xx) → BYE. */
  durationMs: number | null;
  hangupBy: 'caller' | 'callee' | null;
  dialogs: number[];
  transactions: number[];
  messages: number[];
  retransmissions: number;
  duplicates: number;
  endpoints: CallEndpoint[];
  /** In-dialog requests whose tag pair matched no dialog. */
  unknownDialogRequests: number[];
  /** Calls this one transferred to or from, replaced or was replaced by (transfers.ts). */
  related: CallRelation[];
  /** Handed out by onCallFinal: nothing of it is hot any more. */
  final: boolean;
}

/** What `push` tells at once about a message. */
export interface MessageCorrelation {
  transaction: number;
  /** Another copy of a request or response already seen in the same direction. */
  retransmission: boolean;
  /** A mirror-port copy: byte-identical, same src→dst, within `duplicateWindow`. */
  duplicate: boolean;
  /** Seconds since the previous copy (retransmissions and duplicates). */
  interval?: number;
  /** Other calls whose records this message changed (a transfer's INVITE names its REFER's call, transfers.ts). */
  touched?: number[];
  /** Dialog the message belongs to, as known when it arrives. */
  dialog: number | null;
  /** Call at push time; a later link may merge it into an older call (the call records are authoritative). */
  call: number;
}

// ---------------------------------------------------------------------------
// Working state (internal)

/**
 * The shared empty list of a record or node that has none yet: most calls
 * never get a link or an unknown-dialog request, so they share this frozen
 * array instead of allocating their own. Code that adds to such a list
 * replaces it first (`withId`, `withItem`).
 */
export const NONE = Object.freeze([]) as unknown as never[];

/**
 * Lists shorter than this grow by copying into an array of exactly the new
 * length: `push` reserves 16 more slots, and a capture's hundreds of
 * thousands of short lists (a transaction's two or three messages) then
 * cost ten times their size, all of it copied and traced by the garbage
 * collector for as long as the records live.
 */
const EXACT_BELOW = 16;

/** `list` with `item` appended: a new array while short (and for the shared NONE), else `list` itself. */
export function withItem<T>(list: T[], item: T): T[] {
  const n = list.length;
  // Literals for the usual lengths (packed, exact), a sized copy up to EXACT_BELOW.
  switch (n) {
    case 0:
      return [item];
    case 1:
      return [list[0], item];
    case 2:
      return [list[0], list[1], item];
    case 3:
      return [list[0], list[1], list[2], item];
    default: {
      if (n >= EXACT_BELOW) {
        list.push(item);
        return list;
      }
      const out = new Array<T>(n + 1);
      for (let i = 0; i < n; i++) out[i] = list[i];
      out[n] = item;
      return out;
    }
  }
}

/** An ascending id list with `id` inserted (ids arrive mostly in order: search from the end). */
export function withId(a: number[], id: number): number[] {
  let i = a.length;
  while (i > 0 && a[i - 1] > id) i--;
  if (i > 0 && a[i - 1] === id) return a;
  if (i === a.length) return withItem(a, id);
  a.splice(i, 0, id);
  return a;
}

/** Something with at most one pending timer in the TimerQueue. */
export interface TimerTarget {
  /** 0 transaction, 1 dialog, 2 call. */
  tk: 0 | 1 | 2;
  /** Position in the timer queue; -1 when no timer is pending. */
  timerIndex: number;
  /** When the pending timer is due (set by TimerQueue.schedule; stale once it fired or was cancelled). */
  timerAt: number;
}

/** The last copy of one "identity" of message within a transaction, for retransmission matching. */
export interface Copy {
  /** Sender and receiver (interned addresses: no per-packet object is kept). */
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  /** -1 the request, -2 the ACK of a non-2xx, else the status code. */
  code: number;
  toTag: string | undefined;
  ts: number;
  /** Length and fingerprint of the copy's bytes (retransmission.ts). */
  len: number;
  fp: number;
  /** The next copy of the transaction (in order of arrival); null for the last. */
  next: Copy | null;
}

/**
 * A live transaction. It is its own key (the key of the request that created
 * it; for a response-only transaction, built from the response): `fromTag`
 * is kept only where it is compared (RFC 2543 keys, SUBSCRIBE and REFER),
 * `uri` only for RFC 2543 keys.
 */
export interface Tx extends TimerTarget, TransactionKey {
  tk: 0;
  rec: TransactionRecord;
  call: CallNode;
  reliable: boolean;
  /** In the transaction table's hot index. */
  hot: boolean;
  /** The next (older) transaction filed under the same index entry. */
  next: Tx | null;
  /**
   * The first copy, the others chained through `Copy.next` in order of
   * arrival (a transaction has two to five: a chain costs no array per copy).
   */
  copies: Copy | null;
  /** Dialogs this transaction's responses created or matched (early and confirmed). Shared empty until one. */
  dialogs: Dialog[];
  /** Reason header of the request (CANCEL, BYE) or of the first final response. */
  reason: string | null;
  /** Highest provisional status seen (0: none). */
  provisional: number;
  /** Capture time of the first 18x response (NaN: none). */
  first18xAt: number;
  /** To tag of the first final response. */
  finalToTag: string | undefined;
}

export interface Dialog extends TimerTarget {
  tk: 1;
  rec: DialogRecord;
  call: CallNode;
  callId: string;
  tagA: string;
  tagB: string;
  /** Transactions whose request messages are in `rec.messages`. */
  txs: Tx[];
  /** In the call's hot list. */
  hot: boolean;
  /** Counted in the call's `active`. */
  open: boolean;
  lastActivity: number;
}

/** An endpoint of a call (its address held here, the IP interned: no packet's Endpoint object is kept). */
export interface EndpointAcc extends Endpoint {
  label: string | null;
  tries: number;
}

export interface CallNode extends TimerTarget {
  tk: 2;
  rec: CallRecord;
  /** Union-find parent; null for a root. */
  parent: CallNode | null;
  txs: Tx[];
  dialogs: Dialog[];
  hotDialogs: Dialog[];
  /** Live transactions + open dialogs; the call can be finalised at 0. */
  active: number;
  lastActivity: number;
  endpoints: EndpointAcc[];
  /** Keys this call holds in the evidence indexes, removed when it is released. */
  evidenceKeys: string[];
  /** The call's tags kept in its records, one copy each (shared NONE until one; see CallTable.tag). */
  tags: string[];
  released: boolean;
  /** The first BYE of the call (capture seconds, NaN when none), its Reason and sender side. */
  byeAt: number;
  byeReason: string | null;
  hangupBy: 'caller' | 'callee' | null;
  /** The call's state while it is parked (park.ts); null while it is awake. */
  parked: ParkedCall | null;
  /** Queued for the correlator's idle check (parking). */
  idleQueued: boolean;
}

/** A call's record as it starts (call-table.ts), and the shape every call record has. */
export function newCallRecord(id: number, callIds: string[], ts: number): CallRecord {
  return {
    id,
    kind: 'other',
    state: 'setup',
    callIds,
    links: NONE,
    from: null,
    to: null,
    start: ts,
    end: ts,
    finalStatus: null,
    reason: null,
    pddMs: null,
    setupMs: null,
    durationMs: null,
    hangupBy: null,
    dialogs: NONE,
    transactions: NONE,
    messages: NONE,
    retransmissions: 0,
    duplicates: 0,
    endpoints: NONE,
    unknownDialogRequests: NONE,
    related: NONE,
    final: false,
  };
}
