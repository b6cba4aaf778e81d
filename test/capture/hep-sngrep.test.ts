/**
 * A real HEP sender: sngrep replays a bundled sample as HEP3 over UDP
 * (`sngrep -I FILE -H udp:127.0.0.1:PORT -N -q`) into our collector, and
 * the live pipeline then holds what `analyze` finds in the file itself: the
 * same messages (start lines, Call-IDs, CSeq, endpoints) and the same calls.
 * Skipped, with a message, where sngrep is not installed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createHepCollector, type HepCollector } from '../../src/capture/hep-collector.js';
import { findTool } from '../../src/capture/live-capture.js';
import type { CallRecord } from '../../src/correlate/model.js';
import { liveMessageRecord } from '../../src/live/live-message.js';
import { createLivePipeline, type LiveMessage } from '../../src/live/live-pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';

const sngrep = findTool('sngrep');
if (sngrep === null) console.warn('HEP sngrep test skipped: sngrep is not installed (Debian package sngrep)');

// sngrep 1.6 reads classic pcap only (not the two-interface pcapng sample).
const SAMPLES = [
  'basic-call.pcap',
  'sipp-10-calls.pcap',
  'register-digest-auth.pcap',
  'tcp-call.pcap',
  'fragmented-invite.pcap',
];

let collector: HepCollector | null = null;
afterEach(async () => {
  await collector?.stop();
  collector = null;
});

describe.skipIf(sngrep === null)('HEP from sngrep -H: the collector holds what analyze finds', () => {
  it.each(SAMPLES)(
    '%s',
    async (name) => {
      const file = fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));
      const startLines: string[] = [];
      const want = await analyzeCapture(file, { onMessage: (m) => startLines.push(m.startLine) });
      const c = createHepCollector({ port: 0, host: '127.0.0.1', tcp: false });
      collector = c;
      await c.start();
      const live = createLivePipeline();
      const msgs: LiveMessage[] = [];
      const calls: CallRecord[] = [];
      live.on('message', (m) => msgs.push(m));
      live.on('call', (call) => calls.push(call));
      c.on('payload', (p) => live.pushPayload(p));
      const port = c.addresses().udp;
      await new Promise<void>((resolve, reject) => {
        const p = spawn(sngrep as string, ['-I', file, '-H', `udp:127.0.0.1:${port}`, '-N', '-q'], {
          stdio: 'ignore',
        });
        p.once('error', reject);
        p.once('exit', () => resolve());
      });
      // sngrep has sent everything when it exits; the last datagrams may still be in our socket.
      while (msgs.length < want.stats.sipMessages) await new Promise((r) => setTimeout(r, 10));
      live.end();
      const got = msgs.map((m) => {
        const r = liveMessageRecord(m);
        return [m.msg.startLine, r.callId, r.cseq, r.cseqMethod, r.src, r.dst];
      });
      const expected = startLines.map((line, i) => {
        const r = want.messages.get(i);
        return [line, r.callId, r.cseq, r.cseqMethod, r.src, r.dst];
      });
      expect(got).toEqual(expected);
      expect(c.stats).toMatchObject({ sip: want.stats.sipMessages, bad: 0, ignored: 0 });
      expect(calls.map((x) => [x.callIds, x.state, x.messages.length])).toEqual(
        want.calls.map((x) => [x.callIds, x.state, x.messages.length]),
      );
    },
    30_000,
  );
});
