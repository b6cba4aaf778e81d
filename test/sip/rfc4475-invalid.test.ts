/**
 * RFC 4475 §3.1.2 (and the parser-level cases of §3.3): invalid messages.
 * Our own messages, each breaking what the torture case breaks; each must
 * give the expected error issue pointing at the offending bytes, and still
 * give a message with best-effort fields.
 */
import { describe, expect, it } from 'vitest';
import { cseq, fromHeader, toHeader, vias } from '../../src/sip/accessors.js';
import { at, codes, invite, parse, request, response, wire } from './build.js';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 192.0.2.15\r\ns=-\r\nc=IN IP4 192.0.2.15\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

describe('RFC 4475 §3.1.2 invalid messages', () => {
  it('§3.1.2.1 badinv01: empty parameters and list elements in Via and Contact', () => {
    const m = parse(
      invite([], {
        Via: 'Via: SIP/2.0/UDP 192.0.2.15;;,;,,',
        Contact: 'Contact: "Eve" <sip:eve@example.org>;;;;',
      }),
    );
    expect(m.malformed).toBe(true);
    expect(new Set(codes(m))).toEqual(new Set(['syntax.param', 'syntax.empty-list-element', 'syntax.via']));
    expect(vias(m)[0]).toMatchObject({ host: '192.0.2.15' });
  });

  it('§3.1.2.2 clerr: Content-Length larger than the datagram', () => {
    const m = parse(
      invite(['Content-Type: application/sdp'], { 'Content-Length': 'Content-Length: 8888' }) + SDP,
    );
    expect(codes(m)).toEqual(['framing.content-length-mismatch']);
    expect(at(m, 'framing.content-length-mismatch')).toBe('Content-Length: 8888');
  });

  it('§3.1.2.3 ncl: negative Content-Length', () => {
    const m = parse(
      invite(['Content-Type: application/sdp'], { 'Content-Length': 'Content-Length: -1234' }) + SDP,
    );
    expect(codes(m)).toEqual(['framing.content-length-invalid']);
    expect(at(m, 'framing.content-length-invalid')).toBe('Content-Length: -1234');
  });

  it('§3.1.2.4 scalar02: overlarge CSeq, Max-Forwards, Expires and Contact expires in a request', () => {
    const m = request(
      wire([
        'REGISTER sip:example.net SIP/2.0',
        'Via: SIP/2.0/TCP h129.example.net;branch=z9hG4bKsc2',
        'To: <sip:u@example.net>',
        'From: <sip:u@example.net>;tag=23',
        'CSeq: 18446744073709551617 REGISTER',
        'Call-ID: scalar02-own',
        'Max-Forwards: 256',
        `Expires: 1${'0'.repeat(60)}`,
        'Contact: <sip:u@h129.example.net>',
        '  ;expires=4294967296',
        'Content-Length: 0',
      ]),
    );
    const issues = m.issues.filter((i) => i.code === 'syntax.header-value');
    expect(issues.map((i) => m.text.slice(i.offset, i.offset + i.length))).toEqual([
      '18446744073709551617',
      '256',
      '<sip:u@h129.example.net>\r\n  ;expires=4294967296',
      `1${'0'.repeat(60)}`,
    ]);
    expect(m.malformed).toBe(true);
    expect(cseq(m)?.method).toBe('REGISTER');
  });

  it('§3.1.2.5 scalarlg: overlarge CSeq and Retry-After, 4-digit Warning code in a response', () => {
    const m = response(
      wire([
        'SIP/2.0 503 Service Unavailable',
        'Via: SIP/2.0/TCP h.example.net;branch=z9hG4bKsl;received=192.0.2.129',
        'To: <sip:u@example.net>',
        'From: <sip:o@example.org>;tag=2e',
        'CSeq: 2147483648 OPTIONS',
        'Call-ID: scalarlg-own',
        'Retry-After: 4294967296',
        'Warning: 3999 relay.example.net "Busy"',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual(['syntax.header-value', 'syntax.header-value', 'syntax.header-value']);
    const where = m.issues.map((i) => m.text.slice(i.offset, i.offset + i.length));
    expect(where).toEqual([
      '2147483648',
      'Retry-After: 4294967296',
      'Warning: 3999 relay.example.net "Busy"',
    ]);
  });

  it('§3.1.2.6 quotbal: unterminated quoted display name', () => {
    const m = parse(invite([], { To: 'To: "Ms. K. Person <sip:k.person@example.net>' }));
    expect(codes(m)).toEqual(['syntax.unterminated-quote']);
    expect(at(m, 'syntax.unterminated-quote')).toBe('"Ms. K. Person <sip:k.person@example.net>');
    expect(toHeader(m)?.uri).toBe('sip:k.person@example.net');
  });

  it('§3.1.2.7 ltgtruri: Request-URI in "<>"', () => {
    const m = request(invite().replace('INVITE sip:bob@example.net', 'INVITE <sip:bob@example.net>'));
    expect(codes(m)).toEqual(['syntax.request-uri-enclosed']);
    expect(at(m, 'syntax.request-uri-enclosed')).toBe('<sip:bob@example.net>');
    expect(m.uri).toBe('sip:bob@example.net');
  });

  it('§3.1.2.8 lwsruri: whitespace inside the Request-URI', () => {
    const m = request(invite().replace('INVITE sip:bob@example.net', 'INVITE sip:bob@example.net; lr'));
    expect(codes(m)).toContain('syntax.request-uri-lws');
    expect(at(m, 'syntax.request-uri-lws')).toBe('sip:bob@example.net; lr');
    expect(m.version).toBe('SIP/2.0');
  });

  it('§3.1.2.9 lwsstart: several SP between Request-Line elements', () => {
    const m = request(
      invite().replace('INVITE sip:bob@example.net SIP/2.0', 'INVITE  sip:bob@example.net   SIP/2.0'),
    );
    expect(codes(m)).toEqual(['syntax.start-line']);
    expect(m).toMatchObject({ method: 'INVITE', uri: 'sip:bob@example.net', version: 'SIP/2.0' });
  });

  it('§3.1.2.10 trws: SP after the SIP-Version', () => {
    const m = request(invite().replace('SIP/2.0\r\n', 'SIP/2.0  \r\n'));
    expect(codes(m)).toEqual(['syntax.trailing-space']);
    expect(at(m, 'syntax.trailing-space')).toBe('  ');
  });

  it('§3.1.2.11 escruri: URI headers in the Request-URI', () => {
    const m = request(
      invite().replace('INVITE sip:bob@example.net', 'INVITE sip:bob@example.net?Route=%3Csip:x.example%3E'),
    );
    expect(codes(m)).toEqual(['syntax.request-uri-headers']);
    expect(at(m, 'syntax.request-uri-headers')).toBe('?Route=%3Csip:x.example%3E');
  });

  it('§3.1.2.12 baddate: a time zone other than GMT', () => {
    const m = parse(invite(['Date: Tue, 03 Feb 2009 10:00:00 PST']));
    expect(codes(m)).toEqual(['syntax.date']);
    expect(at(m, 'syntax.date')).toBe('Date: Tue, 03 Feb 2009 10:00:00 PST');
    expect(codes(parse(invite(['Date: Tue, 03 Feb 2009 10:00:00 GMT'])))).toEqual([]);
  });

  it('§3.1.2.13 regbadct: a Contact URI with "?" not in "<>"', () => {
    const m = parse(invite([], { Contact: 'Contact: sip:alice@example.org?Route=%3Csip:p.example.org%3E' }));
    expect(codes(m)).toEqual(['syntax.uri-not-enclosed']);
    expect(at(m, 'syntax.uri-not-enclosed')).toBe('sip:alice@example.org?Route=%3Csip:p.example.org%3E');
  });

  it('§3.1.2.14 badaspec: spaces inside "<>" of an addr-spec', () => {
    const m = parse(invite([], { To: 'To: "Smith, Bob" < sip:bob@example.net >' }));
    expect(codes(m)).toEqual(['syntax.addr-spec-space']);
    expect(at(m, 'syntax.addr-spec-space')).toBe('< sip:bob@example.net >');
  });

  it('§3.1.2.15 baddn: an unquoted display name with a comma', () => {
    const m = parse(invite([], { From: 'From:   Liddell, Alice <sip:alice@example.org>;tag=9' }));
    expect(codes(m)).toEqual(['syntax.display-name']);
    expect(at(m, 'syntax.display-name')).toBe('Liddell, Alice');
    expect(fromHeader(m)).toMatchObject({ uri: 'sip:alice@example.org', tag: '9' });
  });

  it('§3.1.2.16 badvers: SIP/5.0 in the Request-Line and the Via', () => {
    const m = request(
      invite().replace('SIP/2.0\r\n', 'SIP/5.0\r\n').replace('Via: SIP/2.0/UDP', 'Via: SIP/5.0/UDP'),
    );
    expect(codes(m)).toEqual(['syntax.version', 'syntax.version']);
    expect(m.version).toBe('SIP/5.0');
  });

  it('§3.1.2.17 mismatch01: CSeq method differs from the request method', () => {
    const m = request(invite().replace('INVITE sip:', 'OPTIONS sip:'));
    expect(codes(m)).toEqual(['syntax.cseq-method-mismatch']);
    expect(at(m, 'syntax.cseq-method-mismatch')).toBe('CSeq: 314159 INVITE');
  });

  it('§3.1.2.18 mismatch02: unknown method with a CSeq of another method', () => {
    const m = request(invite().replace('INVITE sip:', 'FROBNICATE sip:'));
    expect(codes(m)).toEqual(['syntax.cseq-method-mismatch']);
    expect(m.method).toBe('FROBNICATE');
  });

  it('§3.1.2.19 bigcode: an overlarge status code', () => {
    const m = response(
      wire([
        'SIP/2.0 4294967302 huge',
        'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bKbc',
        'Call-ID: bigcode-own',
        'CSeq: 3 INVITE',
        'From: <sip:u@example.com>;tag=39',
        'To: <sip:u@example.edu>;tag=90',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual(['syntax.status-code']);
    expect(at(m, 'syntax.status-code')).toBe('4294967302');
    expect(m.reason).toBe('huge');
  });
});

describe('RFC 4475 §3.3 cases that are parse errors', () => {
  it('§3.3.1 insuf: missing To, From, Call-ID (errors) and Max-Forwards (warning)', () => {
    const m = parse(
      wire([
        'INVITE sip:u@example.net SIP/2.0',
        'CSeq: 1 INVITE',
        'Via: SIP/2.0/UDP h;branch=z9hG4bKi',
        'l: 0',
      ]),
    );
    expect(
      m.issues
        .filter((i) => i.code === 'syntax.missing-header')
        .map((i) => [i.severity, i.message.split(' ')[2]]),
    ).toEqual([
      ['error', 'From'],
      ['error', 'To'],
      ['error', 'Call-ID'],
      ['warning', 'Max-Forwards'],
    ]);
  });

  it('§3.3.8 multi01: several values in single-value headers', () => {
    const m = parse(
      invite(['Call-ID: other@h', 'CSeq: 9 INVITE', 'To: sip:x@y', 'From: sip:z@w;tag=2', 'Max-Forwards: 5']),
    );
    expect(codes(m)).toEqual(Array(5).fill('syntax.duplicate-header'));
    expect(m.issues.map((i) => m.text.slice(i.offset, i.offset + i.length))).toEqual([
      'Call-ID: other@h',
      'CSeq: 9 INVITE',
      'To: sip:x@y',
      'From: sip:z@w;tag=2',
      'Max-Forwards: 5',
    ]);
  });

  it('§3.3.9 mcl01: two Content-Length values', () => {
    const m = parse(invite(['Content-Length: 4']) + 'abcdefgh');
    expect(codes(m)).toEqual(['syntax.duplicate-header']);
  });

  it('a header line without a colon (RFC 4475 Appendix test.dat)', () => {
    const m = parse(invite(['Barfoo fubar']));
    expect(codes(m)).toEqual(['syntax.header-without-colon']);
  });

  it('a non-numeric Max-Forwards or Expires', () => {
    const m = parse(invite(['Expires: tomorrow'], { 'Max-Forwards': 'Max-Forwards: many' }));
    expect(m.issues.map((i) => m.text.slice(i.offset, i.offset + i.length))).toEqual([
      'Max-Forwards: many',
      'Expires: tomorrow',
    ]);
  });

  it('a Call-ID with a space or two "@" is invalid (RFC 3261 §25.1 callid)', () => {
    expect(codes(parse(invite([], { 'Call-ID': 'Call-ID: a b@c' })))).toEqual(['syntax.header-value']);
    expect(codes(parse(invite([], { 'Call-ID': 'Call-ID: a@b@c' })))).toEqual(['syntax.header-value']);
  });

  it('Content-Type without a subtype', () => {
    expect(codes(parse(invite(['Content-Type: application'])))).toEqual(['syntax.header-value']);
  });
});
