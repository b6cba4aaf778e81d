/**
 * RFC 4475 §3.1.1: valid messages a parser must accept. These are our own
 * messages built to exercise what each torture case exercises (not the RFC's
 * bytes); every one must parse with the right fields and no error issue.
 */
import { describe, expect, it } from 'vitest';
import {
  callId,
  contacts,
  contentLength,
  cseq,
  fromHeader,
  headerValue,
  headerValues,
  maxForwards,
  routes,
  toHeader,
  vias,
} from '../../src/sip/accessors.js';
import type { SipMessage } from '../../src/sip/message.js';
import { multipartOf } from '../../src/sip/multipart.js';
import { parseSip } from '../../src/sip/parse.js';
import { parseUri } from '../../src/sip/uri.js';
import { codes, enc, request, response, wire } from './build.js';

const SDP =
  'v=0\r\no=carol 2890844526 2890844526 IN IP4 198.51.100.3\r\ns=-\r\nc=IN IP4 198.51.100.3\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n';

function noErrors(m: SipMessage): void {
  expect(m.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(m.malformed).toBe(false);
}

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('§3.1.1.1 wsinv: whitespace, folding, case and compact forms everywhere', () => {
    const m = request(
      wire(
        [
          'INVITE sip:carol@lab.example.net;weirdparam SIP/2.0',
          'tO :',
          ' sip:carol@lab.example.net ;   tag    = 77aa',
          'fROM   : "Dave \\\\\\"the\\" D" \t <sip:dave@example.org>',
          '  ;',
          '  tag = 5x5',
          'mAX-fORWARDS: 0042',
          'Call-ID: wsinv-own.1@198.51.100.9',
          `Content-Length   : ${SDP.length}`,
          'cseq: 0021',
          '  INVITE',
          'Via  : SIP  /   2.0',
          ' /UDP',
          '    198.51.100.2;branch=z9hG4bKwsA',
          's :',
          'OddHeader:   odd value',
          ' carried on',
          'EmptyishHeader: ,;,;;,',
          'Content-Type: application/sdp',
          'Route:',
          ' <sip:edge.example.net;lr;strange=yes;flag>',
          'v:  SIP  / 2.0  / TCP     relay.example.net   ;',
          '  branch  =   z9hG4bKwsB  ,',
          ' SIP  /    2.0   / UDP  203.0.113.111   ; branch=',
          ' z9hG4bKwsC',
          'm:"Quoted \\"q\\"" <sip:dave@example.org> ; p1 =',
          '      v1 ;',
          '  p2 ; q = 0.7',
        ],
        SDP,
      ),
    );
    noErrors(m);
    expect(m.uri).toBe('sip:carol@lab.example.net;weirdparam');
    expect(toHeader(m)).toMatchObject({ uri: 'sip:carol@lab.example.net', tag: '77aa' });
    expect(fromHeader(m)).toMatchObject({
      display: 'Dave \\"the" D',
      uri: 'sip:dave@example.org',
      tag: '5x5',
    });
    expect(maxForwards(m)).toBe(42);
    expect(cseq(m)).toEqual({ seq: 21, method: 'INVITE' });
    expect(vias(m).map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '198.51.100.2', 'z9hG4bKwsA'],
      ['TCP', 'relay.example.net', 'z9hG4bKwsB'],
      ['UDP', '203.0.113.111', 'z9hG4bKwsC'],
    ]);
    // Offsets point at the wire bytes even across folds.
    expect(vias(m).map((v) => m.text.slice(v.offset, v.offset + 3))).toEqual(['SIP', 'SIP', 'SIP']);
    expect(m.text.slice(vias(m)[2].offset, vias(m)[2].offset + vias(m)[2].length)).toBe(
      'SIP  /    2.0   / UDP  203.0.113.111   ; branch=\r\n z9hG4bKwsC',
    );
    expect(headerValue(m, 'subject')).toBe('');
    expect(headerValue(m, 'oddheader')).toBe('odd value carried on');
    expect(headerValue(m, 'emptyishheader')).toBe(',;,;;,');
    expect(routes(m)[0].uri).toBe('sip:edge.example.net;lr;strange=yes;flag');
    expect(contacts(m)).toMatchObject([{ display: 'Quoted "q"', params: { p1: 'v1', p2: true, q: '0.7' } }]);
    expect(m.body.length).toBe(SDP.length);
  });

  it('§3.1.1.2 intmeth: every token and word char in method, URI, params, Call-ID and names', () => {
    const method = "!odd-Method9_*+`.%ok'~";
    const utf8 = Buffer.from('Καλημέρα', 'utf8').toString('latin1');
    const m = request(
      wire([
        `${method} sip:1_x.URI~(y!z)&a'b+c$/d?,/;;*:&p+w=1,q!*r$s~t_u.(v-w)@example.com SIP/2.0`,
        "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
        'To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:1_x.URI~(y!z)&a\'b+c$/d?,/;;*@example.com>',
        `From: tok1~\` tok2'+_ tok3*%!.- <sip:plain@example.com>;oddParam''~+*_!.-%="${utf8}";tag=_t~1'+\`*%!-.`,
        'Call-ID: intmeth-own.w%ZK-!.*_+\'@w`~)(><:\\/"][?}{',
        `CSeq: 139122385 ${method}`,
        'Max-Forwards: 255',
        `extHeader-!.%*+_\`'~:${utf8}`,
        'Content-Length: 0',
      ]),
    );
    noErrors(m);
    expect(m.method).toBe(method);
    const u = parseUri(m.uri);
    expect(u).toMatchObject({ kind: 'sip', user: "1_x.URI~(y!z)&a'b+c$/d?,/;;*", host: 'example.com' });
    expect(toHeader(m)?.display).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(fromHeader(m)).toMatchObject({ display: "tok1~` tok2'+_ tok3*%!.-", tag: "_t~1'+`*%!-." });
    expect(fromHeader(m)?.params["oddparam''~+*_!.-%"]).toBe(utf8);
    expect(callId(m)).toBe('intmeth-own.w%ZK-!.*_+\'@w`~)(><:\\/"][?}{');
    expect(cseq(m)?.method).toBe(method);
    expect(headerValue(m, "EXTHEADER-!.%*+_`'~")).toBe(utf8);
  });

  it('§3.1.1.3 esc01: %-escapes in Request-URI, To, From and Contact params', () => {
    const m = request(
      wire([
        'INVITE sip:sips%3Acarol%40example.net@example.org SIP/2.0',
        'To: sip:%63arol@example.net',
        'From: <sip:Dave%20with%20spaces@example.org>;tag=1',
        'Max-Forwards: 70',
        'i: esc01-own',
        'CSeq: 5 INVITE',
        'Via: SIP/2.0/UDP h5.example.org;branch=z9hG4bKe1',
        'Contact:',
        '  <sip:d%61ve@h5.example.org;%6C%72;k%65y=v%61l%25%34%31>',
        'l: 0',
      ]),
    );
    noErrors(m);
    expect(parseUri(m.uri)).toMatchObject({ user: 'sips:carol@example.net', host: 'example.org' });
    expect(parseUri(toHeader(m)!.uri)).toMatchObject({ user: 'carol' });
    expect(parseUri(fromHeader(m)!.uri)).toMatchObject({ user: 'Dave with spaces' });
    const c = contacts(m)[0];
    expect(c !== '*' && parseUri(c.uri)).toMatchObject({ user: 'dave', params: { lr: true, key: 'val%41' } });
  });

  it('§3.1.1.4 escnull: escaped NUL bytes in URIs', () => {
    const m = request(
      wire([
        'REGISTER sip:example.net SIP/2.0',
        'To: sip:zero-%00-zero@example.net',
        'From: sip:zero-%00-zero@example.net;tag=9',
        'Max-Forwards: 70',
        'Call-ID: escnull-own',
        'CSeq: 7 REGISTER',
        'Via: SIP/2.0/UDP h.example.net;branch=z9hG4bKn0',
        'Contact: <sip:%00@h.example.net>',
        'Contact: <sip:%00%00@h.example.net>',
        'L:0',
      ]),
    );
    noErrors(m);
    const users = contacts(m).map((c) => (c === '*' ? c : parseUri(c.uri)));
    expect(users).toMatchObject([{ user: '\x00' }, { user: '\x00\x00' }]);
  });

  it('§3.1.1.5 esc02: "%" in a method or header name is not an escape', () => {
    const m = request(
      wire([
        'REG%49STER sip:registrar.example.net SIP/2.0',
        'To: "%Z%41" <sip:thing@example.net>',
        'From: "%Z%41" <sip:thing@example.net>;tag=f2',
        'Call-ID: esc02-own',
        'Via: SIP/2.0/TCP h.example.net;branch=z9hG4bK2%fz',
        'CSeq: 3 REG%49STER',
        'Max-Forwards: 70',
        'Contact: <sip:a1@h1.example.net>',
        'C%6Fntact: <sip:a2@h2.example.net>',
        'l: 0',
      ]),
    );
    noErrors(m);
    expect(m.method).toBe('REG%49STER');
    expect(toHeader(m)?.display).toBe('%Z%41');
    expect(contacts(m)).toHaveLength(1);
    expect(headerValue(m, 'c%6fntact')).toBe('<sip:a2@h2.example.net>');
  });

  it('§3.1.1.6 lwsdisp: no LWS between display name and "<"', () => {
    const m = request(
      wire([
        'OPTIONS sip:u@example.net SIP/2.0',
        'To: sip:u@example.net',
        'From: someone<sip:someone@example.org>;tag=3',
        'Max-Forwards: 70',
        'Call-ID: lwsdisp-own',
        'CSeq: 1 OPTIONS',
        'Via: SIP/2.0/UDP h.example.org;branch=z9hG4bKl1',
        'l: 0',
      ]),
    );
    noErrors(m);
    expect(fromHeader(m)).toMatchObject({ display: 'someone', uri: 'sip:someone@example.org', tag: '3' });
  });

  it('§3.1.1.7 longreq: very long values and many Via lines in every case', () => {
    const long = 'x'.repeat(3000);
    const viaNames = ['Via', 'v', 'V', 'VIA', 'via', 'vIa', 'V  ', 'via '];
    const viaLines = Array.from(
      { length: 40 },
      (_, k) => `${viaNames[k % viaNames.length]}: SIP/2.0/TCP s${k}.example.net`,
    );
    const m = request(
      wire([
        'INVITE sip:u@example.net SIP/2.0',
        `To: "${long}"<sip:u@example.net:6000;p=${long};q>;tag=${long}`,
        `F: sip:${long}@example.org;tag=${long}`,
        `Call-ID: longreq-own.${long}`,
        'CSeq: 3882340 INVITE',
        `Unknown-${long}-Name: v-${long}; p-${long}=${long}`,
        ...viaLines,
        `Via: SIP/2.0/TCP host.example.net;received=192.0.2.5;branch=z9hG4bK${long}`,
        'Max-Forwards: 70',
        `Contact: <sip:${long}@h5.example.net>`,
        'l: 0',
      ]),
    );
    noErrors(m);
    expect(vias(m)).toHaveLength(41);
    expect(toHeader(m)?.tag).toHaveLength(3000);
    expect(fromHeader(m)?.tag).toHaveLength(3000);
  });

  it('§3.1.1.8 dblreq: bytes after Content-Length (a second request) are ignored, with a warning', () => {
    const first = wire([
      'REGISTER sip:example.net SIP/2.0',
      'To: sip:j@example.net',
      'From: sip:j@example.net;tag=4325',
      'Max-Forwards: 8',
      'I: dblreq-own.1',
      'Contact: sip:j@h.example.net',
      'CSeq: 8 REGISTER',
      'Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKd1',
      'Content-Length: 0',
    ]);
    const second = wire(['INVITE sip:k@example.net SIP/2.0', 'Call-ID: dblreq-own.2', 'Content-Length: 0']);
    const m = request(`${first}\r\n${second}`);
    noErrors(m);
    expect(m.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
    expect(codes(m, 'warning')).toEqual(['framing.extra-bytes']);
    expect(callId(m)).toBe('dblreq-own.1');
  });

  it('§3.1.1.9 semiuri: ";" in the user part of the Request-URI', () => {
    const m = request(
      wire([
        'OPTIONS sip:u;par=v%40example.org@example.net SIP/2.0',
        'To: sip:j_u@example.net',
        'From: sip:caller@example.org;tag=33',
        'Max-Forwards: 3',
        'Call-ID: semiuri-own',
        'CSeq: 8 OPTIONS',
        'Accept: application/sdp, application/pkcs7-mime,',
        '        multipart/mixed, message/sip',
        'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKs1',
        'l: 0',
      ]),
    );
    noErrors(m);
    expect(parseUri(m.uri)).toMatchObject({ user: 'u;par=v@example.org', host: 'example.net', params: {} });
    expect(headerValues(m, 'accept')).toEqual([
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'message/sip',
    ]);
  });

  it('§3.1.1.10 transports: known and unknown Via transports', () => {
    const m = request(
      wire([
        'OPTIONS sip:u@example.net SIP/2.0',
        'To: sip:u@example.net',
        'From: <sip:c@example.net>;tag=1',
        'Max-Forwards: 70',
        'Call-ID: transports-own',
        'CSeq: 60 OPTIONS',
        'Via: SIP/2.0/UDP t1.example.net;branch=z9hG4bKt1',
        'Via: SIP/2.0/SCTP t2.example.net;branch=z9hG4bKt2',
        'Via: SIP/2.0/TLS t3.example.net;branch=z9hG4bKt3',
        'Via: SIP/2.0/QUANTUM t4.example.net;branch=z9hG4bKt4',
        'Via: SIP/2.0/TCP t5.example.net;branch=z9hG4bKt5',
        'l: 0',
      ]),
    );
    noErrors(m);
    expect(vias(m).map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'QUANTUM', 'TCP']);
  });

  it('§3.1.1.11 mpart01: multipart/mixed body with a binary part', () => {
    const binary = String.fromCharCode(...Array.from({ length: 256 }, (_, k) => k));
    const body = [
      '--b0undary',
      'Content-Type: text/plain',
      '',
      'Hi',
      '--b0undary',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: binary',
      '',
      binary,
      '--b0undary--',
      '',
    ].join('\r\n');
    const m = request(
      wire(
        [
          'MESSAGE sip:kim@example.org SIP/2.0',
          'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-m1;rport',
          'Max-Forwards: 70',
          'To: <sip:kim@example.org>',
          'From: <sip:lee@example.com>;tag=2f',
          'Call-ID: mpart01-own',
          'CSeq: 1 MESSAGE',
          'Content-Type: multipart/mixed;boundary=b0undary',
          `Content-Length: ${body.length}`,
        ],
        body,
      ),
    );
    noErrors(m);
    expect(contentLength(m)).toBe(body.length);
    const mp = multipartOf(m)!;
    expect(mp.parts.map((p) => p.contentType)).toEqual(['text/plain', 'application/octet-stream']);
    expect(mp.parts[1].body).toBe(binary);
    expect(mp.issues).toEqual([]);
  });

  it('§3.1.1.12 unreason: a UTF-8 reason phrase', () => {
    const reason = Buffer.from('= 3 * 7 — Ελληνικά', 'utf8').toString('latin1');
    const m = response(
      wire([
        `SIP/2.0 200 ${reason}`,
        'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bKu1',
        'Call-ID: unreason-own',
        'CSeq: 35 INVITE',
        'From: sip:u@example.com;tag=11',
        'To: sip:u@example.edu;tag=22',
        'Content-Length: 0',
      ]),
    );
    noErrors(m);
    expect(m.status).toBe(200);
    expect(Buffer.from(m.reason, 'latin1').toString('utf8')).toBe('= 3 * 7 — Ελληνικά');
  });

  it('§3.1.1.13 noreason: an empty reason phrase', () => {
    const m = response(
      wire([
        'SIP/2.0 183 ',
        'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bKn1',
        'Call-ID: noreason-own',
        'CSeq: 35 INVITE',
        'From: <sip:u@example.com>;tag=39',
        'To: <sip:u@example.edu>;tag=90',
        'Content-Length: 0',
      ]),
    );
    expect(m.issues).toEqual([]);
    expect(m).toMatchObject({ status: 183, reason: '' });
  });

  it('the bytes given are not modified and stay the message raw', () => {
    const text = wire(['OPTIONS sip:a@b SIP/2.0', 'Subject:  folded', '  value', 'Call-ID: x']);
    const bytes = enc(text);
    const m = parseSip(bytes)!;
    expect(m.raw).toBe(bytes);
    expect(Buffer.from(bytes).toString('latin1')).toBe(text);
    expect(m.text).toBe(text);
  });
});
