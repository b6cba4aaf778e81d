import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIpv4, isIpv6 } from '../../src/sip/ip-literal.js';
import type { SipIssue } from '../../src/sip/message.js';
import { checkUri, parseUri, pctDecode, type SipUri } from '../../src/sip/uri.js';

function sip(s: string, base = 0): SipUri {
  const u = parseUri(s, base);
  if (u.kind !== 'sip') throw new Error(`not a SIP URI: ${s}`);
  return u;
}

describe('SIP-URI (RFC 3261 §19.1.1, §25.1)', () => {
  it('splits user, password, host, port, params and headers', () => {
    const u = sip(
      'sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr?Subject=project%20x&Priority=urgent',
    );
    expect(u).toMatchObject({
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: 'atlanta.example.com',
      port: 5061,
      params: { transport: 'tcp', lr: true },
      headers: { Subject: 'project x', Priority: 'urgent' },
      issues: [],
    });
  });

  it('host only, scheme in upper case', () => {
    expect(sip('SIP:example.com')).toMatchObject({ scheme: 'sip', host: 'example.com', issues: [] });
    expect(sip('sip:example.com').user).toBeUndefined();
  });

  it('decodes %-escapes in the user part (RFC 4475 §3.1.1.3 esc01)', () => {
    expect(sip('sip:sips%3Abob%40example.org@example.net').user).toBe('sips:bob@example.org');
    expect(sip('sip:%61l%69ce@h').user).toBe('alice');
  });

  it('an escaped NUL stays a NUL char (RFC 4475 §3.1.1.4 escnull)', () => {
    expect(sip('sip:a-%00-b@example.com').user).toBe('a-\x00-b');
  });

  it('a "%" not followed by two hex digits is kept as written (RFC 4475 §3.1.1.5 esc02)', () => {
    expect(pctDecode('%Z%45')).toBe('%ZE');
  });

  it('escaped parameter names and values are decoded; names lowercased', () => {
    expect(sip('sip:u@h;%6C%72;N%61me=v%61lue%25%34%31').params).toEqual({ lr: true, name: 'value%41' });
  });

  it('the user part may hold ";", "?", "," and ":" before the "@" (RFC 4475 §3.1.1.9, §3.1.1.2)', () => {
    expect(sip('sip:user;par=u%40example.net@example.com')).toMatchObject({
      user: 'user;par=u@example.net',
      host: 'example.com',
      params: {},
    });
    expect(sip('sip:we?ird,/;;*:pa$$@example.com')).toMatchObject({
      user: 'we?ird,/;;*',
      password: 'pa$$',
      host: 'example.com',
      headers: {},
    });
  });

  it('IPv6 references lose their brackets; port after "]" (RFC 5118 §4.1, §4.4)', () => {
    expect(sip('sip:[2001:db8::10]:5070')).toMatchObject({ host: '2001:db8::10', port: 5070, issues: [] });
    expect(sip('sip:user@[2001:db8::192.0.2.1]')).toMatchObject({ host: '2001:db8::192.0.2.1', issues: [] });
  });

  it('"[2001:db8::10:5070]" is an address without port (RFC 5118 §4.3)', () => {
    const u = sip('sip:[2001:db8::10:5070]');
    expect(u.host).toBe('2001:db8::10:5070');
    expect(u.port).toBeUndefined();
  });

  it('an unbracketed IPv6 address is an issue (RFC 5118 §4.2)', () => {
    const u = sip('sip:2001:db8::10', 100);
    expect(u.issues).toMatchObject([
      { code: 'syntax.ipv6-unbracketed', severity: 'error', offset: 104, length: 12 },
    ]);
    expect(u.host).toBe('2001:db8::10');
  });

  it('three colons is not an IPv6 address (RFC 5118 §4.10)', () => {
    expect(sip('sip:u@[2001:db8:::192.0.2.1]').issues.map((i) => i.code)).toEqual(['syntax.ipv6-address']);
  });

  it('a port above 65535 or with letters is an issue', () => {
    expect(sip('sip:h:70000').issues.map((i) => i.code)).toEqual(['syntax.uri-port']);
    expect(sip('sip:h:50a6').issues.map((i) => i.code)).toEqual(['syntax.uri-port']);
  });

  it('whitespace inside a URI is an issue at its offset', () => {
    expect(parseUri('sip:a b@h', 10).issues).toMatchObject([{ code: 'syntax.uri', offset: 15, length: 1 }]);
  });

  it('an empty host and an empty parameter are issues', () => {
    expect(sip('sip:u@').issues.map((i) => i.code)).toEqual(['syntax.uri-host']);
    expect(sip('sip:u@h;;lr').issues.map((i) => i.code)).toEqual(['syntax.uri-param']);
  });
});

