/**
 * The inspector's line on what a message is (src/sip/message-guide.ts):
 * every RFC 3261 method and §21 status code has one, with the section that
 * defines it, and an unknown code falls back to its class (RFC 3261 §8.1.3.2).
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import {
  contextNote,
  messageGuide,
  methodGuide,
  relationNote,
  statusGuide,
} from '../../src/sip/message-guide.js';

/** RFC 3261 §21's table of contents: code → subsection, as the RFC numbers them. */
const RFC3261_SECTIONS: Array<[number, string]> = [
  [100, '21.1.1'],
  [180, '21.1.2'],
  [181, '21.1.3'],
  [182, '21.1.4'],
  [183, '21.1.5'],
  [200, '21.2.1'],
  [300, '21.3.1'],
  [301, '21.3.2'],
  [302, '21.3.3'],
  [305, '21.3.4'],
  [380, '21.3.5'],
  [400, '21.4.1'],
  [401, '21.4.2'],
  [402, '21.4.3'],
  [403, '21.4.4'],
  [404, '21.4.5'],
  [405, '21.4.6'],
  [406, '21.4.7'],
  [407, '21.4.8'],
  [408, '21.4.9'],
  [410, '21.4.10'],
  [413, '21.4.11'],
  [414, '21.4.12'],
  [415, '21.4.13'],
  [416, '21.4.14'],
  [420, '21.4.15'],
  [421, '21.4.16'],
  [423, '21.4.17'],
  [480, '21.4.18'],
  [481, '21.4.19'],
  [482, '21.4.20'],
  [483, '21.4.21'],
  [484, '21.4.22'],
  [485, '21.4.23'],
  [486, '21.4.24'],
  [487, '21.4.25'],
  [488, '21.4.26'],
  [491, '21.4.27'],
  [493, '21.4.28'],
  [500, '21.5.1'],
  [501, '21.5.2'],
  [502, '21.5.3'],
  [503, '21.5.4'],
  [504, '21.5.5'],
  [505, '21.5.6'],
  [513, '21.5.7'],
  [600, '21.6.1'],
  [603, '21.6.2'],
  [604, '21.6.3'],
  [606, '21.6.4'],
];

describe('message guide', () => {
  it.each(RFC3261_SECTIONS)('%i is explained with RFC 3261 §%s', (code, section) => {
    const g = statusGuide(code, 'Reason')!;
    expect(g.ref).toBe(`RFC 3261 §${section}`);
    expect(g.text.length).toBeGreaterThan(20);
  });

  it('explains every RFC 3261 method and the common extension methods, by their RFC', () => {
    for (const m of ['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS'])
      expect(methodGuide(m)!.ref).toMatch(/^RFC 3261 §/);
    const ext = {
      PRACK: 3262,
      UPDATE: 3311,
      INFO: 6086,
      SUBSCRIBE: 6665,
      NOTIFY: 6665,
      REFER: 3515,
      MESSAGE: 3428,
      PUBLISH: 3903,
    };
    for (const [m, rfc] of Object.entries(ext)) expect(methodGuide(m)!.ref).toBe(`RFC ${rfc}`);
    expect(methodGuide('invite')!.ref).toBe('RFC 3261 §13');
    expect(methodGuide('FOO')).toBeUndefined();
  });

  it('explains codes defined after RFC 3261 by their own RFC, and any other by its class (§8.1.3.2)', () => {
    expect(statusGuide(489, 'Bad Event')!.ref).toBe('RFC 6665');
    expect(statusGuide(422, 'Session Interval Too Small')!.ref).toBe('RFC 4028');
    const unknown = statusGuide(499, 'Whatever')!;
    expect(unknown.ref).toBe('RFC 3261 §21.4');
    expect(unknown.title).toBe('499 Whatever');
    expect(unknown.text).toMatch(/client error \(4xx\)/);
    expect(statusGuide(99, 'x')).toBeUndefined();
    expect(statusGuide(700, 'x')).toBeUndefined();
  });

  it('says which request a response answers, and picks request or response from the message', () => {
    expect(messageGuide({ status: 200, reason: 'OK', cseqMethod: 'BYE' })!.text).toMatch(
      /Answers the BYE\.$/,
    );
    expect(messageGuide({ method: 'PRACK' })!.title).toBe('PRACK');
    expect(messageGuide({})).toBeUndefined();
  });
});

