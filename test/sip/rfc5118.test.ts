/**
 * RFC 5118: IPv6 in SIP. Our own messages modelled on each §4 case, with the
 * bare-LF line ends the RFC's archive uses.
 */
import { describe, expect, it } from 'vitest';
import { contacts, vias } from '../../src/sip/accessors.js';
import { sdpOf } from '../../src/sip/sdp.js';
import { parseUri } from '../../src/sip/uri.js';
import { at, codes, parse, request } from './build.js';

/** A message with LF line ends (RFC 5118 archive style). */
function lf(lines: string[], body = ''): string {
  return `${lines.join('\n')}\n\n${body}`;
}

const HEAD = [
  'To: sip:u@example.com',
  'From: sip:u@example.com;tag=81x2',
  'Call-ID: v6-own@h',
  'Max-Forwards: 70',
];

describe('RFC 5118 IPv6 torture cases', () => {
  it('§4.1 an IPv6 reference in Request-URI, Via and Contact', () => {
    const m = request(
      lf([
        'REGISTER sip:[2001:db8::20] SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP [2001:db8::9:2];branch=z9hG4bKv61',
        'Contact: "C" <sip:c@[2001:db8::2]>',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual([]);
    expect(parseUri(m.uri)).toMatchObject({ kind: 'sip', host: '2001:db8::20' });
    expect(vias(m)[0].host).toBe('2001:db8::9:2');
    const c = contacts(m)[0];
    expect(c !== '*' && parseUri(c.uri)).toMatchObject({ host: '2001:db8::2' });
  });

  it('§4.2 an IPv6 address without brackets in the Request-URI is an error', () => {
    const m = parse(
      lf([
        'REGISTER sip:2001:db8::20 SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP [2001:db8::9:2];branch=z9hG4bKv62',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual(['syntax.ipv6-unbracketed']);
    expect(at(m, 'syntax.ipv6-unbracketed')).toBe('2001:db8::20');
  });

  it('§4.3 "[2001:db8::10:5070]" is an address with no port', () => {
    const m = request(
      lf([
        'REGISTER sip:[2001:db8::10:5070] SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP [2001:db8::9:2];branch=z9hG4bKv63',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual([]);
    const u = parseUri(m.uri);
    expect(u).toMatchObject({ host: '2001:db8::10:5070' });
    expect(u.kind === 'sip' && u.port).toBeUndefined();
  });

  it('§4.4 "[2001:db8::10]:5070" is an address and a port', () => {
    const m = request(
      lf([
        'REGISTER sip:[2001:db8::10]:5070 SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP [2001:db8::9:2];branch=z9hG4bKv64',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual([]);
    expect(parseUri(m.uri)).toMatchObject({ host: '2001:db8::10', port: 5070 });
  });

  it('§4.5 Via received with and without brackets', () => {
    for (const rcv of ['2001:db8::9:255', '[2001:db8::9:255]']) {
      const m = parse(
        lf([
          'OPTIONS sip:[2001:db8::10] SIP/2.0',
          ...HEAD,
          `Via: SIP/2.0/UDP [2001:db8::9:1];received=${rcv};branch=z9hG4bKv65`,
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
        ]),
      );
      expect(codes(m)).toEqual([]);
      expect(vias(m)[0].received).toBe('2001:db8::9:255');
    }
  });

  it('§4.6 / §4.8 IPv6 and IPv4 addresses in SDP, per media', () => {
    const sdp = [
      'v=0',
      'o=bob 280744730 28977631 IN IP4 host.example.com',
      's=',
      't=0 0',
      'm=audio 22334 RTP/AVP 0',
      'c=IN IP4 192.0.2.1',
      'm=video 6024 RTP/AVP 107',
      'c=IN IP6 2001:db8::1',
      'a=rtpmap:107 H263-1998/90000',
      '',
    ].join('\n');
    const m = parse(
      lf(
        [
          'INVITE sip:u@[2001:db8::10] SIP/2.0',
          ...HEAD,
          'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKv66',
          'CSeq: 1 INVITE',
          'Content-Type: application/sdp',
          `Content-Length: ${sdp.length}`,
        ],
        sdp,
      ),
    );
    expect(codes(m)).toEqual([]);
    const s = sdpOf(m)!;
    expect(s.media.map((md) => [md.connection?.addrType, md.connection?.address])).toEqual([
      ['IP4', '192.0.2.1'],
      ['IP6', '2001:db8::1'],
    ]);
  });

  it('§4.7 IPv4 and IPv6 hops in one Via list', () => {
    const m = parse(
      lf([
        'BYE sip:u@host.example.net SIP/2.0',
        'Via: SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKv67a',
        'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKv67b',
        'Via: SIP/2.0/TCP [2001:db8::9:255];branch=z9hG4bKv67c;received=192.0.2.200',
        ...HEAD,
        'CSeq: 1 BYE',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual([]);
    expect(vias(m).map((v) => [v.host, v.port ?? null, v.received ?? null])).toEqual([
      ['2001:db8::9:1', 6050, null],
      ['192.0.2.1', null, null],
      ['2001:db8::9:255', null, '192.0.2.200'],
    ]);
  });

  it('§4.9 IPv4-mapped IPv6 addresses', () => {
    const m = parse(
      lf([
        'INVITE sip:u@example.com SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP [::ffff:192.0.2.10]:19823;branch=z9hG4bKv69',
        'Contact: <sip:t@[::ffff:192.0.2.2]>',
        'CSeq: 1 INVITE',
        'Content-Length: 0',
      ]),
    );
    expect(codes(m)).toEqual([]);
    expect(vias(m)[0]).toMatchObject({ host: '::ffff:192.0.2.10', port: 19823 });
  });

  it('§4.10 "2001:db8::192.0.2.1" is valid, "2001:db8:::192.0.2.1" is not', () => {
    const good = parse(
      lf([
        'OPTIONS sip:u@[2001:db8::192.0.2.1] SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP h;branch=z9hG4bKv610',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
      ]),
    );
    expect(codes(good)).toEqual([]);
    const bad = parse(
      lf([
        'OPTIONS sip:u@[2001:db8:::192.0.2.1] SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP h;branch=z9hG4bKv610',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
      ]),
    );
    expect(codes(bad)).toEqual(['syntax.ipv6-address']);
    expect(at(bad, 'syntax.ipv6-address')).toBe('[2001:db8:::192.0.2.1]');
  });

  it('LF line ends give one warning, never an error', () => {
    const m = parse(
      lf([
        'OPTIONS sip:u@example.com SIP/2.0',
        ...HEAD,
        'Via: SIP/2.0/UDP h;branch=z9hG4bKlf',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
      ]),
    );
    expect(m.issues.map((i) => `${i.severity}:${i.code}`)).toEqual(['warning:syntax.bare-lf']);
  });
});
