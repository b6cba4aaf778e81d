/**
 * `sipscope extract` of TLS connections that follow one another on the same
 * four-tuple (the client's port reused once the first connection closed,
 * RFC 9293 §3.6): each connection has its own handshake, so its own key log
 * lines, written in a Decryption Secrets Block before its own ClientHello
 * (before its ServerHello for a master secret opened with the RSA key). The
 * file then reads decrypted with no key given: in tshark, every SIP frame the
 * original capture shows with the key log.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runExtract } from '../../src/cli/extract-command.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { hasTshark } from '../helpers/corpus.js';
import { secretBlocks, tsharkCSeqs, tsharkHandshakeFrames } from '../helpers/exported-keys.js';
import { spyOutput } from '../helpers/spy-output.js';

let err = '';
beforeEach(() => {
  err = '';
});
spyOutput((s) => {
  err += s;
});

const TLS = new URL('../fixtures/tls/', import.meta.url).pathname;
const REUSE = join(TLS, 'port-reuse');
const dir = mkdtempSync(join(tmpdir(), 'sipscope-extract-reuse-'));

/** The key log's lines by client random (the second field), in the order the sessions first appear. */
function sessions(keyLog: string): string[][] {
  const by = new Map<string, string[]>();
  for (const l of readFileSync(keyLog, 'latin1').split('\n')) {
    const random = l.split(' ')[1];
    if (random === undefined) continue;
    by.set(random, [...(by.get(random) ?? []), l]);
  }
  return [...by.values()];
}

const sorted = (t: string) =>
  t
    .split('\n')
    .filter((l) => l !== '')
    .sort();

describe('sipscope extract of TLS connections one after another on one four-tuple', () => {
  it('--tls-keylog, TLS 1.3: each connection gets its own five secrets (RFC 8446 §7.1) before its own ClientHello, and both calls read decrypted', async () => {
    const file = join(REUSE, 'tls13-two-sessions.pcap');
    const keys = join(REUSE, 'tls13-two-sessions.keylog');
    const out = join(dir, 'tls13-reuse.pcapng');
    expect(await runExtract([file, '--tls-keylog', keys, '-o', out])).toBe(0);
    expect(err).toContain('4 of 4 calls');
    expect(err).toContain('10 key log lines');
    const own = sessions(keys);
    expect(own.map((s) => s.length)).toEqual([5, 5]);
    const blocks = secretBlocks(out);
    expect(blocks.map((b) => sorted(b.text))).toEqual(own.map((s) => [...s].sort()));
    // Read alone, with no key: both connections' REGISTER and call.
    const again = await analyzeCapture(out);
    expect(again.stats.sipMessages).toBe(14);
    expect(again.calls.map((c) => c.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    if (hasTshark) {
      expect(blocks.map((b) => b.afterFrames + 1)).toEqual(tsharkHandshakeFrames(out, 15172, 1));
      const withKeys = tsharkCSeqs(file, 15172, keys);
      expect(withKeys).toHaveLength(12);
      expect(tsharkCSeqs(out, 15172)).toEqual(withKeys);
    }
  }, 30_000);

  it('--tls-key, RSA key exchange (RFC 5246 §7.4.7.1): each connection gets the CLIENT_RANDOM line of its own master secret, before its own ServerHello', async () => {
    const file = join(REUSE, 'tls12-rsa-two-sessions.pcap');
    const out = join(dir, 'rsa-reuse.pcapng');
    expect(await runExtract([file, '--tls-key', join(TLS, 'rsa-server.key'), '-o', out])).toBe(0);
    expect(err).toContain('2 key log lines (2 from the RSA key)');
    // The lines the client logged itself (Node's keylog event) for its two sessions, one in each block.
    const keys = join(REUSE, 'tls12-rsa-two-sessions.keylog');
    const logged = sessions(keys)
      .map((s) => s.filter((l) => l.startsWith('CLIENT_RANDOM ')))
      .filter((s) => s.length > 0);
    expect(logged).toHaveLength(2);
    const blocks = secretBlocks(out);
    expect(blocks.map((b) => sorted(b.text))).toEqual(logged);
    expect((await analyzeCapture(out)).stats.sipMessages).toBe(14);
    if (hasTshark) {
      expect(blocks.map((b) => b.afterFrames + 1)).toEqual(tsharkHandshakeFrames(out, 15173, 2));
      const withKeys = tsharkCSeqs(file, 15173, keys);
      expect(withKeys).toHaveLength(12);
      expect(tsharkCSeqs(out, 15173)).toEqual(withKeys);
    }
  }, 30_000);
});
