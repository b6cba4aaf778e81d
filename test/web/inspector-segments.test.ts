/** The inspector's raw message: pieces from the parser's offsets, the header under the cursor, byte ranges. */
import { describe, expect, it } from 'vitest';
import type { HeaderSpan } from '../../web/src/api/types.js';
import { byteToIndex, headerAt, rawSegments } from '../../web/src/inspector/segments.js';

const raw =
  'INVITE sip:bob@example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n' +
  'Subject: folded\r\n  on two lines\r\n' +
  'Content-Length: 4\r\n' +
  '\r\n' +
  'v=0\n';

function header(name: string, line: string): HeaderSpan {
  const start = raw.indexOf(line);
  return {
    name,
    value: line.slice(name.length + 2),
    start,
    end: start + line.length,
    nameEnd: start + name.length,
  };
}

const startLine = { start: 0, end: raw.indexOf('\r\n') };
const headers = [
  header('Via', 'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1'),
  header('Subject', 'Subject: folded\r\n  on two lines'),
  header('Content-Length', 'Content-Length: 4'),
];
const body = { start: raw.indexOf('v=0'), end: raw.length };

describe('raw message segments', () => {
  it('cover the message exactly once, in order, one per header', () => {
    const s = rawSegments(raw, startLine, headers, body);
    expect(s.map((x) => raw.slice(x.start, x.end)).join('')).toBe(raw);
    for (let i = 1; i < s.length; i++) expect(s[i].start).toBe(s[i - 1].end);
    expect(s.filter((x) => x.kind === 'header').map((x) => x.header)).toEqual([0, 1, 2]);
    expect(s[0].kind).toBe('start-line');
    expect(s[s.length - 1].kind).toBe('body');
  });

  it('finds the header under the cursor, folded lines included', () => {
    const s = rawSegments(raw, startLine, headers, body);
    expect(headerAt(s, raw.indexOf('branch'))).toBe(0);
    expect(headerAt(s, raw.indexOf('on two lines'))).toBe(1);
    expect(headerAt(s, raw.indexOf('Content-Length') + 3)).toBe(2);
    expect(headerAt(s, 2)).toBeNull(); // start line
    expect(headerAt(s, raw.indexOf('v=0'))).toBeNull();
  });

  it('survives offsets that are out of range or overlap', () => {
    const bad: HeaderSpan[] = [
      { name: 'A', value: '', start: -5, end: 10, nameEnd: 1 },
      { name: 'B', value: '', start: 5, end: 99999, nameEnd: 6 },
      { name: 'C', value: '', start: Number.NaN, end: 3, nameEnd: 0 },
    ];
    const s = rawSegments(raw, null, bad, null);
    expect(s.map((x) => raw.slice(x.start, x.end)).join('')).toBe(raw);
    for (const x of s) expect(x.end).toBeGreaterThan(x.start);
  });

  it('turns byte offsets into string indexes across multi-byte characters', () => {
    const text = 'From: "Zoë 😀" <sip:z@x>';
    const at = text.indexOf('<');
    const bytes = new TextEncoder().encode(text.slice(0, at)).length;
    expect(bytes).toBeGreaterThan(at);
    expect(byteToIndex(text, bytes)).toBe(at);
    expect(byteToIndex(text, 0)).toBe(0);
    expect(byteToIndex(text, 10_000)).toBe(text.length);
  });
});
