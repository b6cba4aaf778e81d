/**
 * The rule engine: how drafts become findings, filters, and the correlated
 * scope's event dispatch driven by capture time. The correlated rules here
 * are small fixtures written for these tests (rules are data), not mocks.
 */
import { describe, expect, it } from 'vitest';
import { createAnalyzer, MAX_PER_MESSAGE } from '../../src/analyze/analyzer.js';
import { type Finding, NONE } from '../../src/analyze/finding.js';
import type { CorrelatedRule, MessageRule } from '../../src/analyze/rule.js';
import { cseqMethodMismatch } from '../../src/analyze/rules/cseq-method-mismatch.js';
import { viaBranchNoCookie } from '../../src/analyze/rules/via-branch-no-cookie.js';
import type { CallRecord, MessageCorrelation } from '../../src/correlate/model.js';
import { INVITE, OPTIONS, parse, rangeText } from './fixtures.js';

const BAD = INVITE.replace('CSeq: 314159 INVITE', 'CSeq: 314159 OPTIONS').replace(
  'branch=z9hG4bK776asdhds',
  'branch=776asdhds',
);
const corr = (call: number): MessageCorrelation => ({
  transaction: 0,
  retransmission: false,
  duplicate: false,
  dialog: null,
  call,
});

const RULE_BASE = {
  rfc: {
    ref: 'RFC 3261 §8.1.1',
    text: 'A valid SIP request formulated by a UAC MUST, at a minimum, contain …',
  },
  explanation: 'Test rule. It exists for the engine tests.',
};

