/**
 * Which dialog a message belongs to, and what it does to it (RFC 3261 §12,
 * §13, §15; RFC 6665 for subscriptions; RFC 3515 for REFER). Called by the
 * correlator after the message's transaction is known.
 */
import type { Endpoint } from '../decode/payload.js';
import { headerValue } from '../sip/accessors.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { isFinal, isProvisional, isSuccess } from '../sip/status.js';
import { type DialogTable, linkTx } from './dialog-table.js';
import { type CallNode, type Dialog, type Tx, withId } from './model.js';
import type { CopyVerdict } from './retransmission.js';

/** The message being correlated, once its transaction is known. */
export interface Step {
  id: number;
  ts: number;
  src: Endpoint;
  callId: string | undefined;
  fromTag: string | undefined;
  toTag: string | undefined;
  tx: Tx;
  /** Root of the message's call. */
  root: CallNode;
  verdict: CopyVerdict;
}

export interface DialogContext {
  readonly dialogs: DialogTable;
}

export function dialogForResponse(ctx: DialogContext, m: SipResponse, s: Step): Dialog | undefined {
  const { tx, root, callId: cid, fromTag, toTag, ts } = s;
  const r = tx.rec;
  const st = m.status;
  // Responses to CANCEL are hop-by-hop (RFC 3261 §9.2), not part of a dialog.
  if (cid === undefined || fromTag === undefined || toTag === undefined || r.method === 'CANCEL')
    return undefined;
  let d = ctx.dialogs.find(root, cid, fromTag, toTag);
  if (s.verdict.duplicate) return d;
  if (r.kind === 'invite' && !r.inDialog) {
    // RFC 3261 §12.1: "only 2xx and 101-199 responses with a To tag, where the
    // request was INVITE, will establish a dialog. A dialog established by a
    // non-final response to a request is in the "early" state". §13.2.2.4:
    // "If the dialog identifier in the 2xx response matches the dialog
    // identifier of an existing dialog, the dialog MUST be transitioned to the
    // "confirmed" state ... Otherwise, a new dialog in the "confirmed" state
    // MUST be constructed". Forking gives several To tags: several dialogs.
    if (isProvisional(st) && st !== 100) d = createOr(ctx, d, root, cid, fromTag, toTag, 'early', tx, ts);
    else if (isSuccess(st)) d = createOr(ctx, d, root, cid, fromTag, toTag, 'confirm', tx, ts);
  } else if (!r.inDialog && isSuccess(st) && (r.method === 'SUBSCRIBE' || r.method === 'REFER')) {
    // RFC 6665 §4.1.2.1 / RFC 3515: a 2xx to a SUBSCRIBE (or REFER,
    // which creates an implicit subscription) outside a dialog creates one.
    d = createOr(ctx, d, root, cid, fromTag, toTag, 'confirm', tx, ts);
  }
  if (d !== undefined && r.inDialog && isFinal(st)) {
    // RFC 3261 §12.2.1.2: "If the response for a request within a dialog is a
    // 481 (Call/Transaction Does Not Exist) or a 408 (Request Timeout), the
    // UAC SHOULD terminate the dialog." RFC 5057 narrows the 408 case to the
    // usage of the request, so here a 408 ends the dialog only for BYE and
    // re-INVITE. A 2xx to BYE ends the dialog (RFC 3261 §15.1.2).
    if (r.method === 'BYE' && (isSuccess(st) || st === 481 || st === 408))
      ctx.dialogs.event(d, 'terminate', ts, isSuccess(st) ? 'bye' : String(st));
    else if (st === 481 || (st === 408 && r.method === 'INVITE'))
      ctx.dialogs.event(d, 'terminate', ts, String(st));
  }
  return d;
}

function createOr(
  ctx: DialogContext,
  d: Dialog | undefined,
  root: CallNode,
  cid: string,
  fromTag: string,
  toTag: string,
  ev: 'early' | 'confirm',
  tx: Tx,
  ts: number,
): Dialog {
  if (d === undefined) {
    const m = tx.rec.method;
    const kind = m === 'INVITE' ? 'invite' : m === 'REFER' ? 'refer' : 'subscribe';
    d = ctx.dialogs.create(root, cid, fromTag, toTag, kind, ev === 'early' ? 'early' : 'confirmed', tx, ts);
  } else ctx.dialogs.event(d, ev, ts);
  ctx.dialogs.addTransaction(d, tx);
  return d;
}

