/**
 * `POST /api/captures/:id/time-shift` (server/API.md "Captures"): a merged
 * upload of two hosts' captures whose clocks are 2.315 s apart is warned
 * about, with the way to align it; `{"align": true}` moves file 1 back by the
 * offset measured and analyses it again: the clocks level, the warning gone,
 * the 100 after the INVITE it answers (RFC 3261 §17.2.1), and the calls' pcap
 * byte for byte what `sipscope extract A B --time-shift 1=-2.315` writes.
 * Explicit shifts, their removal, and the refusals.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../../server/start.js';
import { runExtract } from '../../src/cli/extract-command.js';
import type { CaptureInfo } from '../../src/store/store.js';
import { writeTwoHosts } from '../capture/two-hosts.js';
import { basicCall } from '../fixtures/flows/index.js';
import { spyOutput } from '../helpers/spy-output.js';
import { getJson, settled, sqliteTestServer, testServer, uploadReady } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-time-shift-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const [alice, bob] = writeTwoHosts(dir, 'serve', basicCall(), { theta: 2.315, delay: 0.0004 });
spyOutput(() => undefined);

async function uploadBoth(s: StartedServer): Promise<CaptureInfo> {
  const form = new FormData();
  for (const p of [alice, bob]) form.append('file', new Blob([readFileSync(p)]), basename(p));
  const res = await fetch(`${s.url}/api/captures`, { method: 'POST', body: form });
  expect(res.status).toBe(202);
  return settled(s, ((await res.json()) as { id: string }).id);
}

function timeShift(
  s: StartedServer,
  id: string,
  body: unknown,
  type = 'application/json',
): Promise<Response> {
  return fetch(`${s.url}/api/captures/${id}/time-shift`, {
    method: 'POST',
    headers: { 'Content-Type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The call's messages, as the ladder lists them: method or status, in capture order. */
async function ladder(s: StartedServer, id: string): Promise<(string | number)[]> {
  const calls = (
    await getJson<{ calls: { id: number; kind: string }[] }>(`${s.url}/api/captures/${id}/calls`)
  ).body.calls;
  const call = calls.find((c) => c.kind === 'call')!;
  const detail = await getJson<{ messages: { method?: string; status?: number }[] }>(
    `${s.url}/api/captures/${id}/calls/${call.id}`,
  );
  return detail.body.messages.map((m) => m.method ?? m.status!);
}

describe('POST /api/captures/:id/time-shift', { timeout: 60_000 }, () => {
  for (const kind of ['SQLite', 'memory'] as const)
    it(`${kind}: align moves file 1 back by the offset measured; the warning goes, the 100 follows its INVITE, the pcap is what extract --time-shift writes`, async () => {
      const s = kind === 'SQLite' ? await sqliteTestServer() : await testServer();
      try {
        const first = await uploadBoth(s);
        expect(first.status).toBe('ready');
        expect(first.warnings).toEqual([
          `${basename(bob)}: clock 2.315 s ahead of ${basename(alice)} (7 messages seen in both, one-way delay 0.4 ms): answers may show before their requests; shift it back: align clocks on its row in the web UI, or POST /api/captures/${first.id}/time-shift {"align":true}`,
        ]);
        const before = await ladder(s, first.id);
        // Both hosts' copies of each message: bob's INVITE, 2.315 s late, after alice's copy of the 100.
        expect(before.indexOf(100)).toBeLessThan(before.lastIndexOf('INVITE'));

        const res = await timeShift(s, first.id, { align: true });
        expect(res.status).toBe(202);
        const after = await settled(s, first.id);
        expect(after.status).toBe('ready');
        expect(after.warnings).toEqual([]);
        const files = after.source!.files!;
        expect(files[0].timeShiftSeconds).toBeUndefined();
        expect(files[1].timeShiftSeconds).toBe(-2.315);
        expect(Math.abs(files[1].clock!.offsetSeconds)).toBeLessThan(1e-6);
        const aligned = await ladder(s, first.id);
        expect(aligned.lastIndexOf('INVITE')).toBeLessThan(aligned.indexOf(100));

        const pcap = Buffer.from(
          await (await fetch(`${s.url}/api/captures/${first.id}/calls/pcap`)).arrayBuffer(),
        );
        const out = join(dir, `${kind}-extract.pcapng`);
        expect(await runExtract([alice, bob, '--time-shift', '1=-2.315', '-o', out])).toBe(0);
        expect(pcap.equals(readFileSync(out))).toBe(true);

        // Aligned again: nothing left to move, the shift stays.
        expect((await timeShift(s, first.id, { align: true })).status).toBe(202);
        expect((await settled(s, first.id)).source!.files![1].timeShiftSeconds).toBe(-2.315);
        // Shifts given, then taken away: as uploaded again.
        expect((await timeShift(s, first.id, { shifts: [null, '-2'] })).status).toBe(202);
        const two = await settled(s, first.id);
        expect(two.source!.files![1].timeShiftSeconds).toBe(-2);
        expect(two.source!.files![1].clock!.offsetSeconds).toBeCloseTo(0.315, 6);
        expect((await timeShift(s, first.id, { shifts: [null, null] })).status).toBe(202);
        const none = await settled(s, first.id);
        expect(none.warnings).toEqual(first.warnings);
        expect(none.source).toEqual(first.source);
      } finally {
        await s.dispose();
      }
    });

  it('refuses a body that is not shifts (400), a capture of one file (409) and one that is not there (404)', async () => {
    const s = await testServer();
    try {
      const merged = await uploadBoth(s);
      const bad: [unknown, string, RegExp][] = [
        [{ shifts: [null] }, 'application/json', /^shifts has 1 entries: capture \S+ has 2 files$/],
        [{ shifts: [null, 'soon'] }, 'application/json', /^shifts\[1\]: "soon" is not a number of seconds/],
        [{ align: true, shifts: [null, null] }, 'application/json', /^align measures the shifts itself/],
        ['{"align":', 'application/json', /^the body is not JSON/],
        [{ align: true }, 'text/plain', /^the body is JSON/],
        [[1, 2], 'application/json', /^the body is/],
      ];
      for (const [body, type, error] of bad) {
        const res = await timeShift(s, merged.id, body, type);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(error);
      }
      const one = await uploadReady(s, alice);
      const res = await timeShift(s, one.id, { align: true });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: string }).error).toBe(
        `capture ${one.id} is one file: a time shift moves a file against the others`,
      );
      expect((await timeShift(s, 'nope', { align: true })).status).toBe(404);
    } finally {
      await s.dispose();
    }
  });
});
