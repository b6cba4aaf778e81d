/**
 * Where the SDP says media will flow (RFC 8866 c= and m=, RFC 3264 offer and
 * answer), the addresses RTP streams are looked for on.
 */
import { describe, expect, it } from 'vitest';
import { clockRateOf, codecName, MediaMap, mediaAddress } from '../../src/media/media-map.js';
import { parseSdp } from '../../src/sip/sdp.js';

const sdp = (...lines: string[]) =>
  parseSdp(`${['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', ...lines].join('\r\n')}\r\n`);

describe('MediaMap: RTP addresses from SDP', () => {
  it('RFC 8866 §5.7: the session-level c= applies to an m= without its own; RTCP on the port above (RFC 3550 §11)', () => {
    const map = new MediaMap();
    map.learn(sdp('c=IN IP4 192.0.2.1', 'm=audio 49170 RTP/AVP 0 8', 'a=rtpmap:8 PCMA/8000'), 7);
    expect(map.find('192.0.2.1', 49170)).toMatchObject({ message: 7, media: 'audio', kind: 'rtp' });
    expect(map.find('192.0.2.1', 49171)).toMatchObject({ message: 7, kind: 'rtcp' });
    expect(map.find('192.0.2.1', 49172)).toBeUndefined();
    expect(map.find('192.0.2.2', 49170)).toBeUndefined();
  });

  it('a media-level c= wins over the session one; each m= line is filed', () => {
    const map = new MediaMap();
    map.learn(
      sdp(
        'c=IN IP4 192.0.2.1',
        'm=audio 4000 RTP/AVP 0',
        'c=IN IP4 192.0.2.9',
        'm=video 5000 RTP/AVP 96',
        'a=rtpmap:96 H264/90000',
      ),
      1,
    );
    expect(map.find('192.0.2.9', 4000)).toMatchObject({ media: 'audio' });
    expect(map.find('192.0.2.1', 5000)).toMatchObject({ media: 'video' });
    expect(map.find('192.0.2.1', 4000)).toBeUndefined();
  });

  it('RFC 3605 a=rtcp names the RTCP port; RFC 5761 a=rtcp-mux style (rtcp on the RTP port) files no second port', () => {
    const map = new MediaMap();
    map.learn(sdp('c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP 0', 'a=rtcp:4444'), 1);
    expect(map.find('192.0.2.1', 4444)).toMatchObject({ kind: 'rtcp' });
    expect(map.find('192.0.2.1', 4001)).toBeUndefined();
    map.learn(sdp('c=IN IP4 192.0.2.2', 'm=audio 6000 RTP/AVP 0', 'a=rtcp:6000'), 2);
    expect(map.find('192.0.2.2', 6000)).toMatchObject({ kind: 'rtp' });
    expect(map.find('192.0.2.2', 6001)).toBeUndefined();
  });

  it('not RTP: a rejected stream (port 0, RFC 3264 §6), hold by c=0.0.0.0 (RFC 3264 §8.4), T.38 over udptl, a host name', () => {
    const map = new MediaMap();
    map.learn(sdp('c=IN IP4 192.0.2.1', 'm=audio 0 RTP/AVP 0'), 1);
    map.learn(sdp('c=IN IP4 0.0.0.0', 'm=audio 4000 RTP/AVP 0'), 2);
    map.learn(sdp('c=IN IP4 192.0.2.3', 'm=image 4002 udptl t38'), 3);
    map.learn(sdp('c=IN IP4 media.example.com', 'm=audio 4004 RTP/AVP 0'), 4);
    expect(map.size).toBe(0);
  });

  it('the latest SDP to announce an address is the setup of what flows there (a re-INVITE, the next call)', () => {
    const map = new MediaMap();
    map.learn(sdp('c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP 0'), 1);
    map.learn(sdp('c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP 8'), 9);
    expect(map.find('192.0.2.1', 4000)?.message).toBe(9);
    expect(map.size).toBe(2);
  });

  it('RFC 3362: a re-INVITE that moves the address to T.38 over udptl ends its RTP there', () => {
    const map = new MediaMap();
    map.learn(sdp('c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP 0'), 1);
    map.learn(sdp('c=IN IP4 192.0.2.1', 'm=image 4000 udptl t38'), 5);
    expect(map.find('192.0.2.1', 4000)).toMatchObject({ kind: 'other', message: 5 });
  });

  it('IPv6 addresses are filed as the decoder prints them (RFC 5952)', () => {
    expect(mediaAddress('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(mediaAddress('2001:db8::0001')).toBe('2001:db8::1');
    expect(mediaAddress('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(mediaAddress('::')).toBeNull();
    expect(mediaAddress('not-an-address')).toBeNull();
    const map = new MediaMap();
    map.learn(sdp('c=IN IP6 2001:DB8::0:1', 'm=audio 4000 RTP/AVP 0'), 1);
    expect(map.find('2001:db8::1', 4000)?.message).toBe(1);
  });

  it('bounded: past its size the addresses learned first are forgotten first', () => {
    const map = new MediaMap(4);
    for (let i = 0; i < 4; i++) map.learn(sdp(`c=IN IP4 192.0.2.${i + 1}`, 'm=audio 4000 RTP/AVP 0'), i);
    expect(map.size).toBe(4);
    expect(map.find('192.0.2.1', 4000)).toBeUndefined();
    expect(map.find('192.0.2.2', 4000)).toBeUndefined();
    expect(map.find('192.0.2.4', 4000)?.message).toBe(3);
    expect(map.find('192.0.2.4', 4001)?.message).toBe(3);
  });

  it('codecs and clocks: the rtpmap, else RFC 3551 static payload types', () => {
    const m = sdp('c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000')
      .media[0];
    expect(codecName(m.rtpmap, 0)).toBe('PCMU/8000');
    expect(codecName(m.rtpmap, 101)).toBe('telephone-event/8000');
    expect(codecName(m.rtpmap, 9)).toBe('G722/8000');
    expect(codecName(m.rtpmap, 120)).toBeNull();
    expect(clockRateOf(m.rtpmap, 9)).toBe(8000);
    expect(clockRateOf(m.rtpmap, 34)).toBe(90000);
    expect(clockRateOf(m.rtpmap, 120)).toBeNull();
  });
});
