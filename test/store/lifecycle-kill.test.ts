/**
 * A real `sipscope serve` process on a data directory, killed with SIGKILL in
 * the middle of an analysis, then started again on the same directory: every
 * capture analysed before is there, ready, with the same calls and findings,
 * without being analysed again; the interrupted one is never shown half as
 * ready: it is analysed again to the end (or failed with the reason).
 * Deleting a capture then gives its disk back.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../src/store/store.js';
import { type ServeProcess, startServe, stopServe, waitFor } from '../helpers/serve-process.js';
import { manyCallsCaptureBytes, writeFixtureCaptures } from './fixture-captures.js';
import { SAMPLES_DIR } from './store-suite.js';

const BIG_CALLS = 10_000;

type Running = ServeProcess;

/** Starts `sipscope serve` from the sources on a free port; resolves with its URL once it listens. */
const serve = (dataDir: string): Promise<Running> => startServe(dataDir);
const stop = stopServe;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function upload(r: Running, file: string, name: string): Promise<string> {
  const body = new Uint8Array(await (await import('node:fs/promises')).readFile(file));
  const res = await json<{ id: string }>(`${r.url}/api/captures`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'X-Filename': name },
    body,
  });
  return res.id;
}

const capture = (r: Running, id: string) => json<CaptureInfo>(`${r.url}/api/captures/${id}`);

const until = <T>(what: string, f: () => Promise<T | undefined>, ms = 120_000): Promise<T> =>
  waitFor(what, f, ms);

const settled = (r: Running, id: string) =>
  until(`capture ${id} to settle`, async () => {
    const c = await capture(r, id);
    return c.status === 'analyzing' ? undefined : c;
  });

/** What the API shows of a capture: its record, its whole call list, every call in detail, its findings. */
async function view(r: Running, id: string) {
  const c = await capture(r, id);
  const list = await json<{ total: number; calls: Array<{ id: number }> }>(
    `${r.url}/api/captures/${id}/calls?limit=1000&sort=start`,
  );
  const calls = [];
  for (const x of list.calls) calls.push(await json(`${r.url}/api/captures/${id}/calls/${x.id}`));
  const findings = await json(`${r.url}/api/captures/${id}/findings`);
  const message = await json(`${r.url}/api/captures/${id}/messages/0`);
  return { capture: c, list, calls, findings, message };
}

let dir: string;
let dataDir: string;
let big: string;
let mixed: string;
const running: Running[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-kill-'));
  dataDir = join(dir, 'data');
  mixed = writeFixtureCaptures(dir).mixed;
  big = join(dir, 'big.pcap');
  writeFileSync(big, manyCallsCaptureBytes(BIG_CALLS));
});
afterAll(async () => {
  for (const r of running) await stop(r, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('sipscope serve killed with SIGKILL mid-analysis and started again on the same data', () => {
  it('keeps every completed capture intact and finishes or fails the interrupted one, never half-ready', async () => {
    const a = await serve(dataDir);
    running.push(a);
    const done: Record<string, Awaited<ReturnType<typeof view>>> = {};
    for (const [file, name] of [
      [mixed, 'mixed.pcap'],
      [join(SAMPLES_DIR, 'fragmented-invite.pcap'), 'fragmented-invite.pcap'],
    ]) {
      const id = await upload(a, file, name);
      expect((await settled(a, id)).status).toBe('ready');
      done[id] = await view(a, id);
    }
    const bigId = await upload(a, big, 'big.pcap');
    // Kill once the analysis is well under way: some calls are already in the database.
    const db = new Database(join(dataDir, 'sipscope.db'), { readonly: true });
    const cap = Number(bigId.slice(1));
    const stored = () => db.prepare('SELECT count(*) FROM calls WHERE cap = ?').pluck().get(cap) as number;
    await until('calls of the big capture in the database', async () => {
      const c = await capture(a, bigId);
      expect(c.status).toBe('analyzing');
      return stored() > 100 ? true : undefined;
    });
    await stop(a, 'SIGKILL');
    const partial = stored();
    db.close();
    expect(partial).toBeGreaterThan(100);
    expect(partial).toBeLessThan(BIG_CALLS);

    const b = await serve(dataDir);
    running.push(b);
    // At once, before any analysis could end: the completed captures are ready and unchanged.
    const list = await json<CaptureInfo[]>(`${b.url}/api/captures`);
    expect(list.map((c) => c.id)).toEqual([bigId, ...Object.keys(done).reverse()]);
    for (const [id, before] of Object.entries(done)) expect(await view(b, id)).toEqual(before);
    // The interrupted capture is analysing again (or failed), never ready with part of its calls.
    const first = list.find((c) => c.id === bigId)!;
    expect(['analyzing', 'failed']).toContain(first.status);
    const after = await settled(b, bigId);
    if (after.status === 'ready') {
      expect(after.stats?.calls).toBe(BIG_CALLS);
      const page = await json<{ total: number }>(`${b.url}/api/captures/${bigId}/calls?limit=1`);
      expect(page.total).toBe(BIG_CALLS);
    } else {
      expect(after.status).toBe('failed');
      expect(after.error).toMatch(/interrupted/);
    }

    // Deleting the big capture removes its uploaded file and gives the database its space back.
    const uploads = () => readdirSync(join(dataDir, 'captures'));
    const dbBytes = () => statSync(join(dataDir, 'sipscope.db')).size;
    expect(uploads().length).toBe(3);
    const full = dbBytes();
    const res = await fetch(`${b.url}/api/captures/${bigId}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(uploads().length).toBe(2);
    expect(dbBytes()).toBeLessThan(full / 2);
    await stop(b, 'SIGTERM');
    expect(b.proc.exitCode).toBe(0);
  }, 300_000);
});
