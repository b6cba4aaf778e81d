/**
 * The streaming analysis into the store (analyze-to-store.ts) against the
 * reference path (analyzeCapture + writeAnalysis into the memory store): every
 * capture record, call, call detail, message (row and bytes), finding and the
 * statistics view must be the same, on the bundled samples, the mixed capture
 * of named flows and, when present, the corpus.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { openSqliteWriterThread } from '../../src/store/sqlite-writer-thread.js';
import type { Store } from '../../src/store/store.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { ALICE, BOB, copyOf, T0 } from '../fixtures/flows/builder.js';
import { basicCall } from '../fixtures/flows/index.js';
import { byTime, rtpFrames } from '../fixtures/rtp-frames.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';
import { dump, reference } from './capture-dump.js';
import { writeFixtureCaptures } from './fixture-captures.js';
import { SAMPLE_FILES, SAMPLES_DIR } from './store-suite.js';

let dir: string;
let sqlite: SqliteStore;
let mixed: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-stream-'));
  mixed = writeFixtureCaptures(dir).mixed;
  sqlite = openSqliteStore({ file: join(dir, 'store.db') });
});
afterAll(async () => {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

async function streamed(
  store: Store,
  file: string,
  batchSize?: number,
  endPart?: number,
  parkAfter?: number,
) {
  const c = await store.createCapture({ name: file, size: 0, path: file });
  const r = await analyzeToStore(file, await store.openWriter(c.id), { batchSize, endPart, parkAfter });
  return { id: c.id, result: r, dump: await dump(store, c.id) };
}

describe('analyzeToStore: the same answers as analyzeCapture, call by call as calls end', () => {
  const files = () => [...SAMPLE_FILES.map((f) => join(SAMPLES_DIR, f)), mixed];

  it('gives every sample and the mixed capture exactly as the reference path, into SQLite and into memory', async () => {
    for (const file of files()) {
      const want = await reference(file);
      expect(want.calls.length).toBeGreaterThan(0);
      const got = await streamed(sqlite, file, 7);
      expect(got.dump).toEqual(want);
      // The calls still in progress at the end handed out one at a time, written between.
      expect((await streamed(sqlite, file, 2, 1)).dump).toEqual(want);
      // Every call parked as soon as capture time moves past its last message, woken by the next
      // message, timer or rule that needs it (correlator.ts `parkAfter`), or never parked.
      expect((await streamed(sqlite, file, 7, undefined, 0)).dump).toEqual(want);
      expect((await streamed(sqlite, file, 7, undefined, Number.POSITIVE_INFINITY)).dump).toEqual(want);
      const mem = createMemoryStore();
      expect((await streamed(mem, file)).dump).toEqual(want);
      await mem.close();
    }
  });

  it('gives the same answers through the writer thread (inserts on a second core), on every sample', async () => {
    for (const file of files()) {
      const want = await reference(file);
      const c = await sqlite.createCapture({ name: file, size: 0, path: file });
      const w = await openSqliteWriterThread({ db: sqlite.file, captureId: c.id, maxInFlight: 2 });
      await analyzeToStore(file, w, { batchSize: 3 });
      expect(await dump(sqlite, c.id)).toEqual(want);
    }
    // Every sample through a worker thread: seconds on a loaded 2-vCPU machine, more with each sample added.
  }, 60_000);

  it('the writer thread refuses an unknown capture and stops when its capture is deleted', async () => {
    await expect(openSqliteWriterThread({ db: sqlite.file, captureId: 'c99999' })).rejects.toThrow(
      /no capture c99999/,
    );
    const c = await sqlite.createCapture({ name: 'mixed', size: 0, path: mixed });
    const w = await openSqliteWriterThread({ db: sqlite.file, captureId: c.id, maxInFlight: 1 });
    await w.addCalls([]);
    await sqlite.deleteCapture(c.id);
    await expect(analyzeToStore(mixed, w, { batchSize: 2 })).rejects.toThrow(/deleted/);
    expect(await sqlite.getCapture(c.id)).toBeUndefined();
    const left = sqlite.db
      .prepare('SELECT count(*) FROM messages WHERE cap = ?')
      .pluck()
      .get(Number(c.id.slice(1)));
    expect(left).toBe(0);
  });

  it('writes each RTP stream with the final call of its SDP message, whether the stream ends before or after that call is final', async () => {
    // Two calls a hundred seconds apart, each with RTP both ways on the same addresses: the first
    // call is final long before its streams are (idle a minute, swept by the second call's RTP);
    // the second call's streams end with the capture, while it is still in progress.
    const a = { ip: ALICE.ip, port: 49170 };
    const b = { ip: BOB.ip, port: 3456 };
    const media = (t0: number, ssrc: number) => [
      rtpFrames({ src: a, dst: b, ssrc, payloadType: 0, start: t0 + 2.02, end: t0 + 6 }),
      rtpFrames({ src: b, dst: a, ssrc: ssrc + 1, payloadType: 0, start: t0 + 2.01, end: t0 + 6 }),
    ];
    const file = join(dir, 'late-streams.pcap');
    const frames = byTime(
      flowToFrames(basicCall({ n: 1, callId: 'late-1@10.0.0.1' })),
      flowToFrames(basicCall({ n: 2, callId: 'late-2@10.0.0.1', t0: T0 + 100 })),
      ...media(T0, 0x100),
      ...media(T0 + 100, 0x200),
    );
    writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
    const r = await analyzeCapture(file);
    expect(r.streams.map((st) => [st.ssrc, st.call])).toEqual([
      ['0x00000101', 0],
      ['0x00000100', 0],
      ['0x00000201', 1],
      ['0x00000200', 1],
    ]);
    const want = await reference(file);
    expect(want.details.map((d) => d!.streams.length)).toEqual([2, 2]);
    for (const batch of [1, 7, undefined])
      for (const parkAfter of [0, undefined, Number.POSITIVE_INFINITY])
        expect((await streamed(sqlite, file, batch, undefined, parkAfter)).dump).toEqual(want);
    const mem = createMemoryStore();
    expect((await streamed(mem, file)).dump).toEqual(want);
    await mem.close();
  });

  it('keeps UDP messages by their place in the file and reassembled ones as bytes', async () => {
    const rows = (id: string) =>
      sqlite.db
        .prepare(
          'SELECT count(*) AS n, count(raw_off) AS placed, count(raw) AS copied FROM messages WHERE cap = ?',
        )
        .get(Number(id.slice(1))) as { n: number; placed: number; copied: number };
    const basic = await streamed(sqlite, join(SAMPLES_DIR, 'basic-call.pcap'));
    expect(rows(basic.id)).toEqual({ n: 7, placed: 7, copied: 0 });
    const frag = await streamed(sqlite, join(SAMPLES_DIR, 'fragmented-invite.pcap'));
    const r = rows(frag.id);
    expect(r.copied).toBeGreaterThan(0);
    expect(r.placed + r.copied).toBe(r.n);
    // Bytes by place read back equal to the analysed ones (the dump comparison above checks every message).
    const m = await sqlite.getMessage(basic.id, 0);
    expect(Buffer.from(m!.raw).toString('latin1')).toMatch(/^INVITE sip:/);
  });

  it('reads a gzip-compressed capture as the plain one; its messages keep their bytes (no place in the .gz)', async () => {
    for (const file of [join(SAMPLES_DIR, 'basic-call.pcap'), mixed]) {
      const gz = join(dir, `${basename(file)}.gz`);
      writeFileSync(gz, gzipSync(readFileSync(file)));
      const want = await reference(file);
      const got = await streamed(sqlite, gz, 7);
      expect({ ...got.dump, source: { ...got.dump.source, file } }).toEqual(want);
      const r = sqlite.db
        .prepare('SELECT count(*) AS n, count(raw_off) AS placed FROM messages WHERE cap = ?')
        .get(Number(got.id.slice(1))) as { n: number; placed: number };
      expect(r.n).toBe(want.messages.length);
      expect(r.placed).toBe(0);
    }
  });

  it('writes a message again only when its call was merged or its dialog decided later', async () => {
    // Each row written at once (batches of one): the INVITEs arrived before the responses that
    // made their dialogs, the forked INVITE's messages learn the confirmed dialog.
    const got = await streamed(sqlite, mixed, 1);
    expect(got.result.updatedMessages).toBeGreaterThan(0);
    expect(got.result.updatedMessages).toBeLessThan(got.result.stats.sipMessages / 2);
    const one = await streamed(sqlite, join(SAMPLES_DIR, 'basic-call.pcap'), 1);
    expect(one.result.updatedMessages).toBe(1);
    expect((await sqlite.getMessage(one.id, 0))!.row.dialog).toBe(0);
    // Rows still waiting for their batch take the dialog when it is made: nothing to write again.
    const basic = await streamed(sqlite, join(SAMPLES_DIR, 'basic-call.pcap'));
    expect(basic.result.updatedMessages).toBe(0);
    expect((await sqlite.getMessage(basic.id, 0))!.row.dialog).toBe(0);
    expect(basic.dump).toEqual(one.dump);
    expect((await streamed(sqlite, mixed)).result.updatedMessages).toBeLessThan(got.result.updatedMessages);
  });

  it('gives every retransmitted INVITE the dialog its 2xx made (RFC 3261 §12.1), however many arrived before it', async () => {
    // 2 and 30 copies of the INVITE before any response: the one-dialog path of callFinal and,
    // past 16 messages that arrived without a dialog, the general one; both as analyzeCapture.
    for (const copies of [2, 30]) {
      const call = basicCall({ n: copies, callId: `retrans-${copies}@10.0.0.1` });
      const invites = Array.from({ length: copies }, (_, k) => copyOf(call[0], 0.0001 * (k + 1), 0));
      const file = join(dir, `invite-x${copies}.pcap`);
      const frames = flowToFrames([call[0], ...invites, ...call.slice(1)]);
      writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
      const want = await reference(file);
      // All but the 100 Trying (no To tag: no dialog).
      expect(want.messages.filter((m) => m?.row.dialog === 0)).toHaveLength(copies + call.length - 1);
      for (const batch of [1, 7, 1000]) expect((await streamed(sqlite, file, batch)).dump).toEqual(want);
    }
  });

  it('holds only the messages of calls not yet ended: far fewer than the capture has', async () => {
    const got = await streamed(sqlite, join(SAMPLES_DIR, 'sipp-10-calls.pcap'));
    expect(got.result.stats.calls).toBe(10);
    expect(got.result.peakPendingMessages).toBeGreaterThan(0);
    expect(got.result.peakPendingMessages).toBeLessThanOrEqual(got.result.stats.sipMessages);
  });

  it('fails the capture with the CLI line naming the file and the byte offset when it is not a capture', async () => {
    const c = await sqlite.createCapture({
      name: 'notes.txt',
      size: 10,
      path: join(SAMPLES_DIR, '..', 'README.md'),
    });
    const w = await sqlite.openWriter(c.id);
    await expect(analyzeToStore(c.path, w, { name: 'notes.txt' })).rejects.toThrow(/not a pcap or pcapng/);
    const rec = await sqlite.getCapture(c.id);
    expect(rec?.status).toBe('failed');
    expect(rec?.error).toMatch(
      /^notes\.txt: not a pcap or pcapng capture \(magic 0x[0-9a-f]{8}\) at byte offset 0$/,
    );
    expect(await sqlite.queryCalls(c.id, {})).toEqual({ total: 0, calls: [] });
  });
});

const corpusDir = join(CORPUS_DIR, 'pcap');
const corpusFiles = corpusPresent ? readdirSync(corpusDir).filter((f) => /\.(pcap|pcapng)$/.test(f)) : [];
const unreadable = new Set(['pkts_corrupt-mixed-endian-header.pcap']);

describe.skipIf(!corpusPresent)(
  'analyzeToStore on the corpus: the same answers as the reference path',
  () => {
    it.each(corpusFiles.filter((f) => !unreadable.has(f)))(
      '%s',
      async (name) => {
        const file = join(corpusDir, name);
        const want = await reference(file);
        const got = await streamed(sqlite, file);
        expect(got.dump).toEqual(want);
        // Every call parked as soon as capture time moves past its last message.
        expect((await streamed(sqlite, file, undefined, undefined, 0)).dump).toEqual(want);
        // Through the writer thread, as the server analyses an upload.
        const c = await sqlite.createCapture({ name: file, size: 0, path: file });
        await analyzeToStore(file, await openSqliteWriterThread({ db: sqlite.file, captureId: c.id }));
        expect(await dump(sqlite, c.id)).toEqual(want);
      },
      120_000,
    );
  },
);
