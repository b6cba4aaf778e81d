import { describe, expect, it } from 'vitest';
import { parseSdp, sdpOf } from '../../src/sip/sdp.js';
import { parse, wire } from './build.js';

const OFFER = [
  'v=0',
  'o=alice 2890844526 2890842807 IN IP4 198.51.100.1',
  's=Call',
  'c=IN IP4 198.51.100.1',
  'b=AS:128',
  't=0 0',
  'a=sendonly',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'm=video 51372/2 RTP/AVP 99',
  'c=IN IP6 2001:db8::5',
  'a=rtpmap:99 h263-1998/90000',
  'a=recvonly',
  'm=audio 0 RTP/AVP 0',
  'm=audio 5004 RTP/AVP 96',
  'a=rtpmap:96 opus/48000/2',
  'a=inactive',
  '',
].join('\r\n');

describe('parseSdp (RFC 8866 / RFC 4566)', () => {
  const sdp = parseSdp(OFFER, 1000);

  it('session-level fields: version, origin, name, connection, times', () => {
    expect(sdp.version).toBe(0);
    expect(sdp.origin).toEqual({
      username: 'alice',
      sessionId: '2890844526',
      sessionVersion: '2890842807',
      netType: 'IN',
      addrType: 'IP4',
      address: '198.51.100.1',
      offset: 1000 + OFFER.indexOf('o='),
    });
    expect(sdp.sessionName).toBe('Call');
    expect(sdp.connection).toMatchObject({ netType: 'IN', addrType: 'IP4', address: '198.51.100.1' });
    expect(sdp.times).toEqual([{ start: 0, stop: 0 }]);
    expect(sdp.issues).toEqual([]);
  });

  it('every line with its offset (baseOffset + index)', () => {
    expect(sdp.lines).toHaveLength(21);
    for (const l of sdp.lines)
      expect(OFFER.slice(l.offset - 1000, l.offset - 1000 + l.length)).toBe(`${l.type}=${l.value}`);
  });

  it('m= lines: media, port, port count, proto, formats', () => {
    expect(sdp.media.map((m) => [m.media, m.port, m.portCount, m.proto, m.formats])).toEqual([
      ['audio', 49170, undefined, 'RTP/AVP', ['0', '8', '101']],
      ['video', 51372, 2, 'RTP/AVP', ['99']],
      ['audio', 0, undefined, 'RTP/AVP', ['0']],
      ['audio', 5004, undefined, 'RTP/AVP', ['96']],
    ]);
  });

  it('a=rtpmap and a=fmtp by payload type', () => {
    expect(sdp.media[0].rtpmap['101']).toMatchObject({
      payloadType: 101,
      encoding: 'telephone-event',
      clockRate: 8000,
    });
    expect(sdp.media[3].rtpmap['96']).toMatchObject({ encoding: 'opus', clockRate: 48000, channels: 2 });
    expect(sdp.media[0].fmtp).toEqual({ '101': '0-15' });
    expect(sdp.media[0].attributes.map((a) => a.name)).toEqual([
      'rtpmap',
      'rtpmap',
      'rtpmap',
      'fmtp',
      'ptime',
    ]);
  });

  it('connection: media-level c= overrides the session-level one', () => {
    expect(sdp.media.map((m) => [m.connection?.address, m.connectionLevel])).toEqual([
      ['198.51.100.1', 'session'],
      ['2001:db8::5', 'media'],
      ['198.51.100.1', 'session'],
      ['198.51.100.1', 'session'],
    ]);
  });

  it('direction: media-level attribute overrides the session-level one (RFC 8866 §6.7)', () => {
    expect(sdp.direction).toBe('sendonly');
    expect(sdp.media.map((m) => m.direction)).toEqual(['sendonly', 'recvonly', 'sendonly', 'inactive']);
  });

  it('sendrecv is the default (RFC 8866 §6.7.1)', () => {
    const s = parseSdp(
      'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n',
    );
    expect([s.direction, s.media[0].direction]).toEqual(['sendrecv', 'sendrecv']);
  });

  it('media byte ranges cover their m= line and attributes', () => {
    const md = sdp.media[1];
    const text = OFFER.slice(md.offset - 1000, md.offset - 1000 + md.length);
    expect(text).toBe(
      'm=video 51372/2 RTP/AVP 99\r\nc=IN IP6 2001:db8::5\r\na=rtpmap:99 h263-1998/90000\r\na=recvonly',
    );
  });

  it('multicast c= with TTL and address count', () => {
    const s = parseSdp('v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 233.252.0.1/127/3\nt=0 0\n');
    expect(s.connection).toMatchObject({ address: '233.252.0.1', ttl: 127, count: 3 });
  });

  it('problems are issues of the SDP, with offsets', () => {
    const s = parseSdp('v=0\r\nm =video 3227 RTP/AVP 31\r\nm=audio x RTP/AVP 0\r\na=rtpmap:zz\r\n', 50);
    expect(s.issues.map((i) => i.code)).toEqual([
      'sdp.line',
      'sdp.media',
      'sdp.attribute',
      'sdp.connection',
      'sdp.missing-field',
      'sdp.missing-field',
      'sdp.missing-field',
    ]);
    expect(s.issues[0]).toMatchObject({ offset: 55, length: 'm =video 3227 RTP/AVP 31'.length });
  });

  it('a description that does not start with v= is an issue', () => {
    expect(parseSdp('o=- 1 1 IN IP4 h\r\nv=0\r\n').issues[0].code).toBe('sdp.version');
  });
});

