import { describe, expect, it } from 'vitest';
import { type LintResult, lineOfOffset, lintText } from '../../src/analyze/lint.js';
import { normaliseLineEnds, splitMessages } from '../../src/analyze/lint-split.js';
import { selectRules } from '../../src/analyze/registry.js';
import { INVITE, OK_INVITE, OPTIONS, RINGING, sip } from './fixtures.js';
import { INVALID } from './rfc4475-invalid.js';
import { VALID } from './rfc4475-valid.js';

const errors = (r: LintResult) => r.findings.filter((f) => f.severity === 'error');
const starts = (r: LintResult) => r.messages.map((m) => m.firstLine);

/** RFC 4475 §3.1.2 case → the rule that must report it. */
const EXPECTED: Record<string, string> = {
  '3.1.2.1': 'header.empty-list-element',
  '3.1.2.2': 'content-length.mismatch',
  '3.1.2.3': 'content-length.invalid',
  '3.1.2.4': 'header.value-invalid',
  '3.1.2.5': 'header.value-invalid',
  '3.1.2.6': 'quoted-string.unterminated',
  '3.1.2.7': 'request-uri.malformed',
  '3.1.2.8': 'request-uri.malformed',
  '3.1.2.9': 'start-line.malformed',
  '3.1.2.10': 'start-line.malformed',
  '3.1.2.11': 'request-uri.headers',
  '3.1.2.12': 'header.date-invalid',
  '3.1.2.13': 'name-addr.uri-not-enclosed',
  '3.1.2.14': 'name-addr.malformed',
  '3.1.2.15': 'name-addr.malformed',
  '3.1.2.16': 'sip-version.unsupported',
  '3.1.2.17': 'cseq.method-mismatch',
  '3.1.2.18': 'cseq.method-mismatch',
  '3.1.2.19': 'status-code.invalid',
};

describe('lint on messages modelled on RFC 4475 §3.1.1 (valid): no error', () => {
  for (const v of VALID) {
    it(`§${v.section} ${v.name}`, () => {
      const r = lintText(v.text, { datagram: v.datagram });
      expect(r.messages).toHaveLength(1);
      expect(r.messages[0].message).not.toBeNull();
      expect(errors(r), JSON.stringify(r.findings, null, 1)).toEqual([]);
    });
  }

  it('§3.1.1.8: in datagram mode the bytes after the Content-Length body are a warning, not a second message', () => {
    const v = VALID.find((x) => x.section === '3.1.1.8')!;
    const r = lintText(v.text, { datagram: true });
    expect(r.findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['warning content-length.mismatch']);
    expect(lintText(v.text).messages).toHaveLength(2);
  });
});

describe('lint on messages modelled on RFC 4475 §3.1.2 (invalid): at least one error', () => {
  it('every §3.1.2 case has a mirror and an expected rule', () => {
    expect(INVALID.map((m) => m.section)).toEqual(Object.keys(EXPECTED));
  });
  for (const v of INVALID) {
    it(`§${v.section} ${v.name} → ${EXPECTED[v.section]}`, () => {
      const r = lintText(v.text);
      expect(r.messages).toHaveLength(1);
      const rules = errors(r).map((f) => f.rule);
      expect(rules, JSON.stringify(r.findings, null, 1)).toContain(EXPECTED[v.section]);
    });
  }
});

