/**
 * The transaction layer of the correlator (RFC 3261 §17): matches each
 * message to its transaction, classifies copies (retransmission, duplicate,
 * another hop), drives the state table and the RFC timers, and links
 * transactions to each other (CANCEL → INVITE, proxied hop → upstream).
 */
import type { Endpoint } from '../decode/payload.js';
import { headerValue, vias } from '../sip/accessors.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { isFinal, isProvisional, isSuccess } from '../sip/status.js';
import { kindOfMethod, mergeKind } from './call-outcome.js';
import { detach } from './detach.js';
import type { Step } from './dialog-rules.js';
import { NO_DIALOGS } from './dialog-table.js';
import { type CallNode, NONE, type TransactionRecord, type Tx, withItem } from './model.js';
import { type CopyStrings, type CopyVerdict, classifyCopy, fromTo } from './retransmission.js';
import {
  emptyKey,
  fillKey,
  isRfc3261Branch,
  type KeyFields,
  type TransactionKey,
} from './transaction-key.js';
import { applyEvent, type TransactionContext, transactionTimer } from './transaction-lifetime.js';
import {
  addAnomaly,
  conflictingFinal,
  initialState,
  NO_ANOMALIES,
  type TransactionEvent,
  type TransactionKind,
} from './transaction-state.js';

export class TransactionLayer implements CopyStrings {
  /** The key of the message being pushed (filled in place, copied only for a new transaction). */
  private readonly probe = emptyKey();
  private nextTx = 0;
  /** Call of the copy being classified (for `tag`). */
  private copyCall: CallNode | null = null;
  /** The reused step (see `stepOf`). */
  private step: Step | null = null;

  constructor(private readonly ctx: TransactionContext) {}

  request(
    m: SipRequest,
    id: number,
    ts: number,
    f: KeyFields,
    toTag: string | undefined,
    src: Endpoint,
    dst: Endpoint,
    reliable: boolean,
  ): Step {
    const method = m.method;
    const key = fillKey(this.probe, m, f, method);
    let tx: Tx | undefined;
    let code = -1;
    let event: TransactionEvent | null = 'request';
    if (method === 'ACK') {
      // RFC 3261 §17.1.1.3: the ACK for a non-2xx response "MUST contain a
      // single Via header field, and this MUST be equal to the top Via header
      // field of the original request" — it is part of the INVITE
      // transaction. §17: "If the response was a 2xx, the ACK is not
      // considered part of the transaction."
      const inv = this.findAs(key, 'INVITE');
      if (inv !== undefined && (inv.rec.finalStatus === null || !isSuccess(inv.rec.finalStatus))) {
        tx = inv;
        code = -2;
        event = 'ack';
      } else {
        tx = this.ctx.table.find(key);
        event = null;
        if (tx === undefined) {
          tx = this.newTx(key, 'ack', id, ts, toTag !== undefined, reliable, false, m);
          if (inv !== undefined && !key.rfc2543) addAnomaly(tx.rec, 'ack-reuses-invite-branch');
        }
      }
    } else {
      tx = this.ctx.table.find(key);
      if (tx === undefined) {
        tx = this.newTx(
          key,
          method === 'INVITE' ? 'invite' : 'non-invite',
          id,
          ts,
          toTag !== undefined,
          reliable,
          false,
          m,
        );
        if (method === 'CANCEL') {
          // RFC 3261 §9.2: the CANCEL matches the transaction it cancels by the
          // same rules, with the method INVITE; it is a transaction of its own.
          const inv = this.findAs(key, 'INVITE');
          if (inv !== undefined) {
            tx.rec.cancels = inv.rec.id;
            inv.rec.cancelledBy ??= tx.rec.id;
          }
        }
      }
    }
    const verdict = this.copy(tx, src, dst, code, toTag, ts, m.raw);
    if (event !== null && !verdict.duplicate) applyEvent(this.ctx, tx, event, ts);
    return this.stepOf(id, ts, src, f, toTag, tx, verdict);
  }

