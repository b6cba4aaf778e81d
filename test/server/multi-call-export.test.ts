/**
 * The exports of several calls (the web UI's ladder of marked calls, sngrep's
 * save of the selected dialogs): `GET …/calls/:callId/pcap?with=…` and
 * `…/messages.txt?with=…` over real HTTP, on the memory and the SQLite
 * store, with the bundled sipp-10-calls.pcap (ten calls). The pcap analysed
 * again holds exactly the calls' messages, each frame once and in order;
 * the text each message once, in capture order; a bad list is a 400, an
 * unknown call a 404, and without `with` both are what they were.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFrames, exportFrames, mergeFrames } from '../../server/pcap-export.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { collectMessageExtras, type MessageExtras } from '../../src/store/analysis-batches.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import { sqliteTestServer, type TestServer, testServer, uploadReady } from './helpers.js';

const SAMPLE = join(SAMPLES_DIR, 'sipp-10-calls.pcap');

async function analyse(file: string): Promise<{ result: AnalysisResult; extras: MessageExtras }> {
  const extras = collectMessageExtras();
  const result = await analyzeCapture(file, { onMessage: extras.onMessage });
  return { result, extras };
}

const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c)));

/** The message ids of the `#<id>  <time> UTC …` heads of a messages.txt, in order. */
const headIds = (text: string) =>
  text
    .split('\n')
    .flatMap((l) => /^#(\d+) {2}\d{4}-\d\d-\d\d /.exec(l)?.[1] ?? [])
    .map(Number);

it('merges calls’ frame lists in frame order, each frame once', () => {
  expect(mergeFrames([[1, 4, 9], [2, 4, 10], [], [3]])).toEqual([1, 2, 3, 4, 9, 10]);
  expect(mergeFrames([[5, 6]])).toEqual([5, 6]);
  expect(mergeFrames([])).toEqual([]);
});

describe.each([
  ['memory', () => testServer()],
  ['sqlite', () => sqliteTestServer()],
] as const)('exports of several calls (%s store)', (_name, start) => {
  let s: TestServer;
  let dir: string;
  let original: { result: AnalysisResult; extras: MessageExtras };
  let api: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-multi-export-'));
    s = await start();
    original = await analyse(SAMPLE);
    api = `${s.url}/api/captures/${(await uploadReady(s, SAMPLE)).id}`;
    expect(original.result.calls.length).toBe(10);
  }, 60_000);
  afterAll(async () => {
    await s?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (id: number) => original.result.calls.find((c) => c.id === id)!;
  /** The messages of these calls, in capture order. */
  const messagesOf = (ids: number[]) => ids.flatMap((id) => call(id).messages).sort((a, b) => a - b);
  const framesOf = (ids: number[]) =>
    [...new Set(messagesOf(ids).flatMap((m) => original.result.messages.get(m).frames))].sort(
      (a, b) => a - b,
    );

  it('gives the frames of the call and of the calls in `with` as one pcap: exactly their messages, in order, each once', async () => {
    // The last call listed is not the last to end: the frames are merged, not taken in the list's order.
    const [main, a, b] = [
      original.result.calls[5].id,
      original.result.calls[8].id,
      original.result.calls[1].id,
    ];
    const res = await fetch(`${api}/calls/${main}/pcap?with=${a},${b}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="call-${main}-with-${a}-${b}.pcap"`,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    const file = join(dir, 'three-calls.pcap');
    writeFileSync(file, bytes);
    const again = await analyse(file);
    const ids = messagesOf([main, a, b]);
    // Every frame of the three calls once (a duplicate would be one frame more, and a message more).
    expect(again.result.source.frames).toBe(framesOf([main, a, b]).length);
    expect(again.result.messages.length).toBe(ids.length);
    expect(again.extras.raw).toEqual(ids.map((m) => original.extras.raw[m]));
    // In capture order: the frames' times as the original's, never going back.
    const ts = ids.map((m) => original.result.messages.get(m).ts);
    for (let i = 0; i < again.result.messages.length; i++)
      expect(again.result.messages.get(i).ts).toBe(ts[i]);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
    // The same three calls, by their Call-IDs.
    expect(again.result.calls.flatMap((c) => c.callIds).sort()).toEqual(
      [main, a, b].flatMap((id) => call(id).callIds).sort(),
    );
    // Repeats and the call itself in the list change nothing but the name.
    const same = await fetch(`${api}/calls/${main}/pcap?with=${a},${main},${b},${a}`);
    expect(same.headers.get('content-disposition')).toBe(
      `attachment; filename="call-${main}-with-${a}-${b}.pcap"`,
    );
    expect(Buffer.from(await same.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('names the file of more than five other calls by how many there are', async () => {
    const [main, ...rest] = original.result.calls.map((c) => c.id);
    const res = await fetch(`${api}/calls/${main}/pcap?with=${rest.join(',')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="call-${main}-with-9-calls.pcap"`,
    );
    const file = join(dir, 'all-calls.pcap');
    writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
    const again = await analyse(file);
    expect(again.result.messages.length).toBe(original.result.messages.length);
    expect(again.result.calls.length).toBe(10);
  });

  it('gives the messages of the call and of the calls in `with` as text, each once, in capture order', async () => {
    const [main, a, b] = [
      original.result.calls[7].id,
      original.result.calls[0].id,
      original.result.calls[3].id,
    ];
    const res = await fetch(`${api}/calls/${main}/messages.txt?with=${a},${b},${a}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="call-${main}-with-${a}-${b}-messages.txt"`,
    );
    const text = await res.text();
    const ids = messagesOf([main, a, b]);
    expect(headIds(text)).toEqual(ids);
    // Each message's text whole, in that order.
    const utf8 = new TextDecoder();
    let at = 0;
    for (const m of ids) {
      const body = utf8.decode(original.extras.raw[m]);
      const i = text.indexOf(body, at);
      expect(i).toBeGreaterThanOrEqual(at);
      at = i + body.length;
    }
    // The single calls' texts, message by message, are the same text.
    const alone = await Promise.all(
      [main, a, b].map(async (id) => (await fetch(`${api}/calls/${id}/messages.txt`)).text()),
    );
    const parts = (t: string) => t.split(/\n(?=#\d+ {2}\d{4}-)/);
    const byId = new Map(alone.flatMap((t) => parts(t).map((p) => [headIds(p)[0], p] as const)));
    expect(parts(text)).toEqual(ids.map((m) => byId.get(m)));
  });

  it('refuses a `with` that is not a list of call ids (400) and names a call the capture does not have (404)', async () => {
    const main = original.result.calls[0].id;
    const other = original.result.calls[1].id;
    for (const path of ['pcap', 'messages.txt']) {
      for (const bad of ['abc', '', '1,,2', '1,x', '-1', '1.5', '1234567890', `${other}&with=${other}`]) {
        const res = await fetch(`${api}/calls/${main}/${path}?with=${bad}`);
        expect([path, bad, res.status]).toEqual([path, bad, 400]);
        expect(((await res.json()) as { error: string }).error).toMatch(/^with /);
      }
      const many = Array.from({ length: 101 }, (_, i) => i).join(',');
      expect((await fetch(`${api}/calls/${main}/${path}?with=${many}`)).status).toBe(400);
      const unknown = await fetch(`${api}/calls/${main}/${path}?with=${other},9999`);
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: string }).error).toMatch(/^no call 9999 in capture /);
      // The main call unknown: as without `with`.
      expect((await fetch(`${api}/calls/9998/${path}?with=${other}`)).status).toBe(404);
    }
  });

  it('without `with`, gives the call alone as before', async () => {
    for (const rec of original.result.calls.slice(0, 3)) {
      const res = await fetch(`${api}/calls/${rec.id}/pcap`);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="call-${rec.id}.pcap"`);
      const bytes = Buffer.from(await res.arrayBuffer());
      // What the single-call export writes: the call's frames read again from the file.
      const expected = concat(exportFrames(await collectFrames(SAMPLE, framesOf([rec.id]))).chunks);
      expect(bytes.equals(expected)).toBe(true);
      const txt = await fetch(`${api}/calls/${rec.id}/messages.txt`);
      expect(txt.headers.get('content-disposition')).toBe(
        `attachment; filename="call-${rec.id}-messages.txt"`,
      );
      expect(headIds(await txt.text())).toEqual(rec.messages);
    }
  });
});
