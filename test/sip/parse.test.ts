import { describe, expect, it } from 'vitest';
import { headerFields, headerValue } from '../../src/sip/accessors.js';
import { latin1, parseSip } from '../../src/sip/parse.js';
import { at, codes, enc, invite, parse, request, response, wire } from './build.js';

/** Hex with `#` comments and whitespace → bytes. */
function hex(s: string): Uint8Array {
  const clean = s.replace(/#.*$/gm, '').replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g)!.map((b) => Number.parseInt(b, 16)));
}

describe('parseSip: message layout with byte offsets (RFC 3261 §7)', () => {
  // 0x00  OPTIONS sip:b@h SIP/2.0 CRLF
  // 0x19  v: SIP/2.0/UDP h;branch=z9hG4bK1 CRLF
  // 0x3b  l: 0 CRLF
  // 0x42  CRLF (end of headers), no body
  const bytes = hex(`
    4f 50 54 49 4f 4e 53                    # 0x00 method "OPTIONS"
    20                                      # 0x07 SP
    73 69 70 3a 62 40 68                    # 0x08 Request-URI "sip:b@h"
    20                                      # 0x0f SP
    53 49 50 2f 32 2e 30                    # 0x10 "SIP/2.0"
    0d 0a                                   # 0x17 CRLF
    76                                      # 0x19 compact name "v" (Via)
    3a 20                                   # 0x1a ":" SP
    53 49 50 2f 32 2e 30 2f 55 44 50 20     # 0x1c "SIP/2.0/UDP "
    68 3b 62 72 61 6e 63 68 3d              # 0x28 "h;branch="
    7a 39 68 47 34 62 4b 31                 # 0x31 "z9hG4bK1"
    0d 0a                                   # 0x39 CRLF
    6c 3a 20 30                             # 0x3b compact "l" (Content-Length) ": 0"
    0d 0a                                   # 0x3f CRLF
    0d 0a                                   # 0x41 empty line
  `);

  it('decodes the request line and keeps the raw bytes', () => {
    const m = parseSip(bytes);
    expect(m?.kind).toBe('request');
    if (m?.kind !== 'request') return;
    expect(m.method).toBe('OPTIONS');
    expect(m.uri).toBe('sip:b@h');
    expect(m.version).toBe('SIP/2.0');
    expect(m.startLine).toBe('OPTIONS sip:b@h SIP/2.0');
    expect(m.raw).toBe(bytes);
    expect(m.text.length).toBe(bytes.length);
  });

  it('expands compact names and records header, value and end offsets', () => {
    const m = parseSip(bytes)!;
    expect(m.headers).toEqual([
      {
        name: 'v',
        key: 'via',
        value: 'SIP/2.0/UDP h;branch=z9hG4bK1',
        offset: 0x19,
        length: 0x39 - 0x19,
        valueOffset: 0x1c,
      },
      { name: 'l', key: 'content-length', value: '0', offset: 0x3b, length: 4, valueOffset: 0x3e },
    ]);
  });

  it('puts the body after the empty line: none here, bodyOffset = length', () => {
    const m = parseSip(bytes)!;
    expect(m.bodyOffset).toBe(0x43);
    expect(m.bodyOffset).toBe(bytes.length);
    expect(m.body.length).toBe(0);
    expect(m.issues.filter((i) => i.code !== 'syntax.missing-header')).toEqual([]);
  });
});

describe('parseSip: null only when the bytes are not SIP', () => {
  it.each([
    ['HTTP request', 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP response', 'HTTP/1.1 200 OK\r\n\r\n'],
    ['binary', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'],
    ['empty', ''],
    ['CRLF keep-alive', '\r\n\r\n'],
    ['words', 'hello world this is text'],
  ])('%s → null', (_, text) => {
    expect(parseSip(enc(text))).toBeNull();
  });

  it('RFC 3261 §7.5: leading CRLFs before the start line are ignored', () => {
    const m = request(`\r\n\r\n${invite()}`);
    expect(m.method).toBe('INVITE');
    expect(m.headers[0].offset).toBe(4 + 'INVITE sip:bob@example.net SIP/2.0\r\n'.length);
    expect(codes(m)).toEqual([]);
  });
});

describe('parseSip: header syntax (RFC 3261 §7.3)', () => {
  it('header names are case-insensitive and compact forms expand (§7.3.1, §7.3.3)', () => {
    const m = parse(
      wire([
        'REGISTER sip:example.com SIP/2.0',
        'v: SIP/2.0/UDP h;branch=z9hG4bKa',
        'MAX-FORWARDS: 70',
        't: <sip:u@example.com>',
        'F: <sip:u@example.com>;tag=1',
        'I: abc@h',
        'cSeQ: 1 REGISTER',
        'M: <sip:u@h>',
        'k: path',
        'c: text/plain',
        'L: 0',
      ]),
    );
    expect(m.headers.map((h) => h.key)).toEqual([
      'via',
      'max-forwards',
      'to',
      'from',
      'call-id',
      'cseq',
      'contact',
      'supported',
      'content-type',
      'content-length',
    ]);
    expect(m.headers.map((h) => h.name)).toEqual([
      'v',
      'MAX-FORWARDS',
      't',
      'F',
      'I',
      'cSeQ',
      'M',
      'k',
      'c',
      'L',
    ]);
    expect(codes(m)).toEqual([]);
  });

  it('LWS before and after the colon is allowed (HCOLON)', () => {
    const m = parse(invite(['Subject  \t:   lunch  ']));
    const f = headerFields(m, 'subject')[0];
    expect(f.name).toBe('Subject');
    expect(f.value).toBe('lunch');
    expect(m.text.slice(f.valueOffset, f.offset + f.length)).toBe('lunch');
  });

  it('folded continuation lines join with one SP; offsets stay on the wire bytes (§7.3.1)', () => {
    const text = invite(["Subject: I know you're there,\r\n   pick up the phone\r\n\tand talk to me!"]);
    const m = parse(text);
    const f = headerFields(m, 'subject')[0];
    expect(f.value).toBe("I know you're there, pick up the phone and talk to me!");
    expect(m.text.slice(f.offset, f.offset + f.length)).toBe(
      "Subject: I know you're there,\r\n   pick up the phone\r\n\tand talk to me!",
    );
    expect(m.text.slice(f.valueOffset, f.valueOffset + 3)).toBe('I k');
  });

  it('a value starting on a continuation line points at its first byte', () => {
    const m = parse(invite(['Route:\r\n <sip:p1.example.com;lr>']));
    const f = headerFields(m, 'route')[0];
    expect(f.value).toBe('<sip:p1.example.com;lr>');
    expect(m.text[f.valueOffset]).toBe('<');
  });

  it('an empty value is a header with value ""', () => {
    const m = parse(invite(['Subject:']));
    expect(headerValue(m, 'subject')).toBe('');
  });

  it('a header line without a colon is an issue with its byte range; the message is kept', () => {
    const m = parse(invite(['Bogus header line', 'Subject: after']));
    expect(codes(m)).toContain('syntax.header-without-colon');
    expect(at(m, 'syntax.header-without-colon')).toBe('Bogus header line');
    expect(headerValue(m, 'subject')).toBe('after');
    expect(m.malformed).toBe(true);
  });

  it('a field-name that is not a token is an issue', () => {
    const m = parse(invite(['Bad Name: x']));
    expect(at(m, 'syntax.header-name')).toBe('Bad Name');
  });

  it('bare LF line ends are accepted with a warning (RFC 5118 archives use them)', () => {
    const m = parse(invite().replace(/\r\n/g, '\n'));
    expect(codes(m)).toEqual([]);
    expect(codes(m, 'warning')).toEqual(['syntax.bare-lf']);
    expect(headerValue(m, 'call-id')).toBe('a84b4c76e66710@pc33.example.org');
  });

  it('headers without the terminating empty line: a warning, headers kept', () => {
    const m = parse(invite().replace(/\r\n\r\n$/, '\r\n'));
    expect(codes(m, 'warning')).toContain('framing.no-empty-line');
    expect(headerValue(m, 'content-length')).toBe('0');
  });

  it('a continuation line before any header is an issue', () => {
    const m = parse('OPTIONS sip:a@b SIP/2.0\r\n  stray\r\nCall-ID: x\r\n\r\n');
    expect(at(m, 'syntax.header-continuation')).toBe('  stray');
  });
});

describe('parseSip: body framing by Content-Length (RFC 3261 §18.3, §20.14)', () => {
  const sdp = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n';
  const withBody = (cl: string, body: string) =>
    invite(['Content-Type: application/sdp'], { 'Content-Length': `Content-Length: ${cl}` }) + body;

  it('the body is exactly Content-Length bytes', () => {
    const m = parse(withBody(String(sdp.length), sdp));
    expect(m.body.length).toBe(sdp.length);
    expect(m.text.slice(m.bodyOffset, m.bodyOffset + m.body.length)).toBe(sdp);
    expect(m.issues).toEqual([]);
  });

  it('bytes beyond Content-Length are ignored with a warning (framing.extra-bytes)', () => {
    const m = parse(withBody('4', sdp));
    expect(m.body.length).toBe(4);
    expect(codes(m, 'warning')).toEqual(['framing.extra-bytes']);
    expect(at(m, 'framing.extra-bytes')).toBe(sdp.slice(4));
    expect(m.malformed).toBe(false);
  });

  it('a datagram shorter than Content-Length is an error (framing.content-length-mismatch)', () => {
    const m = parse(withBody('9999', sdp));
    expect(codes(m)).toEqual(['framing.content-length-mismatch']);
    expect(at(m, 'framing.content-length-mismatch')).toBe('Content-Length: 9999');
    expect(m.body.length).toBe(sdp.length);
  });

  it.each(['-5', 'abc', '12abc', ''])(
    'Content-Length "%s" is invalid (framing.content-length-invalid)',
    (v) => {
      const m = parse(withBody(v, sdp));
      expect(codes(m)).toContain('framing.content-length-invalid');
      expect(m.body.length).toBe(sdp.length);
    },
  );

  it('without Content-Length the rest of the datagram is the body', () => {
    const m = parse(invite([], { 'Content-Length': null }) + sdp);
    expect(m.body.length).toBe(sdp.length);
  });

  it('the body is a view on raw, not a copy', () => {
    const m = parse(withBody(String(sdp.length), sdp));
    expect(m.body.buffer).toBe(m.raw.buffer);
    expect(m.body.byteOffset).toBe(m.raw.byteOffset + m.bodyOffset);
  });

  it('a response keeps status, reason and body', () => {
    const m = response(
      wire(
        [
          'SIP/2.0 200 OK',
          'Via: SIP/2.0/UDP h;branch=z9hG4bKx',
          'To: <sip:b@h>;tag=2',
          'From: <sip:a@h>;tag=1',
          'Call-ID: c',
          'CSeq: 1 INVITE',
          `Content-Length: ${sdp.length}`,
        ],
        sdp,
      ),
    );
    expect(m.status).toBe(200);
    expect(m.reason).toBe('OK');
    expect(m.body.length).toBe(sdp.length);
    expect(m.issues).toEqual([]);
  });
});

describe('latin1 decoding: one char per byte, index = byte offset', () => {
  it('bytes 0x80..0xFF map to U+0080..U+00FF (not windows-1252)', () => {
    const head = enc('OPTIONS sip:a@b SIP/2.0\r\nX-Bin: ');
    const bin = Uint8Array.from({ length: 128 }, (_, k) => 0x80 + k);
    const bytes = new Uint8Array(head.length + bin.length + 4);
    bytes.set(head);
    bytes.set(bin, head.length);
    bytes.set(enc('\r\n\r\n'), head.length + bin.length);
    const m = parseSip(bytes)!;
    expect(m.text.length).toBe(bytes.length);
    for (let i = 0; i < bytes.length; i++) expect(m.text.charCodeAt(i)).toBe(bytes[i]);
    expect(latin1(bin)).toBe(String.fromCharCode(...bin));
  });
});

describe('parseSip: message from a subarray keeps offsets relative to that view', () => {
  it('decodes a view with a non-zero byteOffset', () => {
    const inner = enc(invite());
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 7);
    const view = outer.subarray(7, 7 + inner.length);
    const m = parseSip(view)!;
    expect(m.startLine).toBe('INVITE sip:bob@example.net SIP/2.0');
    expect(m.text).toBe(invite());
  });
});
