/**
 * For each message-scope rule, a message that must trigger it and one that
 * must not, named after the RFC behaviour they show: the start-line, framing
 * and body rules here, the header rules in rule-cases-headers.ts.
 */
import type { Severity } from '../../src/analyze/finding.js';
import type { Transport } from '../../src/decode/payload.js';
import { INVITE, OK_INVITE, OPTIONS, SDP_OFFER } from './fixtures.js';

export interface Sample {
  text: string;
  transport?: Transport;
}
export interface Case {
  rule: string;
  /** The RFC behaviour, for the test names. */
  behaviour: string;
  trigger: Sample;
  severity?: Severity;
  /** What the finding's byte range must start with. */
  rangeStarts?: string;
  /** Words the finding text must name. */
  names?: string[];
  clean: Sample;
}

export const add = (msg: string, line: string): string =>
  msg.replace('Content-Length: ', `${line}\r\nContent-Length: `);
export const drop = (msg: string, name: string): string =>
  msg.replace(new RegExp(`${name}: [^\\r]*\\r\\n`), '');
export const OLD_BRANCH = (msg: string): string => msg.replace('branch=z9hG4bK776asdhds', 'branch=776asdhds');

const MULTIPART_BODY =
  '--boundary42\r\n' +
  'Content-Type: application/sdp\r\n' +
  '\r\n' +
  SDP_OFFER +
  '--boundary42\r\n' +
  'Content-Type: text/plain\r\n' +
  '\r\n' +
  'hello\r\n' +
  '--boundary42--\r\n';
const multipart = (body: string): string =>
  INVITE.replace('Content-Type: application/sdp', 'Content-Type: multipart/mixed;boundary=boundary42')
    .replace(`Content-Length: ${SDP_OFFER.length}`, `Content-Length: ${body.length}`)
    .replace(SDP_OFFER, body);

/** INVITE with its SDP offer edited (Content-Length follows). */
const offerWith = (edit: (sdp: string) => string): string => {
  const body = edit(SDP_OFFER);
  return INVITE.replace(`Content-Length: ${SDP_OFFER.length}`, `Content-Length: ${body.length}`).replace(
    SDP_OFFER,
    body,
  );
};
const DTLS_OFFER = (sdp: string): string => sdp.replace('RTP/AVP', 'UDP/TLS/RTP/SAVPF');
const FINGERPRINT = 'a=fingerprint:sha-256 49:98:87:00:11:22:33:44:55:66:77:88:99:AA:BB:CC\r\n';

