/**
 * Trigger / clean messages for the rules about header lines and specific
 * headers (the start-line, framing and body rules are in rule-cases.ts).
 */

import { INVITE, OK_INVITE, OPTIONS, RINGING } from './fixtures.js';
import { add, type Case, drop, OLD_BRANCH } from './rule-cases.js';

/** `text` with `n` extension header lines added (`X-Pad-0: 0` …). */
function padded(text: string, n: number): string {
  let out = text;
  for (let i = 0; i < n; i++) out = add(out, `X-Pad-${i}: ${i}`);
  return out;
}

export const HEADER_CASES: Case[] = [
  {
    rule: 'header.without-colon',
    behaviour: 'RFC 3261 §7.3.1: a header field is a name, a colon and a value',
    trigger: { text: add(OPTIONS, 'Foobar roobar') },
    rangeStarts: 'Foobar roobar',
    clean: { text: add(OPTIONS, 'Foobar: roobar') },
  },
  {
    rule: 'header.line-malformed',
    behaviour: 'RFC 3261 §25.1: a header name is a token',
    trigger: { text: add(OPTIONS, 'Bad Name: x') },
    clean: { text: add(OPTIONS, 'Good-Name: x') },
  },
  {
    rule: 'header.mandatory-missing',
    behaviour: 'RFC 3261 §8.1.1: Call-ID is mandatory in every request',
    trigger: { text: drop(OPTIONS, 'Call-ID') },
    names: ['Call-ID'],
    rangeStarts: 'OPTIONS sip:',
    clean: { text: OPTIONS },
  },
  {
    rule: 'header.mandatory-missing',
    behaviour: 'RFC 3261 §8.1.1: an RFC 3261 UAC MUST insert Max-Forwards',
    trigger: { text: drop(OPTIONS, 'Max-Forwards') },
    severity: 'error',
    names: ['Max-Forwards'],
    clean: { text: OPTIONS },
  },
  {
    rule: 'header.mandatory-missing',
    behaviour: 'RFC 4475 §3.4.1: Max-Forwards missing from an RFC 2543 element is only a warning',
    trigger: {
      text: drop(OPTIONS.replace('branch=z9hG4bKhjhs8ass877', 'branch=hjhs8ass877'), 'Max-Forwards'),
    },
    severity: 'warning',
    clean: { text: OPTIONS },
  },
  {
    rule: 'header.mandatory-missing',
    behaviour: 'RFC 3261 §8.2.6.2: responses copy Via, From, To, Call-ID and CSeq (not Max-Forwards)',
    trigger: { text: drop(OK_INVITE, 'CSeq') },
    names: ['CSeq'],
    clean: { text: OK_INVITE },
  },
  {
    rule: 'header.duplicate',
    behaviour: 'RFC 3261 §7.3.1: only list headers may repeat (two CSeq lines)',
    trigger: { text: add(OPTIONS, 'CSeq: 63105 OPTIONS') },
    severity: 'error',
    rangeStarts: 'CSeq: 63105',
    names: ['CSeq', '63104 OPTIONS', '63105 OPTIONS'],
    clean: {
      text: add(add(OPTIONS, 'Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2'), 'Allow: INVITE, ACK'),
    },
  },
  {
    rule: 'header.duplicate',
    behaviour:
      'RFC 3261 §7.3.1: Authorization may repeat; an extension single-value header repeated is a warning',
    trigger: { text: add(add(OPTIONS, 'Session-Expires: 1800'), 'Session-Expires: 90') },
    severity: 'warning',
    clean: {
      text: add(add(OPTIONS, 'Authorization: Digest username="a"'), 'Authorization: Digest username="b"'),
    },
  },
  {
    rule: 'header.duplicate',
    behaviour:
      'RFC 3261 §7.3.1: a repeated single-value header is found among others of the same name length (Subject after Call-ID and Contact)',
    trigger: { text: add(add(OPTIONS, 'Subject: one'), 'Subject: two') },
    severity: 'error',
    names: ['Subject', 'one', 'two'],
    clean: { text: add(add(OPTIONS, 'Subject: one'), 'Expires: 60') },
  },
  {
    rule: 'header.duplicate',
    behaviour: 'RFC 3261 §7.3.1: two CSeq lines are found in a message with very many header lines too',
    trigger: { text: add(padded(OPTIONS, 80), 'CSeq: 63105 OPTIONS') },
    severity: 'error',
    rangeStarts: 'CSeq: 63105',
    names: ['CSeq', '63104 OPTIONS', '63105 OPTIONS'],
    clean: { text: add(padded(OPTIONS, 80), 'Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2') },
  },
  {
    rule: 'header.value-invalid',
    behaviour: 'RFC 3261 §20.22: Max-Forwards is 0 to 255',
    trigger: { text: OPTIONS.replace('Max-Forwards: 70', 'Max-Forwards: 300') },
    names: ['300'],
    clean: { text: OPTIONS.replace('Max-Forwards: 70', 'Max-Forwards: 255') },
  },
  {
    rule: 'header.empty-list-element',
    behaviour: 'RFC 3261 §7.3: list values are separated by single commas',
    trigger: { text: add(OPTIONS, 'Route: <sip:p1.example.com;lr>,,<sip:p2.example.com;lr>') },
    clean: { text: add(OPTIONS, 'Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>') },
  },
  {
    rule: 'header.param-malformed',
    behaviour: 'RFC 3261 §7.3.1: parameters are ";name[=value]", never empty',
    trigger: { text: OPTIONS.replace(';tag=1928301774', ';;tag=1928301774') },
    clean: { text: OPTIONS },
  },
  {
    rule: 'header.date-invalid',
    behaviour: 'RFC 3261 §20.17: SIP-date is RFC 1123 in GMT',
    trigger: { text: add(OPTIONS, 'Date: Sat, 13 Nov 2010 23:29:00 EST') },
    names: ['EST'],
    clean: { text: add(OPTIONS, 'Date: Sat, 13 Nov 2010 23:29:00 GMT') },
  },
  {
    rule: 'quoted-string.unterminated',
    behaviour: 'RFC 3261 §25.1: a quoted string ends with DQUOTE',
    trigger: { text: OPTIONS.replace('To: <sip:carol', 'To: "Carol <sip:carol') },
    clean: { text: OPTIONS.replace('To: <sip:carol', 'To: "Carol \\"CC\\"" <sip:carol') },
  },
  {
    rule: 'name-addr.malformed',
    behaviour: 'RFC 3261 §25.1: no spaces between "<" ">" and the addr-spec',
    trigger: {
      text: OPTIONS.replace('To: <sip:carol@chicago.example.com>', 'To: < sip:carol@chicago.example.com >'),
    },
    clean: {
      text: OPTIONS.replace(
        'To: <sip:carol@chicago.example.com>',
        'To: Carol<sip:carol@chicago.example.com>',
      ),
    },
  },
  {
    rule: 'name-addr.malformed',
    behaviour: 'RFC 3261 §25.1: a display name with "," needs quotes',
    trigger: { text: OPTIONS.replace('From: Alice', 'From: Bell, Alexander') },
    clean: { text: OPTIONS.replace('From: Alice', 'From: "Bell, Alexander"') },
  },
  {
    rule: 'name-addr.uri-not-enclosed',
    behaviour: 'RFC 3261 §20: a Contact URI with "?" MUST be in angle brackets',
    trigger: {
      text: INVITE.replace(
        'Contact: <sip:alice@pc33.atlanta.example.com>',
        'Contact: sip:alice@pc33.atlanta.example.com?Subject=x',
      ),
    },
    clean: {
      text: INVITE.replace(
        'Contact: <sip:alice@pc33.atlanta.example.com>',
        'Contact: <sip:alice@pc33.atlanta.example.com?Subject=x>',
      ),
    },
  },
  {
    rule: 'uri.malformed',
    behaviour: 'RFC 3261 §25.1: a port is at most 65535',
    trigger: {
      text: OPTIONS.replace(
        'To: <sip:carol@chicago.example.com>',
        'To: <sip:carol@chicago.example.com:99999>',
      ),
    },
    names: ['99999'],
    clean: {
      text: OPTIONS.replace(
        'To: <sip:carol@chicago.example.com>',
        'To: <sip:carol@chicago.example.com:5070>',
      ),
    },
  },
  {
    rule: 'ipv6.unbracketed',
    behaviour: 'RFC 5118 §4.2: an IPv6 address in a SIP URI is enclosed in "[]"',
    trigger: {
      text: OPTIONS.replace('OPTIONS sip:carol@chicago.example.com', 'OPTIONS sip:carol@2001:db8::10'),
    },
    clean: {
      text: OPTIONS.replace('OPTIONS sip:carol@chicago.example.com', 'OPTIONS sip:carol@[2001:db8::10]'),
    },
  },
  {
    rule: 'ipv6.invalid',
    behaviour: 'RFC 5118 §4.10: "2001:db8:::192.0.2.1" (three colons) is not an IPv6 address, two colons is',
    trigger: {
      text: OPTIONS.replace(
        'OPTIONS sip:carol@chicago.example.com',
        'OPTIONS sip:carol@[2001:db8:::192.0.2.1]',
      ),
    },
    clean: {
      text: OPTIONS.replace(
        'OPTIONS sip:carol@chicago.example.com',
        'OPTIONS sip:carol@[2001:db8::192.0.2.1]',
      ),
    },
  },
  {
    rule: 'via.malformed',
    behaviour: 'RFC 3261 §25.1: a Via sent-protocol is SIP/2.0/transport',
    trigger: { text: OPTIONS.replace('Via: SIP/2.0/TCP', 'Via: SIP/2.0') },
    severity: 'error',
    clean: { text: OPTIONS.replace('Via: SIP/2.0/TCP', 'Via: SIP / 2.0 / TCP') },
  },
  {
    rule: 'via.malformed',
    behaviour: 'RFC 3261 §25.1: Via received holds an IP address (warning otherwise)',
    trigger: {
      text: OPTIONS.replace('branch=z9hG4bKhjhs8ass877', 'branch=z9hG4bKhjhs8ass877;received=not-an-ip'),
    },
    severity: 'warning',
    clean: {
      text: OPTIONS.replace('branch=z9hG4bKhjhs8ass877', 'branch=z9hG4bKhjhs8ass877;received=2001:db8::9'),
    },
  },
  {
    rule: 'via.branch-no-cookie',
    behaviour: 'RFC 3261 §8.1.1.7: the branch begins with z9hG4bK (warning)',
    trigger: { text: OLD_BRANCH(INVITE) },
    severity: 'warning',
    names: ['776asdhds'],
    rangeStarts: 'SIP/2.0/UDP pc33.atlanta.example.com;branch=776asdhds',
    clean: { text: INVITE },
  },
  {
    rule: 'via.branch-no-cookie',
    behaviour: 'RFC 3261 §8.1.1.7: the Via value MUST contain a branch parameter',
    trigger: { text: OPTIONS.replace(';branch=z9hG4bKhjhs8ass877', '') },
    names: ['no branch'],
    clean: { text: OPTIONS },
  },
  {
    rule: 'cseq.method-mismatch',
    behaviour: 'RFC 3261 §8.1.1.5: the CSeq method MUST match the request method',
    trigger: { text: INVITE.replace('CSeq: 314159 INVITE', 'CSeq: 314159 OPTIONS') },
    names: ['OPTIONS', 'INVITE'],
    rangeStarts: 'CSeq',
    clean: { text: INVITE },
  },
  {
    rule: 'from.tag-missing',
    behaviour: 'RFC 3261 §8.1.1.3: the From field MUST contain a tag',
    trigger: { text: INVITE.replace(';tag=1928301774', '') },
    severity: 'error',
    rangeStarts: 'Alice <sip:alice@atlanta.example.com>',
    clean: { text: INVITE },
  },
  {
    rule: 'from.tag-missing',
    behaviour: 'RFC 3261 §12.1.1: RFC 2543 did not mandate From tags (warning)',
    trigger: { text: OLD_BRANCH(INVITE).replace(';tag=1928301774', '') },
    severity: 'warning',
    clean: { text: INVITE },
  },
  {
    rule: 'to.tag-missing',
    behaviour: 'RFC 3261 §8.2.6.2: the UAS MUST add a To tag to responses other than 100',
    trigger: { text: RINGING.replace(';tag=a6c85cf', '') },
    names: ['180', 'INVITE'],
    rangeStarts: 'Bob <sip:bob@biloxi.example.com>',
    clean: { text: RINGING.replace('SIP/2.0 180 Ringing', 'SIP/2.0 100 Trying').replace(';tag=a6c85cf', '') },
  },
  {
    rule: 'to.tag-missing',
    behaviour: 'RFC 3261 §12.1.2: RFC 2543 did not mandate To tags (warning)',
    trigger: { text: OLD_BRANCH(OK_INVITE).replace(';tag=a6c85cf', '') },
    severity: 'warning',
    clean: { text: OK_INVITE },
  },
  {
    rule: 'contact.missing',
    behaviour: 'RFC 3261 §8.1.1.8: an INVITE MUST have a Contact',
    trigger: { text: drop(INVITE, 'Contact') },
    severity: 'error',
    names: ['INVITE without Contact'],
    clean: { text: drop(OPTIONS, 'Contact') },
  },
  {
    rule: 'contact.missing',
    behaviour: 'RFC 3261 §12.1.1: a 2xx to INVITE MUST have a Contact; a 2xx to OPTIONS need not',
    trigger: { text: drop(OK_INVITE, 'Contact') },
    names: ['200 to INVITE'],
    clean: { text: drop(OK_INVITE, 'Contact').replace('CSeq: 314159 INVITE', 'CSeq: 314159 OPTIONS') },
  },
  {
    rule: 'contact.missing',
    behaviour: 'RFC 3261 §8.1.1.8: exactly one SIP or SIPS URI in the INVITE Contact',
    trigger: {
      text: INVITE.replace('Contact: <sip:alice@pc33.atlanta.example.com>', 'Contact: <tel:+12125551212>'),
    },
    names: ['tel:+12125551212'],
    clean: {
      text: INVITE.replace(
        'Contact: <sip:alice@pc33.atlanta.example.com>',
        'Contact: <sips:alice@pc33.atlanta.example.com>',
      ),
    },
  },
  {
    rule: 'contact.missing',
    behaviour: 'RFC 3261 §19.1.1: the scheme is case-insensitive (SIPS: is a SIPS URI, sipx: is not)',
    trigger: {
      text: INVITE.replace(
        'Contact: <sip:alice@pc33.atlanta.example.com>',
        'Contact: <sipx:alice@pc33.atlanta.example.com>',
      ),
    },
    names: ['sipx:alice'],
    clean: {
      text: INVITE.replace(
        'Contact: <sip:alice@pc33.atlanta.example.com>',
        'Contact: <SIPS:alice@pc33.atlanta.example.com>',
      ),
    },
  },
  {
    rule: 'contact.missing',
    behaviour: 'RFC 3261 §8.1.1.8: an INVITE with two Contact URIs is wrong',
    trigger: {
      text: INVITE.replace(
        'Contact: <sip:alice@pc33.atlanta.example.com>',
        'Contact: <sip:a@192.0.2.1>, <sip:a@192.0.2.2>',
      ),
    },
    names: ['2 Contact values'],
    clean: { text: INVITE },
  },
  {
    rule: 'contact.missing',
    behaviour: 'RFC 4475 §3.4.1: an RFC 2543 INVITE without Contact gets a warning',
    trigger: { text: drop(OLD_BRANCH(INVITE), 'Contact') },
    severity: 'warning',
    clean: { text: INVITE },
  },
];