  response(
    m: SipResponse,
    id: number,
    ts: number,
    f: KeyFields,
    toTag: string | undefined,
    method: string,
    src: Endpoint,
    dst: Endpoint,
    reliable: boolean,
  ): Step {
    const key = fillKey(this.probe, m, f, method);
    let tx = this.ctx.table.find(key);
    if (tx === undefined) {
      // Only the response was captured (capture started late, or asymmetric
      // capture): a transaction is made from it so its retransmissions group.
      const kind: TransactionKind = method === 'INVITE' ? 'invite' : 'non-invite';
      tx = this.newTx(key, kind, id, ts, false, reliable, true, null);
      if (method === 'ACK') addAnomaly(tx.rec, 'response-to-ack');
    }
    const rec = tx.rec;
    const st = m.status;
    // A capture with several taps sees one hop's responses after another
    // hop's (same top Via, other src→dst): out-of-order events are anomalies
    // only on the path that already carried a final response.
    const finalHere = finalOnPath(tx, src, dst);
    const verdict = this.copy(tx, src, dst, st, toTag, ts, m.raw);
    rec.responses = withItem(rec.responses, id);
    rec.responseTimes = withItem(
      rec.responseTimes,
      rec.orphan ? null : Math.round((ts - rec.start) * 1e6) / 1e3,
    );
    rec.firstResponseAt ??= ts;
    if (verdict.duplicate) return this.stepOf(id, ts, src, f, toTag, tx, verdict);
    if (isProvisional(st)) {
      if (st > tx.provisional) tx.provisional = st;
      if (Math.floor(st / 10) === 18 && Number.isNaN(tx.first18xAt)) tx.first18xAt = ts;
      applyEvent(this.ctx, tx, '1xx', ts, !finalHere);
    } else if (isFinal(st)) {
      if (rec.finalStatus === null) {
        rec.finalStatus = st;
        rec.finalAt = ts;
        if (rec.kind === 'invite' || rec.method === 'BYE')
          tx.reason = detach(headerValue(m, 'reason')) ?? tx.reason;
        tx.finalToTag = toTag === undefined ? undefined : this.ctx.tag(tx.call, toTag);
      } else if (
        finalHere &&
        !verdict.retransmission &&
        conflictingFinal(rec.kind, rec.finalStatus, st, tx.finalToTag, toTag)
      ) {
        addAnomaly(rec, 'conflicting-final');
      }
      applyEvent(this.ctx, tx, isSuccess(st) ? '2xx' : 'non-2xx', ts, !finalHere);
    } else addAnomaly(rec, 'invalid-status');
    return this.stepOf(id, ts, src, f, toTag, tx, verdict);
  }

  /**
   * The step of the message being pushed, in one object reused for every
   * message (read by the dialog rules during `push`, never kept): no
   * allocation per message.
   */
  private stepOf(
    id: number,
    ts: number,
    src: Endpoint,
    f: KeyFields,
    toTag: string | undefined,
    tx: Tx,
    verdict: CopyVerdict,
  ): Step {
    let s = this.step;
    if (s === null) {
      s = { id, ts, src, callId: f.callId, fromTag: f.fromTag, toTag, tx, root: tx.call, verdict };
      this.step = s;
      return s;
    }
    s.id = id;
    s.ts = ts;
    s.src = src;
    s.callId = f.callId;
    s.fromTag = f.fromTag;
    s.toTag = toTag;
    s.tx = tx;
    s.root = tx.call;
    s.verdict = verdict;
    return s;
  }

  /** Classifies and records a copy (retransmission.ts). */
  private copy(
    tx: Tx,
    src: Endpoint,
    dst: Endpoint,
    code: number,
    toTag: string | undefined,
    ts: number,
    raw: Uint8Array,
  ) {
    this.copyCall = tx.call;
    return classifyCopy(tx, src, dst, code, toTag, ts, raw, this.ctx.v.duplicateWindow, this);
  }

  ip(s: string): string {
    return this.ctx.strings.get(s);
  }

  tag(s: string): string {
    return this.copyCall === null ? detach(s) : this.ctx.tag(this.copyCall, s);
  }

  /** Looks `key` up with another method (ACK → INVITE, CANCEL → INVITE). */
  private findAs(key: TransactionKey, method: string): Tx | undefined {
    const own = key.method;
    key.method = method;
    const tx = this.ctx.table.find(key);
    key.method = own;
    return tx;
  }

