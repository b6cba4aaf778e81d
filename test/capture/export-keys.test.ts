/**
 * The keys a pcapng export writes (frame-export.ts with tls/export-keys.ts):
 * Decryption Secrets Blocks (pcapng §4.7, type TLSK: an NSS key log) holding
 * only the lines of the TLS sessions the file holds, each before the records
 * it decrypts — from the key log given, from the input file's own blocks,
 * and, for RSA key exchange opened with the server's key, the CLIENT_RANDOM
 * line of the master secret (RFC 5246 §8.1) placed before the ServerHello,
 * where a reader looks the secret up.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { streamFrames, type TlsExport } from '../../src/capture/frame-export.js';
import { encodeDsb, encodeEpb, encodeIdb, encodeShb } from '../../src/capture/pcapng-writer.js';
import { openCapture } from '../../src/capture/read-file.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { hasTshark } from '../helpers/corpus.js';
import {
  masterSecretLine,
  secretBlocks,
  tsharkCSeqs,
  tsharkHandshakeFrames,
} from '../helpers/exported-keys.js';

const TLS = new URL('../fixtures/tls/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sipscope-export-keys-'));
const lines = (t: string) => t.split('\n').filter((l) => l.trim() !== '');
/** Every TLS fixture's key log together: 25 lines of 12 sessions. */
const manyKeys = () =>
  readdirSync(TLS)
    .filter((f) => f.endsWith('.keylog'))
    .map((f) => readFileSync(join(TLS, f), 'latin1'))
    .join('');

/** Exports every SIP frame of `file` (analysed with `keys`) with `tls`; the file written. */
async function exportAll(
  file: string,
  keys: Parameters<typeof analyzeCapture>[1],
  tls: TlsExport,
  name: string,
) {
  const r = await analyzeCapture(file, keys);
  const msgs = Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i));
  const frames = [...new Set(msgs.flatMap((m) => m.frames))].sort((a, b) => a - b);
  const connections = [{ a: msgs[0].src, b: msgs[0].dst, lastFrame: frames[frames.length - 1] }];
  const out: Uint8Array[] = [];
  await streamFrames(file, frames, async (b) => void out.push(b.slice()), [], { ...tls, connections });
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(out));
  return path;
}