describe('message-scope findings', () => {
  it('carry rule id, severity, RFC reference, message id, call from the correlation and the header range', () => {
    const a = createAnalyzer();
    a.onMessage(parse(BAD), 7, corr(3));
    const f = a.findings.find((x) => x.rule === 'cseq.method-mismatch')!;
    expect(f).toMatchObject({
      rule: 'cseq.method-mismatch',
      severity: 'error',
      rfc: 'RFC 3261 §8.1.1.5',
      messages: [7],
      call: 3,
    });
    expect(f.range?.message).toBe(7);
    expect(rangeText(BAD, f)).toBe('CSeq: 314159 OPTIONS');
    expect(a.stats.byRule).toEqual({ 'cseq.method-mismatch': 1, 'via.branch-no-cookie': 1 });
    expect(a.stats.findings).toBe(2);
  });

  it('without a correlator the call is null', () => {
    const a = createAnalyzer();
    a.onMessage(parse(BAD), 0);
    expect(a.findings.every((f) => f.call === null)).toBe(true);
  });

  it('minSeverity drops milder findings before they are counted', () => {
    const a = createAnalyzer({ minSeverity: 'error' });
    a.onMessage(parse(BAD), 0);
    expect(a.findings.map((f) => f.rule)).toEqual(['cseq.method-mismatch']);
    expect(a.stats.byRule).toEqual({ 'cseq.method-mismatch': 1 });
  });

  it('only the given rules run', () => {
    const a = createAnalyzer({ rules: [viaBranchNoCookie] });
    a.onMessage(parse(BAD), 0);
    expect(a.findings.map((f) => f.rule)).toEqual(['via.branch-no-cookie']);
  });

  it('a draft may lower the rule severity but never raise it', () => {
    const mk = (severity: 'warning' | 'info', draft: 'error' | 'info'): MessageRule => ({
      ...RULE_BASE,
      id: `test.${severity}-${draft}`,
      title: 'Test rule',
      severity,
      scope: 'message',
      check: () => [{ text: 'x', severity: draft }],
    });
    const a = createAnalyzer({ rules: [mk('warning', 'error'), mk('warning', 'info')] });
    a.onMessage(parse(OPTIONS), 0);
    expect(a.findings.map((f) => f.severity)).toEqual(['warning', 'info']);
  });

  it('onFinding receives findings as they come; the findings array then stays empty', () => {
    const got: Finding[] = [];
    const a = createAnalyzer({ onFinding: (f) => got.push(f) });
    a.onMessage(parse(BAD), 0);
    expect(got.length).toBe(2);
    expect(a.findings).toEqual([]);
  });

  it('maxFindings bounds the kept findings and counts the rest as dropped', () => {
    const a = createAnalyzer({ rules: [cseqMethodMismatch], maxFindings: 2 });
    for (let i = 0; i < 5; i++) a.onMessage(parse(BAD), i);
    expect(a.findings.map((f) => f.messages[0])).toEqual([0, 1]);
    expect(a.stats).toMatchObject({ findings: 5, dropped: 3 });
  });

  it('one rule makes at most MAX_PER_MESSAGE findings on a message, the last counting the rest (RFC 3261 §7.3.1 empty list elements)', () => {
    // 60,000 commas in one Contact (a UDP datagram holds that): as many empty list elements (RFC 4475 §3.1.2.1).
    const commas = INVITE.replace('Max-Forwards: 70', `Max-Forwards: 70\r\nContact: ${','.repeat(60_000)}`);
    const a = createAnalyzer();
    a.onMessage(parse(commas), 0, null);
    const empty = a.findings.filter((f) => f.rule === 'header.empty-list-element');
    expect(empty).toHaveLength(MAX_PER_MESSAGE);
    expect(empty[MAX_PER_MESSAGE - 1].text).toMatch(
      /\(and 59981 more like it in this message, not listed\)$/,
    );
    expect(empty[0].text).not.toContain('more like it');
    expect(a.stats.byRule['header.empty-list-element']).toBe(MAX_PER_MESSAGE);
  });

  it('issue-only rules are not called for a message without parser issues', () => {
    let calls = 0;
    const probe: MessageRule = {
      ...RULE_BASE,
      id: 'test.issues-only',
      title: 'Test rule',
      severity: 'info',
      scope: 'message',
      issuesOnly: true,
      check: () => {
        calls++;
        return NONE;
      },
    };
    const a = createAnalyzer({ rules: [probe] });
    a.onMessage(parse(OPTIONS), 0);
    a.onMessage(parse(BAD), 1);
    expect(calls).toBe(1);
  });

  it('a message rule with a filter is called only for the messages it accepts, and findings keep registry order', () => {
    const seen: string[] = [];
    const probe = (id: string, only: MessageRule['only']): MessageRule => ({
      ...RULE_BASE,
      id,
      title: 'Test rule',
      severity: 'info',
      scope: 'message',
      only,
      check: (m) => {
        seen.push(`${id} ${m.kind === 'request' ? m.method : m.status}`);
        return [{ text: id }];
      },
    });
    const a = createAnalyzer({
      rules: [
        probe('test.invite', { requests: ['INVITE'] }),
        probe('test.any', undefined),
        probe('test.issues', { requests: '*', withIssues: true }),
        probe('test.first', { requests: '*', copies: 'first' }),
      ],
    });
    a.onMessage(parse(OPTIONS), 0);
    a.onMessage(parse(BAD), 1);
    a.onMessage(parse(INVITE), 2, { ...corr(0), retransmission: true });
    expect(seen).toEqual([
      'test.any OPTIONS',
      'test.first OPTIONS',
      'test.invite INVITE',
      'test.any INVITE',
      'test.issues INVITE',
      'test.first INVITE',
      'test.invite INVITE',
      'test.any INVITE',
    ]);
    expect(a.findings.map((f) => `${f.messages[0]} ${f.rule}`)).toEqual([
      '0 test.any',
      '0 test.first',
      '1 test.invite',
      '1 test.any',
      '1 test.issues',
      '1 test.first',
      '2 test.invite',
      '2 test.any',
    ]);
  });
});

/**
 * A correlated fixture rule: "a request not followed by any other message
 * within 2 s of capture time". It keeps pending requests in its state and
 * reports them on a tick past their deadline, or at the end if the deadline
 * passed; a message arriving in time clears them.
 */
interface Pending {
  pending: Map<number, number>;
}
const quietRule: CorrelatedRule<Pending> = {
  ...RULE_BASE,
  id: 'test.quiet-request',
  title: 'Request followed by silence',
  severity: 'warning',
  scope: 'correlated',
  on: ['message', 'tick'],
  init: () => ({ pending: new Map() }),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind === 'message') {
      ctx.state.pending.clear();
      if (ev.msg.kind === 'request') ctx.state.pending.set(ev.id, ev.msg.source?.ts ?? 0);
      return NONE;
    }
    const out = [];
    for (const [id, ts] of ctx.state.pending) {
      if (ctx.now - ts >= 2) {
        out.push({ text: `request ${id} followed by ${ctx.ended ? 'the end' : 'silence'}`, messages: [id] });
        ctx.state.pending.delete(id);
      }
    }
    return out;
  },
};

