import { describe, expect, it } from 'vitest';
import type { SipIssue } from '../../src/sip/message.js';
import { parseVia } from '../../src/sip/via.js';

function via(s: string) {
  const issues: SipIssue[] = [];
  const v = parseVia(s, 0, s.length, issues);
  return { v, issues, codes: issues.map((i) => `${i.severity}:${i.code}`) };
}

describe('Via (RFC 3261 §20.42)', () => {
  it('parses sent-protocol, sent-by and the well-known parameters', () => {
    const { v, issues } = via(
      'SIP/2.0/udp pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5060;ttl=16;maddr=224.2.0.1;x-ext',
    );
    expect(v).toEqual({
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: 'pc33.atlanta.example.com',
      port: 5066,
      sentBy: 'pc33.atlanta.example.com:5066',
      branch: 'z9hG4bK776asdhds',
      received: '192.0.2.1',
      rport: 5060,
      ttl: 16,
      maddr: '224.2.0.1',
      params: {
        branch: 'z9hG4bK776asdhds',
        received: '192.0.2.1',
        rport: '5060',
        ttl: '16',
        maddr: '224.2.0.1',
        'x-ext': true,
      },
      offset: 0,
      length: v!.length,
    });
    expect(issues).toEqual([]);
  });

  it('rport without a value is `true` (RFC 3581 §3)', () => {
    expect(via('SIP/2.0/UDP h;rport;branch=z9hG4bKx').v?.rport).toBe(true);
  });

  it('LWS is allowed around "/" and ";" and "=", even across folds (RFC 4475 §3.1.1.1 wsinv)', () => {
    const { v, issues } = via(
      'SIP  /   2.0\r\n /TCP\r\n    spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8',
    );
    expect(v).toMatchObject({
      protocol: 'SIP/2.0',
      transport: 'TCP',
      host: 'spindle.example.com',
      branch: 'z9hG4bK9ikj8',
    });
    expect(issues).toEqual([]);
  });

  it('unknown transports are kept, in upper case (RFC 4475 §3.1.1.10 transports)', () => {
    expect(via('SIP/2.0/Unknown t4.example.com;branch=z9hG4bKa').v?.transport).toBe('UNKNOWN');
    expect(via('SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK').v?.transport).toBe('WSS');
  });

  it('IPv6 sent-by loses its brackets in host, keeps them in sentBy (RFC 5118 §4.7)', () => {
    const { v, issues } = via('SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3');
    expect(v).toMatchObject({ host: '2001:db8::9:1', port: 6050, sentBy: '[2001:db8::9:1]:6050' });
    expect(issues).toEqual([]);
  });

  it('received may be an IPv6 address with or without brackets (RFC 5118 §4.5)', () => {
    expect(via('SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKa').v?.received).toBe(
      '2001:db8::9:255',
    );
    const { v, issues } = via('SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKa');
    expect(v?.received).toBe('2001:db8::9:255');
    expect(issues).toEqual([]);
  });

  it('an unbracketed IPv6 sent-by is an error (RFC 5118 §4.2)', () => {
    const { v, codes } = via('SIP/2.0/UDP 2001:db8::9:1;branch=z9hG4bKa');
    expect(codes).toEqual(['error:syntax.ipv6-unbracketed']);
    expect(v?.host).toBe('2001:db8::9:1');
  });

  it('another protocol version is an error, value kept (RFC 4475 §3.1.2.16 badvers)', () => {
    const { v, codes } = via('SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw');
    expect(codes).toEqual(['error:syntax.version']);
    expect(v?.protocol).toBe('SIP/7.0');
  });

  it('empty parameters are errors (RFC 4475 §3.1.2.1 badinv01)', () => {
    const { codes } = via('SIP/2.0/UDP 192.0.2.15;;');
    expect(codes).toEqual(['error:syntax.param', 'error:syntax.param']);
  });

  it('garbage instead of sent-protocol gives no Via and an error', () => {
    const { v, codes } = via('SIP2.0/UDP h;branch=z9hG4bKa');
    expect(v).toBeNull();
    expect(codes).toEqual(['error:syntax.via']);
  });

  it('bad port, rport and ttl values are errors', () => {
    expect(via('SIP/2.0/UDP h:99999;branch=z9hG4bKa').codes).toEqual(['error:syntax.via']);
    expect(via('SIP/2.0/UDP h;rport=abc;branch=z9hG4bKa').codes).toEqual(['error:syntax.via']);
    expect(via('SIP/2.0/UDP h;ttl=300;branch=z9hG4bKa').codes).toEqual(['error:syntax.via']);
  });

  it('a received that is not an IP address is a warning', () => {
    expect(via('SIP/2.0/UDP h;received=host.example.com;branch=z9hG4bKa').codes).toEqual([
      'warning:syntax.via',
    ]);
  });

  it('a missing branch is not a syntax issue (RFC 2543 peers, RFC 4475 §3.1.1.7 longreq)', () => {
    const { v, issues } = via('SIP/2.0/TCP sip33.example.com');
    expect(v?.branch).toBeUndefined();
    expect(issues).toEqual([]);
  });

  it('offsets are those of the slice given', () => {
    const s = 'Via: SIP/2.0/UDP a;branch=z9hG4bK1';
    const v = parseVia(s, 5, s.length, null);
    expect(v).toMatchObject({ offset: 5, length: s.length - 5 });
  });
});