describe('splitting pasted text into messages', () => {
  it('messages separated by blank lines, CRLF, each starting at its start line', () => {
    const text = `\r\n${INVITE}\r\n\r\n${OK_INVITE}\r\n${OPTIONS}`;
    const r = lintText(text);
    expect(starts(r)).toEqual([
      'INVITE sip:bob@biloxi.example.com SIP/2.0',
      'SIP/2.0 200 OK',
      'OPTIONS sip:carol@chicago.example.com SIP/2.0',
    ]);
    expect(r.messages.map((m) => m.line)).toEqual([2, 23, 41]);
    expect(r.findings).toEqual([]);
  });

  it('bare-LF paste: read as CRLF, so Content-Length computed on the CRLF original fits', () => {
    const text = `${INVITE}\n${RINGING}`.replace(/\r\n/g, '\n');
    const r = lintText(text);
    expect(r.normalisedLineEnds).toBe(true);
    expect(r.messages).toHaveLength(2);
    expect(r.findings).toEqual([]);
  });

  it('bare-LF paste whose Content-Length counts LF bytes (RFC 5118 archive style) is not flagged either', () => {
    const body =
      'v=0\no=- 1 1 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::1\nt=0 0\nm=audio 4000 RTP/AVP 0\n';
    const text = INVITE.replace(/\r\n/g, '\n')
      .replace(/Content-Length: \d+/, `Content-Length: ${body.length}`)
      .replace(/\n\nv=0[\s\S]*$/, `\n\n${body}`);
    const r = lintText(text);
    expect(r.findings).toEqual([]);
    const wrong = lintText(
      text.replace(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 40}`),
    );
    expect(errors(wrong).map((f) => f.rule)).toEqual(['content-length.mismatch']);
  });

  it('a body with blank lines and a start-line-like line stays whole when Content-Length fits (message/sipfrag)', () => {
    const frag = 'SIP/2.0 200 OK\r\n\r\nINVITE sip:x@example.com SIP/2.0\r\n';
    const notify = sip(
      [
        'NOTIFY sip:alice@pc33.atlanta.example.com SIP/2.0',
        'Via: SIP/2.0/UDP biloxi.example.com;branch=z9hG4bKnashds9',
        'Max-Forwards: 70',
        'To: <sip:alice@atlanta.example.com>;tag=1928301774',
        'From: <sip:bob@biloxi.example.com>;tag=a6c85cf',
        'Call-ID: a84b4c76e66710',
        'CSeq: 2 NOTIFY',
        'Event: refer',
        'Subscription-State: terminated;reason=noresource',
        'Content-Type: message/sipfrag',
        `Content-Length: ${frag.length}`,
      ],
      frag,
    );
    const r = lintText(`${notify}\r\n${OPTIONS}`);
    expect(starts(r)).toEqual([
      'NOTIFY sip:alice@pc33.atlanta.example.com SIP/2.0',
      'OPTIONS sip:carol@chicago.example.com SIP/2.0',
    ]);
    expect(r.messages[0].message?.body.length).toBe(frag.length);
    expect(r.findings).toEqual([]);
  });

  it('without Content-Length the body runs to the blank line before the next start line', () => {
    const first = sip(
      [
        'INFO sip:bob@192.0.2.4 SIP/2.0',
        'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKinfo1',
        'Max-Forwards: 70',
        'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
        'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
        'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
        'CSeq: 314161 INFO',
        'Content-Type: application/dtmf-relay',
      ],
      'Signal=5\r\nDuration=160\r\n',
    );
    const r = lintText(`${first}\r\n\r\n${OPTIONS}`);
    expect(r.messages).toHaveLength(2);
    expect(r.messages[0].message?.body.length).toBe('Signal=5\r\nDuration=160\r\n'.length);
    expect(r.findings).toEqual([]);
  });

  it('a Content-Length larger than the pasted body: cut at the next start line, and flagged', () => {
    const r = lintText(`${OPTIONS.replace('Content-Length: 0', 'Content-Length: 500')}\r\n${RINGING}`);
    expect(r.messages).toHaveLength(2);
    expect(r.findings.map((f) => [f.rule, f.messages[0]])).toEqual([['content-length.mismatch', 0]]);
  });

  it('text that is not SIP becomes an entry without message and a start-line.malformed error', () => {
    const r = lintText(`hello there\r\nthis is not SIP\r\n\r\n${OPTIONS}`);
    expect(r.messages.map((m) => m.message === null)).toEqual([true, false]);
    expect(r.findings.map((f) => [f.rule, f.severity, f.messages[0]])).toEqual([
      ['start-line.malformed', 'error', 0],
    ]);
  });

  it('blank input gives no message', () => {
    expect(splitMessages('\r\n  \r\n\n')).toEqual([]);
    expect(lintText('').messages).toEqual([]);
  });

  it('normaliseLineEnds leaves text with any CR alone', () => {
    expect(normaliseLineEnds('a\r\nb\nc')).toEqual({ text: 'a\r\nb\nc', normalised: false });
    expect(normaliseLineEnds('a\nb\n')).toEqual({ text: 'a\r\nb\r\n', normalised: true });
  });
});

describe('lint filters and positions', () => {
  const bad = INVITE.replace('CSeq: 314159 INVITE', 'CSeq: 314159 OPTIONS').replace(
    'branch=z9hG4bK776asdhds',
    'branch=776asdhds',
  );

  it('--severity error keeps errors only; --severity warning keeps both', () => {
    expect(lintText(bad, { minSeverity: 'error' }).findings.map((f) => f.rule)).toEqual([
      'cseq.method-mismatch',
    ]);
    expect(
      lintText(bad, { minSeverity: 'warning' })
        .findings.map((f) => f.rule)
        .sort(),
    ).toEqual(['cseq.method-mismatch', 'via.branch-no-cookie']);
  });

  it('--rule selects rules by id prefix', () => {
    expect(lintText(bad, { rules: selectRules(['via.']) }).findings.map((f) => f.rule)).toEqual([
      'via.branch-no-cookie',
    ]);
    expect(
      lintText(bad, { rules: selectRules(['cseq.method-mismatch']) }).findings.map((f) => f.rule),
    ).toEqual(['cseq.method-mismatch']);
  });

  it('a finding range maps back to the input line of the offending header', () => {
    const text = `${OPTIONS}\r\n${bad}`;
    const r = lintText(text);
    const f = r.findings.find((x) => x.rule === 'cseq.method-mismatch')!;
    const lm = r.messages[f.messages[0]];
    const line = lineOfOffset(lm, f.range!.offset);
    expect(text.split('\r\n')[line - 1]).toBe('CSeq: 314159 OPTIONS');
  });
});
