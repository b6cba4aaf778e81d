/**
 * Bad input never crashes the analysis (DESIGN.md convention 4), and SIP
 * text is attacker-controlled: the named flows, with words of their messages
 * replaced by tokens that name Object.prototype members (`__proto__`,
 * `constructor`, `toString`… are valid tokens, RFC 3261 §25.1) or odd
 * numbers, go through the correlator and every rule without throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/sip/message.js';
import { parseSip } from '../../src/sip/parse.js';
import { basicCall, NAMED_FLOWS } from '../fixtures/flows/index.js';
import { analyzeFlow } from './correlated.js';
import { textOf } from './flow-edit.js';

const FLOWS = NAMED_FLOWS;

const ODD = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'prototype',
  'length',
  '0',
  '-1',
  '4294967296',
  'NaN',
  'Infinity',
  'undefined',
  'null',
];

const WORD = /[A-Za-z0-9_.-]+/g;

/** `m` with its text changed by `fn`, parsed again (the same source); `m` itself when it is no SIP any more. */
function rewrite(m: SipMessage, fn: (text: string) => string): SipMessage {
  const c = parseSip(Buffer.from(fn(textOf(m)), 'latin1'));
  if (c === null) return m;
  c.source = m.source === null ? null : { ...m.source };
  return c;
}

/** `text` with its `k`-th word (counted modulo the number of words) replaced by `by`. */
function replaceWord(text: string, k: number, by: string): string {
  const words = [...text.matchAll(WORD)];
  if (words.length === 0) return text;
  const w = words[k % words.length];
  const at = w.index ?? 0;
  return text.slice(0, at) + by + text.slice(at + w[0].length);
}

describe('analysis of flows whose words are tokens like __proto__ (no rule or correlation step throws)', () => {
  it.each(FLOWS)('%s', (_name, flow) => {
    const base = flow();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            message: fc.nat(),
            word: fc.nat(),
            by: fc.oneof(fc.constantFrom(...ODD), fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/)),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (edits) => {
          const msgs = base.slice();
          for (const e of edits) {
            const i = e.message % msgs.length;
            msgs[i] = rewrite(msgs[i], (t) => replaceWord(t, e.word, e.by));
          }
          expect(() => analyzeFlow(msgs)).not.toThrow();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('SDP formats of the offer and the answer renamed (formats are tokens, RFC 8866 §5.14)', () => {
    const base = basicCall();
    const sdpAt = base.flatMap((m, i) => (textOf(m).includes('\r\nm=') ? [i] : []));
    expect(sdpAt.length).toBeGreaterThanOrEqual(2);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...ODD), fc.constantFrom('0', '8', '101')), {
          minLength: sdpAt.length,
          maxLength: sdpAt.length,
        }),
        (names) => {
          const msgs = base.slice();
          sdpAt.forEach((i, k) => {
            msgs[i] = rewrite(msgs[i], (t) => t.replace(/(\r\nm=\S+ \d+ \S+) [^\r]*/, `$1 ${names[k]}`));
          });
          expect(() => analyzeFlow(msgs)).not.toThrow();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the same word replaced everywhere it occurs (a method, a tag, a format renamed throughout a flow)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FLOWS), fc.nat(), fc.constantFrom(...ODD), ([, flow], k, by) => {
        const base = flow();
        const words = [...Buffer.from(base[0].raw).toString('latin1').matchAll(WORD)];
        const word = words[k % words.length][0];
        const msgs = base.map((m) => rewrite(m, (t) => t.split(word).join(by)));
        expect(() => analyzeFlow(msgs)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
