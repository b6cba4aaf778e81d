/**
 * The message detail of `GET /api/captures/:id/messages/:messageId`
 * (server/message-detail.ts) on capture text that names things like
 * Object.prototype members: SDP formats are tokens (RFC 8866 §5.14), and
 * `__proto__` is one.
 */
import { describe, expect, it } from 'vitest';
import { messageDetail } from '../../server/message-detail.js';
import type { MessageRow } from '../../src/store/rows.js';

function invite(sdp: string): Uint8Array {
  const head = [
    'INVITE sip:bob@10.0.0.2 SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-detail-1',
    'Max-Forwards: 70',
    'From: <sip:alice@10.0.0.1>;tag=a1',
    'To: <sip:bob@10.0.0.2>',
    'Call-ID: detail-1@10.0.0.1',
    'CSeq: 1 INVITE',
    'Contact: <sip:alice@10.0.0.1>',
    'Content-Type: application/sdp',
    `Content-Length: ${sdp.length}`,
    '',
    '',
  ].join('\r\n');
  return new TextEncoder().encode(head + sdp);
}

describe('message detail', () => {
  it('keeps SDP formats named __proto__ and constructor as formats, with their fmtp, and no rtpmap (its payload type is digits)', () => {
    const sdp = [
      'v=0',
      'o=- 1 1 IN IP4 10.0.0.1',
      's=-',
      'c=IN IP4 10.0.0.1',
      't=0 0',
      'm=audio 49170 RTP/AVP __proto__ constructor 0',
      'a=rtpmap:0 PCMU/8000',
      'a=fmtp:__proto__ mode=1',
      'a=fmtp:constructor mode=2',
      '',
    ].join('\r\n');
    const d = messageDetail({ row: { id: 0 } as MessageRow, raw: invite(sdp) }, []);
    const media = JSON.parse(JSON.stringify(d.sdp)).media[0];
    expect(media.formats).toEqual(['__proto__', 'constructor', '0']);
    expect(Object.keys(media.rtpmap)).toEqual(['0']);
    expect(media.fmtp).toEqual(JSON.parse('{"__proto__":"mode=1","constructor":"mode=2"}'));
    expect(Object.keys(media.fmtp)).toEqual(['__proto__', 'constructor']);
  });
});
