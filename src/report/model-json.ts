/**
 * The transaction, dialog and call records as the JSON contract shows them:
 * the contract's fields first, then the extras worth reading (a call's
 * outcome and metrics, a transaction's links and anomalies), written by hand
 * straight into bytes (json-bytes.ts) because a 200k-call capture has a
 * million of these. `transactionJson` & co. give the same text as strings.
 */
import type { CallRecord, DialogRecord, TransactionRecord } from '../correlate/model.js';
import { type JsonBytes, renderJson } from './json-bytes.js';

/** `[a,b,…]` as `[${a.join(',')}]` writes it. */
function ids(w: JsonBytes, a: readonly number[]): void {
  w.ascii('[');
  for (let i = 0; i < a.length; i++) {
    if (i > 0) w.ascii(',');
    w.plain(a[i]);
  }
  w.ascii(']');
}

function strs(w: JsonBytes, a: readonly string[]): void {
  w.ascii('[');
  for (let i = 0; i < a.length; i++) {
    if (i > 0) w.ascii(',');
    w.str(a[i]);
  }
  w.ascii(']');
}

export function writeTransaction(w: JsonBytes, t: TransactionRecord): void {
  w.ascii('{"id":');
  w.plain(t.id);
  w.ascii(',"kind":"');
  w.ascii(t.kind);
  w.ascii('","method":');
  w.str(t.method);
  w.ascii(',"branch":');
  w.strOrNull(t.branch);
  w.ascii(',"state":"');
  w.ascii(t.state);
  w.ascii('","messages":');
  ids(w, t.messages);
  w.ascii(',"finalStatus":');
  w.num(t.finalStatus);
  w.ascii(',"sentBy":');
  w.str(t.sentBy);
  w.ascii(',"callId":');
  w.str(t.callId);
  w.ascii(',"cseq":');
  w.num(t.cseq);
  w.ascii(',"retransmissions":');
  w.plain(t.retransmissions);
  w.ascii(',"timedOut":');
  w.bool(t.timedOut);
  if (t.rfc2543) w.ascii(',"rfc2543":true');
  if (t.upstream !== undefined) {
    w.ascii(',"upstream":');
    w.plain(t.upstream);
  }
  if (t.cancels !== undefined) {
    w.ascii(',"cancels":');
    w.plain(t.cancels);
  }
  if (t.acks !== undefined) {
    w.ascii(',"acks":');
    w.plain(t.acks);
  }
  if (t.anomalies.length) {
    w.ascii(',"anomalies":');
    strs(w, t.anomalies);
  }
  w.ascii('}');
}

export function writeDialog(w: JsonBytes, d: DialogRecord): void {
  w.ascii('{"id":');
  w.plain(d.id);
  w.ascii(',"callId":');
  w.str(d.callId);
  w.ascii(',"tags":');
  strs(w, d.tags);
  w.ascii(',"state":"');
  w.ascii(d.state);
  w.ascii('","messages":');
  ids(w, d.messages);
  w.ascii(',"kind":"');
  w.ascii(d.kind);
  w.ascii('","createdBy":');
  w.plain(d.createdBy);
  w.ascii(',"start":');
  w.num(d.start);
  w.ascii(',"end":');
  w.num(d.end);
  w.ascii(',"endReason":');
  w.strOrNull(d.endReason);
  w.ascii('}');
}

export function writeCall(w: JsonBytes, c: CallRecord): void {
  w.ascii('{"id":');
  w.plain(c.id);
  w.ascii(',"callIds":');
  strs(w, c.callIds);
  w.ascii(',"from":');
  w.strOrNull(c.from);
  w.ascii(',"to":');
  w.strOrNull(c.to);
  w.ascii(',"start":');
  w.num(c.start);
  w.ascii(',"end":');
  w.num(c.end);
  w.ascii(',"state":"');
  w.ascii(c.state);
  w.ascii('","setupMs":');
  w.num(c.setupMs);
  w.ascii(',"durationMs":');
  w.num(c.durationMs);
  w.ascii(',"dialogs":');
  ids(w, c.dialogs);
  w.ascii(',"messages":');
  ids(w, c.messages);
  w.ascii(',"links":[');
  for (let i = 0; i < c.links.length; i++) {
    const l = c.links[i];
    w.ascii(i > 0 ? ',{"callId":' : '{"callId":');
    w.str(l.callId);
    w.ascii(',"evidence":');
    w.str(l.evidence);
    w.ascii('}');
  }
  w.ascii('],"kind":"');
  w.ascii(c.kind);
  w.ascii('","finalStatus":');
  w.num(c.finalStatus);
  w.ascii(',"reason":');
  w.strOrNull(c.reason);
  w.ascii(',"pddMs":');
  w.num(c.pddMs);
  w.ascii(',"hangupBy":');
  if (c.hangupBy === null) w.ascii('null');
  else {
    w.ascii('"');
    w.ascii(c.hangupBy);
    w.ascii('"');
  }
  w.ascii(',"retransmissions":');
  w.plain(c.retransmissions);
  w.ascii(',"transactions":');
  ids(w, c.transactions);
  w.ascii(',"endpoints":[');
  for (let i = 0; i < c.endpoints.length; i++) {
    const e = c.endpoints[i];
    w.ascii(i > 0 ? ',{"addr":' : '{"addr":');
    w.str(e.addr);
    w.ascii(',"label":');
    w.strOrNull(e.label);
    w.ascii('}');
  }
  w.ascii(']}');
}

export const transactionJson = (t: TransactionRecord): string => renderJson(t, writeTransaction);
export const dialogJson = (d: DialogRecord): string => renderJson(d, writeDialog);
export const callJson = (c: CallRecord): string => renderJson(c, writeCall);
