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

/** What JSON.stringify gives once the extensions that say nothing are left out. */
const expected = (r: MessageRecord): string => {
  const { malformed, frames, ...rest } = r;
  return JSON.stringify({
    ...rest,
    ...(malformed ? { malformed } : {}),
    ...(frames.length !== 1 || frames[0] !== r.frame ? { frames } : {}),
  });
};

describe('the message record serializer writes what JSON.stringify writes', () => {
  it('on a plain request', () => {
    expect(messageRecordJson(base)).toBe(expected(base));
    expect(JSON.parse(messageRecordJson({ ...base, malformed: true, frames: [1, 2] }))).toMatchObject({
      malformed: true,
      frames: [1, 2],
    });
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
    expect(messageRecordJson(r)).toBe(expected(r));
  });

  it('escapes attacker-controlled header text (quotes, backslashes, control bytes, latin1)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (callId, reason) => {
        const r: MessageRecord = { ...base, method: undefined, status: 486, reason, callId };
        expect(JSON.parse(messageRecordJson(r))).toEqual(JSON.parse(expected(r)));
      }),
    );
    expect(jsonString('a"b\\c\u0000')).toBe(JSON.stringify('a"b\\c\u0000'));
  });

  it('header bytes that are valid UTF-8 come out as the characters they encode (RFC 3261 §7.3.1)', () => {
    // "Jos\u00e9" sent as UTF-8 is the bytes 4a 6f 73 c3 a9, read as latin1 "Jos\u00c3\u00a9".
    expect(jsonString('Jos\u00c3\u00a9')).toBe('"Jos\u00e9"');
    // Not valid UTF-8 (a lone 0xe9): U+FFFD, as Wireshark shows it.
    expect(jsonString('caf\u00e9')).toBe('"caf\ufffd"');
  });
});