describe('message guide: the message in its call', () => {
  const sample = (f: string) => new URL(`../../samples/${f}`, import.meta.url).pathname;
  /** Each request of a sample with the note its transaction gives it. */
  async function notes(file: string): Promise<Array<[string, string]>> {
    const r = await analyzeCapture(sample(file));
    const out: Array<[string, string]> = [];
    for (let i = 0; i < r.messages.length; i++) {
      const m = r.messages.get(i);
      if (m.method === undefined) continue;
      out.push([
        m.method,
        contextNote(
          m,
          r.transactions.find((t) => t.id === m.transaction),
        ),
      ]);
    }
    return out;
  }

  it('tells the ACK of a 2xx (its own transaction, RFC 3261 §13.2.2.4) from the ACK of a 487 (in the INVITE transaction, §17.1.1.3)', async () => {
    const basic = await notes('basic-call.pcap');
    expect(basic.find(([m]) => m === 'ACK')![1]).toMatch(
      /^Here it acknowledges a 2xx to the INVITE of transaction #0, in a transaction of its own \(#\d+\)\.$/,
    );
    const cancel = await notes('cancel-487.pcap');
    const acks = cancel.filter(([m]) => m === 'ACK').map(([, n]) => n);
    expect(acks).toHaveLength(2);
    for (const n of acks)
      expect(n).toMatch(
        /^Here it acknowledges the final response 487 inside the INVITE transaction \(#\d+\), hop by hop\./,
      );
  });

  it('names the INVITE a CANCEL cancels, and the previous hop of a proxied request', async () => {
    const cancel = await notes('cancel-487.pcap');
    for (const [, n] of cancel.filter(([m]) => m === 'CANCEL'))
      expect(n).toMatch(/^Here it cancels the INVITE of transaction #\d+\./);
    // The proxy's INVITE towards carol carries the caller's Via second; the CANCEL it sends her
    // is its own (RFC 3261 §16.10: a stateful proxy cancels its client transactions), one Via only.
    expect(cancel.filter(([, n]) => n.includes('A proxy forwarded it')).map(([m]) => m)).toEqual(['INVITE']);
    expect(contextNote({ method: 'INVITE' }, undefined)).toBe('');
    expect(contextNote({}, { id: 1, method: 'INVITE', finalStatus: 200 })).toBe('');
  });
});

describe('what a message did to related calls (RFC 3515 REFER, RFC 3891 Replaces)', () => {
  const related = [
    { call: 1, relation: 'transferred-to', evidence: 'Referred-By', message: 4 },
    { call: 7, relation: 'replaces', evidence: 'Replaces', message: 9 },
  ];
  it('says which call the REFER started and which call the INVITE replaces', () => {
    expect(relationNote(4, { id: 0, related })).toBe(
      'Here it transferred the call: the INVITE it asked for started call 1 (matched by Referred-By).',
    );
    expect(relationNote(9, { id: 0, related })).toBe(
      'Here it replaces call 7, the dialog its Replaces header names (RFC 3891).',
    );
  });

  it('from the other side, names the call shown', () => {
    const back = [{ call: 0, relation: 'transferred-from', evidence: 'Refer-To', message: 4 }];
    expect(relationNote(4, { id: 1, related: back })).toBe(
      'This REFER started call 1, the call shown (matched by Refer-To).',
    );
  });

  it('says nothing of a message that asked for nothing, or of a call stored without relations', () => {
    expect(relationNote(5, { id: 0, related })).toBe('');
    expect(relationNote(4, { id: 0 })).toBe('');
  });
});
