/**
 * The transaction, dialog and call records as the JSON contract shows them:
 * the contract's fields first, then the extras worth reading (a call's
 * outcome and metrics, a transaction's links and anomalies), written by hand
 * because a 200k-call capture has a million of these.
 */
import type { CallRecord, DialogRecord, TransactionRecord } from '../correlate/model.js';
import { jsonString } from './message-json.js';

const str = (s: string | null): string => (s === null ? 'null' : jsonString(s));
const num = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? 'null' : String(n);
const ids = (a: readonly number[]): string => `[${a.join(',')}]`;
const strs = (a: readonly string[]): string => `[${a.map(jsonString).join(',')}]`;

export function transactionJson(t: TransactionRecord): string {
  let s = `{"id":${t.id},"kind":"${t.kind}","method":${jsonString(t.method)},"branch":${str(t.branch)},"state":"${t.state}","messages":${ids(t.messages)},"finalStatus":${num(t.finalStatus)}`;
  s += `,"sentBy":${jsonString(t.sentBy)},"callId":${jsonString(t.callId)},"cseq":${num(t.cseq)},"retransmissions":${t.retransmissions},"timedOut":${t.timedOut}`;
  if (t.rfc2543) s += ',"rfc2543":true';
  if (t.upstream !== undefined) s += `,"upstream":${t.upstream}`;
  if (t.cancels !== undefined) s += `,"cancels":${t.cancels}`;
  if (t.acks !== undefined) s += `,"acks":${t.acks}`;
  if (t.anomalies.length) s += `,"anomalies":${strs(t.anomalies)}`;
  return `${s}}`;
}

export function dialogJson(d: DialogRecord): string {
  return `{"id":${d.id},"callId":${jsonString(d.callId)},"tags":${strs(d.tags)},"state":"${d.state}","messages":${ids(d.messages)},"kind":"${d.kind}","createdBy":${d.createdBy},"start":${num(d.start)},"end":${num(d.end)},"endReason":${str(d.endReason)}}`;
}

export function callJson(c: CallRecord): string {
  const links = c.links.map((l) => `{"callId":${jsonString(l.callId)},"evidence":${jsonString(l.evidence)}}`);
  const endpoints = c.endpoints.map((e) => `{"addr":${jsonString(e.addr)},"label":${str(e.label)}}`);
  let s = `{"id":${c.id},"callIds":${strs(c.callIds)},"from":${str(c.from)},"to":${str(c.to)},"start":${num(c.start)},"end":${num(c.end)},"state":"${c.state}","setupMs":${num(c.setupMs)},"durationMs":${num(c.durationMs)},"dialogs":${ids(c.dialogs)},"messages":${ids(c.messages)},"links":[${links.join(',')}]`;
  s += `,"kind":"${c.kind}","finalStatus":${num(c.finalStatus)},"reason":${str(c.reason)},"pddMs":${num(c.pddMs)},"hangupBy":${c.hangupBy === null ? 'null' : `"${c.hangupBy}"`},"retransmissions":${c.retransmissions},"transactions":${ids(c.transactions)},"endpoints":[${endpoints.join(',')}]}`;
  return s;
}
