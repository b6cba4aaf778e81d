/**
 * The transaction, dialog and call records of real analyses, as the JSON
 * contract shows them: the contract's fields first and in order, then the
 * extras, every value the record's own (strings escaped, null for absent
 * numbers), valid JSON.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { callJson, dialogJson, transactionJson } from '../../src/report/model-json.js';

const samples = new URL('../../samples/', import.meta.url).pathname;
const files = readdirSync(samples).filter((f) => /\.(pcap|pcapng)$/.test(f));
const fin = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? null : n;

describe('model records as JSON', () => {
  it.each(files)(
    '%s: transactions, dialogs and calls carry their record values in contract order',
    async (f) => {
      const r = await analyzeCapture(samples + f);
      expect(r.transactions.length).toBeGreaterThan(0);
      for (const t of r.transactions) {
        expect(JSON.parse(transactionJson(t))).toStrictEqual({
          id: t.id,
          kind: t.kind,
          method: t.method,
          branch: t.branch,
          state: t.state,
          messages: t.messages,
          finalStatus: t.finalStatus,
          sentBy: t.sentBy,
          callId: t.callId,
          cseq: fin(t.cseq),
          retransmissions: t.retransmissions,
          timedOut: t.timedOut,
          ...(t.rfc2543 ? { rfc2543: true } : {}),
          ...(t.upstream !== undefined ? { upstream: t.upstream } : {}),
          ...(t.cancels !== undefined ? { cancels: t.cancels } : {}),
          ...(t.acks !== undefined ? { acks: t.acks } : {}),
          ...(t.anomalies.length ? { anomalies: t.anomalies } : {}),
        });
        expect(Object.keys(JSON.parse(transactionJson(t))).slice(0, 7)).toEqual([
          'id',
          'kind',
          'method',
          'branch',
          'state',
          'messages',
          'finalStatus',
        ]);
      }
      for (const d of r.dialogs) {
        expect(JSON.parse(dialogJson(d))).toStrictEqual({
          id: d.id,
          callId: d.callId,
          tags: d.tags,
          state: d.state,
          messages: d.messages,
          kind: d.kind,
          createdBy: d.createdBy,
          start: fin(d.start),
          end: fin(d.end),
          endReason: d.endReason,
        });
      }
      for (const c of r.calls) {
        const doc = JSON.parse(callJson(c));
        expect(doc).toStrictEqual({
          id: c.id,
          callIds: c.callIds,
          from: c.from,
          to: c.to,
          start: fin(c.start),
          end: fin(c.end),
          state: c.state,
          setupMs: fin(c.setupMs),
          durationMs: fin(c.durationMs),
          dialogs: c.dialogs,
          messages: c.messages,
          links: c.links.map((l) => ({ callId: l.callId, evidence: l.evidence })),
          kind: c.kind,
          finalStatus: fin(c.finalStatus),
          reason: c.reason,
          pddMs: fin(c.pddMs),
          hangupBy: c.hangupBy,
          retransmissions: c.retransmissions,
          transactions: c.transactions,
          endpoints: c.endpoints.map((e) => ({ addr: e.addr, label: e.label })),
          related: c.related.map((x) => ({
            call: x.call,
            relation: x.relation,
            evidence: x.evidence,
            message: x.message,
          })),
        });
        expect(Object.keys(doc).slice(0, 12)).toEqual([
          'id',
          'callIds',
          'from',
          'to',
          'start',
          'end',
          'state',
          'setupMs',
          'durationMs',
          'dialogs',
          'messages',
          'links',
        ]);
      }
    },
  );

  it('escapes attacker-controlled text in records', () => {
    const d = {
      id: 0,
      callId: 'a"b\\c\u0001</script>',
      tags: ['t"1', 'caf\u00e9'] as [string, string],
      callerTag: 't"1',
      state: 'early' as const,
      kind: 'invite' as const,
      createdBy: 0,
      messages: [0, 1],
      start: 1.5,
      confirmedAt: null,
      end: null,
      endReason: null,
      idle: false,
      anomalies: [],
    };
    const doc = JSON.parse(dialogJson(d));
    expect(doc.callId).toBe(d.callId);
    expect(doc.tags).toEqual(['t"1', 'caf\ufffd']);
  });
});
