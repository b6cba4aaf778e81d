/**
 * The live wait for TLS keys on a real capture of HTTPS beside SIP (the
 * corpus' ndpi_webex-register-retransmissions.pcap: 49 ClientHellos to port
 * 443 by tshark, none with ALPN, and 22 REGISTERs over UDP): with a key log
 * that never has their keys, no connection is held (each is not SIP by its
 * port, src/tls/key-wait.ts `maySip`), and the SIP comes out as analyze
 * finds it. Given 443 as a port of SIP over TLS, all 49 wait, as every TLS
 * connection did before the rule. Skipped without the corpus.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/read-file.js';
import { createLivePipeline } from '../../src/live/live-pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

const file = join(CORPUS_DIR, 'pcap/ndpi_webex-register-retransmissions.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'sipscope-corpus-live-tls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(sipPorts?: number[]) {
  const keyLogFile = join(tmp, 'empty.log');
  writeFileSync(keyLogFile, '');
  const live = createLivePipeline({ tls: { keyLogFile, wait: { sipPorts } } });
  let messages = 0;
  let mostHeld = 0;
  live.on('message', () => messages++);
  const frames: Frame[] = [];
  for await (const f of openCapture(file)) frames.push(f);
  for (const f of frames) {
    live.pushFrame(f);
    mostHeld = Math.max(mostHeld, live.tlsStats()?.keyWait?.heldConnections ?? 0);
  }
  live.end();
  return { messages, mostHeld, tls: live.tlsStats() };
}

describe.skipIf(!corpusPresent)('live TLS key wait on HTTPS beside SIP (Webex capture)', () => {
  it('no HTTPS connection on 443 is held for a key; the 22 REGISTERs come out as analyze finds them', async () => {
    const want = await analyzeCapture(file);
    const r = await run();
    expect(r.messages).toBe(want.stats.sipMessages);
    expect(r.messages).toBe(22);
    expect(r.mostHeld).toBe(0);
    expect(r.tls?.keyWait).toMatchObject({ waited: 0, notSip: 49, heldConnections: 0 });
  }, 60_000);

  it('443 given as a port of SIP over TLS: all 49 connections wait for their key', async () => {
    const r = await run([5061, 443]);
    expect(r.mostHeld).toBeGreaterThan(0);
    expect(r.tls?.keyWait).toMatchObject({ waited: 49, notSip: 0, heldConnections: 0 });
  }, 60_000);
});
