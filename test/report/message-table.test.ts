/**
 * The column store of message records gives back exactly the records of the
 * JSON contract, and its JSON is what the record serializer writes.
 */
import { describe, expect, it } from 'vitest';
import { JsonText } from '../../src/report/json-bytes.js';
import { messageRecordJson } from '../../src/report/message-json.js';
import { MessageTable } from '../../src/report/message-table.js';
import { transferListOf } from '../../src/report/message-table-state.js';
import { basicCall, forkedInvite } from '../fixtures/flows/index.js';

describe('MessageTable', () => {
  it('stores each message of a flow and gives back its record and JSON', () => {
    const t = new MessageTable();
    const flow = [...basicCall(), ...forkedInvite()];
    for (const m of flow) t.add(m);
    expect(t.length).toBe(flow.length);
    t.setCorrelation(0, 4, null, 2, true);
    const r = t.get(0);
    expect(r).toMatchObject({
      id: 0,
      method: 'INVITE',
      callId: 'basic-1@10.0.0.1',
      cseq: 1,
      cseqMethod: 'INVITE',
      fromTag: 'a1',
      toTag: null,
      transaction: 4,
      dialog: null,
      call: 2,
      retransmission: true,
      malformed: false,
    });
    expect(t.get(3)).toMatchObject({ status: 200, reason: 'OK', toTag: 'b1', method: undefined });
    for (let i = 0; i < t.length; i++) {
      expect(t.json(i)).toBe(messageRecordJson(t.get(i)));
      expect(JSON.parse(t.json(i)).src).toBe(t.get(i).src);
    }
  });

  it('writes the same records whether their address/method combination is cached or not, over many combinations', () => {
    const t = new MessageTable();
    const flow = [...basicCall(), ...forkedInvite()];
    // Ports and addresses enough to fill and overwrite the combination cache's slots, each combination repeated.
    for (let k = 0; k < 600; k++) {
      for (const m of flow) {
        if (m.source) {
          const { src, dst } = m.source;
          m.source = {
            ...m.source,
            src: { ...src, port: 5060 + (k % 300) },
            dst: { ...dst, ip: `10.1.${k % 7}.2` },
          };
        }
        t.add(m);
      }
    }
    const w = new JsonText();
    t.writeJsonArray(w);
    const lines = w.take().split('\n');
    expect(lines.length).toBe(t.length + 2);
    for (let i = 0; i < t.length; i++) {
      const want = messageRecordJson(t.get(i));
      expect(t.json(i)).toBe(want);
      expect(lines[i + 1]).toBe(i + 1 < t.length ? `${want},` : want);
    }
  });

  it('keeps the frames of a message carried by several (fragments, segments)', () => {
    const t = new MessageTable();
    const m = basicCall()[0];
    if (m.source) m.source = { ...m.source, frame: 7, frames: [5, 7] };
    t.add(m);
    expect(t.get(0).frames).toEqual([5, 7]);
    expect(JSON.parse(t.json(0)).frames).toEqual([5, 7]);
    expect(() => t.get(1)).toThrow(RangeError);
  });

  it('keeps attacker-controlled Call-ID, tag and branch text exactly and escapes it in JSON', () => {
    const t = new MessageTable();
    const callId = 'q"b\\s\u0001@h\u00c3\u00a9';
    for (const m of basicCall({ callId })) t.add(m);
    expect(t.get(0).callId).toBe(callId);
    expect(JSON.parse(t.json(0)).callId).toBe('q"b\\s\u0001@h\u00e9');
    expect(t.json(3)).toBe(messageRecordJson(t.get(3)));
  });

  it('keeps header text that is not latin1 (messages not made by the parser)', () => {
    const t = new MessageTable();
    const m = basicCall()[0];
    const headers = m.headers.map((h) => (h.key === 'call-id' ? { ...h, value: 'call\u260e@x' } : h));
    t.add({ ...m, headers });
    t.add(basicCall()[1]);
    expect(t.get(0).callId).toBe('call\u260e@x');
    expect(JSON.parse(t.json(0)).callId).toBe('call\u260e@x');
    expect(t.get(1).callId).toBe('basic-1@10.0.0.1');
  });

  it('moves its content out (exportState) and back (fromState), through a transfer to another thread', () => {
    const t = new MessageTable();
    const flow = [...basicCall({ callId: 'q"b\\s\u0001@h\u00c3\u00a9' }), ...forkedInvite()];
    for (const m of flow) t.add(m);
    const wide = basicCall()[1];
    t.add({
      ...wide,
      headers: wide.headers.map((h) => (h.key === 'call-id' ? { ...h, value: 'call\u260e@x' } : h)),
    });
    const frag = basicCall()[2];
    t.add({ ...frag, source: { ...frag.source!, frame: 9, frames: [8, 9] } });
    t.setCorrelation(1, 3, 2, 1, true);
    const n = t.length;
    const records = Array.from({ length: n }, (_, i) => t.get(i));
    const before = new JsonText();
    t.writeJsonArray(before);

    const state = t.exportState();
    expect(t.length).toBe(0);
    expect(() => t.get(0)).toThrow(RangeError);
    // As postMessage does it: the arrays moved, the rest cloned.
    const moved = structuredClone(state, { transfer: transferListOf(state) });
    expect(state.columns.frame.length).toBe(0);
    const back = MessageTable.fromState(moved);
    expect(back.length).toBe(n);
    expect(Array.from({ length: n }, (_, i) => back.get(i))).toEqual(records);
    const after = new JsonText();
    back.writeJsonArray(after);
    expect(after.take()).toBe(before.take());
    // The rebuilt table goes on growing as the original would.
    back.add(basicCall()[0]);
    expect(back.get(n)).toMatchObject({ id: n, src: '10.0.0.1:5060', callId: 'basic-1@10.0.0.1' });
  });

  it('writes the messages array of the JSON contract: one record per line, [] when empty', () => {
    const empty = new JsonText();
    new MessageTable().writeJsonArray(empty);
    expect(empty.take()).toBe('[]');
    const t = new MessageTable();
    for (const m of basicCall()) t.add(m);
    const w = new JsonText();
    t.writeJsonArray(w);
    const text = w.take();
    expect(text.split('\n')).toEqual([
      '[',
      ...Array.from({ length: 7 }, (_, i) => t.json(i) + (i < 6 ? ',' : '')),
      ']',
    ]);
  });
});
