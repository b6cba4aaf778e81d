/**
 * The real capture of SIP over SCTP from the shared corpus (skipped when it
 * is absent) merged with its own copy 13.7 ms early: the clock offset is
 * measured from the DATA chunks both files have (capture/clock-segments.ts),
 * and the second copy of each chunk is dropped by the reassembler as a
 * duplicate TSN (RFC 9260 §6.2), so the merge has the messages of one file.
 */
import '../helpers/corpus.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

describe.skipIf(!corpusPresent)('clock offset of an SCTP capture merged with its shifted copy', () => {
  it('heplify_sip-sctp-sll.pcap: -0.0137 s from its 5 DATA chunks, its 4 messages once', async () => {
    const file = join(CORPUS_DIR, 'pcap', 'heplify_sip-sctp-sll.pcap');
    const one = await analyzeCapture(file);
    const r = await analyzeCapture([file, file], { timeShifts: [null, parseSeconds('-0.0137')!] });
    const c = r.source.files![1].clock!;
    expect(c.offsetSeconds).toBe(-0.0137);
    // tshark: the INVITE in two DATA fragments (TSN 0, 1), the 100 and the 403 (TSN 0, 1 of the other
    // association), the ACK (TSN 2). The answers go to port 5060, not to the INVITE source port 57098:
    // two address pairs, each one way, so the delay is not separable.
    expect(c.samples).toBe(5);
    expect(c.directions).toBe(1);
    expect(c.delaySeconds).toBeNull();
    expect(one.stats.sipMessages).toBe(4);
    expect(r.stats.sipMessages).toBe(one.stats.sipMessages);
  });
});
