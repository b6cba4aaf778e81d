/**
 * Messages for the analyze tests, written for sipscope (example.com names,
 * RFC 5737 addresses), plus helpers to parse them and collect findings.
 */
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import type { Finding } from '../../src/analyze/finding.js';
import type { Rule } from '../../src/analyze/rule.js';
import type { Transport } from '../../src/decode/payload.js';
import type { SipMessage } from '../../src/sip/message.js';
import { parseSip } from '../../src/sip/parse.js';

export const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Header lines joined with CRLF, then the empty line and the body (Content-Length is the caller's). */
export const sip = (lines: string[], body = ''): string => `${lines.join('\r\n')}\r\n\r\n${body}`;

export const SDP_OFFER =
  'v=0\r\n' +
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.1\r\n' +
  's=-\r\n' +
  'c=IN IP4 192.0.2.1\r\n' +
  't=0 0\r\n' +
  'm=audio 49170 RTP/AVP 0 8\r\n' +
  'a=rtpmap:0 PCMU/8000\r\n' +
  'a=rtpmap:8 PCMA/8000\r\n';

export const SDP_ANSWER =
  'v=0\r\n' +
  'o=bob 2808844564 2808844564 IN IP4 192.0.2.4\r\n' +
  's=-\r\n' +
  'c=IN IP4 192.0.2.4\r\n' +
  't=0 0\r\n' +
  'm=audio 3456 RTP/AVP 0\r\n' +
  'a=rtpmap:0 PCMU/8000\r\n';

/** A valid INVITE with an SDP offer: every rule must stay silent on it. */
export const INVITE = sip(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Content-Type: application/sdp',
    `Content-Length: ${SDP_OFFER.length}`,
  ],
  SDP_OFFER,
);

/** The 200 OK answering INVITE. */
export const OK_INVITE = sip(
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:bob@192.0.2.4>',
    'Content-Type: application/sdp',
    `Content-Length: ${SDP_ANSWER.length}`,
  ],
  SDP_ANSWER,
);

/** A valid OPTIONS without body. */
export const OPTIONS = sip([
  'OPTIONS sip:carol@chicago.example.com SIP/2.0',
  'Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877',
  'Max-Forwards: 70',
  'To: <sip:carol@chicago.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 63104 OPTIONS',
  'Accept: application/sdp',
  'Content-Length: 0',
]);

/** A 180 Ringing to INVITE (with To tag and Contact). */
export const RINGING = sip([
  'SIP/2.0 180 Ringing',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
  'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:bob@192.0.2.4>',
  'Content-Length: 0',
]);

export function parse(text: string, transport?: Transport): SipMessage {
  const m = parseSip(enc(text));
  if (m === null) throw new Error(`test fixture is not SIP: ${text.slice(0, 40)}`);
  if (transport !== undefined) {
    m.source = {
      transport,
      src: { ip: '192.0.2.1', port: 5060 },
      dst: { ip: '192.0.2.4', port: 5060 },
      frame: 1,
      frames: [1],
      ts: 1,
    };
  }
  return m;
}

/** Findings of every rule (or `rules`) on one message, id 0. */
export function findingsOf(text: string, transport?: Transport, rules?: readonly Rule[]): Finding[] {
  const a = createAnalyzer(rules ? { rules } : {});
  a.onMessage(parse(text, transport), 0);
  a.end();
  return [...a.findings];
}

/** The bytes a finding's range points at. */
export function rangeText(text: string, f: Finding): string {
  if (f.range === undefined) return '';
  return text.slice(f.range.offset, f.range.offset + f.range.length);
}
