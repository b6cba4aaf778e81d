/**
 * A real `sipscope serve --hep 0` process on a data directory (the SQLite
 * store), fed calls over HEP (TCP: nothing lost, no capture rights needed),
 * killed with SIGKILL while traffic flows, then started again on the same
 * directory: every call that had ended (and was on disk) before the kill is
 * there, intact through the API (call, messages with their text, ladder
 * detail, findings); the call in progress at the kill is not, and the
 * interrupted capture is ready with a warning saying when it was
 * interrupted — never ready without one; a new live capture runs. A clean
 * stop (SIGTERM) then keeps the second capture whole, without a warning.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/sip/message.js';
import type { CallDetail, CallPage } from '../../src/store/store.js';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { basicCall, rfc2543Call, T0 } from '../fixtures/flows/index.js';
import { startServe, stopServe, waitFor } from '../helpers/serve-process.js';
import { sendHep } from './hep-send.js';

interface Running {
  proc: ChildProcess;
  url: string;
  liveId: string;
  hepTcp: number;
}

/** Starts `sipscope serve --hep 0` from the sources; resolves once it listens and says its live capture. */
async function serve(dataDir: string): Promise<Running> {
  const r = await startServe(dataDir, ['--hep', '0'], /live capture (\S+): HEP on UDP \d+, TCP (\d+)/);
  return { proc: r.proc, url: r.url, liveId: r.ready![1], hepTcp: Number(r.ready![2]) };
}

const stop = stopServe;

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const until = <T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> =>
  waitFor(what, f, ms);

/** The flow moved in time so that it starts at `t0`. */
function at(msgs: SipMessage[], t0: number): SipMessage[] {
  const first = msgs[0].source!.ts;
  return msgs.map((m) => ({ ...m, source: { ...m.source!, ts: m.source!.ts - first + t0 } }) as SipMessage);
}

const info = (r: Running, id: string) => json<LiveCaptureInfo>(`${r.url}/api/captures/${id}`);
const page = (r: Running, id: string) => json<CallPage>(`${r.url}/api/captures/${id}/calls?limit=1000`);

/** A call as the API shows it: its ladder detail and every message with its text and header offsets. */
async function callView(r: Running, id: string, callId: number) {
  const detail = await json<CallDetail>(`${r.url}/api/captures/${id}/calls/${callId}`);
  const messages = [];
  for (const m of detail.messages) messages.push(await json(`${r.url}/api/captures/${id}/messages/${m.id}`));
  return { detail, messages };
}

