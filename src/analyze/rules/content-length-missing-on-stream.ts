import { headerValue } from '../../sip/accessors.js';
import type { SipMessage } from '../../sip/message.js';
import { type FindingDraft, NONE } from '../finding.js';
import { startLineRange } from '../message-facts.js';
import type { MessageRule } from '../rule.js';

export const contentLengthMissingOnStream: MessageRule = {
  id: 'content-length.missing-on-stream',
  title: 'Content-Length missing on TCP or TLS',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §18.3, §20.14',
    text:
      'In the case of stream-oriented transports such as TCP, the Content-Length header field indicates the ' +
      'size of the body. The Content-Length header field MUST be used with stream oriented transports.',
  },
  explanation:
    'On a TCP or TLS connection messages follow each other with no gap, and Content-Length is the only way ' +
    'to know where a body ends and the next message begins. Without it the receiver may take the next message ' +
    "for this one's body. Over UDP the datagram marks the end, so the header is optional there. SIP over " +
    'WebSocket (RFC 7118) and SCTP carry one message per transport message and are not checked.',
  scope: 'message',
  check(msg: SipMessage): readonly FindingDraft[] {
    // RFC 3261 §18.3 binds "stream oriented transports" only. WS/WSS keep message boundaries (RFC 7118:
    // "Each SIP message MUST be carried within a single WebSocket message") and SCTP is message-oriented
    // (RFC 4168), so neither is checked.
    const t = msg.source?.transport;
    if (t !== 'tcp' && t !== 'tls') return NONE;
    if (headerValue(msg, 'content-length') !== undefined) return NONE;
    return [
      {
        text: `${msg.startLine.slice(0, 40)} sent over ${t.toUpperCase()} without Content-Length`,
        range: startLineRange(msg),
      },
    ];
  },
};
