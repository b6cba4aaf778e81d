import { describe, expect, it } from 'vitest';
import { mediaParams, multipartOf, parseMultipart } from '../../src/sip/multipart.js';
import { parse, wire } from './build.js';

describe('multipart bodies (RFC 2046 §5.1.1)', () => {
  const body = [
    'preamble to ignore',
    '--bnd42  ',
    'Content-Type: application/sdp',
    'Content-Disposition: session',
    '',
    'v=0',
    '--bnd42',
    'Content-Type: application/pidf+xml',
    'Content-ID: <loc@example.net>',
    '',
    '<presence/>',
    '',
    '--bnd42--',
    'epilogue',
  ].join('\r\n');

  it('splits parts with their headers, types, offsets and bodies', () => {
    const mp = parseMultipart(body, 'bnd42');
    expect(mp.issues).toEqual([]);
    expect(mp.parts.map((p) => [p.contentType, p.body])).toEqual([
      ['application/sdp', 'v=0'],
      ['application/pidf+xml', '<presence/>\r\n'],
    ]);
    const p = mp.parts[1];
    expect(p.headers.map((h) => [h.key, h.value])).toEqual([
      ['content-type', 'application/pidf+xml'],
      ['content-id', '<loc@example.net>'],
    ]);
    expect(body.slice(p.offset, p.offset + 12)).toBe('Content-Type');
    expect(body.slice(p.bodyOffset, p.bodyOffset + p.body.length)).toBe(p.body);
    for (const h of p.headers)
      expect(body.slice(h.offset, h.offset + h.length)).toMatch(/^Content-(Type|ID): /);
  });

  it('"the CRLF preceding the boundary delimiter line is conceptually attached to the boundary"', () => {
    const mp = parseMultipart('--b\r\n\r\nX\r\n--b--', 'b');
    expect(mp.parts[0].body).toBe('X');
  });

  it('a part without Content-Type defaults to text/plain (RFC 2046 §5.1)', () => {
    expect(parseMultipart('--b\r\n\r\nhello\r\n--b--\r\n', 'b').parts[0].contentType).toBe('text/plain');
  });

  it('a body line that only starts like the boundary is not a delimiter', () => {
    const mp = parseMultipart('--b\r\n\r\nline\r\n--bX not a delimiter\r\n--b--', 'b');
    expect(mp.parts.map((p) => p.body)).toEqual(['line\r\n--bX not a delimiter']);
  });

  it('LF line ends are accepted', () => {
    const mp = parseMultipart('--b\nContent-Type: text/plain\n\nhi\n--b--\n', 'b');
    expect(mp.parts.map((p) => p.body)).toEqual(['hi']);
    expect(mp.issues).toEqual([]);
  });

  it('nested multipart parts are split too', () => {
    const inner = ['--in', 'Content-Type: application/sdp', '', 'v=0', '--in--'].join('\r\n');
    const outer = ['--out', 'Content-Type: multipart/alternative; boundary=in', '', inner, '--out--'].join(
      '\r\n',
    );
    const mp = parseMultipart(outer, 'out');
    expect(mp.parts[0].parts?.map((p) => [p.contentType, p.body])).toEqual([['application/sdp', 'v=0']]);
  });

  it('a missing boundary or close-delimiter is an issue', () => {
    expect(parseMultipart('no parts here', 'b').issues.map((i) => i.code)).toEqual(['multipart.no-boundary']);
    const open = parseMultipart('--b\r\n\r\nx\r\n--b\r\n\r\ny', 'b');
    expect(open.parts.map((p) => p.body)).toEqual(['x', 'y']);
    expect(open.issues.map((i) => i.code)).toEqual(['multipart.unterminated']);
  });

  it('mediaParams reads quoted and unquoted Content-Type parameters', () => {
    expect(mediaParams('multipart/mixed; boundary="a b;c"; charset=utf-8')).toEqual({
      boundary: 'a b;c',
      charset: 'utf-8',
    });
  });

  it('multipartOf uses the message Content-Type boundary; offsets are message offsets', () => {
    const m = parse(
      wire(['MESSAGE sip:b@h SIP/2.0', 'c: multipart/mixed;boundary=bnd42', `l: ${body.length}`], body),
    );
    const mp = multipartOf(m)!;
    expect(mp.parts).toHaveLength(2);
    const p = mp.parts[0];
    expect(m.text.slice(p.bodyOffset, p.bodyOffset + p.body.length)).toBe('v=0');
    expect(p.bodyOffset).toBeGreaterThan(m.bodyOffset);
    expect(multipartOf(parse(wire(['MESSAGE sip:b@h SIP/2.0', 'c: text/plain', 'l: 0'])))).toBeUndefined();
  });
});