  private newTx(
    probe: TransactionKey,
    kind: TransactionKind,
    id: number,
    ts: number,
    inDialog: boolean,
    reliable: boolean,
    orphan: boolean,
    req: SipRequest | null,
  ): Tx {
    const cid = probe.callId === '' ? undefined : probe.callId;
    const root = this.ctx.callOf(cid, ts);
    // Strings kept for the transaction's life: one Call-ID string per call,
    // interned sent-by and methods, the branch detached from the message text.
    const ownCid = cid === undefined ? '' : (knownCallId(root.rec.callIds, cid) ?? detach(cid));
    const branch = detach(probe.branch);
    const sentBy = this.ctx.strings.get(probe.sentBy);
    const method = this.ctx.strings.get(probe.method);
    const rfc2543 = probe.rfc2543;
    const rec: TransactionRecord = {
      id: this.nextTx++,
      kind,
      method,
      branch,
      sentBy,
      rfc2543,
      state: initialState(kind),
      callId: ownCid,
      cseq: probe.cseq >= 0 ? probe.cseq : null,
      inDialog,
      messages: NONE,
      request: orphan ? null : id,
      responses: NONE,
      responseTimes: NONE,
      finalStatus: null,
      finalAt: null,
      firstResponseAt: null,
      start: ts,
      end: ts,
      retransmissions: 0,
      duplicates: 0,
      timedOut: false,
      orphan,
      anomalies: NO_ANOMALIES,
      // The links set later, present from the start: adding a property to a
      // literal moves the record to another hidden class and allocates it an
      // out-of-object property store (most records get one: every INVITE is
      // ACKed), and code reading records then sees several shapes.
      upstream: undefined,
      cancels: undefined,
      cancelledBy: undefined,
      acks: undefined,
      ackedBy: undefined,
    };
    const tx = newTx(
      rfc2543,
      branch,
      sentBy,
      method,
      ownCid,
      probe.cseq,
      rfc2543 || method === 'SUBSCRIBE' || method === 'REFER' ? detach(probe.fromTag) : '',
      rfc2543 ? detach(probe.uri) : null,
      rec,
      root,
      reliable,
    );
    if (sentBy !== '') this.ctx.table.add(tx);
    root.txs = withItem(root.txs, tx);
    root.rec.transactions = withItem(root.rec.transactions, rec.id);
    root.rec.kind = mergeKind(root.rec.kind, kindOfMethod(method));
    this.ctx.txCreated(rec);
    if (kind === 'ack') this.ctx.timers.schedule(tx, ts + this.ctx.v.l);
    else {
      root.active++;
      this.ctx.timers.schedule(tx, ts + (kind === 'invite' ? this.ctx.v.b : this.ctx.v.f));
    }
    if (req !== null) {
      if (req.method === 'CANCEL' || req.method === 'BYE')
        tx.reason = detach(headerValue(req, 'reason')) ?? null;
      this.linkUpstream(tx, req);
    }
    return tx;
  }

  /**
   * A proxy forwards a request with its own Via on top and the previous hop's
   * below it (RFC 3261 §16.6 step 8): the second Via names the upstream
   * transaction.
   */
  private linkUpstream(tx: Tx, req: SipRequest): void {
    const vs = vias(req);
    if (vs.length < 2) return;
    const v2 = vs[1];
    const k2 = this.probe;
    k2.rfc2543 = !isRfc3261Branch(v2.branch);
    k2.branch = v2.branch ?? null;
    k2.sentBy = v2.sentBy;
    k2.method = tx.method;
    k2.callId = tx.callId;
    k2.cseq = tx.cseq;
    k2.fromTag = tx.fromTag;
    k2.uri = null;
    const up = this.ctx.table.find(k2);
    if (up !== undefined && up !== tx) tx.rec.upstream = up.rec.id;
  }

  /** A transaction's timer expired at capture time `at`. */
  onTimer(tx: Tx, at: number): void {
    transactionTimer(this.ctx, tx, at);
  }
}

/** The call's own copy of Call-ID `cid` (a loop: no closure per transaction). */
function knownCallId(callIds: readonly string[], cid: string): string | undefined {
  for (let i = 0; i < callIds.length; i++) if (callIds[i] === cid) return callIds[i];
  return undefined;
}

/** A final response was already seen on this src→dst in the transaction. */
function finalOnPath(tx: Tx, src: Endpoint, dst: Endpoint): boolean {
  for (let c = tx.copies; c !== null; c = c.next) if (c.code >= 200 && fromTo(c, src, dst)) return true;
  return false;
}

/**
 * A transaction as it starts (transaction-layer.ts, and park.ts reading one
 * back): one literal with every field, so that all share a hidden class.
 */
export function newTx(
  rfc2543: boolean,
  branch: string | null,
  sentBy: string,
  method: string,
  callId: string,
  cseq: number,
  fromTag: string,
  uri: string | null,
  rec: TransactionRecord,
  call: CallNode,
  reliable: boolean,
): Tx {
  return {
    rfc2543,
    branch,
    sentBy,
    method,
    callId,
    cseq,
    fromTag,
    uri,
    tk: 0,
    timerIndex: -1,
    timerAt: Number.NaN,
    rec,
    call,
    reliable,
    hot: false,
    next: null,
    copies: null,
    dialogs: NO_DIALOGS,
    reason: null,
    provisional: 0,
    first18xAt: Number.NaN,
    finalToTag: undefined,
  };
}
