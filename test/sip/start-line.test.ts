import { describe, expect, it } from 'vitest';
import type { SipIssue } from '../../src/sip/message.js';
import { parseStartLine } from '../../src/sip/start-line.js';

function line(s: string) {
  const issues: SipIssue[] = [];
  const r = parseStartLine(s, 0, s.length, issues);
  return { r, issues, codes: issues.map((i) => `${i.severity}:${i.code}`) };
}

describe('Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1)', () => {
  it('splits a well-formed request line', () => {
    const { r, issues } = line('INVITE sip:bob@biloxi.example.com SIP/2.0');
    expect(r).toEqual({
      kind: 'request',
      method: 'INVITE',
      uri: 'sip:bob@biloxi.example.com',
      uriOffset: 7,
      version: 'SIP/2.0',
    });
    expect(issues).toEqual([]);
  });

  it('keeps extension methods and their case as sent (methods are open strings)', () => {
    const { r, issues } = line('fooBAR.x-Y sip:a@b SIP/2.0');
    expect(r?.kind === 'request' && r.method).toBe('fooBAR.x-Y');
    expect(issues).toEqual([]);
  });

  it('accepts the version in any case ("case-insensitive", §7.1)', () => {
    expect(line('OPTIONS sip:a@b sip/2.0').issues).toEqual([]);
  });

  it('an unknown version is an error (RFC 4475 §3.1.2.16 badvers), fields kept', () => {
    const { r, codes, issues } = line('OPTIONS sip:a@b SIP/3.1');
    expect(codes).toEqual(['error:syntax.version']);
    expect(r?.version).toBe('SIP/3.1');
    expect(issues[0].offset).toBe(16);
  });

  it('several SP between elements is an error (RFC 4475 §3.1.2.9 lwsstart)', () => {
    const { r, codes } = line('OPTIONS   sip:a@b  SIP/2.0');
    expect(codes).toEqual(['error:syntax.start-line']);
    expect(r).toMatchObject({ method: 'OPTIONS', uri: 'sip:a@b', version: 'SIP/2.0' });
  });

  it('trailing SP after the version is an error (RFC 4475 §3.1.2.10 trws)', () => {
    const { codes, issues } = line('OPTIONS sip:a@b SIP/2.0   ');
    expect(codes).toEqual(['error:syntax.trailing-space']);
    expect(issues[0]).toMatchObject({ offset: 23, length: 3 });
  });

  it('LWS inside the Request-URI is an error (RFC 4475 §3.1.2.8 lwsruri)', () => {
    const { r, codes } = line('INVITE sip:a@example.com; transport=tcp SIP/2.0');
    expect(codes).toEqual(['error:syntax.request-uri-lws']);
    expect(r?.kind === 'request' && r.uri).toBe('sip:a@example.com; transport=tcp');
  });

  it('<> around the Request-URI is an error; the URI inside is kept (RFC 4475 §3.1.2.7 ltgtruri)', () => {
    const { r, codes } = line('INVITE <sip:a@example.com> SIP/2.0');
    expect(codes).toEqual(['error:syntax.request-uri-enclosed']);
    expect(r).toMatchObject({ uri: 'sip:a@example.com', uriOffset: 8 });
  });

  it('a missing version is an error but still a request (RFC 4475 test.dat)', () => {
    const { r, codes } = line('INVITE sip:someone@example.com');
    expect(codes).toEqual(['error:syntax.start-line']);
    expect(r).toMatchObject({
      kind: 'request',
      method: 'INVITE',
      uri: 'sip:someone@example.com',
      version: '',
    });
  });

  it('a missing Request-URI is an error', () => {
    expect(line('INVITE SIP/2.0').codes).toEqual(['error:syntax.start-line']);
  });

  it.each([
    'GET / HTTP/1.1',
    'HTTP/1.1 200 OK',
    'hello there',
    'INVITE',
    '\x00\x01\x02 sip:a@b SIP/2.0',
    ' INVITE sip:a@b SIP/2.0',
  ])('"%s" is not SIP: null', (s) => {
    expect(line(s).r).toBeNull();
  });
});

describe('Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)', () => {
  it('splits a well-formed status line', () => {
    const { r, issues } = line('SIP/2.0 180 Ringing');
    expect(r).toEqual({ kind: 'response', version: 'SIP/2.0', status: 180, reason: 'Ringing' });
    expect(issues).toEqual([]);
  });

  it('version and Reason-Phrase are kept as written, whatever their case', () => {
    expect(line('sip/2.0 200 ok').r).toEqual({
      kind: 'response',
      version: 'sip/2.0',
      status: 200,
      reason: 'ok',
    });
    expect(line('SIP/2.0 200 OK ').r).toMatchObject({ reason: 'OK ' });
  });

  it('an empty Reason-Phrase after the SP is valid (RFC 4475 §3.1.1.13 noreason)', () => {
    const { r, issues } = line('SIP/2.0 100 ');
    expect(r).toMatchObject({ status: 100, reason: '' });
    expect(issues).toEqual([]);
  });

  it('a missing SP after the code is only a warning', () => {
    const { r, codes } = line('SIP/2.0 100');
    expect(r).toMatchObject({ status: 100, reason: '' });
    expect(codes).toEqual(['warning:syntax.start-line']);
  });

  it('reason phrases may hold any UTF-8 (RFC 4475 §3.1.1.12 unreason)', () => {
    const utf8 = Buffer.from('Très bien — хорошо', 'utf8').toString('latin1');
    const { r, issues } = line(`SIP/2.0 200 ${utf8}`);
    expect(r?.kind === 'response' && r.reason).toBe(utf8);
    expect(issues).toEqual([]);
  });

  it('a control character in the Reason-Phrase is an error, the phrase kept as sent (RFC 3261 §25.1)', () => {
    const { r, codes, issues } = line('SIP/2.0 180 Ring\x07ing\x1b[2J');
    expect(r).toMatchObject({ kind: 'response', status: 180, reason: 'Ring\x07ing\x1b[2J' });
    expect(codes).toEqual(['error:syntax.start-line']);
    expect(issues[0]).toMatchObject({ offset: 16, length: 1 });
    expect(line('SIP/2.0 200 O\tK').issues).toEqual([]);
  });

  it.each([
    ['4294967299', 4294967299],
    ['99', 99],
    ['700', 700],
    ['1000', 1000],
    ['20', 20],
  ])('Status-Code %s is an error; the number is kept (RFC 4475 §3.1.2.19 bigcode)', (code, n) => {
    const { r, codes, issues } = line(`SIP/2.0 ${code} Whatever`);
    expect(codes).toEqual(['error:syntax.status-code']);
    expect(r?.kind === 'response' && r.status).toBe(n);
    expect(issues[0]).toMatchObject({ offset: 8, length: code.length });
  });

  it('letters in the code are an error', () => {
    expect(line('SIP/2.0 2x0 OK').codes).toEqual(['error:syntax.status-code']);
  });

  it('a missing code is an error, status 0', () => {
    const { r, codes } = line('SIP/2.0');
    expect(codes).toEqual(['error:syntax.status-code']);
    expect(r).toMatchObject({ kind: 'response', status: 0 });
  });

  it('an unsupported version in a response is an error', () => {
    expect(line('SIP/1.0 200 OK').codes).toEqual(['error:syntax.version']);
  });
});
