/**
 * Message compare (sngrep's compare of two messages): what a proxy adds,
 * changes and removes between two hops of one request (RFC 3261 §16.6), and
 * how two SDP bodies differ.
 */
import { describe, expect, it } from 'vitest';
import { diffMessages } from '../../web/src/inspector/message-diff.js';

/** The fields of the API's message detail that the diff reads, from ASCII text (bytes = characters). */
function side(text: string) {
  const raw = text.replace(/\n/g, '\r\n');
  const head = raw.indexOf('\r\n\r\n');
  const lines = raw.slice(0, head).split('\r\n');
  let at = lines[0].length + 2;
  const headers = lines.slice(1).map((l) => {
    const colon = l.indexOf(':');
    const h = {
      name: l.slice(0, colon),
      value: l.slice(colon + 1).trim(),
      start: at,
      end: at + l.length,
      nameEnd: at + colon,
    };
    at += l.length + 2;
    return h;
  });
  const body = head + 4 < raw.length ? { start: head + 4, end: raw.length } : null;
  return { raw, startLine: { start: 0, end: lines[0].length }, headers, body };
}

// The INVITE as alice sent it, and as the proxy forwarded it (RFC 3261 §16.6: Request-URI
// rewritten, Max-Forwards decremented, its own Via on top, a Record-Route added).
const hop1 = side(`INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa
Max-Forwards: 70
From: <sip:alice@example.com>;tag=1
To: <sip:bob@example.com>
Call-ID: c1
CSeq: 1 INVITE
Content-Length: 0

`);
const hop2 = side(`INVITE sip:bob@10.0.0.2:5060 SIP/2.0
Record-Route: <sip:10.0.0.10;lr>
Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bKp
v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa
Max-Forwards: 69
From: <sip:alice@example.com>;tag=1
To: <sip:bob@example.com>
i: c1
CSeq: 1 INVITE
Content-Length: 0

`);

describe('message compare', () => {
  it('shows what a proxy changed between two hops of a request (RFC 3261 §16.6)', () => {
    const d = diffMessages(hop1, hop2);
    expect(d.start).toEqual({
      kind: 'changed',
      name: '',
      a: 'INVITE sip:bob@example.com SIP/2.0',
      b: 'INVITE sip:bob@10.0.0.2:5060 SIP/2.0',
    });
    expect(d.headers.map((r) => [r.kind, r.name])).toEqual([
      ['added', 'Record-Route'],
      ['added', 'Via'],
      // The compact `v` and `i` (RFC 3261 §7.3.3) are the same headers as Via and Call-ID.
      ['same', 'Via'],
      ['changed', 'Max-Forwards'],
      ['same', 'From'],
      ['same', 'To'],
      ['same', 'Call-ID'],
      ['same', 'CSeq'],
      ['same', 'Content-Length'],
    ]);
    expect(d.headers[3]).toMatchObject({ a: '70', b: '69' });
    expect(d.counts).toEqual({ changed: 2, added: 2, removed: 0 });
    expect(d.body).toEqual([]);
  });

  it('the other way round, what the proxy added shows as removed', () => {
    const d = diffMessages(hop2, hop1);
    expect(d.headers.filter((r) => r.kind === 'removed').map((r) => r.name)).toEqual(['Record-Route', 'Via']);
    expect(d.counts).toEqual({ changed: 2, added: 0, removed: 2 });
  });

  it('a message compared with itself has no difference', () => {
    const d = diffMessages(hop1, hop1);
    expect(d.counts).toEqual({ changed: 0, added: 0, removed: 0 });
    expect(d.headers.every((r) => r.kind === 'same')).toBe(true);
  });

  it('compares SDP bodies line by line (a re-INVITE putting the call on hold, RFC 3264 §8.4)', () => {
    const sdp = (dir: string, v: number) =>
      side(`INVITE sip:bob@10.0.0.2 SIP/2.0
Content-Type: application/sdp

v=0
o=- 1 ${v} IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 49170 RTP/AVP 0
a=${dir}
`);
    const d = diffMessages(sdp('sendrecv', 1), sdp('sendonly', 2));
    expect(d.body.filter((r) => r.kind !== 'same').map((r) => [r.kind, r.a, r.b])).toEqual([
      ['removed', 'o=- 1 1 IN IP4 10.0.0.1', null],
      ['added', null, 'o=- 1 2 IN IP4 10.0.0.1'],
      ['removed', 'a=sendrecv', null],
      ['added', null, 'a=sendonly'],
    ]);
    expect(d.body.filter((r) => r.kind === 'same')).toHaveLength(5);
  });
});
