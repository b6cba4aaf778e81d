/**
 * `POST /api/captures/:id/files` (server/API.md "Captures"): files added to a
 * capture already uploaded make the capture an upload of all of them at once
 * would make — the same name, source, calls, messages (frames renumbered in
 * the merged order, mergecap's) and findings — under the same id, with the
 * time shifts its old files had; a file that is not a capture refuses the
 * request and changes nothing; refused while the capture is analysed, for a
 * file the server reads in place, over the upload limit (which counts the
 * capture's bytes too); kept across a restart; its delete removes every file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../../server/start.js';
import type { CaptureInfo } from '../../src/store/store.js';
import { writeTwoHosts } from '../capture/two-hosts.js';
import { basicCall } from '../fixtures/flows/index.js';
import { interleaved } from '../helpers/split-capture.js';
import { spyOutput } from '../helpers/spy-output.js';
import {
  eventsUntilReady,
  getJson,
  restartableServer,
  settled,
  sqliteTestServer,
  testServer,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-append-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Two hosts' captures of the same ten calls: frames alternate between the files.
const pieces = interleaved(join(import.meta.dirname, '../../samples/sipp-10-calls.pcap'), dir, 2);
spyOutput(() => undefined);

function form(files: readonly string[]): FormData {
  const f = new FormData();
  for (const p of files) f.append('file', new Blob([readFileSync(p)]), basename(p));
  return f;
}

async function upload(s: StartedServer, files: readonly string[]): Promise<CaptureInfo> {
  const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form(files) });
  expect(res.status).toBe(202);
  const info = await settled(s, ((await res.json()) as { id: string }).id);
  expect(info.status).toBe('ready');
  return info;
}

const addFiles = (s: StartedServer, id: string, files: readonly string[]): Promise<Response> =>
  fetch(`${s.url}/api/captures/${id}/files`, { method: 'POST', body: form(files) });

const errorOf = async (res: Response): Promise<string> => ((await res.json()) as { error: string }).error;

const uploaded = (s: { dataDir: string }): string[] => {
  const d = join(s.dataDir, 'captures');
  return existsSync(d) ? readdirSync(d).sort() : [];
};

/** What the API says of a capture's analysis: its calls, every message's detail (frame, file, fileFrame, raw), its findings. */
async function analysis(s: StartedServer, id: string): Promise<unknown> {
  const calls = (
    await getJson<{ calls: { messages: number[] }[] }>(
      `${s.url}/api/captures/${id}/calls?limit=1000&sort=start`,
    )
  ).body.calls;
  const ids = calls.flatMap((c) => c.messages).sort((a, b) => a - b);
  const messages = [];
  for (const m of ids) messages.push((await getJson(`${s.url}/api/captures/${id}/messages/${m}`)).body);
  const findings = (await getJson(`${s.url}/api/captures/${id}/findings`)).body;
  return { calls, messages, findings };
}

