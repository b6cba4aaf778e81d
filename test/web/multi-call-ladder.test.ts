/**
 * Calls marked together in the call list, drawn on one ladder
 * (related-merge.ts withRelated + legNamesOfCalls): independent calls of
 * sipp-10-calls.pcap, and the B2BUA legs of b2bua-legs-x-cid.pcap (a call
 * with a linked leg of its own) drawn with another call.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import { legNamesOfCalls, withRelated } from '../../web/src/ladder/related-merge.js';
import { contractOfFile, detailOf } from './contract.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

describe('calls marked together, on one ladder', () => {
  it('draws the union of three independent calls, in time order, each call a leg named "call N"', async () => {
    const doc = await contractOfFile(sample('sipp-10-calls.pcap'));
    expect(doc.calls.length).toBe(10);
    const [main, a, b] = [2, 5, 8].map((id) => detailOf(doc, id));
    const merged = withRelated(main, [a, b]);
    const union = [main, a, b].flatMap((d) => d.messages.map((m) => m.id)).sort((x, y) => x - y);
    expect(merged.messages.map((m) => m.id)).toEqual(union);
    // The summary's call stays the main call.
    expect(merged.call.id).toBe(2);
    const layout = layoutLadder(merged.call, merged.messages, merged.findings);
    expect(layout.arrows.map((x) => x.messageId)).toEqual(
      [...merged.messages].sort((x, y) => x.ts - y.ts || x.id - y.id).map((m) => m.id),
    );
    expect(layout.legs.map((g) => g.callId)).toEqual([main, a, b].map((d) => d.call.callIds[0]));
    const names = legNamesOfCalls(layout.legs, [main.call, a.call, b.call]);
    expect(names).toEqual([
      `leg 1: ${main.call.callIds[0]} (call 2)`,
      `leg 2: ${a.call.callIds[0]} (call 5)`,
      `leg 3: ${b.call.callIds[0]} (call 8)`,
    ]);
    // Without the call-list names, withRelated's own wording for an unrelated call.
    expect(layout.legs[1].name).toBe(`leg 2: ${a.call.callIds[0]} (linked by call 5)`);
  });

  it("keeps a call's own linked leg named by the header that linked it", async () => {
    const doc = await contractOfFile(sample('b2bua-legs-x-cid.pcap'));
    const own = doc.calls.find((c) => c.callIds.length === 2)!;
    expect(own.links.length).toBe(1);
    const other = { id: 41, callIds: ['elsewhere@host'], links: [] };
    const legs = [...own.callIds, 'elsewhere@host', 'nobody@host'].map((callId, index) => ({
      index,
      callId,
      evidence: null,
      name: `layout's ${index}`,
    }));
    expect(legNamesOfCalls(legs, [own, other])).toEqual([
      `leg 1: ${own.callIds[0]} (call ${own.id})`,
      `leg 2: ${own.callIds[1]} (call ${own.id}, linked by ${own.links[0].evidence})`,
      'leg 3: elsewhere@host (call 41)',
      "layout's 3",
    ]);
  });
});
