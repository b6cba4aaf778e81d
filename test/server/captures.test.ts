/**
 * Captures over real HTTP and socket.io: uploads (raw and multipart), the
 * analysis in its worker with progress and ready events, a file that is not
 * a capture, deletion, and the errors of server/API.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../src/store/store.js';
import { damagedPcap } from '../helpers/damaged-pcap.js';
import { manyCallsCaptureBytes } from '../store/fixture-captures.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import {
  eventsUntilReady,
  getJson,
  settled,
  type TestServer,
  testServer,
  uploadMultipart,
  uploadRaw,
} from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const BASIC = join(SAMPLES_DIR, 'basic-call.pcap');

describe('captures API', () => {
  let s: TestServer;
  let dir: string;

  beforeAll(async () => {
    s = await testServer();
    dir = mkdtempSync(join(tmpdir(), 'sipscope-captures-'));
  });
  afterAll(async () => {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a raw upload at once (202 {id}), analyses it and lists it ready with its stats', async () => {
    const id = await uploadRaw(s, BASIC, 'my call.pcap');
    const info = await settled(s, id);
    expect(info).toMatchObject({
      id,
      name: 'my call.pcap',
      status: 'ready',
      progress: 1,
      size: statSync(BASIC).size,
    });
    expect(info.stats).toMatchObject({ sipMessages: 7, calls: 1, frames: 7 });
    expect(info.source).toMatchObject({ file: 'my call.pcap', format: 'pcap', linkTypes: ['ETHERNET'] });
    const list = (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body;
    expect(list.find((c) => c.id === id)?.status).toBe('ready');
    expect(JSON.stringify(list)).not.toContain(s.dataDir);
  });

  it('takes a multipart upload (field "file") with the file name of the form', async () => {
    const id = await uploadMultipart(s, join(SAMPLES_DIR, 'sipp-10-calls.pcap'), 'sipp.pcap');
    const info = await settled(s, id);
    expect(info).toMatchObject({ name: 'sipp.pcap', status: 'ready' });
    expect(info.stats?.calls).toBe(10);
  });

  it('pushes capture:new, capture:progress then capture:ready over socket.io', async () => {
    let id = '';
    const events = await eventsUntilReady(s, async () => {
      id = await uploadRaw(s, join(SAMPLES_DIR, 'tcp-call.pcap'));
      return id;
    });
    const mine = events.map(([e, p]) => [e, p.progress]);
    expect(mine[0][0]).toBe('capture:new');
    expect(mine.at(-1)![0]).toBe('capture:ready');
    const progress = mine.filter(([e]) => e === 'capture:progress').map(([, p]) => p as number);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]))).toBe(true);
    const ready = events.find(([e]) => e === 'capture:ready')![1];
    expect(ready.stats?.sipMessages).toBe(7);
  });

  it('marks a file that is not a capture failed with the same line the CLI prints', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'INVITE is a SIP method; this is not a capture\n');
    const id = await uploadRaw(s, notes);
    const info = await settled(s, id);
    expect(info.status).toBe('failed');
    const cli = await promisify(execFile)(process.execPath, ['--import', TSX, MAIN, 'analyze', 'notes.txt'], {
      cwd: dir,
    }).catch((e: { stderr: string; code: number }) => e);
    expect((cli as { code: number }).code).toBe(2);
    expect(cli.stderr).toBe(`sipscope: ${info.error}\n`);
    expect(info.error).toMatch(/^notes\.txt: .* at byte offset 0$/);
    const calls = await getJson<{ error: string }>(`${s.url}/api/captures/${id}/calls`);
    expect(calls.status).toBe(409);
    expect(calls.body.error).toContain('failed');
  });

  it('analyses a capture cut short and lists it ready with the warning the CLI prints', async () => {
    const bytes = readFileSync(BASIC);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const info = await settled(s, await uploadRaw(s, cut));
    expect(info.status).toBe('ready');
    expect(info.stats?.sipMessages).toBe(6);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings?.[0]).toMatch(/^cut\.pcap: .* at byte offset \d+$/);
  });

  it('a record corrupt mid-file: the capture is ready with what came before it, the CLI error line among its warnings', async () => {
    const { bytes, offset: at } = damagedPcap(readFileSync(BASIC), 3);
    const damaged = join(dir, 'damaged.pcap');
    writeFileSync(damaged, bytes);
    const info = await settled(s, await uploadRaw(s, damaged));
    expect(info.status).toBe('ready');
    expect(info.stats?.sipMessages).toBe(3);
    expect(info.warnings).toEqual([
      `damaged.pcap: impossible record length 2147483647 (snaplen 262144) at byte offset ${at}: the 3 frames before it analysed, the rest of the file not read`,
    ]);
  });

  it('deletes a capture (204), forgets it and removes the uploaded file', async () => {
    const id = await uploadRaw(s, BASIC);
    await settled(s, id);
    const files = () => readdirSync(join(s.dataDir, 'captures'));
    const before = files().length;
    const res = await fetch(`${s.url}/api/captures/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(files().length).toBe(before - 1);
    expect((await getJson(`${s.url}/api/captures/${id}`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/captures/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers 404 with a JSON error for unknown captures, calls, messages and routes', async () => {
    const id = await uploadRaw(s, BASIC);
    await settled(s, id);
    for (const path of [
      '/api/captures/nope',
      '/api/captures/nope/calls',
      `/api/captures/${id}/calls/99`,
      `/api/captures/${id}/calls/abc`,
      `/api/captures/${id}/calls/99/pcap`,
      `/api/captures/${id}/messages/9999`,
      '/api/nothing-here',
    ]) {
      const r = await getJson<{ error: string }>(`${s.url}${path}`);
      expect(r.status, path).toBe(404);
      expect(r.res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof r.body.error).toBe('string');
    }
  });

  it('refuses a query it cannot read with 400 naming the parameter', async () => {
    const id = await uploadRaw(s, BASIC);
    await settled(s, id);
    for (const [q, word] of [
      ['sort=color', 'sort'],
      ['q=/(/', 'regular expression'],
      ['limit=5000', 'limit'],
    ]) {
      const r = await getJson<{ error: string }>(`${s.url}/api/captures/${id}/calls?${q}`);
      expect(r.status).toBe(400);
      expect(r.body.error).toContain(word);
    }
  });
});

describe('upload limit', () => {
  let s: TestServer;
  const LIMIT = 4096;

  beforeAll(async () => {
    s = await testServer({ uploadLimit: LIMIT });
  });
  afterAll(async () => {
    await s.dispose();
  });

  const leftovers = () =>
    existsSync(join(s.dataDir, 'captures')) ? readdirSync(join(s.dataDir, 'captures')) : [];

  it('answers 413 to a raw body over the limit and keeps nothing of it', async () => {
    const res = await fetch(`${s.url}/api/captures`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(LIMIT + 1),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain(String(LIMIT));
    expect(leftovers()).toEqual([]);
  });

  it('answers 413 to a streamed body (no Content-Length) once it passes the limit, removing the partial file', async () => {
    const chunk = new Uint8Array(1024).fill(0x41);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= LIMIT * 4) c.close();
        else {
          sent += chunk.length;
          c.enqueue(chunk);
        }
      },
    });
    const res = await fetch(`${s.url}/api/captures`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(leftovers()).toEqual([]);
  });

  it('answers 413 to a multipart file over the limit and keeps nothing of it', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(LIMIT * 2)]), 'big.pcap');
    const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form });
    expect(res.status).toBe(413);
    expect(leftovers()).toEqual([]);
    expect((await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body).toEqual([]);
  });

  it('takes a file under the limit', async () => {
    const id = await uploadRaw(s, BASIC);
    expect((await settled(s, id)).status).toBe('ready');
  });
});

describe('analysis in a worker thread', () => {
  let s: TestServer;
  let dir: string;
  let big: string;

  beforeAll(async () => {
    s = await testServer();
    dir = mkdtempSync(join(tmpdir(), 'sipscope-big-'));
    big = join(dir, 'many-calls.pcap');
    writeFileSync(big, manyCallsCaptureBytes(2000));
  });
  afterAll(async () => {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers other requests while a capture is analysed, and reports growing progress', async () => {
    const socket: Socket = io(s.url, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((r) => socket.on('connect', () => r()));
    const progress: number[] = [];
    let answeredMidway = false;
    const id = await uploadRaw(s, big);
    await new Promise<void>((resolve) => {
      socket.on('capture:progress', async (p: { id: string; progress: number }) => {
        if (p.id !== id) return;
        progress.push(p.progress);
        if (answeredMidway || p.progress <= 0.1 || p.progress >= 0.9) return;
        // Mid-analysis: the server answers, and says the capture is still being analysed.
        const r = await getJson<CaptureInfo>(`${s.url}/api/captures/${id}`);
        if (r.body.status === 'analyzing')
          answeredMidway = (await fetch(`${s.url}/api/rules`)).status === 200;
      });
      socket.on('capture:ready', (p: { id: string }) => (p.id === id ? resolve() : undefined));
    });
    socket.close();
    expect(answeredMidway).toBe(true);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    const info = await settled(s, id);
    expect(info.stats?.calls).toBe(2000);
    expect((await getJson<{ total: number }>(`${s.url}/api/captures/${id}/calls?limit=1`)).body.total).toBe(
      2000,
    );
  });

  it('stops the analysis of a capture deleted while it runs and keeps nothing of it', async () => {
    const id = await uploadRaw(s, big);
    const res = await fetch(`${s.url}/api/captures/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await getJson(`${s.url}/api/captures/${id}`)).status).toBe(404);
    const left = readdirSync(join(s.dataDir, 'captures'));
    const list = (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body;
    // One upload kept: the capture of the previous test.
    expect(left.length).toBe(list.length);
    expect(list.some((c) => c.id === id)).toBe(false);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^sipscope_analyses_running 0$/m);
  });
});
