/**
 * A live capture's rolling window written through to the SQLite store
 * (src/store/live-persist.ts): each call the live pipeline hands out as over
 * lands on disk whole (messages with their bytes, transactions, dialogs,
 * findings), a restart reads it like any capture, an evicted call leaves the
 * disk too (the disk copy stays the size of the window), a full queue drops
 * and counts instead of growing, and the writer thread writes the same rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import type { Payload } from '../../src/decode/payload.js';
import { createLivePipeline } from '../../src/live/live-pipeline.js';
import type { SipMessage } from '../../src/sip/message.js';
import { recoverCaptures } from '../../src/store/lifecycle.js';
import {
  LivePersister,
  type LivePersistOptions,
  type PersistSink,
  sqliteSink,
} from '../../src/store/live-persist.js';
import { liveSeenAt } from '../../src/store/live-persist-sql.js';
import { openPersistThread } from '../../src/store/live-persist-thread.js';
import { captureNumber } from '../../src/store/sqlite-rows.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import type { CallDetail } from '../../src/store/store.js';
import { RollingWindow, type WindowLimits } from '../../src/store/window.js';
import { WindowFeed } from '../../src/store/window-feed.js';
import { createWindowStore } from '../../src/store/window-store.js';
import { basicCall, T0 } from '../fixtures/flows/index.js';
import { writeFixtureCaptures } from './fixture-captures.js';

const SAMPLE_RTP = fileURLToPath(new URL('../../samples/call-with-rtp.pcap', import.meta.url));

let dir: string;
let mixed: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-live-persist-'));
  mixed = writeFixtureCaptures(dir).mixed;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dbFile = () => join(dir, `db${++n}.sqlite`);

let frameNo = 0;
/** A message of a named flow as a HEP collector hands it over. */
function payloadOf(m: SipMessage): Payload {
  const s = m.source!;
  const frame = ++frameNo;
  return { transport: 'udp', src: s.src, dst: s.dst, bytes: m.raw, frame, frames: [frame], ts: s.ts };
}

/** A live pipeline (wall clock standing still) feeding a window written through to `store`'s capture. */
async function liveInto(
  store: SqliteStore,
  limits: Partial<WindowLimits> = {},
  opts: LivePersistOptions = {},
  sink?: (cap: number) => Promise<PersistSink>,
) {
  const cap = await store.createCapture({ name: 'live: test', size: 0, path: '', status: 'live' });
  const num = captureNumber(cap.id)!;
  const live = createLivePipeline({ clock: () => 0 });
  const window = new RollingWindow(limits);
  const feed = new WindowFeed(live, window);
  const out = sink === undefined ? sqliteSink(store.db, num) : await sink(num);
  // A flush only when the test asks for it.
  const persister = new LivePersister(window, out, { flushMs: 3_600_000, ...opts });
  return { id: cap.id, num, live, window, feed, persister };
}

const count = (s: SqliteStore, table: string, cap: number) =>
  s.db.prepare(`SELECT count(*) FROM ${table} WHERE cap = ?`).pluck().get(cap) as number;

/** What the window shows of every call it holds, in detail. */
function windowCalls(w: RollingWindow): CallDetail[] {
  return w.queryCalls({ limit: 1000 }).calls.map((c) => w.getCall(c.id)!);
}

const byJson = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();

