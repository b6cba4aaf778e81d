/**
 * Every message-scope rule: a message that must trigger it and one that must
 * not, named after the RFC behaviour. The table is checked against the
 * registry, so a new rule without a case fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/analyze/registry.js';
import type { Transport } from '../../src/decode/payload.js';
import { findingsOf, INVITE, OK_INVITE, OPTIONS, RINGING, rangeText, sip } from './fixtures.js';
import { MESSAGE_CASES } from './rule-cases.js';
import { HEADER_CASES } from './rule-cases-headers.js';
import { ROUTING_CASES } from './rule-cases-routing.js';

const CASES = [...MESSAGE_CASES, ...HEADER_CASES, ...ROUTING_CASES];

const ids = (text: string, transport?: Transport) => findingsOf(text, transport).map((f) => f.rule);

describe('the base messages of these tests are clean', () => {
  for (const [name, text] of Object.entries({ INVITE, OK_INVITE, OPTIONS, RINGING })) {
    it(`${name} gives no finding at all`, () => {
      expect(findingsOf(text)).toEqual([]);
    });
  }
});

describe('message rules: one message that triggers, one that must not', () => {
  for (const c of CASES) {
    describe(`${c.rule}: ${c.behaviour}`, () => {
      it('triggers', () => {
        const all = findingsOf(c.trigger.text, c.trigger.transport);
        const f = all.find((x) => x.rule === c.rule);
        expect(f, JSON.stringify(all, null, 1)).toBeDefined();
        if (!f) return;
        const rule = RULES.find((r) => r.id === c.rule)!;
        expect(f.rfc).toBe(rule.rfc.ref);
        expect(f.messages).toEqual([0]);
        expect(f.call).toBeNull();
        if (c.severity) expect(f.severity).toBe(c.severity);
        for (const w of c.names ?? []) expect(f.text).toContain(w);
        if (c.rangeStarts) {
          expect(f.range?.message).toBe(0);
          expect(rangeText(c.trigger.text, f).startsWith(c.rangeStarts)).toBe(true);
        }
      });
      it('stays silent', () => {
        expect(ids(c.clean.text, c.clean.transport)).not.toContain(c.rule);
      });
    });
  }
});

describe('the registry', () => {
  it('every message rule has a trigger case above', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    const missing = RULES.filter((r) => r.scope === 'message' && !covered.has(r.id)).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('every rule has a title, an RFC reference with its sentence and a 2–4 sentence explanation', () => {
    for (const r of RULES) {
      expect(r.title.length, r.id).toBeGreaterThan(5);
      expect(r.title.endsWith('.'), r.id).toBe(false);
      expect(r.rfc.ref, r.id).toMatch(/^RFC \d+ §\d/);
      expect(r.rfc.text.length, r.id).toBeGreaterThan(20);
      const sentences = r.explanation.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      expect(sentences, `${r.id}: ${sentences} sentences`).toBeGreaterThanOrEqual(2);
      expect(sentences, `${r.id}: ${sentences} sentences`).toBeLessThanOrEqual(5);
    }
  });

  it('every issue code the SIP parser can emit is claimed by exactly one rule', () => {
    const dir = new URL('../../src/sip/', import.meta.url);
    const codes = new Set<string>();
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.ts')) continue;
      const src = readFileSync(new URL(f, dir), 'utf8');
      for (const m of src.matchAll(/'((?:syntax|framing|multipart|sdp)\.[a-z0-9-]+)'/g)) codes.add(m[1]);
    }
    expect(codes.size).toBeGreaterThan(20);
    const claims = new Map<string, string[]>();
    for (const r of RULES) for (const c of r.issues ?? []) claims.set(c, [...(claims.get(c) ?? []), r.id]);
    const unclaimed = [...codes].filter((c) => !claims.has(c)).sort();
    const twice = [...claims].filter(([, rs]) => rs.length > 1);
    expect(unclaimed).toEqual([]);
    expect(twice).toEqual([]);
  });
});

describe('a message with several problems gets one finding per problem', () => {
  it('RFC 3261 §8.1.1: each missing mandatory header is named on its own', () => {
    const text = sip([
      'OPTIONS sip:carol@chicago.example.com SIP/2.0',
      'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
      'Content-Length: 0',
    ]);
    const texts = findingsOf(text)
      .filter((f) => f.rule === 'header.mandatory-missing')
      .map((f) => f.text);
    expect(texts).toEqual([
      'OPTIONS request without To',
      'OPTIONS request without From',
      'OPTIONS request without CSeq',
      'OPTIONS request without Call-ID',
      'OPTIONS request without Max-Forwards',
    ]);
  });
});
