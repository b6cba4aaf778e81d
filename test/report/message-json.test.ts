import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonString, messageRecordJson } from '../../src/report/message-json.js';
import type { MessageRecord } from '../../src/report/message-record.js';

const base: MessageRecord = {
  id: 0,
  frame: 1,
  ts: 1700000000.123456,
  src: '10.0.0.1:5060',
  dst: '[2001:db8::1]:5060',
  transport: 'udp',
  method: 'INVITE',
  status: undefined,
  reason: undefined,
  callId: 'a@b',
  cseq: 1,
  cseqMethod: 'INVITE',
  fromTag: 'x',
  toTag: null,
  branch: 'z9hG4bK1',
  transaction: null,
  dialog: null,
  call: null,
  retransmission: false,
  malformed: false,
  frames: [1],
};

describe('the message record serializer writes what JSON.stringify writes', () => {
  it('on a plain request', () => {
    expect(messageRecordJson(base)).toBe(JSON.stringify(base));
  });

  it('on a response with correlation ids and several frames', () => {
    const r: MessageRecord = {
      ...base,
      method: undefined,
      status: 200,
      reason: 'OK',
      transaction: 3,
      dialog: 1,
      call: 0,
      frames: [4, 5],
    };
    expect(messageRecordJson(r)).toBe(JSON.stringify(r));
  });

  it('escapes attacker-controlled header text (quotes, backslashes, control bytes, latin1)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (callId, reason) => {
        const r: MessageRecord = { ...base, method: undefined, status: 486, reason, callId };
        expect(JSON.parse(messageRecordJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
        expect(messageRecordJson(r)).toBe(JSON.stringify(r));
      }),
    );
    expect(jsonString('a"b\\c\u0000\u00e9')).toBe(JSON.stringify('a"b\\c\u0000\u00e9'));
  });
});
