/**
 * The ladder's text export (web/src/ladder/text-export.ts) draws what
 * `sipscope analyze FILE --call ID` draws: the same renderer, the same
 * columns, the same finding marks (here RFC 3261 §8.1.1.7 warnings on an
 * RFC 2543 peer's requests), and the page's column names when aliases rename
 * or merge columns.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callLadder } from '../../src/cli/text-report.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import { ladderText } from '../../web/src/ladder/text-export.js';
import { contractOfFile, messagesOfCall } from './contract.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

/** The lines of a text from its first ladder header (`time …`) to the blank line after it. */
function ladderLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('time '));
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('ladder text export', () => {
  it('draws the call as the CLI does, finding marks included', async () => {
    const file = sample('rfc2543-call.pcap');
    const doc = await contractOfFile(file);
    const call = doc.calls[0];
    const msgs = messagesOfCall(doc, call.id);
    const findings = doc.findings.filter((f) => f.call === call.id);
    const text = ladderText(call, msgs, findings, layoutLadder(call, msgs, findings));
    const r = await analyzeCapture(file);
    const cli = callLadder(r, r.calls[0]);
    expect(ladderLines(text)).toEqual(ladderLines(cli));
    expect(ladderLines(text)).toHaveLength(2 + msgs.length);
    expect(text).toMatch(/│─+INVITE─+>│ {2}\[W\] via\.branch-no-cookie$/m);
    expect(text.split('\n')[0]).toBe('call 0: call, completed (200)');
    expect(text).toContain(`\nfindings: ${findings.length}\n`);
  });

  it('names the columns as the page does: an alias renames, a shared alias merges', async () => {
    const doc = await contractOfFile(sample('proxied-call-two-interfaces.pcapng'));
    const call = doc.calls[0];
    const msgs = messagesOfCall(doc, call.id);
    const merged = layoutLadder(call, msgs, [], { aliases: { '10.0.0.10': 'core', '10.0.0.2': 'core' } });
    const lines = ladderLines(ladderText(call, msgs, [], merged));
    expect(lines[0]).toMatch(/^time +10\.0\.0\.1:5060 +core$/);
    // Between the merged endpoints a message loops on its one column (RFC 3261 §16: the proxy's hop).
    expect(lines.some((l) => /│── \S.* ──┐/.test(l))).toBe(true);
  });
});
