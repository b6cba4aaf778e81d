/**
 * The transaction, dialog and call records as the JSON contract shows them:
 * the contract's fields first, then the extras worth reading (a call's
 * outcome and metrics, a transaction's links and anomalies), written by hand
 * straight into bytes (json-bytes.ts) because a 200k-call capture has a
 * million of these. `transactionJson` & co. give the same text as strings.
 */
import type { CallRecord, DialogRecord, TransactionRecord } from '../correlate/model.js';
import type { CallDtmf } from './call-dtmf.js';
import { type JsonBytes, renderJson, utf8Of } from './json-bytes.js';

/** The records' constant pieces, as bytes (copied in by `raw`, cheaper than `ascii` of the string). */
const K_ID = utf8Of('{"id":');
const K_KIND = utf8Of(',"kind":"');
const K_METHOD_AFTER_STR = utf8Of('","method":');
const K_BRANCH = utf8Of(',"branch":');
const K_STATE = utf8Of(',"state":"');
const K_MESSAGES_AFTER_STR = utf8Of('","messages":');
const K_FINAL_STATUS = utf8Of(',"finalStatus":');
const K_SENT_BY = utf8Of(',"sentBy":');
const K_CALL_ID = utf8Of(',"callId":');
const K_CSEQ = utf8Of(',"cseq":');
const K_RETRANSMISSIONS = utf8Of(',"retransmissions":');
const K_TIMED_OUT = utf8Of(',"timedOut":');
const K_RFC2543 = utf8Of(',"rfc2543":true');
const K_UPSTREAM = utf8Of(',"upstream":');
const K_CANCELS = utf8Of(',"cancels":');
const K_ACKS = utf8Of(',"acks":');
const K_ANOMALIES = utf8Of(',"anomalies":');
const K_TAGS = utf8Of(',"tags":');
const K_CREATED_BY_AFTER_STR = utf8Of('","createdBy":');
const K_START = utf8Of(',"start":');
const K_END = utf8Of(',"end":');
const K_END_REASON = utf8Of(',"endReason":');
const K_CALL_IDS = utf8Of(',"callIds":');
const K_FROM = utf8Of(',"from":');
const K_TO = utf8Of(',"to":');
const K_SETUP_MS_AFTER_STR = utf8Of('","setupMs":');
const K_DURATION_MS = utf8Of(',"durationMs":');
const K_DIALOGS = utf8Of(',"dialogs":');
const K_MESSAGES = utf8Of(',"messages":');
const K_LINKS = utf8Of(',"links":[');
const K_EVIDENCE = utf8Of(',"evidence":');
const K_KIND_AFTER_LIST = utf8Of('],"kind":"');
const K_FINAL_STATUS_AFTER_STR = utf8Of('","finalStatus":');
const K_REASON = utf8Of(',"reason":');
const K_PDD_MS = utf8Of(',"pddMs":');
const K_HANGUP_BY = utf8Of(',"hangupBy":');
const NULL = utf8Of('null');
const K_TRANSACTIONS = utf8Of(',"transactions":');
const K_ENDPOINTS = utf8Of(',"endpoints":[');
const K_LABEL = utf8Of(',"label":');
const K_END_LIST_OBJECT = utf8Of(']}');
const K_LINK = utf8Of('{"callId":');
const K_ENDPOINT = utf8Of('{"addr":');
const K_RELATED = utf8Of('],"related":[');
const K_RELATED_CALL = utf8Of('{"call":');
const K_RELATION = utf8Of(',"relation":"');
const K_EVIDENCE_AFTER_STR = utf8Of('","evidence":"');
const K_MESSAGE_AFTER_STR = utf8Of('","message":');
const K_DTMF_AFTER_LIST = utf8Of('],"dtmf":');
const OPEN = 0x5b;
const COMMA = 0x2c;
const CLOSE = 0x5d;
const END_OBJECT = 0x7d;
const QUOTE = 0x22;

function strs(w: JsonBytes, a: readonly string[]): void {
  w.byte(OPEN);
  for (let i = 0; i < a.length; i++) {
    if (i > 0) w.byte(COMMA);
    w.str(a[i]);
  }
  w.byte(CLOSE);
}

export function writeTransaction(w: JsonBytes, t: TransactionRecord): void {
  w.raw(K_ID);
  w.plain(t.id);
  w.raw(K_KIND);
  w.ascii(t.kind);
  w.raw(K_METHOD_AFTER_STR);
  w.str(t.method);
  w.raw(K_BRANCH);
  w.strOrNull(t.branch);
  w.raw(K_STATE);
  w.ascii(t.state);
  w.raw(K_MESSAGES_AFTER_STR);
  w.uints(t.messages);
  w.raw(K_FINAL_STATUS);
  w.num(t.finalStatus);
  w.raw(K_SENT_BY);
  w.str(t.sentBy);
  w.raw(K_CALL_ID);
  w.str(t.callId);
  w.raw(K_CSEQ);
  w.num(t.cseq);
  w.raw(K_RETRANSMISSIONS);
  w.plain(t.retransmissions);
  w.raw(K_TIMED_OUT);
  w.bool(t.timedOut);
  if (t.rfc2543) w.raw(K_RFC2543);
  if (t.upstream !== undefined) {
    w.raw(K_UPSTREAM);
    w.plain(t.upstream);
  }
  if (t.cancels !== undefined) {
    w.raw(K_CANCELS);
    w.plain(t.cancels);
  }
  if (t.acks !== undefined) {
    w.raw(K_ACKS);
    w.plain(t.acks);
  }
  if (t.anomalies.length) {
    w.raw(K_ANOMALIES);
    strs(w, t.anomalies);
  }
  w.byte(END_OBJECT);
}

