/**
 * `stats.findingsBySeverity` (how many errors, warnings and infos): the
 * analyzer counts each finding it emits under its severity, after the
 * severity filter, and the CLI prints the split beside the total.
 */
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/analyze/analyzer.js';
import { countBySeverity, severityCountsText } from '../../src/analyze/finding.js';
import { parsed } from '../fixtures/flows/index.js';

// RFC 3261 §8.1.1: a request without Call-ID, CSeq or Max-Forwards; the Via has no branch (RFC 2543).
const BROKEN =
  'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nContent-Length: 0\r\n\r\n';

describe('findings by severity', () => {
  it('counts every emitted finding under its severity, the counts summing to the total', () => {
    const a = createAnalyzer();
    a.onMessage(parsed(BROKEN), 0);
    a.end();
    expect(a.stats.findings).toBeGreaterThan(1);
    expect(a.stats.bySeverity).toEqual(countBySeverity(a.findings));
    expect(a.stats.bySeverity.error).toBeGreaterThan(0);
    const { error, warning, info } = a.stats.bySeverity;
    expect(error + warning + info).toBe(a.stats.findings);
  });

  it('counts only what passes the severity filter', () => {
    const a = createAnalyzer({ minSeverity: 'error' });
    a.onMessage(parsed(BROKEN), 0);
    a.end();
    expect(a.stats.bySeverity.warning).toBe(0);
    expect(a.stats.bySeverity.info).toBe(0);
    expect(a.stats.bySeverity.error).toBe(a.stats.findings);
  });

  it('writes the split worst first, leaving out the severities with none', () => {
    expect(severityCountsText({ error: 87, warning: 150, info: 27 })).toBe('87 error, 150 warning, 27 info');
    expect(severityCountsText({ error: 0, warning: 4, info: 0 })).toBe('4 warning');
    expect(severityCountsText({ error: 0, warning: 0, info: 0 })).toBe('');
  });
});
