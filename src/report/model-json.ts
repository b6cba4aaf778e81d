/**
 * The transaction, dialog and call records as the JSON contract shows them:
 * the contract's fields first, then the extras worth reading (a call's
 * outcome and metrics, a transaction's links and anomalies), written by hand
 * straight into bytes (json-bytes.ts) because a 200k-call capture has a
 * million of these. `transactionJson` & co. give the same text as strings.
 */
import type { CallRecord, DialogRecord, TransactionRecord } from '../correlate/model.js';
import { type JsonBytes, renderJson, utf8Of } from './json-bytes.js';

/** The records' constant pieces, as bytes (copied in by `raw`, cheaper than `ascii` of the string). */
const K_ID = utf8Of('{"id":');
const K_BRANCH = utf8Of(',"branch":');
const K_FINAL_STATUS = utf8Of(',"finalStatus":');
const K_SENT_BY = utf8Of(',"sentBy":');
const K_CALL_ID = utf8Of(',"callId":');
const K_CSEQ = utf8Of(',"cseq":');
const K_RETRANSMISSIONS = utf8Of(',"retransmissions":');
const K_RFC2543 = utf8Of(',"rfc2543":true');
const K_UPSTREAM = utf8Of(',"upstream":');
const K_CANCELS = utf8Of(',"cancels":');
const K_ACKS = utf8Of(',"acks":');
const K_ANOMALIES = utf8Of(',"anomalies":');
const K_TAGS = utf8Of(',"tags":');
const K_START = utf8Of(',"start":');
const K_END = utf8Of(',"end":');
const K_END_REASON = utf8Of(',"endReason":');
const K_CALL_IDS = utf8Of(',"callIds":');
const K_FROM = utf8Of(',"from":');
const K_TO = utf8Of(',"to":');
const K_DURATION_MS = utf8Of(',"durationMs":');
const K_DIALOGS = utf8Of(',"dialogs":');
const K_MESSAGES = utf8Of(',"messages":');
const K_LINKS = utf8Of(',"links":[');
const K_EVIDENCE = utf8Of(',"evidence":');
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
const OPEN = 0x5b;
const COMMA = 0x2c;
const CLOSE = 0x5d;
const END_OBJECT = 0x7d;
const QUOTE = 0x22;

/**
 * The bytes of `before + value + after` for the few values of an enumerated
 * field (a kind, a state), made on first use: one piece instead of three.
 */
class EnumPieces {
  private readonly made = new Map<string, Uint8Array>();

  constructor(
    private readonly before: string,
    private readonly after: string,
  ) {}

  of(value: string): Uint8Array {
    let b = this.made.get(value);
    if (b === undefined) {
      // Values come from the model's own constants (ASCII identifiers), never from the capture.
      b = utf8Of(this.before + value + this.after);
      this.made.set(value, b);
    }
    return b;
  }
}

const TX_KIND = new EnumPieces(',"kind":"', '","method":');
const TX_STATE = new EnumPieces(',"state":"', '","messages":');
const DIALOG_STATE = new EnumPieces(',"state":"', '","messages":');
const DIALOG_KIND = new EnumPieces(',"kind":"', '","createdBy":');
const CALL_STATE = new EnumPieces(',"state":"', '","setupMs":');
const CALL_KIND = new EnumPieces('],"kind":"', '","finalStatus":');
const K_TIMED_OUT_TRUE = utf8Of(',"timedOut":true');
const K_TIMED_OUT_FALSE = utf8Of(',"timedOut":false');

function strs(w: JsonBytes, a: readonly string[]): void {
  w.byte(OPEN);
  for (let i = 0; i < a.length; i++) {
    if (i > 0) w.byte(COMMA);
    w.str(a[i]);
  }
  w.byte(CLOSE);
}

export function writeTransaction(w: JsonBytes, t: TransactionRecord): void {
  w.keyUint(K_ID, t.id);
  w.raw(TX_KIND.of(t.kind));
  w.str(t.method);
  w.raw(K_BRANCH);
  w.strOrNull(t.branch);
  w.raw(TX_STATE.of(t.state));
  w.uints(t.messages);
  w.raw(K_FINAL_STATUS);
  w.num(t.finalStatus);
  w.keyStr(K_SENT_BY, t.sentBy);
  w.keyStr(K_CALL_ID, t.callId);
  w.raw(K_CSEQ);
  w.num(t.cseq);
  w.raw(K_RETRANSMISSIONS);
  w.plain(t.retransmissions);
  w.raw(t.timedOut ? K_TIMED_OUT_TRUE : K_TIMED_OUT_FALSE);
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
  w.keyUint(K_ID, d.id);
  w.keyStr(K_CALL_ID, d.callId);
  w.raw(K_TAGS);
  strs(w, d.tags);
  w.raw(DIALOG_STATE.of(d.state));
  w.uints(d.messages);
  w.raw(DIALOG_KIND.of(d.kind));
  w.plain(d.createdBy);
  w.raw(K_START);
  w.num(d.start);
  w.raw(K_END);
  w.num(d.end);
  w.raw(K_END_REASON);
  w.strOrNull(d.endReason);
  w.byte(END_OBJECT);
}

export function writeCall(w: JsonBytes, c: CallRecord): void {
  w.keyUint(K_ID, c.id);
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
  w.raw(CALL_STATE.of(c.state));
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
  w.raw(CALL_KIND.of(c.kind));
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
  w.raw(K_END_LIST_OBJECT);
}

export const transactionJson = (t: TransactionRecord): string => renderJson(t, writeTransaction);
export const dialogJson = (d: DialogRecord): string => renderJson(d, writeDialog);
export const callJson = (c: CallRecord): string => renderJson(c, writeCall);
