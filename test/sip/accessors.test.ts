import { describe, expect, it } from 'vitest';
import {
  callId,
  contacts,
  contentLength,
  contentType,
  cseq,
  expires,
  fromHeader,
  headerFields,
  headerValue,
  headerValues,
  maxForwards,
  recordRoutes,
  routes,
  toHeader,
  topVia,
  userAgent,
  vias,
} from '../../src/sip/accessors.js';
import type { SipMessage } from '../../src/sip/message.js';
import { parse, wire } from './build.js';

const REGISTER = wire([
  'REGISTER sip:registrar.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7;received=198.51.100.7;rport=40001',
  'v: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1, SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bK2',
  'Max-Forwards: 69',
  'To: "Bob, the builder" <sip:bob@example.com>',
  'From: Bob <sips:bob@example.com>;tag=456248',
  'Call-ID: 843817637684230@998sdasdh09',
  'CSeq: 1826 REGISTER',
  'm: <sip:bob@192.0.2.4>;expires=7200, "Mobile, Bob" <sip:bob@192.0.2.5;transport=tcp>;q=0.5',
  'Contact: <mailto:bob@example.com>',
  'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
  'Route: <sip:p3.example.com;lr>',
  'Record-Route: <sip:rr.example.com;lr>',
  'Expires: 7200',
  'Supported: path, outbound',
  'k: gruu',
  'Date: Sat, 13 Nov 2010 23:29:00 GMT',
  'Server: ignored-for-requests/1.0',
  'User-Agent: Softphone Beta1.5',
  'X-Custom: a, b',
  'c: Application/SDP ; charset=utf-8',
  'Content-Length: 0',
]);

describe('accessors: names in any case or compact form', () => {
  const m = parse(REGISTER);

  it('headerValue gives the first occurrence, unsplit', () => {
    expect(headerValue(m, 'Via')).toBe(
      'SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7;received=198.51.100.7;rport=40001',
    );
    expect(headerValue(m, 'v')).toBe(headerValue(m, 'VIA'));
    expect(headerValue(m, 'i')).toBe('843817637684230@998sdasdh09');
    expect(headerValue(m, 'X-Missing')).toBeUndefined();
  });

  it('headerValues splits list headers over every occurrence (RFC 3261 §7.3.1)', () => {
    expect(headerValues(m, 'supported')).toEqual(['path', 'outbound', 'gruu']);
    expect(headerValues(m, 'Via')).toHaveLength(3);
    expect(headerValues(m, 'route')).toEqual([
      '<sip:p1.example.com;lr>',
      '<sip:p2.example.com;lr>',
      '<sip:p3.example.com;lr>',
    ]);
  });

  it('headerValues keeps commas of single-valued and unknown headers', () => {
    expect(headerValues(m, 'To')).toEqual(['"Bob, the builder" <sip:bob@example.com>']);
    expect(headerValues(m, 'date')).toEqual(['Sat, 13 Nov 2010 23:29:00 GMT']);
    expect(headerValues(m, 'x-custom')).toEqual(['a, b']);
  });

  it('headerFields gives the lines with their offsets', () => {
    const fs = headerFields(m, 'k');
    expect(fs.map((f) => f.name)).toEqual(['Supported', 'k']);
    expect(m.text.slice(fs[1].offset, fs[1].offset + fs[1].length)).toBe('k: gruu');
  });

  it('callId, cseq, maxForwards, expires, contentLength', () => {
    expect(callId(m)).toBe('843817637684230@998sdasdh09');
    expect(cseq(m)).toEqual({ seq: 1826, method: 'REGISTER' });
    expect(maxForwards(m)).toBe(69);
    expect(expires(m)).toBe(7200);
    expect(contentLength(m)).toBe(0);
  });

  it('contentType is lowercased type/subtype without parameters', () => {
    expect(contentType(m)).toBe('application/sdp');
  });

  it('vias: every hop in order, typed', () => {
    const v = vias(m);
    expect(v.map((x) => [x.transport, x.host, x.port, x.branch])).toEqual([
      ['UDP', '192.0.2.4', 5060, 'z9hG4bKnashds7'],
      ['TCP', 'proxy.example.com', undefined, 'z9hG4bK1'],
      ['TLS', '2001:db8::1', 5061, 'z9hG4bK2'],
    ]);
    expect(topVia(m)).toBe(v[0]);
    expect(topVia(m)).toMatchObject({ received: '198.51.100.7', rport: 40001 });
    for (const x of v)
      expect(m.text.slice(x.offset, x.offset + x.length)).toMatch(/^SIP\/2\.0\/(UDP|TCP|TLS) /);
  });

  it('fromHeader / toHeader', () => {
    expect(fromHeader(m)).toMatchObject({ display: 'Bob', uri: 'sips:bob@example.com', tag: '456248' });
    expect(toHeader(m)).toMatchObject({ display: 'Bob, the builder', uri: 'sip:bob@example.com' });
    expect(toHeader(m)?.tag).toBeUndefined();
  });

  it('contacts: every value of every Contact line', () => {
    const c = contacts(m);
    expect(c.map((x) => (x === '*' ? x : [x.display, x.uri, x.params]))).toEqual([
      [undefined, 'sip:bob@192.0.2.4', { expires: '7200' }],
      ['Mobile, Bob', 'sip:bob@192.0.2.5;transport=tcp', { q: '0.5' }],
      [undefined, 'mailto:bob@example.com', {}],
    ]);
  });

  it('routes / recordRoutes', () => {
    expect(routes(m).map((r) => r.uri)).toEqual([
      'sip:p1.example.com;lr',
      'sip:p2.example.com;lr',
      'sip:p3.example.com;lr',
    ]);
    expect(recordRoutes(m).map((r) => r.uri)).toEqual(['sip:rr.example.com;lr']);
  });

  it('userAgent prefers User-Agent, falls back to Server', () => {
    expect(userAgent(m)).toBe('Softphone Beta1.5');
    const r = parse(wire(['SIP/2.0 200 OK', 'Server: Asterisk PBX 18.0', 'Content-Length: 0']));
    expect(userAgent(r)).toBe('Asterisk PBX 18.0');
  });

  it('results are memoised per message', () => {
    expect(vias(m)).toBe(vias(m));
    expect(contacts(m)).toBe(contacts(m));
    expect(headerValues(m, 'supported')).toBe(headerValues(m, 'k'));
  });
});

