/**
 * Messages modelled on the RFC 4475 torture cases, written for sipscope (not
 * the RFC's bytes): each keeps the one property its section is about. Lines
 * end in CRLF unless the case is about line ends; Content-Length is computed.
 *
 *   VALID:   §3.1.1 "Valid Messages" — a parser MUST accept them.
 */
import { SDP_OFFER } from './fixtures.js';

const CRLF = '\r\n';
/** Start line + headers, a computed Content-Length, the body. */
export function m(lines: string[], body = '', type = 'application/sdp'): string {
  const head = body === '' ? lines : [...lines, `Content-Type: ${type}`];
  return `${[...head, `Content-Length: ${body.length}`].join(CRLF)}${CRLF}${CRLF}${body}`;
}

export interface Mirror {
  section: string;
  name: string;
  text: string;
  /** Lint it as one UDP datagram (§3.1.1.8). */
  datagram?: boolean;
}

const LONG = 'x'.repeat(600);

export const VALID: Mirror[] = [
  {
    section: '3.1.1.1',
    name: 'short tortuous INVITE: folding, odd whitespace, compact forms, escapes in quoted strings',
    text:
      [
        'INVITE sip:vivian@chair.example.com;unknownparam SIP/2.0',
        'TO :',
        ' sip:vivian@chair.example.com ;   tag    = 1918181833n',
        'from   : "Joe Q. \\"JQ\\" User"',
        '  <sip:joe@example.org>',
        '  ;',
        '  tag = 98asjd8',
        'MaX-fOrWaRdS: 0068',
        'Call-ID: mirror-3.1.1.1@192.0.2.1',
        'Content-Length   : ' + SDP_OFFER.length,
        'cseq: 0009',
        '  INVITE',
        'Via  : SIP  /   2.0',
        ' /UDP',
        '    192.0.2.2;branch=z9hG4bK390skdjuw',
        's :',
        'X-Folded:   a value',
        ' that continues on the next line',
        'X-Odd-Value: ,;;,;,,;',
        'Content-Type: application/sdp',
        'Route:',
        ' <sip:edge.example.net;lr;foo=bar;flag>',
        'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
        '  branch  =   z9hG4bK9ikj8  ,',
        ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
        ' z9hG4bK30239',
        'm:"Quoted \\"name\\"" <sip:vivian@192.0.2.9> ; p1 =',
        '      v1 ;',
        '  p2 ; q = 0.5',
      ].join(CRLF) +
      CRLF +
      CRLF +
      SDP_OFFER,
  },
  {
    section: '3.1.1.2',
    name: 'wide range of valid characters in method, URI user part and tokens',
    text: m([
      "~weird-Method.01_*+`!%' sip:u~s(e)r!*'-_.&=+$,;?/@example.com SIP/2.0",
      'Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`~',
      'To: "tab\\\\ back" <sip:u~s(e)r!*\'-_.&=+$,;?/@example.com>',
      "From: tok~1 tok`2 tok'3 <sip:plain@example.com>;odd-param~=!.%;tag=_t~1'+`*%!-.",
      'Call-ID: cid!.%*_+`\'~()<>:\\"/[]?{}@w0rd',
      "CSeq: 7 ~weird-Method.01_*+`!%'",
      'Max-Forwards: 255',
      "extension-Header!.%*+_`'~: anything goes",
    ]),
  },
  {
    section: '3.1.1.3',
    name: '%-escaping in the Request-URI user part and in To/From URIs',
    text: m(
      [
        'INVITE sip:sips%3Abob%40example.org@gateway.example.net SIP/2.0',
        'To: sip:%61lice@example.com',
        'From: <sip:b%6fb@example.net>;tag=f7a3',
        'Max-Forwards: 87',
        'i: mirror-3.1.1.3@example.net',
        'CSeq: 10 INVITE',
        'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw',
        'Contact: <sip:cal%6Cer@192.0.2.5:5060;%6C%72;n%61me=v%61lue%25%34%31>',
      ],
      SDP_OFFER,
    ),
  },
  {
    section: '3.1.1.4',
    name: 'escaped NUL (%00) in URI user parts',
    text: m([
      'REGISTER sip:example.com SIP/2.0',
      'To: sip:null-%00-null@example.com',
      'From: sip:null-%00-null@example.com;tag=839923423',
      'Max-Forwards: 70',
      'Call-ID: mirror-3.1.1.4@example.com',
      'CSeq: 14398234 REGISTER',
      'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
      'Contact: <sip:%00@host5.example.com>',
      'Contact: <sip:%00%00@host5.example.com>',
      'L:0',
    ]).replace(/Content-Length: 0\r\n/, ''),
  },
  {
    section: '3.1.1.5',
    name: 'a method with "%" that is a token, not an escape',
    text: m([
      'SUB%53CRIBE sip:registrar.example.com SIP/2.0',
      'To: sip:watcher@example.com',
      'From: <sip:watcher@example.com>;tag=1d4b',
      'Max-Forwards: 70',
      'Call-ID: mirror-3.1.1.5@example.com',
      'Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209asd',
      'CSeq: 29344 SUB%53CRIBE',
      'Contact: <sip:watcher@host.example.com>',
    ]),
  },
  {
    section: '3.1.1.6',
    name: 'no LWS between display name and "<"',
    text: m([
      'OPTIONS sip:user@example.com SIP/2.0',
      'To: sip:user@example.com',
      'From: caller<sip:caller@example.com>;tag=323',
      'Max-Forwards: 70',
      'Call-ID: mirror-3.1.1.6@example.com',
      'CSeq: 60 OPTIONS',
      'Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw',
    ]),
  },
  {
    section: '3.1.1.7',
    name: 'long values in header fields',
    text: m(
      [
        'INVITE sip:user@example.com SIP/2.0',
        `To: "I have a user name of ${LONG} proportion"<sip:user@example.com:6000;unknownparam1=very${LONG};unknownparam2=x>`,
        `From: sip:caller@example.net;tag=${'9'.repeat(300)}`,
        `Call-ID: longreq.${LONG}@example.net`,
        'CSeq: 17 INVITE',
        'Max-Forwards: 69',
        `Unknown-${LONG}-Header: ${LONG}`,
        `Via: SIP/2.0/TCP sip33.example.com;branch=z9hG4bK${LONG}`,
        ...Array.from({ length: 30 }, (_, i) => `Via: SIP/2.0/TCP sip${i}.example.com;branch=z9hG4bK${i}x`),
        `Contact: <sip:amazinglylongcallername${LONG}@host5.example.net>`,
      ],
      SDP_OFFER,
    ),
  },
  {
    section: '3.1.1.8',
    name: 'extra trailing octets in a UDP datagram are discarded',
    datagram: true,
    text:
      m([
        'REGISTER sip:example.com SIP/2.0',
        'To: sip:j.user@example.com',
        'From: sip:j.user@example.com;tag=43251j3j324',
        'Max-Forwards: 8',
        'I: mirror-3.1.1.8@example.com',
        'Contact: sip:j.user@host.example.com',
        'CSeq: 8 REGISTER',
        'Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492',
      ]) + 'INVITE sip:joe@example.com SIP/2.0\r\nt: sip:joe@example.com\r\n\r\n',
  },
  {
    section: '3.1.1.9',
    name: 'semicolon-separated parameters in the URI user part',
    text: m([
      'OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0',
      'To: sip:j_user@example.com',
      'From: sip:caller@example.org;tag=33242',
      'Max-Forwards: 3',
      'Call-ID: mirror-3.1.1.9@example.org',
      'CSeq: 8 OPTIONS',
      'Accept: application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag',
      'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw',
    ]),
  },
  {
    section: '3.1.1.10',
    name: 'varied and unknown transport types in Via',
    text: m([
      'OPTIONS sip:user@example.com SIP/2.0',
      'To: sip:user@example.com',
      'From: <sip:caller@example.com>;tag=323',
      'Max-Forwards: 70',
      'Call-ID: mirror-3.1.1.10@example.com',
      'Accept: application/sdp',
      'CSeq: 60 OPTIONS',
      'Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw',
      'Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf',
      'Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj',
      'Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en',
      'Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee',
    ]),
  },
  {
    section: '3.1.1.11',
    name: 'multipart MIME body with a binary part',
    text: m(
      [
        'MESSAGE sip:kumiko@example.org SIP/2.0',
        'Via: SIP/2.0/UDP 192.0.2.70:5070;branch=z9hG4bK-mirror-3.1.1.11;rport',
        'Max-Forwards: 70',
        'Route: <sip:192.0.2.80:5080;lr>',
        'Subject: two parts, one of them binary',
        'Contact: <sip:sender@192.0.2.70:5070>',
        'To: <sip:kumiko@example.org>',
        'From: <sip:sender@example.com>;tag=77aa01',
        'Call-ID: mirror-3.1.1.11@example.com',
        'CSeq: 1 MESSAGE',
        'Content-Transfer-Encoding: binary',
        'MIME-Version: 1.0',
        'Date: Tue, 02 Jan 2024 10:00:00 GMT',
      ],
      '--mirror-boundary\r\n' +
        'Content-Type: text/plain\r\n' +
        'Content-Transfer-Encoding: binary\r\n' +
        '\r\n' +
        'Hello\r\n' +
        '--mirror-boundary\r\n' +
        'Content-Type: application/octet-stream\r\n' +
        'Content-Transfer-Encoding: binary\r\n' +
        '\r\n' +
        '\x00\x01\x02\xfe\xff\r\n\x80\x81' +
        '\r\n--mirror-boundary--\r\n',
      'multipart/mixed;boundary=mirror-boundary',
    ),
  },
  {
    section: '3.1.1.12',
    name: 'unusual (UTF-8) reason phrase',
    text: m([
      'SIP/2.0 200 = 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe',
      'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923',
      'Call-ID: mirror-3.1.1.12@example.com',
      'CSeq: 35 INVITE',
      'From: sip:user@example.com;tag=11141343',
      'To: sip:user@example.edu;tag=2229',
      'Contact: <sip:user@host198.example.com>',
    ]),
  },
  {
    section: '3.1.1.13',
    name: 'empty reason phrase',
    text: m([
      'SIP/2.0 100 ',
      'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe',
      'Call-ID: mirror-3.1.1.13@example.com',
      'CSeq: 35 INVITE',
      'From: <sip:user@example.com>;tag=39ansfi3',
      'To: <sip:user@example.edu>;tag=902jndnke3',
    ]),
  },
];
