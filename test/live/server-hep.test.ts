/**
 * HEP into the server: `sipscope serve --hep PORT` (startServer with
 * `live.hep`) and a real HEP sender, sngrep, replaying a bundled sample
 * (`sngrep -I FILE -H udp:127.0.0.1:PORT -N -q`). The live capture then
 * holds, through the API, the same calls and messages as the same file
 * uploaded to the same server and analysed: while it is live, and once it
 * is stopped and every call is written as ended. Skipped, with a message,
 * where sngrep is not installed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findTool } from '../../src/capture/live-capture.js';
import type { CallDetail, CallPage } from '../../src/store/store.js';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { getJson, type TestServer, testServer, uploadReady } from '../server/helpers.js';

const sngrep = findTool('sngrep');
if (sngrep === null) console.warn('HEP server test skipped: sngrep is not installed (Debian package sngrep)');

// sngrep 1.6 reads classic pcap only.
const SAMPLES = [
  'basic-call.pcap',
  'sipp-10-calls.pcap',
  'register-digest-auth.pcap',
  'tcp-call.pcap',
  'fragmented-invite.pcap',
];

let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

function replay(file: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const p = spawn(sngrep as string, ['-I', file, '-H', `udp:127.0.0.1:${port}`, '-N', '-q'], {
      stdio: 'ignore',
    });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sngrep exited with ${code}`))));
  });
}

/** Polls the capture until `done` says so (the last datagrams may still be on their way); fails after `ms`. */
async function until(s: TestServer, id: string, done: (c: LiveCaptureInfo) => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const { body } = await getJson<LiveCaptureInfo>(`${s.url}/api/captures/${id}`);
    if (done(body)) return body;
    if (Date.now() > end) throw new Error(`capture ${id} never got there: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every call of a capture with its messages, as the API gives them. */
async function everything(s: TestServer, id: string) {
  const page = (await getJson<CallPage>(`${s.url}/api/captures/${id}/calls?limit=1000`)).body;
  const details: CallDetail[] = [];
  for (const c of page.calls)
    details.push((await getJson<CallDetail>(`${s.url}/api/captures/${id}/calls/${c.id}`)).body);
  return { page, details };
}

type Row = CallDetail['messages'][number];
type Call = CallDetail['call'];
const ms = (t: number) => Math.round(t * 1000) / 1000;
const whole = (x: number | null) => (x === null ? null : Math.round(x));

/**
 * A message row as a HEP sender can reproduce it: a HEP packet is one frame
 * whatever the file had, and sngrep stamps a message reassembled from IP
 * fragments or TCP segments with the time of its first one (µs before the
 * last, which the file analysis uses): frame numbers go, times to the ms.
 */
const asSent = ({ frame: _f, frames: _fs, ...m }: Row) => ({ ...m, ts: ms(m.ts) });
/** A call row with its times to the ms (see asSent). */
const callAsSent = (c: Call) => ({
  ...c,
  start: c.start === null ? null : ms(c.start),
  end: c.end === null ? null : ms(c.end),
  setupMs: whole(c.setupMs),
  pddMs: whole(c.pddMs),
  durationMs: whole(c.durationMs),
});

describe.skipIf(sngrep === null)(
  'serve --hep: a sample replayed by sngrep -H equals the file analysed',
  () => {
    it.each(SAMPLES)(
      '%s',
      async (name) => {
        const file = fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));
        server = await testServer({ live: { hep: { port: 0, host: '127.0.0.1' } } });
        const s = server;
        const monitor = s.server.live!;
        const port = monitor.hepAddresses()?.udp;
        expect(port).toBeGreaterThan(0);
        const liveId = monitor.captureId;
        const file0 = await uploadReady(s, file);
        const want = await everything(s, file0.id);

        await replay(file, port as number);
        const info = await until(s, liveId, (c) => c.stats?.sipMessages === file0.stats!.sipMessages);
        expect(info.status).toBe('live');
        expect(info.live).toMatchObject({
          running: true,
          packets: file0.stats!.sipMessages,
          droppedPackets: 0,
        });
        expect(info.stats).toMatchObject({
          sipMessages: file0.stats!.sipMessages,
          requests: file0.stats!.requests,
          responses: file0.stats!.responses,
          transactions: file0.stats!.transactions,
          dialogs: file0.stats!.dialogs,
          calls: file0.stats!.calls,
        });

        // Live: the calls in progress as of now, each with every message.
        const deadline = Date.now() + 10_000;
        let live = await everything(s, liveId);
        while (live.page.total < want.page.total && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          live = await everything(s, liveId);
        }
        expect(live.page.calls.map((c) => [c.callIds, c.state, c.messages])).toEqual(
          want.page.calls.map((c) => [c.callIds, c.state, c.messages]),
        );
        // A message's dialog is the one known when it arrived (an INVITE has none yet); the file's is the final one.
        const asArrived = (m: Row) => ({ ...asSent(m), dialog: undefined });
        expect(live.details.map((d) => d.messages.map(asArrived))).toEqual(
          want.details.map((d) => d.messages.map(asArrived)),
        );

        // Stopped: every call written as ended, with its transactions, dialogs and findings.
        await monitor.stop();
        const after = await until(s, liveId, (c) => c.status === 'ready');
        expect(after.live.running).toBe(false);
        const ended = await everything(s, liveId);
        expect(ended.page.calls.map(callAsSent)).toEqual(want.page.calls.map(callAsSent));
        const sent = (d: CallDetail) => ({
          ...d,
          call: callAsSent(d.call),
          messages: d.messages.map(asSent),
          dialogs: d.dialogs.map((x) => ({
            ...x,
            start: x.start === null ? null : ms(x.start),
            end: x.end === null ? null : ms(x.end),
          })),
        });
        expect(ended.details.map(sent)).toEqual(want.details.map(sent));
        const findings = (await getJson(`${s.url}/api/captures/${liveId}/findings`)).body;
        expect(findings).toEqual((await getJson(`${s.url}/api/captures/${file0.id}/findings`)).body);
      },
      60_000,
    );
  },
);
