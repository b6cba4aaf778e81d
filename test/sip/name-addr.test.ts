import { describe, expect, it } from 'vitest';
import type { SipIssue } from '../../src/sip/message.js';
import { parseNameAddr } from '../../src/sip/name-addr.js';

function na(s: string) {
  const issues: SipIssue[] = [];
  const v = parseNameAddr(s, 0, s.length, issues);
  return { v, issues, codes: issues.map((i) => i.code) };
}

describe('name-addr / addr-spec (RFC 3261 §20.10, §25.1)', () => {
  it('quoted display name, <URI>, header params and the tag', () => {
    const s = '"Alice Liddell" <sip:alice@wonderland.example;transport=tcp>;tag=88sja8x;x=1';
    const { v, issues } = na(s);
    expect(v).toEqual({
      display: 'Alice Liddell',
      uri: 'sip:alice@wonderland.example;transport=tcp',
      uriOffset: 17,
      tag: '88sja8x',
      params: { tag: '88sja8x', x: '1' },
      offset: 0,
      length: s.length,
    });
    expect(issues).toEqual([]);
  });

  it('unquoted display name of tokens, with and without LWS before "<" (RFC 4475 §3.1.1.6 lwsdisp)', () => {
    expect(na('Bob Smith <sip:bob@h>').v?.display).toBe('Bob Smith');
    const { v, issues } = na('caller<sip:caller@example.com>;tag=323');
    expect(v).toMatchObject({ display: 'caller', uri: 'sip:caller@example.com', tag: '323' });
    expect(issues).toEqual([]);
  });

  it('quoted-pairs in the display name are resolved (RFC 4475 §3.1.1.1 wsinv)', () => {
    const { v, issues } = na('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com>');
    expect(v?.display).toBe('J Rosenberg \\"');
    expect(issues).toEqual([]);
  });

  it('an empty quoted display name is ""', () => {
    expect(na('"" <sip:a@b>').v?.display).toBe('');
  });

  it('bare addr-spec: ";" parameters belong to the header, not the URI (§20.10)', () => {
    const { v, issues } = na('sip:+12125551212@server.example.com;tag=887s;user=phone');
    expect(v).toMatchObject({
      uri: 'sip:+12125551212@server.example.com',
      tag: '887s',
      params: { tag: '887s', user: 'phone' },
    });
    expect(v?.display).toBeUndefined();
    expect(issues).toEqual([]);
  });

  it('<URI;params> keeps URI parameters inside the URI', () => {
    expect(na('<sip:p.example.com;lr>').v).toMatchObject({ uri: 'sip:p.example.com;lr', params: {} });
  });

  it('LWS around ";" and "=" of header params, across folds', () => {
    const { v, issues } = na(
      '"Q" <sip:j@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33',
    );
    expect(v?.params).toEqual({ newparam: 'newvalue', secondparam: true, q: '0.33' });
    expect(issues).toEqual([]);
  });

  it('quoted parameter values are unquoted; "<" inside them is not a name-addr', () => {
    const { v, issues } = na(
      '<sip:a@h;ob>;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";expires=3600',
    );
    expect(v?.params['+sip.instance']).toBe('<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>');
    expect(v?.params.expires).toBe('3600');
    expect(issues).toEqual([]);
  });

  it('non-sip schemes are accepted (RFC 4475 §3.3.4 unksm2)', () => {
    expect(na('<http://www.example.com>;tag=1').issues).toEqual([]);
    expect(na('isbn:2983792873').issues).toEqual([]);
  });

  it('non-token chars in an unquoted display name are an error (RFC 4475 §3.1.2.15 baddn)', () => {
    const { v, codes, issues } = na('Bell, Alexander <sip:a.g.bell@example.com>;tag=43');
    expect(codes).toEqual(['syntax.display-name']);
    expect(issues[0]).toMatchObject({ offset: 0, length: 15 });
    expect(v).toMatchObject({ display: 'Bell, Alexander', uri: 'sip:a.g.bell@example.com', tag: '43' });
  });

  it('spaces inside <> around the URI are an error (RFC 4475 §3.1.2.14 badaspec)', () => {
    const { v, codes } = na('"Watson, Thomas" < sip:t.watson@example.org >');
    expect(codes).toEqual(['syntax.addr-spec-space']);
    expect(v?.uri).toBe('sip:t.watson@example.org');
  });

  it('an unenclosed URI with "?" headers is an error (RFC 4475 §3.1.2.13 regbadct)', () => {
    const { codes } = na('sip:user@example.com?Route=%3Csip:sip.example.com%3E');
    expect(codes).toEqual(['syntax.uri-not-enclosed']);
    expect(na('<sip:user@example.com?Route=%3Csip:sip.example.com%3E>').issues).toEqual([]);
  });

  it('an unterminated quoted display name is an error, best effort for the URI (RFC 4475 §3.1.2.6 quotbal)', () => {
    const { v, codes } = na('"Mr. J. User <sip:j.user@example.com>');
    expect(codes).toEqual(['syntax.unterminated-quote']);
    expect(v).toMatchObject({ display: 'Mr. J. User', uri: 'sip:j.user@example.com' });
  });

  it('a quoted display name without <URI> is an error', () => {
    expect(na('"Alice" sip:alice@h').codes).toEqual(['syntax.name-addr']);
  });

  it('a missing ">" is an error', () => {
    expect(na('<sip:a@b;tag=1').codes).toEqual(['syntax.unterminated-angle']);
  });

  it('problems of the URI itself are reported at their offsets', () => {
    const s = 'To: "Caller" <sip:caller@2001:db8::1>';
    const issues: SipIssue[] = [];
    parseNameAddr(s, 4, s.length, issues);
    expect(issues).toMatchObject([{ code: 'syntax.ipv6-unbracketed', offset: 25, length: 11 }]);
    expect(s.slice(25, 36)).toBe('2001:db8::1');
  });

  it('a tag without a value is an error', () => {
    expect(na('<sip:a@b>;tag').codes).toEqual(['syntax.param']);
  });

  it('an empty element gives null', () => {
    expect(na('   ').v).toBeNull();
  });
});