describe('live window written through to SQLite', () => {
  it('writes every call handed out as over, whole; after a kill a restart reads them like any capture', async () => {
    const file = dbFile();
    const a = openSqliteStore({ file });
    const { id, num, live, window, feed, persister } = await liveInto(a);
    for await (const f of openCapture(mixed)) live.pushFrame(f);
    live.end(); // every call handed out as over
    feed.flush();
    await persister.flush();
    const want = windowCalls(window);
    expect(want.length).toBeGreaterThan(5);
    const findings = want.flatMap((d) => d.findings);
    expect(findings.length).toBeGreaterThan(0);
    expect(persister.counters()).toMatchObject({ writtenCalls: want.length, onDisk: want.length, queued: 0 });
    expect(persister.counters().error).toBeNull();
    const seen = liveSeenAt(a.db, num);
    expect(seen).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The process dies here: nothing is closed, the capture is still `live` on disk.
    await a.close();

    const b = openSqliteStore({ file });
    const r = await recoverCaptures(b, {
      rowStats: (x) => b.rowStats(x),
      liveSeen: async (x) => liveSeenAt(b.db, captureNumber(x)!),
    });
    expect(r.closedLive.map((c) => c.id)).toEqual([id]);
    const rec = (await b.getCapture(id))!;
    expect(rec.status).toBe('ready');
    expect(rec.stats?.calls).toBe(want.length);
    expect(rec.warnings?.[0]).toContain(`the live capture was interrupted at ${seen}`);
    expect(rec.warnings?.[0]).toMatch(/calls in progress then are lost/);

    const page = await b.queryCalls(id, { limit: 1000 });
    expect(page?.calls).toEqual(want.map((d) => d.call));
    for (const d of want) {
      const got = (await b.getCall(id, d.call.id))!;
      expect({ ...got, findings: byJson(got.findings) }).toEqual({ ...d, findings: byJson(d.findings) });
      for (const m of d.messages) {
        const stored = (await b.getMessage(id, m.id))!;
        expect(stored.row).toEqual(m);
        expect(Buffer.from(stored.raw).equals(Buffer.from(window.getMessage(m.id)!.raw))).toBe(true);
      }
    }
    expect(byJson((await b.findings(id))!)).toEqual(byJson(findings));
    // The call list's search and filters work on the written rows (methods and User-Agents summed up).
    const ua = await b.queryCalls(id, { q: 'aliceua', limit: 1000 });
    const uaWant = window.queryCalls({ q: 'aliceua', limit: 1000 });
    expect(ua?.calls.map((c) => c.id)).toEqual(uaWant.calls.map((c) => c.id));
    expect(ua?.total).toBeGreaterThan(0);
    const byBye = { method: { include: ['bye'], exclude: [] }, limit: 1000 };
    const bye = (await b.queryCalls(id, byBye))!;
    expect(bye.total).toBeGreaterThan(0);
    expect(bye.calls.map((c) => c.id)).toEqual(window.queryCalls(byBye).calls.map((c) => c.id));
    await persister.close(false);
    await b.close();
  });

  it('writes a call again whole when a finding comes for it after it ended: no row twice', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const { num, live, window, feed, persister } = await liveInto(s);
    for await (const f of openCapture(mixed)) live.pushFrame(f);
    live.end();
    feed.flush();
    await persister.flush();
    const before = ['messages', 'transactions', 'dialogs', 'calls', 'call_json', 'findings'].map((t) =>
      count(s, t, num),
    );
    // A timer rule reports on a call after it was handed out (its deadline fell later).
    const first = windowCalls(window)[0];
    const some = windowCalls(window).flatMap((d) => d.findings)[0];
    window.addFinding({ ...some, call: first.call.id, messages: [first.messages[0].id] });
    expect(persister.counters().queued).toBe(1);
    await persister.flush();
    const after = ['messages', 'transactions', 'dialogs', 'calls', 'call_json', 'findings'].map((t) =>
      count(s, t, num),
    );
    expect(after).toEqual([...before.slice(0, 5), before[5] + 1]);
    const again = (await s.getCall(`c${num}`, first.call.id))!;
    expect(again.call.findingCount).toBe(first.call.findingCount + 1);
    expect(again.findings.length).toBe(first.findings.length + 1);
    expect(persister.counters().writtenCalls).toBe(windowCalls(window).length + 1);
    await persister.close(false);
    await s.close();
  });

  it('writes the RTP streams of a live call (they finish a minute after its media): a restart reads them with it', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const { num, live, window, feed, persister } = await liveInto(s);
    for await (const f of openCapture(SAMPLE_RTP)) live.pushFrame(f);
    live.end();
    feed.flush();
    await persister.flush();
    const inWindow = windowCalls(window).map((d) => [d.call.id, d.streams.map((st) => st.ssrc)]);
    expect(inWindow).toEqual([
      [0, ['0x5E6F7081', '0x1A2B3C4D']],
      [1, ['0x22334455']],
    ]);
    expect(count(s, 'streams', num)).toBe(3);
    // A stream given again (the same id) replaces its row: no row twice.
    const again = windowCalls(window)[1].streams[0];
    window.addStreams([{ ...again, packets: again.packets + 1 }]);
    await persister.flush();
    expect(count(s, 'streams', num)).toBe(3);
    await persister.close(false);
    await s.close();
    const reopened = openSqliteStore({ file: s.file });
    const d = (await reopened.getCall(`c${num}`, 1))!;
    expect(d.streams.map((st) => [st.ssrc, st.packets])).toEqual([['0x22334455', again.packets + 1]]);
    await reopened.close();
  });

  it('deletes an evicted call from disk: the disk copy stays the size of the window', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const { num, live, window, feed, persister } = await liveInto(s, { maxCalls: 3 });
    const calls = 12;
    for (let i = 0; i < calls; i++) {
      // A minute apart in capture time: the previous call is handed out as this one starts.
      for (const m of basicCall({ n: i + 1, t0: T0 + 60 * i })) live.pushPayload(payloadOf(m));
      feed.flush();
      await persister.flush();
      expect(count(s, 'calls', num)).toBeLessThanOrEqual(3);
      // What is on disk is exactly some of the window's calls, with their messages.
      const held = new Map(windowCalls(window).map((d) => [d.call.id, d]));
      const onDisk = s.db.prepare('SELECT id FROM calls WHERE cap = ?').pluck().all(num) as number[];
      for (const c of onDisk) expect(held.has(c)).toBe(true);
      const msgs = onDisk.reduce((t, c) => t + held.get(c)!.messages.length, 0);
      expect(count(s, 'messages', num)).toBe(msgs);
    }
    live.end();
    feed.flush();
    await persister.flush();
    const held = windowCalls(window);
    expect(held.length).toBe(3);
    expect(count(s, 'calls', num)).toBe(3);
    expect(count(s, 'messages', num)).toBe(window.counters().messages);
    expect(count(s, 'transactions', num)).toBe(held.reduce((t, d) => t + d.transactions.length, 0));
    expect(count(s, 'dialogs', num)).toBe(held.reduce((t, d) => t + d.dialogs.length, 0));
    expect(window.counters().evictedCalls).toBe(calls - 3);
    expect(persister.counters()).toMatchObject({ deletedCalls: calls - 3, onDisk: 3, droppedCalls: 0 });
    await persister.close(false);
    await s.close();
  });

  it('writes a call as soon as it shows an outcome: a window turning over faster than the 32 s hand-out is still on disk', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const { num, live, window, feed, persister } = await liveInto(s, { maxCalls: 3 });
    // Ten calls a second apart in capture time: each is completed (BYE answered) long before the
    // correlator hands it out as over, 32 s after its last message, and the window keeps only 3.
    for (let i = 0; i < 10; i++) {
      for (const m of basicCall({ n: i + 1, t0: T0 + i })) live.pushPayload(payloadOf(m));
      feed.flush();
      await persister.flush();
    }
    const held = windowCalls(window);
    expect(held.length).toBe(3);
    expect(held.every((d) => d.call.state === 'completed')).toBe(true);
    expect(window.counters().evictedCalls).toBe(7);
    // On disk: exactly the window's calls, each with all its messages.
    const onDisk = (s.db.prepare('SELECT id FROM calls WHERE cap = ?').pluck().all(num) as number[]).sort();
    expect(onDisk).toEqual(held.map((d) => d.call.id).sort());
    expect(count(s, 'messages', num)).toBe(held.reduce((t, d) => t + d.messages.length, 0));
    expect(persister.counters()).toMatchObject({ onDisk: 3, deletedCalls: 7, droppedCalls: 0 });
    await persister.close(false);
    await s.close();
  });

  it('a full queue drops and counts the calls it cannot take instead of growing', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const { num, live, feed, persister } = await liveInto(s, {}, { maxQueue: 2 });
    for (let i = 0; i < 10; i++)
      for (const m of basicCall({ n: i + 1, t0: T0 + 60 * i })) live.pushPayload(payloadOf(m));
    live.end();
    feed.flush();
    expect(persister.counters()).toMatchObject({ queued: 2, droppedCalls: 8 });
    await persister.flush();
    expect(persister.counters()).toMatchObject({ queued: 0, writtenCalls: 2, onDisk: 2 });
    expect(count(s, 'calls', num)).toBe(2);
    await persister.close(false);
    await s.close();
  });

  it('the writer thread writes the same rows, and stops once the capture is deleted', async () => {
    const file = dbFile();
    const s = openSqliteStore({ file });
    const { id, num, live, window, feed, persister } = await liveInto(s, {}, {}, (cap) =>
      openPersistThread(file, cap),
    );
    for await (const f of openCapture(mixed)) live.pushFrame(f);
    live.end();
    feed.flush();
    await persister.flush();
    expect(persister.counters().error).toBeNull();
    const want = windowCalls(window);
    for (const d of want) {
      const got = (await s.getCall(id, d.call.id))!;
      expect({ ...got, findings: byJson(got.findings) }).toEqual({ ...d, findings: byJson(d.findings) });
    }
    expect(count(s, 'calls', num)).toBe(want.length);
    await s.deleteCapture(id);
    window.observer?.ended(want[0].call.id);
    await persister.flush();
    expect(persister.counters().error).toMatch(/deleted/);
    expect(count(s, 'calls', num)).toBe(0);
    await persister.close(false);
    await s.close();
  });
});

