/**
 * A call's RTP read back from the capture over HTTP (server/routes/streams.ts):
 * packet by packet (`…/streams/:streamId/packets`, Wireshark's RTP Stream
 * Analysis), and as sound, on both stores:
 * `…/calls/:callId/audio.wav` is the same WAVE as the CLI's `sipscope audio
 * --call` (the caller's side left), `…/streams/:streamId/audio.wav` one
 * stream; a call without RTP is 415, an unknown call or a stream of another
 * call 404, a capture whose file is gone 410.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import type { AnalysedPacket } from '../../src/media/stream-analysis.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { opusCallFrames } from '../fixtures/opus-call.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import { getJson, sqliteTestServer, type TestServer, testServer, uploadReady } from './helpers.js';

const RTP = join(SAMPLES_DIR, 'call-with-rtp.pcap');
const BASIC = join(SAMPLES_DIR, 'basic-call.pcap');
const SRTP = join(SAMPLES_DIR, 'srtp-call.pcap');
const DTLS = join(SAMPLES_DIR, 'dtls-srtp-call.pcap');
const DTLS_KEYS = join(SAMPLES_DIR, 'dtls-srtp-call.keys');

let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

describe('RTP audio over HTTP', () => {
  it.each(['memory', 'sqlite'])(
    'gives the call in stereo and each stream in mono, the bytes the CLI writes (%s store)',
    async (kind) => {
      server = kind === 'sqlite' ? await sqliteTestServer() : await testServer();
      const id = (await uploadReady(server, RTP)).id;
      const base = `${server.url}/api/captures/${id}/calls`;
      const a = await analyzeCapture(RTP);

      const call = await fetch(`${base}/0/audio.wav`);
      expect(call.status).toBe(200);
      expect(call.headers.get('content-type')).toBe('audio/wav');
      expect([call.headers.get('X-Audio-Left'), call.headers.get('X-Audio-Right')]).toEqual(['1', '0']);
      expect(call.headers.get('X-Audio-Seconds')).toBe('9.990');
      const want = await callWav(
        RTP,
        a.streams.filter((s) => s.call === 0),
        '10.0.0.1',
      );
      expect(Buffer.from(await call.arrayBuffer()).equals(Buffer.from(want.wav))).toBe(true);

      const one = await fetch(`${base}/1/streams/2/audio.wav`);
      expect(one.status).toBe(200);
      const mono = await streamWav(RTP, a.streams[2]);
      expect(Buffer.from(await one.arrayBuffer()).equals(Buffer.from(mono.wav))).toBe(true);

      // Asked three times at once: made one after the other, each whole and the same.
      const together = await Promise.all(
        [0, 1, 2].map(async () => Buffer.from(await (await fetch(`${base}/0/audio.wav`)).arrayBuffer())),
      );
      for (const b of together) expect(b.equals(Buffer.from(want.wav))).toBe(true);

      const other = await getJson<{ error: string }>(`${base}/1/streams/0/audio.wav`);
      expect([other.status, other.body.error]).toEqual([404, 'no stream 0 in call 1']);
      expect((await getJson(`${base}/9/audio.wav`)).status).toBe(404);
      expect((await getJson(`${base}/x/audio.wav`)).status).toBe(404);

      // The upload's file gone (deleted behind the server's back): the audio cannot be made again.
      for (const f of readdirSync(join(server.dataDir, 'captures')))
        rmSync(join(server.dataDir, 'captures', f));
      const gone = await getJson<{ error: string }>(`${base}/0/audio.wav`);
      expect(gone.status).toBe(410);
      expect(gone.body.error).toMatch(/cannot be read any more/);
    },
    60_000,
  );

  it('plays an Opus stream (RFC 7587) at 48,000 Hz, its corrupt packets silence counted in X-Audio-Undecodable', async () => {
    server = await testServer();
    const file = join(mkdtempSync(join(tmpdir(), 'sipscope-opus-')), 'opus-corrupt.pcap');
    writeFileSync(file, writePcap(opusCallFrames(new Set([3, 4, 5])), { linkType: LinkType.ETHERNET }));
    const id = (await uploadReady(server, file)).id;
    const base = `${server.url}/api/captures/${id}/calls/0`;
    const a = await analyzeCapture(file);

    const one = await fetch(`${base}/streams/0/audio.wav`);
    expect(one.status).toBe(200);
    expect([one.headers.get('X-Audio-Seconds'), one.headers.get('X-Audio-Undecodable')]).toEqual([
      '9.980',
      '3',
    ]);
    const wav = Buffer.from(await one.arrayBuffer());
    expect([wav.readUInt16LE(22), wav.readUInt32LE(24)]).toEqual([1, 48_000]);
    expect(wav.equals(Buffer.from((await streamWav(file, a.streams[0])).wav))).toBe(true);

    // The callee's stream is whole: no header.
    const back = await fetch(`${base}/streams/1/audio.wav`);
    expect([back.status, back.headers.get('X-Audio-Undecodable')]).toEqual([200, null]);
    const call = await fetch(`${base}/audio.wav`);
    expect([call.headers.get('X-Audio-Left'), call.headers.get('X-Audio-Right')]).toEqual(['0', '1']);
    expect(call.headers.get('X-Audio-Undecodable')).toBe('3');
    expect(Buffer.from(await call.arrayBuffer()).readUInt32LE(24)).toBe(48_000);
  }, 60_000);

  it('plays a red stream (RFC 2198) as its PCMU blocks, the packet lost recovered counted in X-Audio-Recovered', async () => {
    server = await testServer();
    const file = join(SAMPLES_DIR, 'dtmf-red-call.pcap');
    const id = (await uploadReady(server, file)).id;
    const base = `${server.url}/api/captures/${id}/calls/0`;
    const one = await fetch(`${base}/streams/1/audio.wav`);
    expect([one.status, one.headers.get('X-Audio-Seconds'), one.headers.get('X-Audio-Recovered')]).toEqual([
      200,
      '3.000',
      '1',
    ]);
    const a = await analyzeCapture(file);
    const wav = Buffer.from(await one.arrayBuffer());
    expect(wav.equals(Buffer.from((await streamWav(file, a.streams[1])).wav))).toBe(true);
    const call = await fetch(`${base}/audio.wav`);
    expect([call.headers.get('X-Audio-Left'), call.headers.get('X-Audio-Right')]).toEqual(['0', '1']);
    expect(call.headers.get('X-Audio-Recovered')).toBe('1');
  }, 60_000);

  it('answers 415 for a call without RTP, saying why', async () => {
    server = await testServer();
    const id = (await uploadReady(server, BASIC)).id;
    const r = await getJson<{ error: string }>(`${server.url}/api/captures/${id}/calls/0/audio.wav`);
    expect(r.status).toBe(415);
    expect(r.body.error).toBe('the call has no RTP streams');
  }, 60_000);
});

describe('RTP stream analysis over HTTP', () => {
  it('lists every packet of a stream with its figures, a page at a time', async () => {
    server = await sqliteTestServer();
    const id = (await uploadReady(server, RTP)).id;
    const url = `${server.url}/api/captures/${id}/calls/0/streams/1/packets`;
    type Page = {
      stream: number;
      clockRate: number;
      total: number;
      offset: number;
      packets: AnalysedPacket[];
      summary: {
        lost: number;
        maxJitterMs: number;
        ssrc: string;
        maxSkewMs: number;
        clockDriftMs: number;
        freqDriftHz: number;
        freqDriftPercent: number;
      };
    };
    const all = await getJson<Page>(url);
    expect(all.status).toBe(200);
    expect([all.body.stream, all.body.clockRate, all.body.total, all.body.packets.length]).toEqual([
      1, 8000, 496, 496,
    ]);
    expect([all.body.summary.lost, all.body.summary.maxJitterMs]).toEqual([3, 3.453]);
    // Wireshark's Max Skew (the packet 30 ms late), Clock Drift and Freq Drift: a sender clock at 8000 Hz,
    // the two late packets leaning the line by 1 ppm.
    const { maxSkewMs, clockDriftMs, freqDriftHz, freqDriftPercent } = all.body.summary;
    expect([maxSkewMs, clockDriftMs, freqDriftHz, freqDriftPercent]).toEqual([
      -30, -0.105, 7999.915, -0.0011,
    ]);
    // RFC 3550 §5.1: the summary names the stream's SSRC, as the call's stream list does.
    const call = await getJson<{ streams: Array<{ id: number; ssrc: string }> }>(
      `${server.url}/api/captures/${id}/calls/0`,
    );
    const ssrc = call.body.streams.find((s) => s.id === 1)!.ssrc;
    expect(ssrc).not.toBe('0x00000000');
    expect(all.body.summary.ssrc).toBe(ssrc);
    // The caller's packets 100–101 and 250 were never sent: the packets after them say so.
    expect(all.body.packets.filter((p) => p.status !== 'ok').map((p) => [p.sequence, p.lostBefore])).toEqual([
      [1102, 2],
      [1251, 1],
    ]);
    const page = await getJson<Page>(`${url}?offset=100&limit=2`);
    expect(page.body.packets).toEqual(all.body.packets.slice(100, 102));
    expect([page.body.total, page.body.offset]).toEqual([496, 100]);
    expect((await getJson(`${url}?limit=-1`)).status).toBe(400);
    expect((await getJson(`${server.url}/api/captures/${id}/calls/1/streams/1/packets`)).status).toBe(404);
  }, 60_000);

  it.each(['memory', 'sqlite'])(
    'plays an SDES-SRTP call decrypted, its keys read again from the stored SDP (%s store)',
    async (kind) => {
      server = kind === 'sqlite' ? await sqliteTestServer() : await testServer();
      const id = (await uploadReady(server, SRTP)).id;
      const detail = await getJson<{ streams: Array<{ srtp?: { suite: string; decrypted: boolean } }> }>(
        `${server.url}/api/captures/${id}/calls/0`,
      );
      expect(detail.body.streams.map((s) => [s.srtp?.suite, s.srtp?.decrypted])).toEqual([
        ['AES_CM_128_HMAC_SHA1_80', true],
        ['AES_CM_128_HMAC_SHA1_80', true],
      ]);
      const a = await analyzeCapture(SRTP);
      const keyed = a.streams.map((s) => ({ ...s, srtpKey: a.srtpKeys.get(s.id) }));
      const want = await callWav(SRTP, keyed, '10.0.0.1');
      const call = await fetch(`${server.url}/api/captures/${id}/calls/0/audio.wav`);
      expect(call.status).toBe(200);
      expect(Buffer.from(await call.arrayBuffer()).equals(Buffer.from(want.wav))).toBe(true);
      // Without the keys the same streams read back as ciphertext: another sound.
      expect(
        Buffer.from(want.wav).equals(Buffer.from((await callWav(SRTP, a.streams, '10.0.0.1')).wav)),
      ).toBe(false);
    },
    60_000,
  );

  it.each(['memory', 'sqlite'])(
    'plays a DTLS-SRTP call decrypted, its keys exported again from the key log of serve --tls-keylog (%s store)',
    async (kind) => {
      const opts = { tls: { keyLog: DTLS_KEYS } };
      server = kind === 'sqlite' ? await sqliteTestServer(opts) : await testServer(opts);
      const id = (await uploadReady(server, DTLS)).id;
      const detail = await getJson<{ streams: Array<{ srtp?: { keying: string; decrypted: boolean } }> }>(
        `${server.url}/api/captures/${id}/calls/0`,
      );
      expect(detail.body.streams.map((s) => [s.srtp?.keying, s.srtp?.decrypted])).toEqual([
        ['dtls', true],
        ['dtls', true],
      ]);
      const a = await analyzeCapture(DTLS, { tlsKeyLog: readFileSync(DTLS_KEYS, 'latin1') });
      const keyed = a.streams.map((s) => ({ ...s, srtpKey: a.srtpKeys.get(s.id) }));
      const want = await callWav(DTLS, keyed, '10.0.0.1');
      const call = await fetch(`${server.url}/api/captures/${id}/calls/0/audio.wav`);
      expect(call.status).toBe(200);
      expect(Buffer.from(await call.arrayBuffer()).equals(Buffer.from(want.wav))).toBe(true);
      expect(
        Buffer.from(want.wav).equals(Buffer.from((await callWav(DTLS, a.streams, '10.0.0.1')).wav)),
      ).toBe(false);
    },
    60_000,
  );
});
