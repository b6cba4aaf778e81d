/**
 * DTMF in the call detail over HTTP (server/API.md "Calls"): `call.dtmf`,
 * the digits of the call's RFC 4733 streams and of its INFO requests (read
 * again from their stored bytes), as `analyze --json` gives them, with the
 * in-memory store and SQLite; absent for a call without digits.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CallDtmf } from '../../src/report/call-dtmf.js';
import type { CallDetail } from '../../src/store/store.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import { getJson, sqliteTestServer, type TestServer, testServer, uploadReady } from './helpers.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

type Detail = CallDetail & { call: { dtmf?: CallDtmf[] } };

describe('DTMF in the call detail', () => {
  it.each(['memory', 'sqlite'])(
    'gives the call its digits of RFC 4733 and SIP INFO as analyze --json does (%s store)',
    async (kind) => {
      server = kind === 'sqlite' ? await sqliteTestServer() : await testServer();
      const file = join(SAMPLES_DIR, 'dtmf-call.pcap');
      const want = await analyzeCapture(file);
      const id = (await uploadReady(server, file)).id;
      const { status, body } = await getJson<Detail>(`${server.url}/api/captures/${id}/calls/0`);
      expect(status).toBe(200);
      expect(body.call.dtmf).toEqual(want.dtmf.get(0));
      expect(body.call.dtmf?.map((d) => d.digit).join('')).toBe('1234#95*');
      expect(body.streams.map((s) => s.dtmf?.length)).toEqual([5, 1]);
    },
    60_000,
  );

  it('gives an INFO digit of a call without RTP, and leaves dtmf out of a call that carried none', async () => {
    server = await testServer();
    const hold = (await uploadReady(server, join(SAMPLES_DIR, 'reinvite-hold-info.pcap'))).id;
    const info = (await getJson<Detail>(`${server.url}/api/captures/${hold}/calls/0`)).body;
    const m = info.messages.find((x) => x.method === 'INFO')!;
    expect(info.call.dtmf).toEqual([
      {
        digit: '5',
        ts: m.ts,
        frame: m.frame,
        durationMs: 160,
        method: 'info',
        src: m.src,
        message: m.id,
        ended: true,
      },
    ]);
    const basic = (await uploadReady(server, join(SAMPLES_DIR, 'basic-call.pcap'))).id;
    const { body } = await getJson<Detail>(`${server.url}/api/captures/${basic}/calls/0`);
    expect(body.call).not.toHaveProperty('dtmf');
  }, 60_000);
});