const at = (text: string, ts: number) => {
  const m = parse(text, 'udp');
  m.source!.ts = ts;
  return m;
};

describe('correlated scope: evaluated as capture time advances', () => {
  it('a finding is emitted once capture time passes the deadline, not before', () => {
    const a = createAnalyzer({ rules: [quietRule] });
    a.onMessage(at(OPTIONS, 10), 0);
    a.advance(11.5);
    expect(a.findings).toEqual([]);
    a.advance(12);
    expect(a.findings.map((f) => [f.rule, f.severity, f.messages, f.text])).toEqual([
      ['test.quiet-request', 'warning', [0], 'request 0 followed by silence'],
    ]);
  });

  it('a later message moves the clock and ticks before it is seen; time never goes back', () => {
    const a = createAnalyzer({ rules: [quietRule] });
    a.onMessage(at(OPTIONS, 10), 0);
    // 3 s of silence after message 0: the tick at 13 s reports it before message 1 clears the pending list.
    a.onMessage(at(OPTIONS, 13), 1);
    expect(a.findings.map((f) => f.messages)).toEqual([[0]]);
    a.advance(12);
    a.advance(14.9);
    expect(a.findings).toHaveLength(1);
    a.advance(15);
    expect(a.findings.map((f) => f.messages)).toEqual([[0], [1]]);
  });

  it('end() gives pending rules their last say, once', () => {
    const a = createAnalyzer({ rules: [quietRule] });
    a.onMessage(at(OPTIONS, 10), 0);
    a.advance(20);
    a.onMessage(at(OPTIONS, 30), 1);
    a.end();
    a.end();
    a.advance(100);
    expect(a.findings.map((f) => f.text)).toEqual(['request 0 followed by silence']);
  });

  it('state lives in each analyzer, not in the rule', () => {
    const a = createAnalyzer({ rules: [quietRule] });
    const b = createAnalyzer({ rules: [quietRule] });
    a.onMessage(at(OPTIONS, 10), 0);
    b.advance(50);
    expect(b.findings).toEqual([]);
    a.advance(50);
    expect(a.findings).toHaveLength(1);
  });

  it('record events reach only the rules that listen to them; a call event gives its call id', () => {
    const seen: string[] = [];
    const rule: CorrelatedRule = {
      ...RULE_BASE,
      id: 'test.calls',
      title: 'Calls',
      severity: 'info',
      scope: 'correlated',
      on: ['call'],
      check(model) {
        seen.push(model.event.kind);
        return model.event.kind === 'call' ? [{ text: 'call ended', messages: [5, 2] }] : NONE;
      },
    };
    const a = createAnalyzer({ rules: [rule] });
    a.onMessage(at(OPTIONS, 1), 0);
    a.advance(5);
    a.onCallFinal({ id: 4 } as CallRecord);
    expect(seen).toEqual(['call']);
    expect(a.findings.map((f) => [f.messages, f.call])).toEqual([[[2, 5], 4]]);
  });

  it('the model lookups given to the analyzer reach the check', () => {
    const msg = parse(INVITE);
    const rule: CorrelatedRule = {
      ...RULE_BASE,
      id: 'test.lookup',
      title: 'Lookup',
      severity: 'info',
      scope: 'correlated',
      on: ['tick'],
      check: (model) => [{ text: model.message?.(9)?.startLine ?? 'none', messages: [9] }],
    };
    const a = createAnalyzer({ rules: [rule], model: { message: (id) => (id === 9 ? msg : undefined) } });
    a.advance(1);
    expect(a.findings.map((f) => f.text)).toEqual(['INVITE sip:bob@biloxi.example.com SIP/2.0']);
  });

  it('a correlated finding without messages is a bug in the rule: it throws', () => {
    const rule: CorrelatedRule = {
      ...RULE_BASE,
      id: 'test.broken',
      title: 'Broken',
      severity: 'info',
      scope: 'correlated',
      on: ['tick'],
      check: () => [{ text: 'no messages' }],
    };
    const a = createAnalyzer({ rules: [rule] });
    expect(() => a.advance(1)).toThrow(/must name its messages/);
  });
});