describe('parseSdp: field syntax at the edges (RFC 8866 §5)', () => {
  const session = 'v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n';

  it('a=rtpmap: any whitespace (HTAB, NBSP) after the payload type, optional channels, nothing after', () => {
    const s = parseSdp(
      `${session}m=audio 1 RTP/AVP 0 8 9 97 98\r\nc=IN IP4 h\r\n` +
        'a=rtpmap:0\tPCMU/8000\r\n' +
        'a=rtpmap:8\xa0PCMA/8000/1 \r\n' +
        'a=rtpmap:9 G722/8000/\r\n' +
        'a=rtpmap:97 x/\r\n' +
        'a=rtpmap:98 a b/8000\r\n' +
        'a=rtpmap\r\n',
    );
    expect(s.media[0].rtpmap).toEqual({
      '0': { payloadType: 0, encoding: 'PCMU', clockRate: 8000, offset: expect.any(Number) },
      '8': { payloadType: 8, encoding: 'PCMA', clockRate: 8000, channels: 1, offset: expect.any(Number) },
    });
    expect(s.issues.map((i) => i.code)).toEqual([
      'sdp.attribute',
      'sdp.attribute',
      'sdp.attribute',
      'sdp.attribute',
    ]);
  });

  it('c=: TTL and count for IP4 (any case), count only for IP6; three fields exactly', () => {
    const c = (v: string) => parseSdp(`${session}c=${v}\r\n`);
    expect(c('IN ip4 233.252.0.1/127/3').connection).toEqual({
      netType: 'IN',
      addrType: 'ip4',
      address: '233.252.0.1',
      ttl: 127,
      count: 3,
      offset: session.length,
    });
    expect(c('IN IP6 ff15::101/3').connection).toMatchObject({ address: 'ff15::101', count: 3 });
    expect(c('IN IP6 ff15::101/3').connection?.ttl).toBeUndefined();
    for (const bad of ['IN IP4', 'IN  IP4 h', 'IN IP4 h x', 'IN IP4 ']) {
      expect(c(bad).issues.map((i) => i.code)).toEqual(['sdp.connection']);
    }
  });

  it('m=: runs of spaces separate fields; port count after "/"; a port above 65535 is an issue', () => {
    const s = parseSdp(
      `${session}c=IN IP4 h\r\nm=audio  49170/2  RTP/AVP  0 8\r\nm=video 70000 RTP/AVP 31\r\n`,
    );
    expect(s.media.map((m) => [m.media, m.port, m.portCount, m.proto, m.formats])).toEqual([
      ['audio', 49170, 2, 'RTP/AVP', ['0', '8']],
      ['video', 70000, undefined, 'RTP/AVP', ['31']],
    ]);
    expect(s.issues.map((i) => i.code)).toEqual(['sdp.media']);
  });

  it('numbers read as Number() reads them, beyond 2**53 too', () => {
    const s = parseSdp('v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=12345678901234567890 3946982400\r\n');
    expect(s.times).toEqual([{ start: Number('12345678901234567890'), stop: 3946982400 }]);
    expect(parseSdp(`${session}t=1  2\r\n`).issues.map((i) => i.code)).toEqual(['sdp.time']);
  });

  it('a direction attribute with a value still sets the direction', () => {
    expect(parseSdp(`${session}a=recvonly:x\r\n`).direction).toBe('recvonly');
  });

  it('a long description (beyond 4 KiB) parses like a short one', () => {
    const pad = `a=x-pad:${'p'.repeat(5000)}\r\n`;
    const short = parseSdp(`${session}c=IN IP4 h/1\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`);
    const long = parseSdp(`${session}${pad}c=IN IP4 h/1\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`);
    expect(long.connection).toEqual({ ...short.connection, offset: short.connection!.offset + pad.length });
    expect(long.media[0].rtpmap['0'].encoding).toBe('PCMU');
    expect(long.issues).toEqual(short.issues);
  });
});