export const MESSAGE_CASES: Case[] = [
  {
    rule: 'start-line.malformed',
    behaviour: 'RFC 3261 §7.1: Request-Line elements are separated by a single SP',
    trigger: {
      text: OPTIONS.replace(
        'OPTIONS sip:carol@chicago.example.com SIP/2.0',
        'OPTIONS  sip:carol@chicago.example.com SIP/2.0',
      ),
    },
    clean: { text: OPTIONS },
  },
  {
    rule: 'sip-version.unsupported',
    behaviour: 'RFC 3261 §7.1: messages carry SIP-Version "SIP/2.0"',
    trigger: { text: OPTIONS.replace('SIP/2.0\r\n', 'SIP/3.0\r\n') },
    names: ['SIP/3.0'],
    clean: { text: OPTIONS },
  },
  {
    rule: 'status-code.invalid',
    behaviour: 'RFC 3261 §7.2: the Status-Code is 3 digits whose first is 1 to 6',
    trigger: { text: OK_INVITE.replace('SIP/2.0 200 OK', 'SIP/2.0 700 Beyond') },
    names: ['700'],
    clean: { text: OK_INVITE },
  },
  {
    rule: 'request-uri.malformed',
    behaviour: 'RFC 3261 §7.1: the Request-URI MUST NOT be enclosed in "<>"',
    trigger: {
      text: OPTIONS.replace(
        'OPTIONS sip:carol@chicago.example.com',
        'OPTIONS <sip:carol@chicago.example.com>',
      ),
    },
    clean: { text: OPTIONS },
  },
  {
    rule: 'request-uri.headers',
    behaviour:
      'RFC 3261 §19.1.1 Table 1: URI headers are not allowed in a Request-URI, "?" in the user part is',
    trigger: {
      text: OPTIONS.replace(
        'OPTIONS sip:carol@chicago.example.com',
        'OPTIONS sip:carol@chicago.example.com?Subject=hi',
      ),
    },
    names: ['Subject'],
    rangeStarts: 'sip:carol@chicago.example.com?Subject=hi',
    clean: {
      text: OPTIONS.replace(
        'OPTIONS sip:carol@chicago.example.com',
        'OPTIONS sip:car?ol@chicago.example.com',
      ),
    },
  },
  {
    rule: 'framing.bare-lf',
    behaviour: 'RFC 3261 §7: lines end with CRLF (a bare LF is tolerated: warning)',
    trigger: { text: OPTIONS.replace(/\r\n/g, '\n') },
    severity: 'warning',
    clean: { text: OPTIONS },
  },
  {
    rule: 'framing.no-empty-line',
    behaviour: 'RFC 3261 §7: the empty line MUST be present even without a body (warning)',
    trigger: { text: OPTIONS.replace(/\r\n\r\n$/, '\r\n') },
    severity: 'warning',
    clean: { text: OPTIONS },
  },
  {
    rule: 'content-length.invalid',
    behaviour: 'RFC 3261 §20.14: Content-Length is a non-negative decimal number',
    trigger: { text: OPTIONS.replace('Content-Length: 0', 'Content-Length: -5') },
    rangeStarts: 'Content-Length',
    clean: { text: OPTIONS },
  },
  {
    rule: 'content-length.mismatch',
    behaviour: 'RFC 3261 §18.3: a datagram shorter than Content-Length is an error',
    trigger: { text: OPTIONS.replace('Content-Length: 0', 'Content-Length: 10') },
    names: ['10'],
    rangeStarts: 'Content-Length',
    clean: { text: INVITE },
  },
  {
    rule: 'content-length.mismatch',
    behaviour: 'RFC 3261 §18.3: bytes beyond Content-Length are discarded (warning)',
    trigger: { text: `${OPTIONS}garbage` },
    severity: 'warning',
    clean: { text: OPTIONS },
  },
  {
    rule: 'content-length.missing-on-stream',
    behaviour: 'RFC 3261 §18.3: Content-Length MUST be used on stream transports (TCP), not on UDP',
    trigger: { text: drop(OPTIONS, 'Content-Length'), transport: 'tcp' },
    names: ['TCP'],
    clean: { text: drop(OPTIONS, 'Content-Length'), transport: 'udp' },
  },
  {
    rule: 'content-length.missing-on-stream',
    behaviour: 'RFC 7118: SIP over WebSocket keeps message boundaries, Content-Length is not needed',
    trigger: { text: drop(OPTIONS, 'Content-Length'), transport: 'tls' },
    clean: { text: drop(OPTIONS, 'Content-Length'), transport: 'ws' },
  },
  {
    rule: 'content-type.missing',
    behaviour:
      'RFC 3261 §20.15: Content-Type MUST be present if the body is not empty; stray CRLFs are no body',
    trigger: { text: drop(INVITE, 'Content-Type') },
    names: [`${SDP_OFFER.length}-byte`],
    clean: { text: `${drop(OPTIONS, 'Content-Length')}\r\n` },
  },
  {
    rule: 'body.multipart-malformed',
    behaviour: 'RFC 2046 §5.1.1: a multipart body is closed by "--boundary--"',
    trigger: { text: multipart(MULTIPART_BODY.replace('--boundary42--\r\n', '')) },
    clean: { text: multipart(MULTIPART_BODY) },
  },
  {
    rule: 'sdp.malformed',
    behaviour: 'RFC 8866 §5: SDP lines are <type>=<value>',
    trigger: {
      text: INVITE.replace('m=audio 49170', 'm audio 49170').replace(
        `Content-Length: ${SDP_OFFER.length}`,
        `Content-Length: ${SDP_OFFER.length}`,
      ),
    },
    clean: { text: INVITE },
  },
  {
    rule: 'sdp.malformed',
    behaviour: 'RFC 8866 §6.6: an a=rtpmap without clock rate is a warning only',
    trigger: { text: INVITE.replace('a=rtpmap:8 PCMA/8000', 'a=rtpmap:8 PCMA/8k00') },
    severity: 'warning',
    clean: { text: INVITE },
  },
  {
    rule: 'sdp.dtls-fingerprint-missing',
    behaviour:
      'RFC 5763 §5: the SDP of a DTLS-SRTP stream carries the a=fingerprint the handshake is checked against',
    trigger: { text: offerWith(DTLS_OFFER) },
    severity: 'error',
    rangeStarts: 'm=audio 49170 UDP/TLS/RTP/SAVPF 0 8',
    names: ['INVITE', 'm=audio (line 1, UDP/TLS/RTP/SAVPF)'],
    // A session-level a=fingerprint applies to every m= section (RFC 8122 §5).
    clean: { text: offerWith((sdp) => DTLS_OFFER(sdp).replace('t=0 0\r\n', `t=0 0\r\n${FINGERPRINT}`)) },
  },
];
