import { describe, expect, it } from 'vitest';
import { EventBatcher } from '../../server/event-batcher.js';
import type { CallRow, MessageRow } from '../../src/store/rows.js';

const call = (id: number, state: string) => ({ id, state }) as unknown as CallRow;
const message = (id: number) => ({ id }) as unknown as MessageRow;

describe('socket.io event batching', () => {
  it('coalesces progress and call updates per capture: the latest wins, sent on flush', () => {
    const sent: Array<[string, unknown]> = [];
    const b = new EventBatcher((e, p) => sent.push([e, p]));
    b.progress('c1', 0.1);
    b.progress('c1', 0.4);
    b.callUpdate('c1', call(3, 'ringing'));
    b.callUpdate('c1', call(3, 'in-call'));
    b.callUpdate('c1', call(4, 'setup'));
    expect(sent).toEqual([]);
    b.flush();
    expect(sent).toEqual([
      ['capture:progress', { id: 'c1', progress: 0.4 }],
      ['call:update', { captureId: 'c1', call: call(3, 'in-call') }],
      ['call:update', { captureId: 'c1', call: call(4, 'setup') }],
    ]);
    b.close();
  });

  it('sends what is pending for a capture before its lifecycle event, and nothing of other captures', () => {
    const sent: string[] = [];
    const b = new EventBatcher((e, p) => sent.push(`${e} ${JSON.stringify(p)}`));
    b.progress('c1', 0.9);
    b.progress('c2', 0.5);
    b.now('c1', 'capture:ready', { id: 'c1' });
    expect(sent).toEqual(['capture:progress {"id":"c1","progress":0.9}', 'capture:ready {"id":"c1"}']);
    b.close();
    expect(sent.at(-1)).toBe('capture:progress {"id":"c2","progress":0.5}');
  });

  it('keeps at most the bound of new messages per capture and interval, counting the drops', () => {
    const sent: string[] = [];
    const b = new EventBatcher((e) => sent.push(e), { maxMessagesPerInterval: 3 });
    for (let i = 0; i < 10; i++) b.messageNew('c1', message(i));
    b.flush();
    expect(sent).toEqual(['message:new', 'message:new', 'message:new']);
    expect(b.dropped).toBe(7);
    expect(b.sent).toBe(3);
    b.close();
  });
});