export function writeDialog(w: JsonBytes, d: DialogRecord): void {
  w.raw(K_ID);
  w.plain(d.id);
  w.raw(K_CALL_ID);
  w.str(d.callId);
  w.raw(K_TAGS);
  strs(w, d.tags);
  w.raw(K_STATE);
  w.ascii(d.state);
  w.raw(K_MESSAGES_AFTER_STR);
  w.uints(d.messages);
  w.raw(K_KIND);
  w.ascii(d.kind);
  w.raw(K_CREATED_BY_AFTER_STR);
  w.plain(d.createdBy);
  w.raw(K_START);
  w.num(d.start);
  w.raw(K_END);
  w.num(d.end);
  w.raw(K_END_REASON);
  w.strOrNull(d.endReason);
  w.byte(END_OBJECT);
}

/** `dtmf`: the call's digits (call-dtmf.ts), written as `dtmf` when there are any. */
export function writeCall(w: JsonBytes, c: CallRecord, dtmf?: readonly CallDtmf[]): void {
  w.raw(K_ID);
  w.plain(c.id);
  w.raw(K_CALL_IDS);
  strs(w, c.callIds);
  w.raw(K_FROM);
  w.strOrNull(c.from);
  w.raw(K_TO);
  w.strOrNull(c.to);
  w.raw(K_START);
  w.num(c.start);
  w.raw(K_END);
  w.num(c.end);
  w.raw(K_STATE);
  w.ascii(c.state);
  w.raw(K_SETUP_MS_AFTER_STR);
  w.num(c.setupMs);
  w.raw(K_DURATION_MS);
  w.num(c.durationMs);
  w.raw(K_DIALOGS);
  w.uints(c.dialogs);
  w.raw(K_MESSAGES);
  w.uints(c.messages);
  w.raw(K_LINKS);
  for (let i = 0; i < c.links.length; i++) {
    const l = c.links[i];
    if (i > 0) w.byte(COMMA);
    w.raw(K_LINK);
    w.str(l.callId);
    w.raw(K_EVIDENCE);
    w.str(l.evidence);
    w.byte(END_OBJECT);
  }
  w.raw(K_KIND_AFTER_LIST);
  w.ascii(c.kind);
  w.raw(K_FINAL_STATUS_AFTER_STR);
  w.num(c.finalStatus);
  w.raw(K_REASON);
  w.strOrNull(c.reason);
  w.raw(K_PDD_MS);
  w.num(c.pddMs);
  w.raw(K_HANGUP_BY);
  if (c.hangupBy === null) w.raw(NULL);
  else {
    w.byte(QUOTE);
    w.ascii(c.hangupBy);
    w.byte(QUOTE);
  }
  w.raw(K_RETRANSMISSIONS);
  w.plain(c.retransmissions);
  w.raw(K_TRANSACTIONS);
  w.uints(c.transactions);
  w.raw(K_ENDPOINTS);
  for (let i = 0; i < c.endpoints.length; i++) {
    const e = c.endpoints[i];
    if (i > 0) w.byte(COMMA);
    w.raw(K_ENDPOINT);
    w.str(e.addr);
    w.raw(K_LABEL);
    w.strOrNull(e.label);
    w.byte(END_OBJECT);
  }
  w.raw(K_RELATED);
  for (let i = 0; i < c.related.length; i++) {
    const r = c.related[i];
    if (i > 0) w.byte(COMMA);
    w.raw(K_RELATED_CALL);
    w.plain(r.call);
    w.raw(K_RELATION);
    w.ascii(r.relation);
    w.raw(K_EVIDENCE_AFTER_STR);
    w.ascii(r.evidence);
    w.raw(K_MESSAGE_AFTER_STR);
    w.plain(r.message);
    w.byte(END_OBJECT);
  }
  if (dtmf === undefined || dtmf.length === 0) w.raw(K_END_LIST_OBJECT);
  else {
    w.raw(K_DTMF_AFTER_LIST);
    w.text(JSON.stringify(dtmf));
    w.byte(END_OBJECT);
  }
}

export const transactionJson = (t: TransactionRecord): string => renderJson(t, writeTransaction);
export const dialogJson = (d: DialogRecord): string => renderJson(d, writeDialog);
export const callJson = (c: CallRecord): string => renderJson(c, writeCall);