describe('other schemes', () => {
  it('tel URI (RFC 3966): number and parameters', () => {
    expect(parseUri('tel:+1-201-555-0123;ext=1234;phone-context=example.com')).toMatchObject({
      kind: 'tel',
      number: '+1-201-555-0123',
      params: { ext: '1234', 'phone-context': 'example.com' },
      issues: [],
    });
    expect(parseUri('tel:hello').issues.map((i) => i.code)).toEqual(['syntax.uri']);
  });

  it('unknown schemes are kept as written (RFC 4475 §3.3.2, §3.3.4)', () => {
    expect(parseUri('soap.beep://192.0.2.103:3002')).toEqual({
      kind: 'other',
      scheme: 'soap.beep',
      raw: 'soap.beep://192.0.2.103:3002',
      issues: [],
    });
    expect(parseUri('isbn:2983792873')).toMatchObject({ kind: 'other', scheme: 'isbn' });
  });

  it('no scheme at all is an issue', () => {
    expect(parseUri('alice@example.com')).toMatchObject({
      kind: 'other',
      scheme: '',
      issues: [{ code: 'syntax.uri' }],
    });
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        parseUri(s);
        parseUri(`sip:${s}`);
        parseUri(`sip:[${s}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkUri: the issues of parseUri without building the URI (validation pass)', () => {
  const samples = [
    'sip:alice@atlanta.example.com:5060;transport=tcp',
    'sips:[2001:db8::10]:5061',
    'sip:2001:db8::10',
    'sip:h:70000',
    'sip:a b@h',
    'sip:@h;;lr?&x',
    'sip:u@ex_ample.com;%6C%72',
    'sip:u@[2001:db8:::1]',
    'sip:u@[::1',
    'sip:',
    'tel:+1-201-555-0123;ext=1',
    'tel:abc',
    'mailto:bob@example.org',
    'alice@example.com',
  ];

  it.each(samples)('%s: same issues, same order, same kind', (u) => {
    const issues: SipIssue[] = [];
    const kind = checkUri(u, 40, issues);
    const parsed = parseUri(u, 40);
    expect(kind).toBe(parsed.kind);
    expect(issues).toEqual(parsed.issues);
  });

  it('a URI found clean once stays clean; a broken one is reported every time at its own offset', () => {
    const clean: SipIssue[] = [];
    checkUri('sip:bob@biloxi.example.com', 10, clean);
    checkUri('sip:bob@biloxi.example.com', 500, clean);
    expect(clean).toEqual([]);
    const first: SipIssue[] = [];
    const second: SipIssue[] = [];
    checkUri('sip:bob@biloxi.example.com:99999', 10, first);
    checkUri('sip:bob@biloxi.example.com:99999', 500, second);
    expect(first).toMatchObject([{ code: 'syntax.uri-port', offset: 37 }]);
    expect(second).toMatchObject([{ code: 'syntax.uri-port', offset: 527 }]);
  });

  it('agrees with parseUri on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.nat(1000), (s, base) => {
        for (const u of [s, `sip:${s}`, `sips:u@[${s}`, `tel:${s}`]) {
          const issues: SipIssue[] = [];
          const kind = checkUri(u, base, issues);
          const parsed = parseUri(u, base);
          expect(kind).toBe(parsed.kind);
          expect(issues).toEqual(parsed.issues);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('IP literals', () => {
  it.each(['192.0.2.1', '0.0.0.0', '255.255.255.255'])('IPv4 %s', (a) => expect(isIpv4(a)).toBe(true));
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '01234.1.1.1', ''])('not IPv4 %s', (a) =>
    expect(isIpv4(a)).toBe(false),
  );
  it.each(['::1', '::', '2001:db8::10', '::ffff:192.0.2.10', '2001:db8:0:0:0:0:0:1', 'fe80::1%eth0', '1::'])(
    'IPv6 %s',
    (a) => expect(isIpv6(a)).toBe(true),
  );
  it.each([
    '2001:db8:::192.0.2.1',
    '1:2:3:4:5:6:7:8:9',
    '2001:db8::g',
    '1::2::3',
    ':1',
    '192.0.2.1',
    '12345::1',
  ])('not IPv6 %s', (a) => expect(isIpv6(a)).toBe(false));
});