let dir: string;
const running: Running[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-live-kill-'));
});
afterAll(async () => {
  for (const r of running) await stop(r, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('sipscope serve --hep killed with SIGKILL during live capture and started again', () => {
  it('keeps every call that had ended, says the capture was interrupted, and starts a new live capture', async () => {
    const data = join(dir, 'data');
    const a = await serve(data);
    running.push(a);
    expect(a.liveId).toMatch(/^c\d+$/);

    // Ten basic calls and an RFC 2543 call (findings: no Via branch), a minute apart in capture time, then
    // a call that starts ringing: each call is handed out as over when the next one starts.
    const ended: SipMessage[] = [];
    for (let i = 0; i < 10; i++) ended.push(...basicCall({ n: i + 1, t0: T0 + 60 * i }));
    ended.push(...at(rfc2543Call(), T0 + 600));
    const ringing = basicCall({ n: 500, callId: 'ringing-at-the-kill@10.0.0.1', t0: T0 + 660 }).slice(0, 3);
    await sendHep(a.hepTcp, [...ended, ...ringing]);
    const written = await until('the ended calls on disk', async () => {
      const c = await info(a, a.liveId);
      const p = c.live.persist;
      return p !== undefined && p.writtenCalls >= 11 && p.queued === 0 ? c : undefined;
    });
    expect(written.status).toBe('live');
    const listed = await page(a, a.liveId);
    expect(listed.total).toBe(12);
    const ringingRow = listed.calls.find((c) => c.callIds.includes('ringing-at-the-kill@10.0.0.1'));
    expect(ringingRow?.state).toBe('ringing');
    const before = new Map<number, Awaited<ReturnType<typeof callView>>>();
    for (const c of listed.calls) if (c !== ringingRow) before.set(c.id, await callView(a, a.liveId, c.id));
    expect(before.size).toBe(11);
    expect([...before.values()].some((v) => v.detail.findings.length > 0)).toBe(true);

    // More calls flow, a second apart in capture time; the process is killed while they do. At most
    // 100 of them: the ringing call stays in progress (Timer C, 180 s, would end it as failed).
    let sending = true;
    const sender = (async () => {
      for (let k = 0; k < 100 && sending; k += 5) {
        const batch: SipMessage[] = [];
        for (let j = k; j < k + 5; j++) batch.push(...basicCall({ n: 1000 + j, t0: T0 + 700 + j }));
        batch.sort((x, y) => x.source!.ts - y.source!.ts);
        try {
          await sendHep(a.hepTcp, batch);
        } catch {
          return; // the server is gone
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    await until('more calls on disk while traffic flows', async () => {
      const p = (await info(a, a.liveId)).live.persist;
      return p !== undefined && p.writtenCalls > 14 ? true : undefined;
    });
    await stop(a, 'SIGKILL');
    sending = false;
    await sender;

    const b = await serve(data);
    running.push(b);
    expect(b.liveId).not.toBe(a.liveId);
    const list = await json<LiveCaptureInfo[]>(`${b.url}/api/captures`);
    expect(list.map((c) => [c.id, c.status])).toEqual([
      [b.liveId, 'live'],
      [a.liveId, 'ready'],
    ]);
    const old = list[1];
    expect(old.warnings?.join('\n')).toMatch(
      /live capture was interrupted at \d{4}-\d\d-\d\dT[\d:.]+Z .*calls in progress then are lost/,
    );
    const after = await page(b, a.liveId);
    expect(old.stats?.calls).toBe(after.total);
    // Every call that had ended before the kill is there, intact: ladder detail and messages.
    for (const [id, view] of before) expect(await callView(b, a.liveId, id)).toEqual(view);
    // The call in progress at the kill is lost; the calls that ended during the traffic have all their messages.
    expect(after.calls.some((c) => c.callIds.includes('ringing-at-the-kill@10.0.0.1'))).toBe(false);
    expect(after.total).toBeGreaterThan(before.size);
    for (const c of after.calls) {
      if (before.has(c.id)) continue;
      expect(c.state).toBe('completed');
      const v = await callView(b, a.liveId, c.id);
      expect(v.detail.messages.map((m) => m.method ?? m.status)).toEqual([
        'INVITE',
        100,
        180,
        200,
        'ACK',
        'BYE',
        200,
      ]);
      // Written as soon as it ended (its outcome), again once handed out as over 32 s of capture time
      // later with its transactions: a kill in between keeps the messages, as the window held them.
      expect([0, 3]).toContain(v.detail.transactions.length);
      for (const m of v.messages) expect((m as { raw: string }).raw).toMatch(/^(INVITE|ACK|BYE|SIP\/2\.0) /);
    }

    // The new live capture runs.
    await sendHep(b.hepTcp, [
      ...basicCall({ n: 1, t0: T0 }),
      ...basicCall({ n: 2, t0: T0 + 60 }),
      ...basicCall({ n: 3, t0: T0 + 120 }).slice(0, 3),
    ]);
    const fresh = await until('the new live capture to list its calls', async () => {
      const p = await page(b, b.liveId);
      return p.total === 3 ? p : undefined;
    });
    expect((await info(b, b.liveId)).live.running).toBe(true);
    expect(await (await fetch(`${b.url}/metrics`)).text()).toMatch(
      new RegExp(`^sipscope_live_persist_written_total\\{capture="${b.liveId}"\\} \\d+$`, 'm'),
    );

    // A clean stop writes every call (those in progress as ended) and closes the capture as ready.
    await stop(b, 'SIGTERM');
    expect(b.proc.exitCode).toBe(0);
    const c = await serve(data);
    running.push(c);
    const third = await json<LiveCaptureInfo[]>(`${c.url}/api/captures`);
    expect(third.map((x) => [x.id, x.status])).toEqual([
      [c.liveId, 'live'],
      [b.liveId, 'ready'],
      [a.liveId, 'ready'],
    ]);
    expect(third[1].warnings ?? []).toEqual([]);
    const kept = await page(c, b.liveId);
    expect(kept.calls.map((x) => x.callIds)).toEqual(fresh.calls.map((x) => x.callIds));
    await stop(c, 'SIGTERM');
    expect(c.proc.exitCode).toBe(0);
  }, 240_000);
});
