/**
 * RTP streams over HTTP: a capture with RTP uploaded to the server (the
 * in-memory store: analysed in the worker and written as batches; SQLite:
 * analysed straight into the database, analyze-to-store.ts) gives each call
 * its streams in `GET /api/captures/:id/calls/:callId`, the same as the
 * CLI's analysis of the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CallDetail } from '../../src/store/store.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import { getJson, sqliteTestServer, type TestServer, testServer, uploadReady } from './helpers.js';

const RTP = join(SAMPLES_DIR, 'call-with-rtp.pcap');

let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

describe('RTP streams in the call detail', () => {
  it.each(['memory', 'sqlite'])(
    'gives each call the streams its SDP set up, as the CLI finds them (%s store)',
    async (kind) => {
      server = kind === 'sqlite' ? await sqliteTestServer() : await testServer();
      const want = await analyzeCapture(RTP);
      expect(want.calls.length).toBe(2);
      const id = (await uploadReady(server, RTP)).id;
      const got = [];
      for (const c of want.calls) {
        const { status, body } = await getJson<CallDetail>(`${server.url}/api/captures/${id}/calls/${c.id}`);
        expect(status).toBe(200);
        expect(body.streams).toEqual(want.streams.filter((st) => st.call === c.id));
        got.push(body.streams);
      }
      // Two-way audio on the first call (one stream lost packets), the caller's only on the second.
      expect(got.map((l) => l.map((st) => st.src))).toEqual([
        ['10.0.0.2:3456', '10.0.0.1:49170'],
        ['10.0.0.1:49170'],
      ]);
      expect(got[0].map((st) => st.lost)).toEqual([0, 3]);
      for (const st of got.flat()) {
        expect(st.codecs).toEqual(['PCMU/8000']);
        expect(st.media).toBe('audio');
        expect(st.packets).toBeGreaterThan(400);
      }
      // Save pcap of the one-way call: its 7 SIP frames and its stream's 499 RTP frames.
      const res = await fetch(`${server.url}/api/captures/${id}/calls/pcap?q=rtp-one-way`);
      expect(res.status).toBe(200);
      expect([
        res.headers.get('X-Calls'),
        res.headers.get('X-Frames'),
        res.headers.get('X-Rtp-Streams'),
      ]).toEqual(['1', '7', '1']);
      const tmp = mkdtempSync(join(tmpdir(), 'sipscope-streams-pcap-'));
      const file = join(tmp, 'one-way.pcapng');
      writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
      const again = await analyzeCapture(file);
      rmSync(tmp, { recursive: true, force: true });
      expect([again.stats.frames, again.streams.map((st) => [st.ssrc, st.packets])]).toEqual([
        506,
        [['0x22334455', 499]],
      ]);
    },
    60_000,
  );
});
