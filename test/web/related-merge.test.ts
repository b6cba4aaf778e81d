/**
 * A call drawn with its related calls (web/src/ladder/related-merge.ts): the
 * transfer with consultation of RFC 5589 (sample attended-transfer.pcap) on
 * one ladder, each call's Call-ID a leg named by how it relates.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import { withRelated } from '../../web/src/ladder/related-merge.js';
import { contractOfFile, detailOf } from './contract.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

describe('a call with its related calls', () => {
  it('draws the three calls of a transfer with consultation on one ladder, a leg each, named by relation', async () => {
    const doc = await contractOfFile(sample('attended-transfer.pcap'));
    const [first, consult, transferred] = [0, 1, 2].map((id) => detailOf(doc, id));
    expect(transferred.call.related?.map((r) => [r.call, r.relation])).toEqual([
      [1, 'replaces'],
      [0, 'transferred-from'],
    ]);
    const before = JSON.stringify(transferred);
    const merged = withRelated(transferred, [first, consult]);
    expect(JSON.stringify(transferred)).toBe(before);
    expect(merged.messages.map((m) => m.id)).toEqual(doc.messages.map((m) => m.id));
    expect(merged.call.callIds).toEqual(['att-3@10.0.0.1', 'att-1@10.0.0.1', 'att-2@10.0.0.2']);
    expect(merged.call.links).toEqual([
      { callId: 'att-1@10.0.0.1', evidence: 'call 0, the call transferred' },
      { callId: 'att-2@10.0.0.2', evidence: 'call 1, which this call replaces' },
    ]);
    expect(merged.transactions.length).toBe(doc.transactions.length);
    const layout = layoutLadder(merged.call, merged.messages, merged.findings);
    expect(layout.legs.map((l) => l.callId)).toEqual(merged.call.callIds);
    expect(layout.arrows).toHaveLength(doc.messages.length);
    // Each arrow on the leg of its own call's Call-ID.
    const callIdOf = new Map(doc.messages.map((m) => [m.id, m.callId]));
    for (const a of layout.arrows) expect(layout.legs[a.leg].callId).toBe(callIdOf.get(a.messageId));
    // The summary's call stays the call itself; the other side names it back.
    expect(merged.call.id).toBe(2);
    expect(withRelated(first, [transferred]).call.links).toEqual([
      { callId: 'att-3@10.0.0.1', evidence: "call 2, the transfer's new call" },
    ]);
  });

  it('with no related call fetched, is the call as it was', async () => {
    const doc = await contractOfFile(sample('refer-transfer.pcap'));
    const own = detailOf(doc, 0);
    expect(withRelated(own, [])).toEqual(own);
    expect(withRelated(own, [own])).toEqual(own);
  });
});
