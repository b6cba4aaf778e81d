/**
 * The behaviour every Store implementation must have, as one suite: each
 * implementation's test file calls `describeStore(name, makeStore)`. The data
 * is real analysis output (the bundled samples and a mixed capture built from
 * the named flows), and every expectation is derived from that analysis.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RtpStreamRecord } from '../../src/media/media-tracker.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { callId } from '../../src/sip/accessors.js';
import { parseSip } from '../../src/sip/parse.js';
import {
  analysisBatches,
  collectMessageExtras,
  type MessageExtras,
  writeAnalysis,
  writeBatch,
} from '../../src/store/analysis-batches.js';
import { CALL_SORT_KEYS, type CallQuery, listFilter } from '../../src/store/call-query.js';
import { distribution } from '../../src/store/distribution.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { CallRow } from '../../src/store/rows.js';
import type { Store } from '../../src/store/store.js';
import { interleaved } from '../helpers/split-capture.js';
import { writeFixtureCaptures } from './fixture-captures.js';
import { queryGrid } from './query-grid.js';

export const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));
/** SIP over TLS 1.3 (REGISTER, then a call on the same connection), with its key log beside it. */
const TLS_FIXTURE = fileURLToPath(new URL('../fixtures/tls/tls13-aes128gcm.pcap', import.meta.url));
export const SAMPLE_FILES = [
  'basic-call.pcap',
  'fragmented-invite.pcap',
  'proxied-call-two-interfaces.pcapng',
  'register-digest-auth.pcap',
  'sipp-10-calls.pcap',
  'tcp-call.pcap',
  'call-with-rtp.pcap',
];

interface Analysed {
  file: string;
  result: AnalysisResult;
  extras: MessageExtras;
}

async function analyse(file: string, tlsKeyLog?: string): Promise<Analysed> {
  const extras = collectMessageExtras();
  const result = await analyzeCapture(file, { onMessage: extras.onMessage, tlsKeyLog });
  return { file, result, extras };
}

const findingsOf = (r: AnalysisResult, call: number) => r.findings.filter((f) => f.call === call);
const methodsOf = (r: AnalysisResult, call: number): string[] => {
  const c = r.calls.find((x) => x.id === call)!;
  return c.messages.map((m) => r.messages.get(m).method).filter((m): m is string => m !== undefined);
};

/** What a store under test does besides the common contract. */
export interface StoreTraits {
  /**
   * Reads a message's bytes back by place (MessageInput.fileRange) from the
   * capture's files: the stores of uploads. A live window holds the bytes it
   * is given (a live capture has no file), so it has no such place to read.
   */
  readsByPlace?: boolean;
}