describe('POST /api/captures/:id/files', { timeout: 60_000 }, () => {
  for (const kind of ['SQLite', 'memory'] as const)
    it(`${kind}: a file added to a capture of one gives what an upload of both at once gives, frames renumbered in merged order, under the same id`, async () => {
      const s = kind === 'SQLite' ? await sqliteTestServer() : await testServer();
      try {
        const both = await upload(s, pieces);
        const one = await upload(s, [pieces[0]]);
        expect(one.stats!.sipMessages).toBeLessThan(both.stats!.sipMessages);
        const events = await eventsUntilReady(s, async () => {
          const res = await addFiles(s, one.id, [pieces[1]]);
          expect(res.status).toBe(202);
          return ((await res.json()) as { id: string }).id;
        });
        // The UI follows it as it follows …/reanalyze: analysing again, then ready.
        expect(events[0][0]).toBe('capture:reanalyze');
        expect(events[0][1].capture).toMatchObject({ id: one.id, name: both.name, status: 'analyzing' });
        const after = await settled(s, one.id);
        expect(after).toMatchObject({
          id: one.id,
          name: `${basename(pieces[0])} + 1 more file`,
          size: both.size,
          status: 'ready',
          source: both.source,
          stats: both.stats,
          warnings: both.warnings,
        });
        const merged = (await analysis(s, both.id)) as { messages: { frame: number; file: number }[] };
        // Frames of the second file between those of the first: numbered as mergecap numbers them.
        expect(merged.messages.slice(0, 4).map((m) => m.file)).toEqual([0, 1, 0, 1]);
        expect(await analysis(s, one.id)).toEqual(merged);
      } finally {
        await s.dispose();
      }
    });

  it('keeps the time shifts of the old files, gives the new one none, and adds it after them', async () => {
    const [alice, bob] = writeTwoHosts(dir, 'shift', basicCall(), { theta: 2.315, delay: 0.0004 });
    const s = await sqliteTestServer();
    try {
      const two = await upload(s, [alice, bob]);
      const shift = await fetch(`${s.url}/api/captures/${two.id}/time-shift`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"align":true}',
      });
      expect(shift.status).toBe(202);
      expect((await settled(s, two.id)).source!.files![1].timeShiftSeconds).toBe(-2.315);
      expect((await addFiles(s, two.id, [pieces[0]])).status).toBe(202);
      const three = await settled(s, two.id);
      expect(three.name).toBe(`${basename(alice)} + 2 more files`);
      expect(three.source!.files!.map((f) => [f.file, f.timeShiftSeconds])).toEqual([
        [basename(alice), undefined],
        [basename(bob), -2.315],
        [basename(pieces[0]), undefined],
      ]);
      // The call of the two hosts, aligned, and the sipp calls of the file added.
      expect(three.stats!.calls).toBe(two.stats!.calls + 10);
    } finally {
      await s.dispose();
    }
  });

  it('takes TLS keys with the files: saved with the capture, its SIP over TLS decrypted with the file added', async () => {
    const tls = join(import.meta.dirname, '../fixtures/tls/tls13-aes128gcm.pcap');
    const keylog = readFileSync(join(import.meta.dirname, '../fixtures/tls/tls13-aes128gcm.keylog'));
    const s = await testServer();
    try {
      const one = await upload(s, [tls]);
      expect(one.tlsKeys).toBeUndefined();
      expect(one.stats).toMatchObject({ sipMessages: 0, calls: 0 });
      const f = form([pieces[0]]);
      f.append('tlsKeylog', new Blob([keylog]), 'keys.log');
      const res = await fetch(`${s.url}/api/captures/${one.id}/files`, { method: 'POST', body: f });
      expect(res.status).toBe(202);
      const after = await settled(s, one.id);
      expect(after.tlsKeys).toEqual({ keylog: true, rsaKeys: 0 });
      expect(after.warnings).toEqual([]);
      // The REGISTER and the call over TLS (RFC 3261 §26.2), decrypted, and the 30 messages of the file added.
      expect(after.stats).toMatchObject({ sipMessages: 7 + 30, calls: 2 + 10 });
    } finally {
      await s.dispose();
    }
  });

  it('refuses the request when a file added is not a capture, naming it, and changes nothing', async () => {
    const s = await sqliteTestServer();
    try {
      const one = await upload(s, [pieces[0]]);
      const before = await analysis(s, one.id);
      const files = uploaded(s);
      const notes = join(dir, 'notes.txt');
      writeFileSync(notes, 'INVITE sip:bob@example.com SIP/2.0\r\n');
      const res = await addFiles(s, one.id, [pieces[1], notes]);
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatch(
        /^notes\.txt: not a pcap or pcapng capture \(magic 0x[0-9a-f]+\) at byte offset 0$/,
      );
      expect((await getJson<CaptureInfo>(`${s.url}/api/captures/${one.id}`)).body).toEqual(one);
      expect(await analysis(s, one.id)).toEqual(before);
      expect(uploaded(s)).toEqual(files);
    } finally {
      await s.dispose();
    }
  });

  it('counts the capture bytes in the upload limit: over it 413, nothing kept', async () => {
    const sizes = pieces.map((p) => readFileSync(p).length);
    const s = await testServer({ uploadLimit: sizes[0] + sizes[1] - 1 });
    try {
      const one = await upload(s, [pieces[0]]);
      const res = await addFiles(s, one.id, [pieces[1]]);
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toBe(
        `the upload limit of ${sizes[0] + sizes[1] - 1} bytes counts the capture's files and the ones added: capture ${one.id} has ${sizes[0]} bytes, ${sizes[1] - 1} more may be added`,
      );
      expect(uploaded(s)).toHaveLength(1);
      expect((await getJson<CaptureInfo>(`${s.url}/api/captures/${one.id}`)).body).toEqual(one);
    } finally {
      await s.dispose();
    }
  });

  it('answers 409 while the capture is analysed and for a file read in place, 404 for no capture, keeping none of the files sent', async () => {
    const s = await testServer({ samples: [pieces[1]] });
    try {
      const one = await upload(s, [pieces[0]]);
      expect((await fetch(`${s.url}/api/captures/${one.id}/reanalyze`, { method: 'POST' })).status).toBe(202);
      const busy = await addFiles(s, one.id, [pieces[1]]);
      expect(busy.status).toBe(409);
      expect(await errorOf(busy)).toBe(`capture ${one.id} is being analysed already`);
      await settled(s, one.id);
      expect(uploaded(s)).toHaveLength(1);
      const sample = (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body.find(
        (c) => c.id !== one.id,
      )!;
      // The capture says so, for the web UI to offer no "add files…" (nor "add TLS keys…") there.
      expect(sample.readInPlace).toBe(true);
      expect(
        (await getJson<CaptureInfo>(`${s.url}/api/captures/${one.id}`)).body.readInPlace,
      ).toBeUndefined();
      const inPlace = await addFiles(s, sample.id, [pieces[0]]);
      expect(inPlace.status).toBe(409);
      expect(await errorOf(inPlace)).toBe(
        `capture ${sample.id} is a file the server reads in place: upload it to add files to it`,
      );
      expect((await addFiles(s, 'c999', [pieces[0]])).status).toBe(404);
      expect(uploaded(s)).toHaveLength(1);
    } finally {
      await s.dispose();
    }
  });

  it('keeps the files added across a restart, and the delete removes every file', async () => {
    const r = await restartableServer();
    try {
      let s = r.s;
      const one = await upload(s, [pieces[0]]);
      expect((await addFiles(s, one.id, [pieces[1]])).status).toBe(202);
      const info = await settled(s, one.id);
      const before = await analysis(s, one.id);
      expect(uploaded(r)).toHaveLength(2);
      s = await r.restart();
      expect((await getJson<CaptureInfo>(`${s.url}/api/captures/${one.id}`)).body).toEqual(info);
      expect(await analysis(s, one.id)).toEqual(before);
      // Analysed again from its files after the restart: both, in the same order.
      expect((await fetch(`${s.url}/api/captures/${one.id}/reanalyze`, { method: 'POST' })).status).toBe(202);
      expect(await settled(s, one.id)).toMatchObject({ source: info.source, stats: info.stats });
      expect((await fetch(`${s.url}/api/captures/${one.id}`, { method: 'DELETE' })).status).toBe(204);
      expect(uploaded(r)).toEqual([]);
    } finally {
      await r.dispose();
    }
  });
});