describe('accessors on messages not built by parseSip (lazy path)', () => {
  const base = parse(REGISTER);
  // A structural copy: no memo, the accessors parse on demand.
  const copy: SipMessage = { ...base, headers: base.headers.map((h) => ({ ...h })) };

  it('give the same answers', () => {
    expect(vias(copy)).toEqual(vias(base));
    expect(fromHeader(copy)).toEqual(fromHeader(base));
    expect(toHeader(copy)).toEqual(toHeader(base));
    expect(contacts(copy)).toEqual(contacts(base));
    expect(cseq(copy)).toEqual(cseq(base));
    expect(routes(copy)).toEqual(routes(base));
    expect(recordRoutes(copy)).toEqual(recordRoutes(base));
  });

  it('the memo adds no enumerable property: a message has exactly the contract fields', () => {
    vias(base);
    expect(Object.keys(base).sort()).toEqual(
      [
        'kind',
        'method',
        'uri',
        'raw',
        'text',
        'version',
        'startLine',
        'headers',
        'bodyOffset',
        'body',
        'issues',
        'malformed',
        'source',
      ].sort(),
    );
  });
});

describe('accessors: a damaged CSeq is read the way Wireshark reads it (and flagged)', () => {
  it('no number: seq 0, the method from the first letter', () => {
    const m = parse(wire(['SIP/2.0 200 OK', 'CSeq: banana']));
    expect(cseq(m)).toEqual({ seq: 0, method: 'banana' });
    expect(m.issues.some((i) => i.code === 'syntax.header-value' && i.severity === 'error')).toBe(true);
  });

  it('a method with a non-token byte is kept whole; a NUL ends the value', () => {
    expect(cseq(parse(wire(['SIP/2.0 200 OK', 'CSeq: 1 INV\xe8TE'])))).toEqual({
      seq: 1,
      method: 'INV\xe8TE',
    });
    expect(cseq(parse(wire(['SIP/2.0 200 OK', 'CSeq:%s\0 REGISTER'])))).toEqual({ seq: 0, method: 's' });
    expect(cseq(parse(wire(['SIP/2.0 200 OK', 'CSeq: \x11 INVITE'])))).toEqual({ seq: 0, method: 'INVITE' });
    // A bare CR ends the value; a "method" longer than 16 bytes is none.
    expect(cseq(parse(wire(['SIP/2.0 200 OK', 'CSeq: 1 CANCEL\rContent-Length: 0'])))).toEqual({
      seq: 1,
      method: 'CANCEL',
    });
    expect(cseq(parse(wire(['SIP/2.0 200 OK', `CSeq: 2 /EGIS${'\xaa'.repeat(40)}`])))).toEqual({
      seq: 2,
      method: '',
    });
  });

  it('a Call-ID is cut at a NUL byte', () => {
    expect(callId(parse(wire(['SIP/2.0 200 OK', 'Call-ID: 578222%s\0-4665d775@host'])))).toBe('578222%s');
  });
});

describe('accessors: absent and broken values', () => {
  const m = parse(
    wire([
      'SIP/2.0 200 OK',
      'Contact: *',
      'Max-Forwards: lots',
      'Expires: soon',
      'Content-Length: x',
      'CSeq: banana',
    ]),
  );

  it('give undefined or empty lists, never throw', () => {
    expect(callId(m)).toBeUndefined();
    expect(vias(m)).toEqual([]);
    expect(topVia(m)).toBeUndefined();
    expect(fromHeader(m)).toBeUndefined();
    expect(toHeader(m)).toBeUndefined();
    expect(maxForwards(m)).toBeUndefined();
    expect(expires(m)).toBeUndefined();
    expect(contentLength(m)).toBeUndefined();
    expect(contentType(m)).toBeUndefined();
    expect(routes(m)).toEqual([]);
    expect(userAgent(m)).toBeUndefined();
  });

  it('Contact: * is the wildcard (RFC 3261 §10.2.2)', () => {
    expect(contacts(m)).toEqual(['*']);
  });
});
