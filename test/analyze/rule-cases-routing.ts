/**
 * Trigger / clean messages for the message-scope rules of the loop, ACK and
 * routing families (the correlated rules are tested with message sequences
 * in correlated-*.test.ts).
 */
import { INVITE, OK_INVITE, OPTIONS, sip } from './fixtures.js';
import { add, type Case } from './rule-cases.js';

const DIALOG = [
  'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
];

/** An INVITE as a proxy forwards it: `vias` on top of the caller's. */
const forwarded = (vias: string[]): string =>
  INVITE.replace(
    'Via: SIP/2.0/UDP pc33',
    `${vias.map((v) => `Via: ${v}`).join('\r\n')}\r\nVia: SIP/2.0/UDP pc33`,
  );

const response = (status: string, cseq = '314159 INVITE'): string =>
  sip([
    `SIP/2.0 ${status}`,
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
    ...DIALOG,
    `CSeq: ${cseq}`,
    'Content-Length: 0',
  ]);

export const ROUTING_CASES: Case[] = [
  {
    rule: 'loop.via-repeated',
    behaviour:
      'RFC 3261 §16.3: the same sent-by with the same branch twice in the Via list means the request looped',
    trigger: {
      text: forwarded([
        'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK4b43c2ff8.1',
        'SIP/2.0/UDP fwd.example.net;branch=z9hG4bKa7c6a8dlze',
        'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK4b43c2ff8.1',
      ]),
    },
    severity: 'warning',
    names: ['proxy.example.com', 'z9hG4bK4b43c2ff8.1'],
    rangeStarts: 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK4b43c2ff8.1',
    // A spiral: the proxy's own sent-by again, but with another branch (RFC 3261 §16.3).
    clean: {
      text: forwarded([
        'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK4b43c2ff8.2',
        'SIP/2.0/UDP fwd.example.net;branch=z9hG4bKa7c6a8dlze',
        'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK4b43c2ff8.1',
      ]),
    },
  },
  {
    rule: 'loop.482-returned',
    behaviour: 'RFC 3261 §16.3: an element that detects a loop may answer 482 (Loop Detected)',
    trigger: { text: response('482 Loop Detected') },
    severity: 'info',
    rangeStarts: 'SIP/2.0 482',
    clean: { text: response('486 Busy Here') },
  },
  {
    rule: 'loop.483-returned',
    behaviour: 'RFC 3261 §16.3: a request whose Max-Forwards reached 0 gets 483 (Too Many Hops)',
    trigger: { text: response('483 Too Many Hops') },
    severity: 'warning',
    names: ['routing loop'],
    clean: { text: response('480 Temporarily Unavailable') },
  },
  {
    rule: 'loop.483-returned',
    behaviour: 'RFC 3261 §11: a 483 to an OPTIONS probe with a small Max-Forwards is only info',
    trigger: { text: response('483 Too Many Hops', '63104 OPTIONS') },
    severity: 'info',
    names: ['OPTIONS probe'],
    clean: { text: response('200 OK', '63104 OPTIONS') },
  },
  {
    rule: 'ack.answered',
    behaviour: 'RFC 3261 §17.1: ACK has no transaction, so it is never answered',
    trigger: { text: response('200 OK', '314159 ACK') },
    severity: 'error',
    rangeStarts: 'SIP/2.0 200 OK',
    clean: { text: OK_INVITE },
  },
  {
    rule: 'route.strict-routing',
    behaviour: 'RFC 3261 §16.6 step 4: the URI a proxy puts in Record-Route MUST contain lr',
    trigger: { text: add(INVITE, 'Record-Route: <sip:p1.example.com>') },
    severity: 'warning',
    names: ['sip:p1.example.com', 'strict router'],
    rangeStarts: '<sip:p1.example.com>',
    clean: { text: add(INVITE, 'Record-Route: <sip:p1.example.com;lr>') },
  },
  {
    rule: 'route.strict-routing',
    behaviour: "RFC 3261 §16.4: a Request-URI carrying a loose router's route URI (lr) was strict-routed",
    trigger: {
      text: OPTIONS.replace('OPTIONS sip:carol@chicago.example.com', 'OPTIONS sip:p1.example.com;lr'),
    },
    names: ['sip:p1.example.com;lr'],
    rangeStarts: 'OPTIONS sip:p1.example.com;lr',
    clean: {
      text: OPTIONS.replace(
        'OPTIONS sip:carol@chicago.example.com',
        'OPTIONS sip:carol@p1.example.com;lrx=1',
      ),
    },
  },
];
