/**
 * The live capture of a server on the SQLite store (in process, HEP over
 * TCP): its window is written through to the database on the writer thread,
 * the capture and /metrics show how far, deleting it removes what it wrote,
 * and a write that fails stops the write-through with a warning on the
 * capture while the window goes on.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/sip/message.js';
import { captureNumber } from '../../src/store/sqlite-rows.js';
import type { CallPage, CaptureInfo } from '../../src/store/store.js';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { basicCall, T0 } from '../fixtures/flows/index.js';
import { getJson, type SqliteTestServer, sqliteTestServer } from '../server/helpers.js';
import { sendHep, until } from './hep-send.js';

let server: SqliteTestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

/** `n` basic calls a minute apart in capture time (each is handed out as over when the next starts). */
function minuteApart(from: number, n: number): SipMessage[] {
  return Array.from({ length: n }, (_, i) => basicCall({ n: from + i, t0: T0 + 60 * (from + i) })).flat();
}

async function liveOnSqlite() {
  server = await sqliteTestServer({
    live: { hep: { port: 0, host: '127.0.0.1' }, updateMs: 25, persist: { flushMs: 25 } },
  });
  const s = server;
  const id = s.server.live!.captureId;
  const info = async () => (await getJson<LiveCaptureInfo>(`${s.url}/api/captures/${id}`)).body;
  const rows = (table: string) =>
    s.store.db
      .prepare(`SELECT count(*) FROM ${table} WHERE cap = ?`)
      .pluck()
      .get(captureNumber(id)) as number;
  return { s, id, file: s.db, tcp: s.server.live!.hepAddresses()!.tcp!, info, rows };
}

describe('serve --hep on the SQLite store: the window written through', () => {
  it('shows how far the write-through got; DELETE stops it and removes its rows', async () => {
    const { s, id, tcp, info, rows } = await liveOnSqlite();
    expect(id).toMatch(/^c\d+$/);
    await sendHep(tcp, minuteApart(1, 4));
    // Every call is written once it is completed (the last one before its 32 s hand-out too).
    await until(
      async () => rows('calls'),
      (n) => n === 4,
    );
    const c = await until(
      info,
      (x) => (x.live.persist?.writtenCalls ?? 0) >= 4 && x.live.persist?.queued === 0,
    );
    expect(c.live.persist).toMatchObject({ onDisk: 4, droppedCalls: 0, error: null });
    expect(rows('messages')).toBe(28);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain(`sipscope_live_persist_calls{capture="${id}"} 4`);
    expect(metrics).toContain(`sipscope_live_persist_dropped_total{capture="${id}",what="write"} 0`);

    expect((await fetch(`${s.url}/api/captures/${id}`, { method: 'DELETE' })).status).toBe(204);
    const list = (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body;
    expect(list.map((x) => x.id)).not.toContain(id);
    expect(await s.store.getCapture(id)).toBeUndefined();
    expect(rows('calls')).toBe(0);
    expect(rows('messages')).toBe(0);
  });

  it('a failed write stops the write-through with a warning on the capture; the window goes on', async () => {
    const { s, id, file, tcp, info } = await liveOnSqlite();
    await sendHep(tcp, minuteApart(1, 2));
    await until(info, (x) => (x.live.persist?.writtenCalls ?? 0) >= 1);
    // The disk copy breaks under it (as a full or failing disk would make a write fail).
    const other = new Database(file);
    other.exec('DROP TABLE call_texts');
    other.close();
    await sendHep(tcp, minuteApart(3, 2));
    const c = await until(info, (x) => (x.warnings ?? []).length > 0);
    expect(c.warnings?.[0]).toMatch(/the window is no longer written to disk .*call_texts/);
    expect(c.live.persist?.error).toMatch(/call_texts/);
    expect(c.status).toBe('live');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain(`sipscope_live_persist_failed{capture="${id}"} 1`);
    const page = await until(
      async () => (await getJson<CallPage>(`${s.url}/api/captures/${id}/calls`)).body,
      (p) => p.total === 4,
    );
    expect(page.calls.map((x) => x.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
  });
});