describe('sdpOf(message)', () => {
  it('gives the body when Content-Type is application/sdp, with message offsets', () => {
    const m = parse(
      wire(
        ['INVITE sip:b@h SIP/2.0', 'Content-Type: Application/SDP', `Content-Length: ${OFFER.length}`],
        OFFER,
      ),
    );
    const s = sdpOf(m)!;
    expect(s.media).toHaveLength(4);
    expect(m.text.slice(s.lines[0].offset, s.lines[0].offset + 3)).toBe('v=0');
    expect(sdpOf(m)).toBe(s);
  });

  it('finds the SDP part of a multipart body (RFC 5621)', () => {
    const body = [
      '--xyz',
      'Content-Type: application/isup;version=itu-t92+',
      '',
      '\x01\x00\x49',
      '--xyz',
      'Content-Type: application/sdp',
      '',
      OFFER,
      '--xyz--',
      '',
    ].join('\r\n');
    const m = parse(
      wire(
        [
          'INVITE sip:b@h SIP/2.0',
          'Content-Type: multipart/mixed; boundary="xyz"',
          `Content-Length: ${body.length}`,
        ],
        body,
      ),
    );
    const s = sdpOf(m)!;
    expect(s.origin?.username).toBe('alice');
    expect(m.text.slice(s.lines[0].offset, s.lines[0].offset + 3)).toBe('v=0');
  });

  it('takes a body starting with "v=0" as SDP when Content-Type is missing', () => {
    const m = parse(wire(['INVITE sip:b@h SIP/2.0', `Content-Length: ${OFFER.length}`], OFFER));
    expect(sdpOf(m)?.media).toHaveLength(4);
  });

  it('is undefined for other bodies or no body', () => {
    expect(
      sdpOf(parse(wire(['MESSAGE sip:b@h SIP/2.0', 'Content-Type: text/plain', 'Content-Length: 2'], 'hi'))),
    ).toBeUndefined();
    expect(sdpOf(parse(wire(['BYE sip:b@h SIP/2.0', 'Content-Length: 0'])))).toBeUndefined();
    expect(sdpOf(parse(wire(['INFO sip:b@h SIP/2.0', 'Content-Length: 5'], 'hello')))).toBeUndefined();
  });
});
