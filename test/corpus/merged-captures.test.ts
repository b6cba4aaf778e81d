/**
 * Two real captures from the shared corpus analysed as one (skipped when the
 * corpus or tshark — mergecap comes with it — is absent): sipscope's
 * analysis of the two files must equal its analysis of what `mergecap -w`
 * makes of them, frame numbers included, so a frame sipscope names is the
 * frame Wireshark shows in the merged file. Pairs mix formats (pcap and
 * pcapng), link types (Linux cooked, BSD loopback, Ethernet) and a capture
 * merged with itself (every timestamp a tie: mergecap's order decides).
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark } from '../helpers/corpus.js';

const PAIRS: Array<[string, string]> = [
  ['goffinet_call-via-proxy.pcap', 'goffinet_prack-call-rtp.pcap'],
  ['isa_invite-auth-call.pcapng', 'goffinet_call-via-proxy.pcap'],
  ['heplify_sip-sctp-sll.pcap', 'suricata_large-body-tcp-null-linktype.pcap'],
  ['pkts_sipp-5calls-sll.pcap', 'pkts_sipp-5calls-sll.pcap'],
  ['heplify_sip-tcp-port6060-segmented-70dialogs.pcap', 'pkts_tcp-segmented-call.pcap'],
];

const dir = corpusPresent ? mkdtempSync(join(tmpdir(), 'sipscope-mergecap-')) : '';
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** What a user compares in Wireshark: each message's frame, time, addresses, start line and Call-ID. */
function messagesOf(r: AnalysisResult) {
  return Array.from({ length: r.messages.length }, (_, i) => {
    const m = r.messages.get(i);
    return [m.frame, m.ts, m.src, m.dst, m.method ?? m.status, m.callId, m.transaction, m.call];
  });
}

describe.skipIf(!corpusPresent || !hasTshark)(
  'two corpus captures: sipscope A B equals sipscope on mergecap -w OUT A B',
  () => {
    for (const [a, b] of PAIRS) {
      it(`${a} + ${b}`, async () => {
        const files = [join(CORPUS_DIR, 'pcap', a), join(CORPUS_DIR, 'pcap', b)];
        const out = join(dir, `${a}+${b}.pcapng`);
        execFileSync('mergecap', ['-w', out, ...files]);
        const merged = await analyzeCapture(files);
        const reference = await analyzeCapture(out);
        expect(merged.stats.sipMessages).toBeGreaterThan(0);
        expect(merged.stats).toEqual(reference.stats);
        expect(messagesOf(merged)).toEqual(messagesOf(reference));
        expect(merged.calls).toEqual(reference.calls);
        expect(merged.transactions).toEqual(reference.transactions);
        expect(merged.findings).toEqual(reference.findings);
        expect(merged.streams).toEqual(reference.streams);
        // Each message names its file and its frame there: that file's frame has the message's time.
        const firstOfB = merged.source.files![0].frames;
        for (let i = 0; i < merged.messages.length; i++) {
          const m = merged.messages.get(i);
          expect(m.file === 0 || m.file === 1).toBe(true);
          expect(m.fileFrame).toBeGreaterThan(0);
          expect(m.fileFrame).toBeLessThanOrEqual(merged.source.files![m.file!].frames);
        }
        expect(merged.source.frames).toBe(firstOfB + merged.source.files![1].frames);
      });
    }

    it('names the same SIP frames as tshark on the mergecap output (UDP 5060 pair)', async () => {
      const [a, b] = PAIRS[0];
      const files = [join(CORPUS_DIR, 'pcap', a), join(CORPUS_DIR, 'pcap', b)];
      const out = join(dir, 'tshark-check.pcapng');
      execFileSync('mergecap', ['-w', out, ...files]);
      const tshark = execFileSync('tshark', ['-r', out, '-Y', 'sip', '-T', 'fields', '-e', 'frame.number'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .toString()
        .split('\n')
        .filter((l) => l !== '')
        .map(Number);
      const merged = await analyzeCapture(files);
      expect(tshark.length).toBeGreaterThan(0);
      expect([...new Set(messagesOf(merged).map((m) => m[0]))]).toEqual(tshark);
    });
  },
);
