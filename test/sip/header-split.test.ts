import { describe, expect, it } from 'vitest';
import { splitList } from '../../src/sip/header-split.js';
import type { SipIssue } from '../../src/sip/message.js';

function split(s: string) {
  const issues: SipIssue[] = [];
  const elems = splitList(s, 0, s.length, issues);
  return { values: elems.map((e) => e.value), elems, issues, codes: issues.map((i) => i.code) };
}

describe('splitList: comma-separated header values (RFC 3261 §7.3.1)', () => {
  it('splits at top-level commas and trims LWS', () => {
    expect(split('INVITE, ACK ,BYE,  CANCEL').values).toEqual(['INVITE', 'ACK', 'BYE', 'CANCEL']);
  });

  it('gives each element the byte offset of its first char and its length', () => {
    const s = 'a ,  bb,ccc';
    const { elems } = split(s);
    expect(elems.map((e) => [e.offset, e.length])).toEqual([
      [0, 1],
      [5, 2],
      [8, 3],
    ]);
    for (const e of elems) expect(s.slice(e.offset, e.offset + e.length)).toBe(e.value);
  });

  it('a comma inside a quoted display name does not split', () => {
    expect(split('"Bell, Alexander" <sip:a@b>, "Watson, T." <sip:w@b>').values).toEqual([
      '"Bell, Alexander" <sip:a@b>',
      '"Watson, T." <sip:w@b>',
    ]);
  });

  it('an escaped quote \\" inside a quoted string does not end it', () => {
    expect(split('"say \\"hi, there\\"" <sip:a@b>, <sip:c@d>').values).toEqual([
      '"say \\"hi, there\\"" <sip:a@b>',
      '<sip:c@d>',
    ]);
  });

  it('a comma inside <...> does not split (URI user parts may hold commas)', () => {
    expect(split('<sip:a,b@h;lr>, <sip:c@h>').values).toEqual(['<sip:a,b@h;lr>', '<sip:c@h>']);
  });

  it('folded values: CRLF + WS is whitespace and is collapsed inside an element', () => {
    const s = 'SIP/2.0/UDP a;branch=1 ,\r\n SIP/2.0/UDP\r\n\tb;branch=2';
    expect(split(s).values).toEqual(['SIP/2.0/UDP a;branch=1', 'SIP/2.0/UDP b;branch=2']);
  });

  it('an empty value has no element and no issue (e.g. "Supported:")', () => {
    expect(split('  ')).toMatchObject({ values: [], codes: [] });
  });

  it('empty elements between commas are issues (RFC 4475 §3.1.2.1 badinv01)', () => {
    const { values, issues } = split('a,,b,');
    expect(values).toEqual(['a', 'b']);
    expect(issues.map((i) => [i.code, i.offset])).toEqual([
      ['syntax.empty-list-element', 2],
      ['syntax.empty-list-element', 5],
    ]);
  });

  it('an unterminated quoted string is an issue; the rest is one element (RFC 4475 §3.1.2.6)', () => {
    const { values, issues } = split('<sip:x@y>, "Mr. J. User <sip:j@example.com>, <sip:z@w>');
    expect(values).toEqual(['<sip:x@y>', '"Mr. J. User <sip:j@example.com>, <sip:z@w>']);
    expect(issues).toMatchObject([{ code: 'syntax.unterminated-quote', offset: 11 }]);
  });

  it('commas and quotes after the value do not count, however much text follows', () => {
    for (const rest of [',"x', `,"${'y'.repeat(5000)}`]) {
      const s = `a;b=c${rest}`;
      expect(splitList(s, 0, 5, null).map((e) => e.value)).toEqual(['a;b=c']);
      const t = `a, b${rest}`;
      expect(splitList(t, 0, 4, null).map((e) => e.value)).toEqual(['a', 'b']);
    }
  });

  it('an unterminated "<" is an issue', () => {
    expect(split('<sip:a@b, <sip:c@d').codes).toEqual(['syntax.unterminated-angle']);
  });
});