describe('window store with persistence', () => {
  it('gives the live capture the base store id, lists it once, mirrors its status and deletes it from disk', async () => {
    const s = openSqliteStore({ file: dbFile() });
    const w = createWindowStore(s, {
      persist: async (id) => sqliteSink(s.db, captureNumber(id)!),
      persistOptions: { flushMs: 3_600_000 },
    });
    const up = await s.createCapture({ name: 'x.pcap', size: 1, path: '/nowhere' });
    const c = await w.createCapture({ name: 'live: lo', size: 0, path: '', status: 'live' });
    expect(c.id).toMatch(/^c\d+$/);
    expect((await w.listCaptures()).map((x) => [x.id, x.status])).toEqual([
      [c.id, 'live'],
      [up.id, 'analyzing'],
    ]);
    expect((await s.getCapture(c.id))?.status).toBe('live');
    const live = (await w.getCapture(c.id)) as { live?: { persist?: { onDisk: number } } };
    expect(live.live?.persist?.onDisk).toBe(0);
    await w.closePersist(c.id);
    await w.updateCapture(c.id, { status: 'ready', progress: 1, warnings: ['stopped'] });
    expect(await s.getCapture(c.id)).toMatchObject({ status: 'ready', warnings: ['stopped'] });
    expect(liveSeenAt(s.db, captureNumber(c.id)!)).toMatch(/^\d{4}-/);
    expect(await w.deleteCapture(c.id)).toBe(true);
    expect(await s.getCapture(c.id)).toBeUndefined();
    await w.close();
  });
});
