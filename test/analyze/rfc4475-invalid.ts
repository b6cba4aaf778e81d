/**
 * Messages modelled on the RFC 4475 §3.1.2 "Invalid Messages" (written for
 * sipscope, not the RFC's bytes): each breaks the grammar the way its section
 * describes. Lines end in CRLF; Content-Length is computed unless wrong on
 * purpose.
 */
import { SDP_OFFER } from './fixtures.js';
import { type Mirror, m } from './rfc4475-valid.js';

const OPT = (startLine: string, extra: string[] = []): string =>
  m([
    startLine,
    'Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw',
    'Max-Forwards: 70',
    'To: <sip:user@example.com>',
    'From: <sip:caller@example.net>;tag=3fd8',
    'Call-ID: invalid.8fa8a3d1@example.net',
    'CSeq: 1 OPTIONS',
    ...extra,
  ]);

const INV = (startLine: string, extra: string[] = [], cseq = 'CSeq: 1 INVITE'): string =>
  m(
    [
      startLine,
      'Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw',
      'Max-Forwards: 70',
      'To: <sip:user@example.com>',
      'From: <sip:caller@example.net>;tag=3fd8',
      'Call-ID: invalid.8fa8a3d1@example.net',
      cseq,
      'Contact: <sip:caller@host.example.com>',
      ...extra,
    ],
    SDP_OFFER,
  );

export const INVALID: Mirror[] = [
  {
    section: '3.1.2.1',
    name: 'extraneous header field separators',
    text: INV('INVITE sip:user@example.com SIP/2.0', [
      'Route: <sip:proxy.example.com;lr>;;,,<sip:p2.example.com;lr>',
    ]).replace('branch=z9hG4bKkdjuw', 'branch=z9hG4bKkdjuw;;,;,,'),
  },
  {
    section: '3.1.2.2',
    name: 'Content-Length larger than the message',
    text: INV('INVITE sip:user@example.com SIP/2.0').replace(/Content-Length: \d+/, 'Content-Length: 9999'),
  },
  {
    section: '3.1.2.3',
    name: 'negative Content-Length',
    text: INV('INVITE sip:user@example.com SIP/2.0').replace(/Content-Length: \d+/, 'Content-Length: -999'),
  },
  {
    section: '3.1.2.4',
    name: 'request scalar fields with overlarge values',
    text: m([
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129',
      'To: <sip:user@example.com>',
      'From: <sip:other@example.net>;tag=dkfj4',
      'Call-ID: mirror-3.1.2.4@example.com',
      'Max-Forwards: 300',
      'Expires: 1000000000000000000000000000000',
      'Contact: <sip:user@host129.example.com>;expires=280297596632815',
      'CSeq: 36893488147419103232 REGISTER',
    ]),
  },
  {
    section: '3.1.2.5',
    name: 'response scalar fields with overlarge values',
    text: m([
      'SIP/2.0 503 Service Unavailable',
      'Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129',
      'To: <sip:user@example.com>;tag=sdkfj',
      'From: <sip:other@example.net>;tag=dkfj4',
      'Call-ID: mirror-3.1.2.5@example.com',
      'Retry-After: 949302838503028349304023988',
      'Warning: 1499 edge.example.com "Busy"',
      'CSeq: 1 REGISTER',
    ]),
  },
  {
    section: '3.1.2.6',
    name: 'unterminated quoted string in a display name',
    text: INV('INVITE sip:user@example.com SIP/2.0').replace(
      'To: <sip:user@example.com>',
      'To: "Mr. J. User <sip:j.user@example.com>',
    ),
  },
  {
    section: '3.1.2.7',
    name: '"<>" enclosing the Request-URI',
    text: INV('INVITE <sip:user@example.com> SIP/2.0'),
  },
  {
    section: '3.1.2.8',
    name: 'LWS inside the Request-URI',
    text: INV('INVITE sip:user@example.com; lr SIP/2.0'),
  },
  {
    section: '3.1.2.9',
    name: 'several SP between Request-Line elements',
    text: INV('INVITE  sip:user@example.com  SIP/2.0'),
  },
  {
    section: '3.1.2.10',
    name: 'SP at the end of the Request-Line',
    text: OPT('OPTIONS sip:remote-target@example.com SIP/2.0  '),
  },
  {
    section: '3.1.2.11',
    name: 'escaped headers in the Request-URI',
    text: INV('INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0'),
  },
  {
    section: '3.1.2.12',
    name: 'Date in a time zone other than GMT',
    text: INV('INVITE sip:user@example.com SIP/2.0', ['Date: Fri, 01 Jan 2010 16:00:00 EST']),
  },
  {
    section: '3.1.2.13',
    name: 'URI with "?" not enclosed in "<>" in Contact',
    text: m([
      'REGISTER sip:example.com SIP/2.0',
      'To: sip:user@example.com',
      'From: sip:user@example.com;tag=998332',
      'Max-Forwards: 70',
      'Call-ID: mirror-3.1.2.13@example.com',
      'CSeq: 1 REGISTER',
      'Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw',
      'Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E',
    ]),
  },
  {
    section: '3.1.2.14',
    name: 'spaces within the addr-spec',
    text: OPT('OPTIONS sip:user@example.org SIP/2.0').replace(
      'To: <sip:user@example.com>',
      'To: "Watson, Thomas" < sip:t.watson@example.org >',
    ),
  },
  {
    section: '3.1.2.15',
    name: 'non-token characters in an unquoted display name',
    text: OPT('OPTIONS sip:t.watson@example.org SIP/2.0').replace(
      'To: <sip:user@example.com>',
      'To: Watson, Thomas <sip:t.watson@example.org>',
    ),
  },
  {
    section: '3.1.2.16',
    name: 'unknown protocol version',
    text: OPT('OPTIONS sip:t.watson@example.org SIP/7.0'),
  },
  {
    section: '3.1.2.17',
    name: 'start line and CSeq method mismatch',
    text: OPT('OPTIONS sip:user@example.com SIP/2.0').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'),
  },
  {
    section: '3.1.2.18',
    name: 'unknown method with a CSeq method mismatch',
    text: OPT('NEWMETHOD sip:user@example.com SIP/2.0').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'),
  },
  {
    section: '3.1.2.19',
    name: 'overlarge response code',
    text: m([
      'SIP/2.0 4294967999 Far Beyond',
      'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe',
      'Call-ID: mirror-3.1.2.19@example.com',
      'CSeq: 353494 INVITE',
      'From: <sip:user@example.com>;tag=39ansfi3',
      'To: <sip:user@example.edu>;tag=902jndnke3',
      'Contact: <sip:user@host105.example.com>',
    ]),
  },
];
