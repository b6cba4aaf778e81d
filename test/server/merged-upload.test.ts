/**
 * An upload of several capture files as one capture merged by time (server/
 * API.md "Captures"), as `sipscope analyze A B` reads them: the same calls,
 * messages (each with the file its frame came from) and findings as the
 * CLI's JSON of the same files, each message's bytes read from its own file,
 * the pcap of a call made of frames of several files; a second file that is
 * not a capture refuses the whole upload and keeps nothing; the merged
 * capture survives a restart and its delete removes every file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../../server/start.js';
import { MAX_UPLOAD_FILES } from '../../server/upload.js';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { runExtract } from '../../src/cli/extract-command.js';
import { writeJsonReport } from '../../src/cli/json-output.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { collectMessageExtras } from '../../src/store/analysis-batches.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { CaptureInfo } from '../../src/store/store.js';
import { writeTlsOnSipPort } from '../fixtures/tls-on-sip-port.js';
import { interleaved } from '../helpers/split-capture.js';
import { writeFixtureCaptures } from '../store/fixture-captures.js';
import { getJson, settled, sqliteTestServer, testServer } from './helpers.js';

let dir: string;
let pieces: string[];
/** The CLI's `analyze A B --json` document of the pieces, and each message's bytes. */
// biome-ignore lint/suspicious/noExplicitAny: the JSON document, compared as data
let cli: any;
let raw: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-merged-upload-'));
  // Two hosts' captures of the same traffic: frames alternate between the files.
  pieces = interleaved(writeFixtureCaptures(dir).mixed, dir, 2);
  const extras = collectMessageExtras();
  const result = await analyzeCapture(pieces, { onMessage: extras.onMessage });
  let text = '';
  writeJsonReport(result, (s) => {
    text += s;
  });
  cli = JSON.parse(text);
  raw = extras.raw.map((b) => Buffer.from(b).toString('utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pieces (or `files`) as `file` parts of one multipart form. */
function form(files: readonly string[] = pieces): FormData {
  const f = new FormData();
  for (const p of files) f.append('file', new Blob([readFileSync(p)]), basename(p));
  return f;
}

async function uploadMerged(s: StartedServer, files?: readonly string[]): Promise<CaptureInfo> {
  const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form(files) });
  expect(res.status).toBe(202);
  const info = await settled(s, ((await res.json()) as { id: string }).id);
  expect(info.status).toBe('ready');
  return info;
}

const uploaded = (s: { dataDir: string }): string[] => {
  const d = join(s.dataDir, 'captures');
  return existsSync(d) ? readdirSync(d) : [];
};