describe('keys of a pcapng export', () => {
  it("copies of the input file's own secrets only its exported session's lines, even from a block that comes after the ClientHello", async () => {
    // tls13-aes128gcm.pcap with a block of 12 sessions' secrets just after its ClientHello (frame 4).
    const src = join(TLS, 'tls13-aes128gcm.pcap');
    const blocks: Uint8Array[] = [encodeShb()];
    let iface = false;
    for await (const f of openCapture(src)) {
      if (f.no === 5) blocks.push(encodeDsb(manyKeys()));
      const i = { linkType: f.linkType, tsresol: 9 };
      if (!iface) blocks.push(encodeIdb(i));
      iface = true;
      blocks.push(encodeEpb({ iface: 0, sec: f.sec, nsec: f.nsec, data: f.data, origLen: f.origLen }, i));
    }
    const input = join(dir, 'late-secrets.pcapng');
    writeFileSync(input, Buffer.concat(blocks));
    const out = await exportAll(input, {}, {}, 'own-secrets.pcapng');
    const written = secretBlocks(out);
    // One block, before the ServerHello (frame 6) whose keys it gives (the reader may have read the
    // input's block with the chunk that holds frame 4: its lines can come before the ClientHello).
    expect(written.length).toBe(1);
    expect(written[0].afterFrames).toBeLessThanOrEqual(5);
    expect(lines(written[0].text).sort()).toEqual(
      lines(readFileSync(join(TLS, 'tls13-aes128gcm.keylog'), 'latin1')).sort(),
    );
    expect((await analyzeCapture(out)).stats.sipMessages).toBe(7);
  });

  it('writes the CLIENT_RANDOM line of an RSA-opened session before its ServerHello (a reader looks the master secret up there), though the secret is known only at the ClientKeyExchange', async () => {
    const file = join(TLS, 'tls12-rsa-aes128-sha.pcap');
    const rsaKeys = [readFileSync(join(TLS, 'rsa-server.key'), 'latin1')];
    const out = await exportAll(file, { tlsRsaKeys: rsaKeys }, { rsaKeys }, 'rsa-derived.pcapng');
    // Frames 1-3 the TCP handshake, 4 the ClientHello, 5 an ACK, 6 the ServerHello, 8 the ClientKeyExchange.
    const written = secretBlocks(out);
    expect(written.map((w) => w.afterFrames)).toEqual([5]);
    expect(written[0].text).toBe(`${masterSecretLine(join(TLS, 'tls12-rsa-aes128-sha.keylog'))}\n`);
    // Every frame held meanwhile is written, in order.
    const back: number[] = [];
    for await (const f of openCapture(out)) back.push(f.sec * 1e9 + f.nsec);
    expect(back).toEqual([...back].sort((a, b) => a - b));
    expect(back.length).toBe(18);
    expect((await analyzeCapture(out)).stats.sipMessages).toBe(7);
  });

  it('held past its bound (forced to 0 bytes), reads the file ahead for the RSA-opened master secrets (RFC 5246 §8.1): each line still before its ServerHello, the frames the same as when held', async () => {
    const rsaKeys = [readFileSync(join(TLS, 'rsa-server.key'), 'latin1')];
    for (const [file, port, sessions] of [
      [join(TLS, 'tls12-rsa-aes128-sha.pcap'), 15170, 1],
      [join(TLS, 'port-reuse', 'tls12-rsa-two-sessions.pcap'), 15173, 2],
    ] as const) {
      const held = await exportAll(file, { tlsRsaKeys: rsaKeys }, { rsaKeys }, 'rsa-held.pcapng');
      const counts = { keyLines: 0, derived: 0 };
      const ahead = await exportAll(
        file,
        { tlsRsaKeys: rsaKeys },
        { rsaKeys, maxHeldBytes: 0, counts },
        'rsa-ahead.pcapng',
      );
      expect(counts).toEqual({ keyLines: sessions, derived: sessions });
      // The same frames and the same lines (a connection whose ClientHello comes after the look-ahead
      // gets its line there, before its ServerHello: early does no harm).
      const frames = async (f: string) => {
        const all: string[] = [];
        for await (const x of openCapture(f)) all.push(Buffer.from(x.data).toString('hex'));
        return all;
      };
      expect(await frames(ahead)).toEqual(await frames(held));
      const blocks = secretBlocks(ahead);
      expect(blocks).toHaveLength(sessions);
      // Never later than when held (that layout is checked above: before the ServerHello).
      const heldBlocks = secretBlocks(held);
      expect(blocks.map((b) => b.text)).toEqual(heldBlocks.map((b) => b.text));
      for (const [i, b] of blocks.entries())
        expect(b.afterFrames).toBeLessThanOrEqual(heldBlocks[i].afterFrames);
      if (hasTshark) {
        const clientHellos = tsharkHandshakeFrames(ahead, port, 1);
        const serverHellos = tsharkHandshakeFrames(ahead, port, 2);
        blocks.forEach((b, i) => {
          expect(b.afterFrames + 1).toBeGreaterThanOrEqual(clientHellos[i]);
          expect(b.afterFrames + 1).toBeLessThanOrEqual(serverHellos[i]);
        });
      }
    }
  }, 30_000);

  it("writes Wireshark's RSA line (encrypted pre-master prefix, pre-master secret) of the exported ClientKeyExchange only, before it", async () => {
    const file = join(TLS, 'tls12-rsa-aes128-sha.pcap');
    const logged = lines(readFileSync(join(TLS, 'tls12-rsa-aes128-sha.keylog'), 'latin1'));
    const rsaLine = logged.find((l) => l.startsWith('RSA '))!;
    const other = `RSA 0011223344556677 03${'ab'.repeat(47)}`;
    const out = await exportAll(
      file,
      { tlsKeyLog: logged.join('\n') },
      { keyLog: `${other}\n${rsaLine}\n` },
      'rsa-line.pcapng',
    );
    // Before frame 8, the ClientKeyExchange that names it.
    expect(secretBlocks(out)).toEqual([{ afterFrames: 7, text: `${rsaLine}\n` }]);
    if (hasTshark) expect(tsharkCSeqs(out, 15170)).toContain('1 INVITE');
  });
});
