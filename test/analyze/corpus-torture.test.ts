/**
 * Optional: lint of the RFC 4475 / RFC 5118 torture messages in the shared
 * corpus (skipped when it is absent). What each file must give comes from
 * its MANIFEST note ("INVALID" → an error, "valid" → none; the §3.3
 * "application layer" cases are syntactically valid — unknown schemes,
 * Require, unknown Content-Type or auth scheme are for the receiving
 * application to answer (416, 420, 415...) — so none either), with the
 * exceptions below, each justified.
 */
import '../helpers/corpus.js';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/analyze/lint.js';

const dir = new URL('../../../shared/corpus/torture/', import.meta.url);
const manifest = new URL('../../../shared/corpus/MANIFEST.tsv', import.meta.url);

type Expect = 'error' | 'none';

/** Files whose note says neither INVALID nor valid, or whose plain reading needs a correction. */
const EXPLICIT: Record<string, { expect: Expect; why: string }> = {
  'rfc4475_badbranch.sip': {
    expect: 'none',
    why: '§3.2.1 transaction layer: a branch without z9hG4bK is an RFC 2543 element, a warning',
  },
  'rfc4475_insuf.sip': {
    expect: 'error',
    why: '§3.3.1: missing To, From, Call-ID, CSeq break the §8.1.1 MUST (400 expected)',
  },
  'rfc4475_multi01.sip': {
    expect: 'error',
    why: '§3.3.8: several values in single-value headers break §7.3.1 (400 expected)',
  },
  'rfc4475_mcl01.sip': {
    expect: 'error',
    why: '§3.3.9: two Content-Length headers break §7.3.1 (400 expected)',
  },
  'rfc4475_inv2543.sip': {
    expect: 'none',
    why: '§3.4.1: RFC 2543 syntax "should be accepted": warnings only',
  },
  'rfc4475_test.sip': {
    expect: 'error',
    why: 'not described in RFC 4475: no SIP-Version and a header without colon',
  },
  'rfc5118_ipv6-bug-abnf-3-colons.sip': {
    expect: 'error',
    why: '§4.10: "2001:db8:::192.0.2.1" is not an IPv6 address',
  },
  'rfc5118_ipv6-in-sdp.sip': {
    expect: 'error',
    why: '§4.6 is meant valid, but the archived Content-Length (268) fits neither the LF (242) nor the CRLF (251) body',
  },
};

describe.skipIf(!existsSync(dir) || !existsSync(manifest))(
  'lint of the RFC 4475 / 5118 torture corpus',
  () => {
    const rows = existsSync(manifest)
      ? readFileSync(manifest, 'utf8')
          .split('\n')
          .map((l) => l.split('\t'))
          .filter((c) => c[0]?.startsWith('torture/'))
      : [];

    for (const [path, , , , , , , note] of rows) {
      const name = path.slice('torture/'.length);
      const explicit = EXPLICIT[name];
      const expected: Expect | undefined =
        explicit?.expect ??
        (/INVALID/.test(note) ? 'error' : /\bvalid\b|application layer/.test(note) ? 'none' : undefined);
      if (name === 'rfc4475_dblreq.sip') {
        it('rfc4475_dblreq.sip (§3.1.1.8): as pasted text it is two messages, the first clean; as a datagram, no error', () => {
          const bytes = new Uint8Array(readFileSync(new URL(name, dir)));
          const split = lintText(bytes);
          expect(split.messages).toHaveLength(2);
          expect(split.findings.filter((f) => f.messages[0] === 0)).toEqual([]);
          const datagram = lintText(bytes, { datagram: true });
          expect(datagram.messages).toHaveLength(1);
          expect(datagram.findings.filter((f) => f.severity === 'error')).toEqual([]);
        });
        continue;
      }
      it(`${name}: ${expected === 'error' ? 'at least one error' : 'no error'} (${explicit?.why ?? note.slice(0, 70)})`, () => {
        expect(expected, 'classify this file in EXPLICIT').toBeDefined();
        const r = lintText(new Uint8Array(readFileSync(new URL(name, dir))));
        expect(r.messages).toHaveLength(1);
        const errors = r.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.text}`);
        if (expected === 'error') expect(errors.length).toBeGreaterThan(0);
        else expect(errors).toEqual([]);
      });
    }
  },
);
