/**
 * The column store of message records gives back exactly the records of the
 * JSON contract, and its JSON is what the record serializer writes.
 */
import { describe, expect, it } from 'vitest';
import { messageRecordJson } from '../../src/report/message-json.js';
import { MessageTable } from '../../src/report/message-table.js';
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
});
