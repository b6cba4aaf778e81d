/**
 * Real captures of SIP over TCP and WebSocket from the shared corpus (skipped
 * when it is absent), each merged with its own copy 13.7 ms early: the clock
 * offset is measured from the TCP segments both files have
 * (capture/clock-segments.ts), both ways, and the second copy of each TCP
 * message is dropped by the reassembler as a retransmission (RFC 9293
 * §3.10.7.4), so the merge has the messages of one file (plus the second
 * copies of the ones over UDP).
 */
import '../helpers/corpus.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

const CAPTURES = [
  'heplify_sip-tcp-port6060-segmented-70dialogs.pcap',
  'suricata_large-body-tcp-null-linktype.pcap',
  'heplify_sip-tcp-retrans-register-sll.pcap',
  'heplify_sip-websocket.pcap',
];

describe.skipIf(!corpusPresent)('clock offset of a TCP capture merged with its shifted copy', () => {
  for (const name of CAPTURES)
    it(`${name}: -0.0137 s both ways, no delay, TCP messages once`, async () => {
      const file = join(CORPUS_DIR, 'pcap', name);
      const one = await analyzeCapture(file);
      const r = await analyzeCapture([file, file], { timeShifts: [null, parseSeconds('-0.0137')!] });
      const c = r.source.files![1].clock!;
      expect(c.offsetSeconds).toBe(-0.0137);
      expect(c.delaySeconds).toBe(0);
      expect(c.directions).toBe(2);
      const overUdp = Array.from({ length: one.messages.length }, (_, i) => one.messages.get(i)).filter(
        (m) => m.transport === 'udp',
      ).length;
      expect(r.stats.sipMessages).toBe(one.stats.sipMessages + overUdp);
    });
});
