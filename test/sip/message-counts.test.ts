import { describe, expect, it } from 'vitest';
import { MessageCounts } from '../../src/sip/message-counts.js';

describe('MessageCounts (requests by method, responses by status)', () => {
  it('counts methods in the order first seen and statuses ascending, as the stats show them', () => {
    const c = new MessageCounts();
    for (const m of ['INVITE', 'ACK', 'BYE', 'INVITE', 'OPTIONS']) c.request(m);
    for (const s of [200, 100, 180, 200, 487]) c.response(s);
    expect(JSON.stringify(c.requests())).toBe('{"INVITE":2,"ACK":1,"BYE":1,"OPTIONS":1}');
    expect(JSON.stringify(c.responses())).toBe('{"100":1,"180":1,"200":2,"487":1}');
  });

  it('counts extension methods named like Object.prototype members as any other token (RFC 3261 §25.1)', () => {
    const c = new MessageCounts();
    for (const m of ['toString', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) c.request(m);
    const r = c.requests();
    expect(JSON.stringify(r)).toBe('{"toString":2,"constructor":1,"__proto__":1,"hasOwnProperty":1}');
    expect(Object.keys(r)).toEqual(['toString', 'constructor', '__proto__', 'hasOwnProperty']);
    expect(r.toString).toBe(2);
  });

  it('gives empty records when nothing was counted', () => {
    const c = new MessageCounts();
    expect(JSON.stringify(c.requests())).toBe('{}');
    expect(JSON.stringify(c.responses())).toBe('{}');
  });
});