describe('an upload of several files is one capture merged by time', { timeout: 60_000 }, () => {
  for (const kind of ['SQLite', 'memory'] as const) {
    it(`${kind}: the same calls, messages and findings as analyze A B --json, each message read from its file`, async () => {
      const s = kind === 'SQLite' ? await sqliteTestServer() : await testServer();
      try {
        const info = await uploadMerged(s);
        const names = pieces.map((p) => basename(p));
        expect(info.name).toBe(`${names[0]} + 1 more file`);
        expect(info.source).toEqual({
          ...cli.source,
          file: names[0],
          files: cli.source.files.map((f: { file: string }, k: number) => ({ ...f, file: names[k] })),
        });
        expect(info.stats).toMatchObject(cli.stats);
        const calls = (
          await getJson<{ calls: unknown[] }>(`${s.url}/api/captures/${info.id}/calls?limit=1000&sort=start`)
        ).body.calls;
        expect(calls).toHaveLength(cli.calls.length);
        for (const c of cli.calls) expect(calls).toContainEqual(expect.objectContaining(c));
        const findings = (await getJson<unknown[]>(`${s.url}/api/captures/${info.id}/findings`)).body;
        expect(findings).toEqual(cli.findings.map((f: object) => expect.objectContaining(f)));
        expect(findings.length).toBeGreaterThan(0);
        const files = new Set<number>();
        for (const m of cli.messages) {
          const d = (
            await getJson<{ raw: string; file: number; fileFrame: number }>(
              `${s.url}/api/captures/${info.id}/messages/${m.id}`,
            )
          ).body;
          expect(d).toMatchObject(m);
          expect(d.raw).toBe(raw[m.id]);
          files.add(d.file);
        }
        expect([...files].sort()).toEqual([0, 1]);
      } finally {
        await s.dispose();
      }
    });
  }

  it('exports a call of frames from both files as a pcap of those frames', async () => {
    const s = await sqliteTestServer();
    try {
      const info = await uploadMerged(s);
      const call = cli.calls.find((c: { messages: number[] }) => {
        const from = new Set(c.messages.map((m) => cli.messages[m].file));
        return from.size === 2;
      });
      const res = await fetch(`${s.url}/api/captures/${info.id}/calls/${call.id}/pcap`);
      expect(res.status).toBe(200);
      const frames = parseCaptureBytes(new Uint8Array(await res.arrayBuffer()), 'call.pcap').frames;
      // Each exported frame is the frame the message names, in that message's own file.
      const byFile = pieces.map((p) => parseCaptureBytes(readFileSync(p), p).frames);
      const want = call.messages
        .map((id: number) => cli.messages[id])
        .sort((a: { frame: number }, b: { frame: number }) => a.frame - b.frame)
        .map((m: { file: number; fileFrame: number }) =>
          Buffer.from(byFile[m.file][m.fileFrame - 1].data).toString('hex'),
        );
      expect(frames.map((f) => Buffer.from(f.data).toString('hex'))).toEqual([...new Set(want)]);
    } finally {
      await s.dispose();
    }
  });

  it('exports from files of two link types a pcapng of two interfaces, the calls export byte for byte what extract A B writes', async () => {
    // One host captured Ethernet, the other raw IP (no link-layer header): the same frames without their 14 bytes.
    const raw = join(dir, 'raw-ip.pcap');
    const frames = parseCaptureBytes(readFileSync(pieces[1]), pieces[1]).frames;
    writeFileSync(
      raw,
      writePcap(
        frames.map((f) => ({ ...f, data: f.data.subarray(14), origLen: f.origLen - 14 })),
        { linkType: LinkType.RAW, nanos: true },
      ),
    );
    const files = [pieces[0], raw];
    const s = await sqliteTestServer();
    try {
      const info = await uploadMerged(s, files);
      expect(info.source?.linkTypes).toEqual(['ETHERNET', 'RAW']);
      expect(info.stats).toMatchObject(cli.stats);
      const call = await fetch(`${s.url}/api/captures/${info.id}/calls/0/pcap`);
      expect(call.headers.get('content-type')).toBe('application/x-pcapng');
      const got = parseCaptureBytes(new Uint8Array(await call.arrayBuffer()), 'call.pcapng').frames;
      expect(new Set(got.map((f) => f.linkType))).toEqual(new Set([LinkType.ETHERNET, LinkType.RAW]));
      expect(got).toHaveLength(cli.calls[0].messages.length);
      const all = new Uint8Array(
        await (await fetch(`${s.url}/api/captures/${info.id}/calls/pcap`)).arrayBuffer(),
      );
      const out = join(dir, 'extract.pcapng');
      expect(await runExtract([...files, '-o', out])).toBe(0);
      expect(Buffer.from(all).equals(readFileSync(out))).toBe(true);
    } finally {
      await s.dispose();
    }
  });

  it('refuses the whole upload when its second file is not a capture, naming it and the byte offset, and keeps nothing', async () => {
    const s = await sqliteTestServer();
    try {
      const notes = join(dir, 'notes.txt');
      writeFileSync(notes, 'INVITE sip:bob@example.com SIP/2.0\r\n');
      const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form([pieces[0], notes]) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /^notes\.txt: not a pcap or pcapng capture \(magic 0x[0-9a-f]+\) at byte offset 0$/,
      );
      expect((await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body).toEqual([]);
      expect(uploaded(s)).toEqual([]);
    } finally {
      await s.dispose();
    }
  });

  for (const kind of ['SQLite', 'memory'] as const) {
    it(`${kind}: a warning about all the files names them as uploaded, never by their place on the server`, async () => {
      // SIP over TLS on port 5061 without its keys: the warning names the capture, here both files.
      const tls = interleaved(await writeTlsOnSipPort(dir, 'tls13-aes128gcm'), dir, 2);
      const s = kind === 'SQLite' ? await sqliteTestServer() : await testServer();
      try {
        const info = await uploadMerged(s, tls);
        const names = tls.map((p) => basename(p));
        expect(info.warnings).toHaveLength(1);
        expect(info.warnings![0].startsWith(`${names.join(', ')}: a TLS connection`)).toBe(true);
        expect(JSON.stringify(info)).not.toContain(s.dataDir);
      } finally {
        await s.dispose();
      }
    });
  }

  it('refuses more than 64 files in one upload and keeps none of them', async () => {
    const s = await testServer();
    try {
      const res = await fetch(`${s.url}/api/captures`, {
        method: 'POST',
        body: form(Array.from({ length: MAX_UPLOAD_FILES + 1 }, () => pieces[0])),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe(
        'an upload merges at most 64 files (fields "file")',
      );
      expect((await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body).toEqual([]);
      expect(uploaded(s)).toEqual([]);
    } finally {
      await s.dispose();
    }
  });

  it('applies the upload limit to all the files together', async () => {
    const sizes = pieces.map((p) => readFileSync(p).length);
    const s = await testServer({ uploadLimit: Math.max(...sizes) + 1 });
    try {
      const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form() });
      expect(res.status).toBe(413);
      expect((await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body).toEqual([]);
      expect(uploaded(s)).toEqual([]);
    } finally {
      await s.dispose();
    }
  });

  it('keeps the merged capture across a restart, analyses it again from its files, and its delete removes every file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-merged-restart-'));
    const db = join(dataDir, 'sipscope.db');
    try {
      let store = openSqliteStore({ file: db });
      let s = await testServer({ dataDir, store });
      const info = await uploadMerged(s);
      expect(uploaded(s)).toHaveLength(2);
      await s.close();
      await store.close();
      store = openSqliteStore({ file: db });
      s = await testServer({ dataDir, store });
      const again = (await getJson<CaptureInfo>(`${s.url}/api/captures/${info.id}`)).body;
      expect(again).toMatchObject({ status: 'ready', source: info.source, stats: info.stats });
      const last = cli.messages.at(-1);
      const d = (
        await getJson<{ raw: string; file: number }>(`${s.url}/api/captures/${info.id}/messages/${last.id}`)
      ).body;
      expect(d).toMatchObject({ file: last.file, fileFrame: last.fileFrame, raw: raw[last.id] });
      // Analysed again from its files (POST …/reanalyze), the same capture.
      expect((await fetch(`${s.url}/api/captures/${info.id}/reanalyze`, { method: 'POST' })).status).toBe(
        202,
      );
      expect(await settled(s, info.id)).toMatchObject({
        status: 'ready',
        source: info.source,
        stats: info.stats,
      });
      expect((await fetch(`${s.url}/api/captures/${info.id}`, { method: 'DELETE' })).status).toBe(204);
      expect(uploaded(s)).toEqual([]);
      await s.close();
      await store.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
