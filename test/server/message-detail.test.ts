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

  it('issue messages keep our own § and read the quoted header text as UTF-8', () => {
    // Call-ID with a space (not word["@"word], RFC 3261 §25.1) and a Retry-After "été" (not delta-seconds).
    const head = new TextEncoder().encode(
      [
        'SIP/2.0 503 Service Unavailable',
        'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-detail-2',
        'From: <sip:alice@10.0.0.1>;tag=a1',
        'To: <sip:bob@10.0.0.2>;tag=b1',
        'Call-ID: bad id@10.0.0.1',
        'CSeq: 1 INVITE',
        'Retry-After: été',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    const d = messageDetail({ row: { id: 0 } as MessageRow, raw: head }, []);
    const texts = d.issues.map((i) => i.message);
    expect(texts).toContain('Call-ID is not word["@"word] (RFC 3261 §25.1)');
    expect(texts).toContain('Retry-After "été" is not delta-seconds 0..2**32-1 (RFC 3261 §20.33)');
    expect(texts.join('')).not.toContain('\ufffd');
  });
});
