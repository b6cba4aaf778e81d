/**
 * Bad input never throws (DESIGN.md convention 4): random bytes and mutated
 * valid messages go through parseSip and every accessor; whatever comes out
 * must be consistent (offsets inside the message, `malformed` matching the
 * issues).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as acc from '../../src/sip/accessors.js';
import type { SipMessage } from '../../src/sip/message.js';
import { multipartOf } from '../../src/sip/multipart.js';
import { parseSip } from '../../src/sip/parse.js';
import { sdpOf } from '../../src/sip/sdp.js';
import { parseUri } from '../../src/sip/uri.js';
import { enc, wire } from './build.js';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n';
const MP = `--zz\r\nContent-Type: application/sdp\r\n\r\n${SDP}\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n--zz--\r\n`;

const SEEDS = [
  wire(
    [
      'INVITE sip:bob@[2001:db8::1]:5060;transport=udp SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport;received=192.0.2.9, SIP/2.0/TCP [2001:db8::2];branch=z9hG4bK2',
      'From: "A, \\"x\\"" <sip:a@example.com;user=phone>;tag=1',
      't: B <sip:b@example.com>',
      'Call-ID: f00@h',
      'CSeq: 1 INVITE',
      'Contact: <sip:a@192.0.2.1>;expires=60;+sip.instance="<urn:x>", <sip:a@h2>',
      'Route: <sip:p1;lr>,\r\n <sip:p2;lr>',
      'Record-Route: <sip:rr;lr>',
      'Max-Forwards: 70',
      'Expires: 30',
      'Date: Sat, 13 Nov 2010 23:29:00 GMT',
      'Warning: 399 h "x"',
      'Retry-After: 5 (later);duration=3',
      'User-Agent: fuzz',
      'Content-Type: application/sdp',
      `Content-Length: ${SDP.length}`,
    ],
    SDP,
  ),
  wire([
    'SIP/2.0 180 Ringing',
    'Contact: *',
    'v: SIP/2.0/UDP h;branch=z9hG4bKa',
    'f: <sip:a@h>;tag=1',
    't: <sip:b@h>;tag=2',
    'i: x',
    'CSeq: 1 INVITE',
    'Server: s',
    'l: 0',
  ]),
  wire(
    [
      'MESSAGE sip:b@h SIP/2.0',
      'v: SIP/2.0/TLS h;branch=z9hG4bKm',
      'f: <sip:a@h>;tag=1',
      't: <sip:b@h>',
      'i: m1',
      'CSeq: 2 MESSAGE',
      'Max-Forwards: 1',
      'c: multipart/mixed;boundary=zz',
      `l: ${MP.length}`,
    ],
    MP,
  ),
];

/** Calls everything that reads a message; returns it for the invariant checks. */
function exercise(m: SipMessage): void {
  for (const name of ['via', 'v', 'Contact', 'X-Unknown', 'route', 'date', 'supported']) {
    acc.headerValue(m, name);
    acc.headerValues(m, name);
    acc.headerFields(m, name);
  }
  acc.callId(m);
  acc.cseq(m);
  acc.vias(m);
  acc.topVia(m);
  acc.fromHeader(m);
  acc.toHeader(m);
  acc.contacts(m);
  acc.maxForwards(m);
  acc.contentLength(m);
  acc.contentType(m);
  acc.routes(m);
  acc.recordRoutes(m);
  acc.expires(m);
  acc.userAgent(m);
  sdpOf(m);
  multipartOf(m);
  if (m.kind === 'request') parseUri(m.uri);
  for (const na of [acc.fromHeader(m), acc.toHeader(m), ...acc.routes(m)]) if (na) parseUri(na.uri);
}

function checkInvariants(m: SipMessage, bytes: Uint8Array): void {
  const n = bytes.length;
  expect(m.raw).toBe(bytes);
  expect(m.text.length).toBe(n);
  expect(m.malformed).toBe(m.issues.some((i) => i.severity === 'error'));
  for (const i of m.issues) {
    expect(i.offset).toBeGreaterThanOrEqual(0);
    expect(i.length).toBeGreaterThanOrEqual(0);
    expect(i.offset + i.length).toBeLessThanOrEqual(n);
  }
  for (const h of m.headers) {
    expect(h.offset + h.length).toBeLessThanOrEqual(n);
    expect(h.valueOffset).toBeGreaterThanOrEqual(h.offset);
    expect(h.key).toBe(h.key.toLowerCase());
  }
  expect(m.bodyOffset + m.body.length).toBeLessThanOrEqual(n);
  for (const v of acc.vias(m)) expect(v.offset + v.length).toBeLessThanOrEqual(n);
}

function run(bytes: Uint8Array): void {
  const m = parseSip(bytes);
  if (m === null) return;
  exercise(m);
  checkInvariants(m, bytes);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '\r\n',
      ' ',
      ',',
      ';',
      '"',
      '<',
      '>',
      ':',
      '\n ',
      '%',
      '[',
      ']',
      '=',
      '@',
      '\x00',
      '\r\n\r\n',
      'SIP/2.0',
    ),
  }),
);

function mutate(
  seed: string,
  muts: Array<{ kind: 'flip' | 'cut' | 'insert'; at: number; byte?: number; len?: number; text?: string }>,
): Uint8Array {
  let s = seed;
  for (const m of muts) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    if (m.kind === 'flip') s = s.slice(0, at) + String.fromCharCode(m.byte!) + s.slice(at + 1);
    else if (m.kind === 'cut') s = s.slice(0, at) + s.slice(at + m.len!);
    else s = s.slice(0, at) + m.text! + s.slice(at);
  }
  return enc(s);
}

describe('parseSip and the accessors never throw', () => {
  it('the seeds themselves are valid messages', () => {
    for (const s of SEEDS) {
      const m = parseSip(enc(s))!;
      expect(m.issues.filter((i) => i.severity === 'error')).toEqual([]);
    }
  });

  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => run(b)),
      { numRuns: 3000 },
    );
  }, 30_000);

  it('on random text that starts like SIP', () => {
    const head = fc.constantFrom(
      'INVITE sip:a@b SIP/2.0\r\n',
      'SIP/2.0 200 OK\r\n',
      '\r\nBYE sip:x SIP/2.0\r\n',
    );
    fc.assert(
      fc.property(head, fc.string({ unit: 'binary-ascii', maxLength: 400 }), (h, rest) => run(enc(h + rest))),
      { numRuns: 2000 },
    );
  }, 30_000);

  it('on mutated valid messages', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (seed, muts) => run(mutate(seed, muts)),
      ),
      { numRuns: 4000 },
    );
  }, 30_000);
});