export function dialogForRequest(ctx: DialogContext, m: SipRequest, s: Step): Dialog | undefined {
  const { tx, root, callId: cid, fromTag, toTag, ts } = s;
  if (cid === undefined || fromTag === undefined || toTag === undefined) return undefined;
  const method = m.method;
  if (method === 'CANCEL') return undefined;
  const first = !s.verdict.retransmission && !s.verdict.duplicate;
  let d = ctx.dialogs.find(root, cid, fromTag, toTag);
  if (d === undefined && method === 'NOTIFY') d = notifyCreates(ctx, root, cid, fromTag, toTag, ts);
  // The ACK of a non-2xx response is a hop-by-hop part of the INVITE
  // transaction (RFC 3261 §17.1.1.3), not a request of a dialog: it joins the
  // (early) dialog its To tag names, if any, and is never "unknown". CANCEL
  // (RFC 3261 §9.1) is left out of dialogs altogether, like its responses.
  const hopByHop = method === 'ACK' && tx.rec.kind === 'invite';
  if (d === undefined) {
    if (!hopByHop && first) {
      root.rec.unknownDialogRequests = withId(root.rec.unknownDialogRequests, s.id);
    }
    if (method === 'BYE' && first && Number.isNaN(root.byeAt)) {
      root.byeAt = ts;
      root.byeReason = tx.reason;
    }
    return undefined;
  }
  if (hopByHop) return d;
  linkTx(d, tx);
  if (!first) return d;
  if (method === 'BYE' && Number.isNaN(root.byeAt)) {
    root.byeAt = ts;
    root.byeReason = tx.reason;
    root.hangupBy = fromTag === d.rec.callerTag ? 'caller' : 'callee';
  } else if (method === 'NOTIFY' && d.rec.kind !== 'invite' && subscriptionTerminated(m)) {
    // RFC 6665 §4.1.3: a NOTIFY with "Subscription-State: terminated" ends the
    // subscription; a dialog created by SUBSCRIBE/REFER ends with it. A REFER
    // inside an INVITE dialog shares that dialog, which lives on.
    ctx.dialogs.event(d, 'terminate', ts, 'notify-terminated');
  } else if (tx.rec.kind === 'ack') linkAck(d, tx, s);
  return d;
}

/** The 2xx ACK acknowledges the INVITE transaction of its dialog with the same CSeq number (RFC 3261 §13.2.2.4). */
function linkAck(d: Dialog, ack: Tx, s: Step): void {
  let inv: Tx | undefined;
  for (const t of d.txs) {
    if (t.rec.kind !== 'invite' || t.rec.cseq !== ack.rec.cseq) continue;
    // Several hops of the same INVITE: prefer the one sent from where the ACK comes from.
    if (
      inv === undefined ||
      (t.copies !== null && t.copies.srcIp === s.src.ip && t.copies.srcPort === s.src.port)
    )
      inv = t;
  }
  if (inv === undefined) return;
  ack.rec.acks = inv.rec.id;
  inv.rec.ackedBy ??= ack.rec.id;
}

/**
 * RFC 6665 §4.1.2.4 (paraphrase): the subscriber must be prepared for a NOTIFY
 * that arrives before the 2xx to its SUBSCRIBE; such a NOTIFY creates the
 * dialog. Its To tag is the subscriber's From tag.
 */
function notifyCreates(
  ctx: DialogContext,
  root: CallNode,
  cid: string,
  fromTag: string,
  toTag: string,
  ts: number,
): Dialog | undefined {
  let sub: Tx | undefined;
  for (const t of root.txs) {
    const r = t.rec;
    if (
      !r.inDialog &&
      (r.method === 'SUBSCRIBE' || r.method === 'REFER') &&
      r.callId === cid &&
      t.fromTag === toTag
    )
      sub = t;
  }
  if (sub === undefined) return undefined;
  const kind = sub.rec.method === 'REFER' ? 'refer' : 'subscribe';
  const d = ctx.dialogs.create(root, cid, toTag, fromTag, kind, 'confirmed', sub, ts);
  ctx.dialogs.addTransaction(d, sub);
  return d;
}

function subscriptionTerminated(m: SipRequest): boolean {
  const v = headerValue(m, 'subscription-state');
  return v !== undefined && v.trimStart().slice(0, 10).toLowerCase() === 'terminated';
}