export function describeStore(
  name: string,
  makeStore: () => Store | Promise<Store>,
  traits: StoreTraits = { readsByPlace: true },
): void {
  describe(`Store: ${name}`, () => {
    let dir: string;
    let samples: Analysed[];
    let mixed: Analysed;
    let store: Store;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sipscope-store-'));
      const fx = writeFixtureCaptures(dir);
      samples = await Promise.all(SAMPLE_FILES.map((f) => analyse(join(SAMPLES_DIR, f))));
      mixed = await analyse(fx.mixed);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    async function load(a: Analysed, batchSize?: number): Promise<string> {
      const c = await store.createCapture({ name: a.file, size: a.result.source.bytes, path: a.file });
      await writeAnalysis(await store.openWriter(c.id), a.result, a.extras, batchSize);
      return c.id;
    }

    async function allCalls(id: string, q: CallQuery = {}): Promise<CallRow[]> {
      const page = await store.queryCalls(id, { ...q, limit: 1000 });
      expect(page).toBeDefined();
      expect(page!.total).toBe(page!.calls.length);
      return page!.calls;
    }

    it('keeps the time shift given to a file of a merged capture, and takes it away', async () => {
      const files = [
        { path: '/x/a.pcap', name: 'a.pcap', size: 10 },
        { path: '/x/b.pcap', name: 'b.pcap', size: 20 },
      ];
      const c = await store.createCapture({ name: 'a + b', size: 30, path: files[0].path, files });
      const shifted = [files[0], { ...files[1], timeShift: '-2.315' }];
      expect((await store.updateCapture(c.id, { files: shifted }))?.files).toEqual(shifted);
      expect((await store.getCapture(c.id))?.files).toEqual(shifted);
      await store.updateCapture(c.id, { files });
      expect((await store.getCapture(c.id))?.files).toEqual(files);
    });

    it('creates captures with distinct ids, lists them newest first and gets one by id', async () => {
      const a = await store.createCapture({ name: 'a.pcap', size: 10, path: '/x/a.pcap' });
      const b = await store.createCapture({ name: 'b.pcap', size: 20, path: '/x/b.pcap' });
      expect(a.id).not.toBe(b.id);
      expect(a).toMatchObject({
        name: 'a.pcap',
        size: 10,
        path: '/x/a.pcap',
        status: 'analyzing',
        stats: null,
      });
      expect(Number.isNaN(Date.parse(a.createdAt))).toBe(false);
      expect((await store.listCaptures()).map((c) => c.id)).toEqual([b.id, a.id]);
      expect(await store.getCapture(a.id)).toEqual(a);
      expect(await store.getCapture('nope')).toBeUndefined();
    });

    it('updates status, progress and error, and clears the error with null', async () => {
      const a = await store.createCapture({ name: 'a.pcap', size: 10, path: '/x/a.pcap' });
      await store.updateCapture(a.id, { progress: 0.5 });
      expect((await store.getCapture(a.id))?.progress).toBe(0.5);
      await store.updateCapture(a.id, { status: 'failed', error: 'a.pcap: bad at byte offset 0' });
      expect(await store.getCapture(a.id)).toMatchObject({
        status: 'failed',
        error: 'a.pcap: bad at byte offset 0',
      });
      const cleared = await store.updateCapture(a.id, { status: 'analyzing', error: null });
      expect(cleared?.error).toBeUndefined();
      const warned = await store.updateCapture(a.id, { warnings: ['a.pcap: truncated at byte offset 9'] });
      expect(warned?.warnings).toEqual(['a.pcap: truncated at byte offset 9']);
      expect(await store.updateCapture('nope', { progress: 1 })).toBeUndefined();
    });

    it('a finished writer leaves the capture ready with the analysis stats and source, stamped when', async () => {
      const before = Date.now() - 1000;
      const id = await load(samples[0]);
      const c = await store.getCapture(id);
      expect(c).toMatchObject({ status: 'ready', progress: 1 });
      // When the analysis ended (the server tells an analysis older than its code by it).
      expect(Date.parse(c?.analyzedAt ?? '')).toBeGreaterThanOrEqual(before);
      expect(Date.parse(c?.analyzedAt ?? '')).toBeLessThanOrEqual(Date.now() + 1000);
      expect(c?.stats).toEqual(samples[0].result.stats);
      expect(c?.source).toEqual(samples[0].result.source);
    });

    it('lists every call of every sample with the contract fields and its finding count', async () => {
      for (const a of [...samples, mixed]) {
        const id = await load(a);
        const rows = await allCalls(id);
        expect(rows.map((r) => r.id).sort((x, y) => x - y)).toEqual(a.result.calls.map((c) => c.id));
        for (const row of rows) {
          const rec = a.result.calls.find((c) => c.id === row.id)!;
          expect(row.messages).toEqual(rec.messages);
          expect(row.callIds).toEqual(rec.callIds);
          expect(row.state).toBe(rec.state);
          expect(row.kind).toBe(rec.kind);
          const fs = findingsOf(a.result, row.id);
          expect(row.findingCount).toBe(fs.length);
          const sev = fs.map((f) => f.severity);
          expect(row.worstSeverity).toBe(
            sev.includes('error')
              ? 'error'
              : sev.includes('warning')
                ? 'warning'
                : sev.length
                  ? 'info'
                  : null,
          );
        }
      }
    });

    it('gives a call with every message in capture order, its transactions, dialogs and findings', async () => {
      const id = await load(mixed);
      const r = mixed.result;
      for (const rec of r.calls) {
        const d = await store.getCall(id, rec.id);
        expect(d).toBeDefined();
        expect(d!.messages.map((m) => m.id)).toEqual(rec.messages);
        expect(d!.messages.every((m) => m.call === rec.id)).toBe(true);
        const tx = new Set(d!.transactions.map((t) => t.id));
        const dl = new Set(d!.dialogs.map((x) => x.id));
        for (const m of d!.messages) {
          if (m.transaction !== null) expect(tx.has(m.transaction)).toBe(true);
          if (m.dialog !== null) expect(dl.has(m.dialog)).toBe(true);
        }
        expect(d!.findings).toEqual(findingsOf(r, rec.id));
      }
      expect(await store.getCall(id, 9999)).toBeUndefined();
      expect(await store.getCall('nope', 0)).toBeUndefined();
    });

    it('gives a message back with the bytes that were analysed and its SDP summary', async () => {
      const id = await load(samples[0]);
      const r = samples[0].result;
      for (let i = 0; i < r.messages.length; i++) {
        const m = await store.getMessage(id, i);
        expect(m).toBeDefined();
        expect(m!.row.id).toBe(i);
        expect(m!.row.frame).toBe(r.messages.get(i).frame);
        const again = parseSip(m!.raw);
        expect(again && callId(again)).toBe(m!.row.callId);
        // The basic call's INVITE and 200 carry SDP, the others none.
        expect(m!.row.sdp !== null).toBe(again!.body.length > 0);
      }
      const invite = (await store.getMessage(id, 0))!.row;
      expect(invite.sdp?.media[0]).toMatchObject({
        media: 'audio',
        codecs: expect.arrayContaining(['PCMU/8000']),
      });
      expect(await store.getMessage(id, r.messages.length)).toBeUndefined();
    });

    it.skipIf(!traits.readsByPlace)(
      'keeps the files of a capture merged from several, and reads a message kept by place from the file its frame came from',
      async () => {
        // Two hosts' captures of the same calls, as `sipscope analyze A B` reads them.
        const paths = interleaved(join(SAMPLES_DIR, 'sipp-10-calls.pcap'), dir, 2);
        const extras = collectMessageExtras();
        const result = await analyzeCapture(paths, { onMessage: extras.onMessage });
        const files = paths.map((p) => ({ path: p, name: basename(p), size: readFileSync(p).length }));
        const size = files[0].size + files[1].size;
        const c = await store.createCapture({ name: 'merged', size, path: paths[0], files });
        expect(c.files).toEqual(files);
        const w = await store.openWriter(c.id);
        const bytes = paths.map((p) => readFileSync(p));
        for (const b of analysisBatches(result, extras)) {
          if (b.kind !== 'messages') {
            await writeBatch(w, b);
            continue;
          }
          // Each message by place only: where its bytes are in its own file.
          for (const m of b.items) {
            const offset = bytes[m.row.file!].indexOf(Buffer.from(m.raw));
            expect(offset).toBeGreaterThan(0);
            m.fileRange = { offset, length: m.raw.length };
            m.raw = new Uint8Array(0);
          }
          await writeBatch(w, b);
        }
        await w.finish(result.stats, result.source);
        expect((await store.listCaptures()).find((x) => x.id === c.id)?.files).toEqual(files);
        expect((await store.getCapture(c.id))?.source?.files?.map((f) => f.frames)).toEqual([30, 30]);
        const fromFile = [0, 0];
        for (let i = 0; i < result.messages.length; i++) {
          const m = (await store.getMessage(c.id, i))!;
          const want = result.messages.get(i);
          expect([m.row.file, m.row.fileFrame]).toEqual([want.file, want.fileFrame]);
          expect(Buffer.from(m.raw).equals(Buffer.from(extras.raw[i]))).toBe(true);
          fromFile[m.row.file!]++;
        }
        expect(fromFile).toEqual([30, 30]);
      },
    );

    it('filters calls by kind and state, a ! excluding a value', async () => {
      const id = await load(mixed);
      const r = mixed.result;
      const count = (p: (k: string, s: string) => boolean) =>
        r.calls.filter((c) => p(c.kind, c.state)).length;
      const calls = await allCalls(id, { kind: listFilter('call') });
      expect(calls.length).toBe(count((k) => k === 'call'));
      expect(calls.length).toBeGreaterThan(0);
      const noNoise = await allCalls(id, { kind: listFilter('!options,!registration') });
      expect(noNoise.length).toBe(count((k) => k !== 'options' && k !== 'registration'));
      expect(noNoise.some((c) => c.kind === 'options' || c.kind === 'registration')).toBe(false);
      const ended = await allCalls(id, { state: listFilter('completed,cancelled') });
      expect(ended.length).toBe(count((_k, s) => s === 'completed' || s === 'cancelled'));
      const both = await allCalls(id, { kind: listFilter('call'), state: listFilter('!completed') });
      expect(both.length).toBe(count((k, s) => k === 'call' && s !== 'completed'));
    });

    it('filters calls by the methods of their requests and by having findings', async () => {
      const id = await load(mixed);
      const r = mixed.result;
      for (const method of ['REGISTER', 'CANCEL', 'OPTIONS', 'BYE']) {
        const rows = await allCalls(id, { method: listFilter(method.toLowerCase()) });
        const want = r.calls.filter((c) => methodsOf(r, c.id).includes(method)).map((c) => c.id);
        expect(rows.map((c) => c.id).sort((a, b) => a - b)).toEqual(want);
        expect(want.length).toBeGreaterThan(0);
      }
      const withF = await allCalls(id, { hasFindings: true });
      const withoutF = await allCalls(id, { hasFindings: false });
      expect(withF.length).toBe(new Set(r.findings.map((f) => f.call).filter((c) => c !== null)).size);
      expect(withF.length + withoutF.length).toBe(r.calls.length);
      expect(withF.every((c) => c.findingCount > 0) && withoutF.every((c) => c.findingCount === 0)).toBe(
        true,
      );
    });

    it('searches From, To, every Call-ID and User-Agent as text or /regex/, ignoring case', async () => {
      const id = await load(mixed);
      const r = mixed.result;
      const ids = async (q: string) => (await allCalls(id, { q })).map((c) => c.id);
      const lostAck = r.calls.find((c) => c.callIds[0].startsWith('lostack-'))!;
      expect(await ids('LOSTACK-1')).toEqual([lostAck.id]);
      // The B2BUA's second leg is linked into the first: its Call-ID finds the call.
      const linked = r.calls.find((c) => c.callIds.length > 1)!;
      expect(await ids(`/^${linked.callIds[1].replace(/[.@]/g, '\\$&')}$/`)).toEqual([linked.id]);
      expect((await ids('sip:CAROL@')).length).toBe(r.calls.filter((c) => c.to?.includes('carol')).length);
      expect((await ids('<script>')).length).toBe(1);
      expect(await ids('/no-such-thing-anywhere/')).toEqual([]);
    });

    it('sorts by every key in both orders with nulls last and pages through the same list', async () => {
      const id = await load(mixed);
      for (const sort of CALL_SORT_KEYS) {
        for (const order of ['asc', 'desc'] as const) {
          const rows = await allCalls(id, { sort, order });
          const value = (c: CallRow): number | string | null =>
            sort === 'messages'
              ? c.messages.length
              : sort === 'findings'
                ? c.findingCount
                : sort === 'from' || sort === 'to'
                  ? (c[sort]?.toLowerCase() ?? null)
                  : c[sort];
          const vals = rows.map(value);
          const firstNull = vals.indexOf(null);
          if (firstNull >= 0) expect(vals.slice(firstNull).every((v) => v === null)).toBe(true);
          const present = vals.filter((v) => v !== null) as Array<number | string>;
          for (let i = 1; i < present.length; i++) {
            if (order === 'asc') expect(present[i - 1] <= present[i]).toBe(true);
            else expect(present[i - 1] >= present[i]).toBe(true);
          }
          const pages: CallRow[] = [];
          for (let offset = 0; offset < rows.length; offset += 3) {
            const p = await store.queryCalls(id, { sort, order, offset, limit: 3 });
            expect(p!.total).toBe(rows.length);
            pages.push(...p!.calls);
          }
          expect(pages.map((c) => c.id)).toEqual(rows.map((c) => c.id));
        }
      }
      const past = await store.queryCalls(id, { offset: 1000 });
      expect(past).toEqual({ total: mixed.result.calls.length, calls: [] });
    });

    it('gives every page of every sort key in both orders, filtered or not, as the in-memory store does: nulls last, ties by id', async () => {
      const id = await load(mixed);
      const ref = createMemoryStore();
      const c = await ref.createCapture({ name: mixed.file, size: 1, path: mixed.file });
      await writeAnalysis(await ref.openWriter(c.id), mixed.result, mixed.extras);
      // The data has what the orders must get right: calls without a value, and equal values.
      const calls = mixed.result.calls;
      expect(calls.some((x) => x.durationMs === null) && calls.some((x) => x.pddMs === null)).toBe(true);
      expect(new Set(calls.map((x) => x.kind)).size).toBeLessThan(calls.length);
      const filters: CallQuery[] = [
        {},
        { state: listFilter('!completed') },
        { kind: listFilter('call,options'), state: listFilter('completed,failed,cancelled') },
        { method: listFilter('invite,!cancel') },
        { method: listFilter('bye'), hasFindings: false },
        { hasFindings: true },
      ];
      const page = async (s: Store, capture: string, q: CallQuery) => {
        const p = (await s.queryCalls(capture, q))!;
        return { total: p.total, ids: p.calls.map((x) => x.id) };
      };
      let nonEmpty = 0;
      const pages = '0:4 3:5 9:3 0:1000';
      for (const q of queryGrid(filters, pages)) {
        const want = await page(ref, c.id, q);
        expect(await page(store, id, q)).toEqual(want);
        if (want.ids.length > 0) nonEmpty++;
      }
      expect(nonEmpty).toBeGreaterThan(300);
      await ref.close();
    });

    it('gives the statistics view: requests, responses, calls by state and kind, ASR and timings', async () => {
      const id = await load(mixed);
      const r = mixed.result;
      const s = await store.stats(id);
      expect(s!.requests).toEqual(r.stats.requests);
      expect(s!.responses).toEqual(r.stats.responses);
      const byState: Record<string, number> = {};
      for (const c of r.calls) byState[c.state] = (byState[c.state] ?? 0) + 1;
      expect(s!.callsByState).toEqual(byState);
      const invites = r.calls.filter((c) => c.kind === 'call');
      const answered = invites.filter((c) => c.setupMs !== null);
      expect(s!.asr).toBeCloseTo(answered.length / invites.length, 10);
      // The timings of the calls that have them, binned where they are (not one value per call).
      const timings = (k: 'pddMs' | 'setupMs' | 'durationMs') =>
        distribution(r.calls.map((c) => c[k]).filter((v): v is number => v !== null));
      expect(s!.pddMs).toEqual(timings('pddMs'));
      expect(s!.setupMs).toEqual(timings('setupMs'));
      expect(s!.durationMs).toEqual(timings('durationMs'));
      expect(s!.durationMs.n).toBe(r.calls.filter((c) => c.durationMs !== null).length);
      expect(s!.durationMs.n).toBeGreaterThan(0);
      expect(await store.stats('nope')).toBeUndefined();
    });

    it('gives every frame of every message of a call, reassembled ones included', async () => {
      const frag = samples.find((a) => a.file.endsWith('fragmented-invite.pcap'))!;
      const id = await load(frag);
      const call = frag.result.calls[0];
      const frames = await store.callFrames(id, call.id);
      const want = new Set(call.messages.flatMap((m) => frag.result.messages.get(m).frames));
      expect(frames).toEqual([...want].sort((a, b) => a - b));
      expect(frames!.length).toBeGreaterThan(call.messages.length);
      expect(await store.callFrames(id, 9999)).toBeUndefined();
    });

    it("gives the frames of every call a filter matches, as the union of those calls' frames (the filtered pcap export)", async () => {
      const id = await load(mixed);
      const r = mixed.result;
      for (const query of [
        {},
        { kind: { include: ['call'], exclude: [] }, state: { include: ['completed'], exclude: [] } },
        { hasFindings: true },
        { q: r.calls[1].callIds[0] },
        { q: '/^no such text$/' },
      ]) {
        const chosen = (await store.queryCalls(id, { ...query, limit: 1000 }))!;
        const want = new Set<number>();
        for (const c of chosen.calls) for (const f of (await store.callFrames(id, c.id))!) want.add(f);
        const got = await store.callsFrames(id, query);
        expect(got).toEqual({
          calls: chosen.total,
          frames: [...want].sort((a, b) => a - b),
          streams: [],
          connections: [],
        });
      }
      expect(await store.callsFrames('nope', {})).toBeUndefined();
    });

    it('names the TLS connection of calls over TLS with the last frame of theirs on it (their pcap needs it whole to decrypt)', async () => {
      const tls = await analyse(
        TLS_FIXTURE,
        readFileSync(TLS_FIXTURE.replace(/\.pcap$/, '.keylog'), 'latin1'),
      );
      const id = await load(tls);
      const byKind = async (kind: string) => (await store.callsFrames(id, { kind: listFilter(kind) }))!;
      for (const kind of ['call', 'registration']) {
        const got = await byKind(kind);
        const msgs = tls.result.calls
          .filter((c) => c.kind === kind)
          .flatMap((c) => c.messages.map((m) => tls.result.messages.get(m)));
        expect(msgs.every((m) => m.transport === 'tls')).toBe(true);
        const ends = [msgs[0].src, msgs[0].dst].sort();
        expect(got.connections).toEqual([
          { a: ends[0], b: ends[1], lastFrame: Math.max(...msgs.flatMap((m) => m.frames ?? [m.frame])) },
        ]);
      }
      // Over UDP: none.
      expect((await store.callsFrames(await load(mixed), {}))!.connections).toEqual([]);
    });

    it('lists findings by capture, call, message and rule prefix', async () => {
      const id = await load(mixed);
      const r = mixed.result;
      expect(await store.findings(id)).toEqual(r.findings);
      const f = r.findings[0];
      expect(await store.findings(id, { call: f.call! })).toEqual(findingsOf(r, f.call!));
      expect(await store.findings(id, { message: f.messages[0] })).toEqual(
        r.findings.filter((x) => x.messages.includes(f.messages[0])),
      );
      const prefix = `${f.rule.split('.')[0]}.`;
      expect(await store.findings(id, { rule: prefix })).toEqual(
        r.findings.filter((x) => x.rule.startsWith(prefix)),
      );
      expect(await store.findings('nope')).toBeUndefined();
    });

    it("gives each rule's count and worst severity, and only the first N findings of each rule", async () => {
      const id = await load(mixed);
      const all = mixed.result.findings;
      const rules = [...new Set(all.map((f) => f.rule))];
      const worst = (xs: typeof all) =>
        xs.some((f) => f.severity === 'error')
          ? 'error'
          : xs.some((f) => f.severity === 'warning')
            ? 'warning'
            : 'info';
      expect(await store.findingCounts(id)).toEqual(
        rules.map((rule) => {
          const of = all.filter((f) => f.rule === rule);
          return { rule, severity: worst(of), count: of.length };
        }),
      );
      // Some rule fires more than once, so one per rule is fewer than all.
      expect(rules.length).toBeLessThan(all.length);
      for (const n of [1, 2, 1000]) {
        const seen = new Map<string, number>();
        const want = all.filter((f) => {
          seen.set(f.rule, (seen.get(f.rule) ?? 0) + 1);
          return seen.get(f.rule)! <= n;
        });
        expect(await store.findings(id, { perRule: n })).toEqual(want);
      }
      const f = all[0];
      const prefix = `${f.rule.split('.')[0]}.`;
      expect(await store.findings(id, { rule: prefix, perRule: 1 })).toEqual(
        all.filter((x, i) => x.rule.startsWith(prefix) && all.findIndex((y) => y.rule === x.rule) === i),
      );
      expect(await store.findings(id, { rule: f.rule, perRule: 1 })).toEqual([f]);
      expect(await store.findings(id, { call: f.call!, perRule: 1 })).toEqual(
        findingsOf(mixed.result, f.call!).filter((x, i, xs) => xs.findIndex((y) => y.rule === x.rule) === i),
      );
      expect(await store.findingCounts('nope')).toBeUndefined();
    });

    it("counts a rule's worst severity when its findings differ in severity", async () => {
      const c = await store.createCapture({ name: 'severities', size: 0, path: '/nonexistent' });
      const w = await store.openWriter(c.id);
      const f = {
        rule: 'a.rule',
        severity: 'info' as const,
        rfc: 'RFC 1',
        messages: [],
        call: null,
        text: 't',
      };
      await w.addFindings([
        f,
        { ...f, severity: 'error' },
        { ...f, severity: 'warning' },
        { ...f, rule: 'b.rule', severity: 'warning' },
        { ...f, rule: 'b.rule' },
      ]);
      await w.finish(mixed.result.stats, mixed.result.source);
      expect(await store.findingCounts(c.id)).toEqual([
        { rule: 'a.rule', severity: 'error', count: 3 },
        { rule: 'b.rule', severity: 'warning', count: 2 },
      ]);
    });

    it("gives each call's RTP streams, by id: those the SDP of its messages set up", async () => {
      const rtp = samples.find((a) => a.file.endsWith('call-with-rtp.pcap'))!;
      const r = rtp.result;
      expect(r.streams.length).toBeGreaterThan(1);
      const id = await load(rtp, 2);
      let seen = 0;
      for (const c of r.calls) {
        const d = await store.getCall(id, c.id);
        const want = r.streams.filter((st) => st.call === c.id).sort((a, b) => a.id - b.id);
        expect(d!.streams).toEqual(want);
        for (const st of d!.streams) expect(c.messages).toContain(st.setup);
        seen += d!.streams.length;
      }
      expect(seen).toBe(r.streams.filter((st) => st.call !== null).length);
      // A capture without RTP: every call has none.
      const plain = await load(samples[0]);
      for (const c of samples[0].result.calls)
        expect((await store.getCall(plain, c.id))!.streams).toEqual([]);
    });

    it('the filtered pcap export names the RTP streams of the calls it chooses, to find their frames in the file', async () => {
      const rtp = samples.find((a) => a.file.endsWith('call-with-rtp.pcap'))!;
      const id = await load(rtp);
      const span = (st: RtpStreamRecord) => ({
        src: st.src,
        dst: st.dst,
        firstFrame: st.firstFrame,
        lastFrame: st.lastFrame,
      });
      const oneWay = (await store.callsFrames(id, { q: 'rtp-one-way' }))!;
      expect(oneWay.streams).toEqual(rtp.result.streams.filter((st) => st.call === 1).map(span));
      const all = (await store.callsFrames(id, {}))!;
      expect(all.streams.map((s) => s.firstFrame).sort((a, b) => a - b)).toEqual(
        rtp.result.streams.map((st) => st.firstFrame).sort((a, b) => a - b),
      );
    });

    it('keeps streams with the call the writer gave them, in id order whatever the batches; one without a call shows in none', async () => {
      const template = samples.find((a) => a.file.endsWith('call-with-rtp.pcap'))!.result.streams[0];
      const stream = (id: number, call: number | null): RtpStreamRecord => ({
        ...template,
        id,
        call,
        ssrc: `0x0000000${id}`,
      });
      const c = await store.createCapture({ name: 'mixed', size: 1, path: mixed.file });
      const w = await store.openWriter(c.id);
      await w.addStreams([stream(5, 1), stream(7, null)]);
      for (const b of analysisBatches(mixed.result, mixed.extras)) await writeBatch(w, b);
      await w.addStreams([stream(2, 1), stream(3, 0), stream(9, 1)]);
      // Given again: replaces the earlier one.
      await w.addStreams([{ ...stream(5, 1), packets: 12345 }]);
      await w.addStreams([]);
      await w.finish(mixed.result.stats, mixed.result.source);
      const one = (await store.getCall(c.id, 1))!.streams;
      expect(one.map((st) => [st.id, st.call, st.ssrc])).toEqual([
        [2, 1, '0x00000002'],
        [5, 1, '0x00000005'],
        [9, 1, '0x00000009'],
      ]);
      expect(one[1]).toEqual({ ...stream(5, 1), packets: 12345 });
      expect((await store.getCall(c.id, 0))!.streams).toEqual([stream(3, 0)]);
      for (const rec of mixed.result.calls) {
        const ids = (await store.getCall(c.id, rec.id))!.streams.map((st) => st.id);
        expect(ids).not.toContain(7);
        if (rec.id > 1) expect(ids).toEqual([]);
      }
      expect(await store.deleteCapture(c.id)).toBe(true);
      expect(await store.getCall(c.id, 1)).toBeUndefined();
    });

    it('takes batches in any order and size and answers the same', async () => {
      const inOrder = await load(mixed);
      const c = await store.createCapture({ name: 'mixed', size: 1, path: mixed.file });
      const w = await store.openWriter(c.id);
      const batches = [...analysisBatches(mixed.result, mixed.extras, 5)].reverse();
      for (const b of batches) await writeBatch(w, b);
      await w.finish(mixed.result.stats, mixed.result.source);
      expect(await allCalls(c.id)).toEqual(await allCalls(inOrder));
      expect(await store.getCall(c.id, 3)).toEqual(await store.getCall(inOrder, 3));
    });

    it('a call-list query asked again while the analysis writes answers with the calls written since', async () => {
      // The UI polls the list of a capture being analysed; a store that keeps a query's answer
      // (the memory store keeps the matches of its last queries) must drop it on every write.
      const c = await store.createCapture({ name: 'mixed', size: 1, path: mixed.file });
      const w = await store.openWriter(c.id);
      const query: CallQuery = { sort: 'durationMs', order: 'desc', offset: 0, limit: 2 };
      const calls = [...analysisBatches(mixed.result, mixed.extras, 3)].filter((b) => b.kind === 'calls');
      expect(calls.length).toBeGreaterThan(1);
      const totals: number[] = [];
      for (const b of calls) {
        await writeBatch(w, b);
        totals.push((await store.queryCalls(c.id, query))!.total);
        expect((await store.queryCalls(c.id, { ...query, offset: 2 }))!.total).toBe(totals.at(-1));
      }
      expect(totals).toEqual(
        calls.map((_, i) => calls.slice(0, i + 1).reduce((n, b) => n + b.items.length, 0)),
      );
      await w.finish(mixed.result.stats, mixed.result.source);
    });

    it('a failed writer marks the capture failed with its error and keeps no rows', async () => {
      const c = await store.createCapture({ name: 'mixed', size: 1, path: mixed.file });
      const w = await store.openWriter(c.id);
      const [first] = analysisBatches(mixed.result, mixed.extras);
      await writeBatch(w, first);
      await w.fail('mixed: not a pcap or pcapng capture at byte offset 0');
      expect(await store.getCapture(c.id)).toMatchObject({
        status: 'failed',
        error: 'mixed: not a pcap or pcapng capture at byte offset 0',
        stats: null,
      });
      expect(await store.queryCalls(c.id, {})).toEqual({ total: 0, calls: [] });
      expect(await store.getMessage(c.id, 0)).toBeUndefined();
      await expect(w.addFindings([])).rejects.toThrow();
    });

    it('refuses a second writer for a capture and a writer for an unknown capture', async () => {
      const c = await store.createCapture({ name: 'x', size: 1, path: '/x' });
      await store.openWriter(c.id);
      await expect(store.openWriter(c.id)).rejects.toThrow();
      await expect(store.openWriter('nope')).rejects.toThrow();
    });

    it('deleting a capture forgets it and its rows; a writer left open then fails', async () => {
      const id = await load(samples[0]);
      const c = await store.createCapture({ name: 'x', size: 1, path: '/x' });
      const w = await store.openWriter(c.id);
      expect(await store.deleteCapture(id)).toBe(true);
      expect(await store.deleteCapture(id)).toBe(false);
      expect(await store.getCapture(id)).toBeUndefined();
      expect(await store.queryCalls(id, {})).toBeUndefined();
      expect(await store.getMessage(id, 0)).toBeUndefined();
      expect(await store.deleteCapture(c.id)).toBe(true);
      await expect(w.addCalls([])).rejects.toThrow();
      expect((await store.listCaptures()).length).toBe(0);
    });
  });
}
