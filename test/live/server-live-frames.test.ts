/**
 * `serve --live IFACE --live-pcap DIR`: a live call's frames read back from
 * the ring of pcapng files (server/live-pcap.ts `frames`), numbered as the
 * live capture numbered them, so that the call's pcap, its RTP as audio and
 * its streams packet by packet answer as for an uploaded file; without the
 * ring they answer 410 and say why.
 *
 * Real traffic on loopback, captured by dumpcap or tcpdump (needs root):
 *
 *   alice 127.0.0.1:sipA (RTP rtpA)          bob 127.0.0.1:sipB (RTP rtpB)
 *     |--INVITE (SDP: 127.0.0.1 rtpA)---------->|
 *     |<-------------200 OK (SDP: 127.0.0.1 rtpB)|
 *     |--ACK------------------------------------>|
 *     |==RTP PCMU 440 Hz, 50 packets============>|
 *     |<=RTP PCMU 880 Hz, 50 packets=============|
 *     |--BYE------------------------------------>|
 *     |<-------------------------------------200 OK|
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../server/start.js';
import type { Frame } from '../../src/capture/frame.js';
import { readCaptureStream } from '../../src/capture/read-file.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { CallDetail, CallPage } from '../../src/store/store.js';
import type { LiveCaptureInfo } from '../../src/store/window-store.js';
import { basicCall } from '../fixtures/flows/index.js';
import { toneBytes } from '../fixtures/g711-encode.js';
import { rtpPacket } from '../fixtures/rtp-frames.js';
import { getJson, settled, type TestServer, testServer, uploadRaw } from '../server/helpers.js';
import { sendHep, until } from './hep-send.js';
import { freePort, liveSkipReason } from './sipp.js';

const skip = liveSkipReason(false);
let server: TestServer | null = null;
let ringDir = '';
afterEach(async () => {
  await server?.dispose();
  server = null;
  if (ringDir) rmSync(ringDir, { recursive: true, force: true });
  ringDir = '';
});

const PACKETS = 50;

async function ports(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freePort();
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

function bound(port: number): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve) => s.bind(port, '127.0.0.1', () => resolve(s)));
}

const send = (s: Socket, port: number, bytes: Uint8Array | string) =>
  new Promise<void>((resolve) => s.send(bytes, port, '127.0.0.1', () => resolve()));

function sdp(rtpPort: number): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

function sip(
  start: string,
  p: { sipA: number; sipB: number },
  cseq: string,
  toTag: boolean,
  body = '',
): string {
  const headers = [
    start,
    `Via: SIP/2.0/UDP 127.0.0.1:${p.sipA};branch=z9hG4bK-live-${cseq.replace(' ', '-')}`,
    'Max-Forwards: 70',
    `From: <sip:alice@127.0.0.1>;tag=alice1`,
    `To: <sip:bob@127.0.0.1>${toTag ? ';tag=bob1' : ''}`,
    'Call-ID: live-frames@127.0.0.1',
    `CSeq: ${cseq}`,
    `Contact: <sip:alice@127.0.0.1:${p.sipA}>`,
  ];
  if (body) headers.push('Content-Type: application/sdp');
  headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/** The call above, sent for real on loopback; resolves with the SIP start lines in order. */
async function placeCall(p: { sipA: number; sipB: number; rtpA: number; rtpB: number }): Promise<string[]> {
  const [a, b, ra, rb] = await Promise.all([bound(p.sipA), bound(p.sipB), bound(p.rtpA), bound(p.rtpB)]);
  const uri = `sip:bob@127.0.0.1:${p.sipB}`;
  const msgs: Array<[Socket, number, string]> = [
    [a, p.sipB, sip(`INVITE ${uri} SIP/2.0`, p, '1 INVITE', false, sdp(p.rtpA))],
    [b, p.sipA, sip('SIP/2.0 200 OK', p, '1 INVITE', true, sdp(p.rtpB))],
    [a, p.sipB, sip(`ACK ${uri} SIP/2.0`, p, '1 ACK', true)],
  ];
  for (const [s, port, text] of msgs) await send(s, port, text);
  const toA = toneBytes('ulaw', 880, 8000, 0, PACKETS * 160);
  const toB = toneBytes('ulaw', 440, 8000, 0, PACKETS * 160);
  for (let i = 0; i < PACKETS; i++) {
    await send(
      ra,
      p.rtpB,
      rtpPacket(0, 100 + i, 1000 + 160 * i, 0x1111, toB.subarray(160 * i, 160 * (i + 1))),
    );
    await send(
      rb,
      p.rtpA,
      rtpPacket(0, 500 + i, 9000 + 160 * i, 0x2222, toA.subarray(160 * i, 160 * (i + 1))),
    );
    // Paced a little, so that neither the kernel nor the capture tool drops any.
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 2));
  }
  await send(a, p.sipB, sip(`BYE ${uri} SIP/2.0`, p, '2 BYE', true));
  await send(b, p.sipA, sip('SIP/2.0 200 OK', p, '2 BYE', true));
  for (const s of [a, b, ra, rb]) s.close();
  return [
    ...msgs.map(([, , t]) => t),
    sip(`BYE ${uri} SIP/2.0`, p, '2 BYE', true),
    sip('SIP/2.0 200 OK', p, '2 BYE', true),
  ].map((t) => t.slice(0, t.indexOf('\r\n')));
}

/** The capture's call list once it holds one call, completed (the API polled until then). */
function oneCompletedCall(url: string, id: string): Promise<CallPage> {
  return until(
    async () => (await getJson<CallPage>(`${url}/api/captures/${id}/calls`)).body,
    (p) => p.calls.length === 1 && p.calls[0].state === 'completed',
  );
}

async function framesOf(res: Response): Promise<Frame[]> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const out: Frame[] = [];
  for await (const f of readCaptureStream(
    (async function* () {
      yield bytes;
    })(),
    'download',
  ))
    out.push({ ...f, data: f.data.slice() });
  return out;
}

/** The first line of each SIP message a list of frames carries, in order. */
function startLines(frames: Frame[]): string[] {
  const d = createDecoder();
  const out: string[] = [];
  for (const f of frames)
    for (const p of d.push(f)) {
      const t = Buffer.from(p.bytes).toString('latin1');
      if (t.includes(' SIP/2.0') || t.startsWith('SIP/2.0')) out.push(t.slice(0, t.indexOf('\r\n')));
    }
  return out;
}

describe.skipIf(skip !== null)(
  `serve --live lo --live-pcap: frames read back${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('gives a live call its pcap, its audio and its packets from the ring, as an upload of the same frames', async () => {
      const [sipA, sipB, rtpA, rtpB] = await ports(4);
      ringDir = mkdtempSync(join(tmpdir(), 'sipscope-live-ring-'));
      server = await testServer({
        live: {
          interfaces: ['lo'],
          filter: `udp and (port ${sipA} or port ${sipB} or port ${rtpA} or port ${rtpB})`,
          pcap: { dir: ringDir },
          updateMs: 50,
        },
      });
      const s = server;
      const monitor = s.server.live!;
      const id = monitor.captureId;
      const info = (await getJson<LiveCaptureInfo>(`${s.url}/api/captures/${id}`)).body;
      expect(info.live.framesKept).toBe(true);
      const lines = await placeCall({ sipA, sipB, rtpA, rtpB });
      const page = await oneCompletedCall(s.url, id);
      const callId = page.calls[0].id;
      // While live: the call's pcap holds its five SIP frames, read back from the ring.
      const live = await fetch(`${s.url}/api/captures/${id}/calls/${callId}/pcap`);
      expect(live.status).toBe(200);
      expect(startLines(await framesOf(live))).toEqual(lines);
      // Stopped (the streams are handed out when the input ends): the RTP too.
      await monitor.stop();
      const detail = (await getJson<CallDetail>(`${s.url}/api/captures/${id}/calls/${callId}`)).body;
      expect(detail.streams.map((x) => [x.ssrc, x.packets, x.lost])).toEqual([
        ['0x00001111', PACKETS, 0],
        ['0x00002222', PACKETS, 0],
      ]);
      const wav = await fetch(`${s.url}/api/captures/${id}/calls/${callId}/audio.wav`);
      expect(wav.status).toBe(200);
      const audio = new Uint8Array(await wav.arrayBuffer());
      const packets = await getJson<{ total: number }>(
        `${s.url}/api/captures/${id}/calls/${callId}/streams/${detail.streams[0].id}/packets`,
      );
      expect(packets.body.total).toBe(PACKETS);
      const all = await fetch(`${s.url}/api/captures/${id}/calls/pcap`);
      expect(all.status).toBe(200);
      expect(all.headers.get('x-rtp-streams')).toBe('2');
      expect((await framesOf(all)).length).toBe(lines.length + 2 * PACKETS);

      // The ring's file uploaded as a capture of its own: the same call, the same sound.
      const files = readdirSync(ringDir).filter((f) => f.endsWith('.pcapng'));
      expect(files).toHaveLength(1);
      const up = await uploadRaw(s, join(ringDir, files[0]));
      expect((await settled(s, up)).status).toBe('ready');
      const upCalls = (await getJson<CallPage>(`${s.url}/api/captures/${up}/calls`)).body;
      expect(upCalls.calls).toHaveLength(1);
      const upWav = await fetch(`${s.url}/api/captures/${up}/calls/${upCalls.calls[0].id}/audio.wav`);
      expect(upWav.status).toBe(200);
      expect(audio.length).toBeGreaterThan(44 + 2 * 2 * PACKETS * 160 * 0.9);
      expect(Buffer.from(audio).equals(Buffer.from(new Uint8Array(await upWav.arrayBuffer())))).toBe(true);
    });

    it('after a restart on the same data and ring directories, an earlier live call still has its pcap and audio', async () => {
      const [sipA, sipB, rtpA, rtpB] = await ports(4);
      ringDir = mkdtempSync(join(tmpdir(), 'sipscope-live-ring-'));
      const dataDir = mkdtempSync(join(tmpdir(), 'sipscope-live-data-'));
      const live = {
        interfaces: ['lo'],
        filter: `udp and (port ${sipA} or port ${sipB} or port ${rtpA} or port ${rtpB})`,
        pcap: { dir: ringDir },
        updateMs: 50,
      };
      const start = async () => {
        const store = openSqliteStore({ file: join(dataDir, 'sipscope.db') });
        const s = await startServer({ port: 0, dataDir, store, webRoot: join(dataDir, 'no-web'), live });
        return { s, store };
      };
      try {
        const first = await start();
        const id = first.s.server.live!.captureId;
        await placeCall({ sipA, sipB, rtpA, rtpB });
        const page = await oneCompletedCall(first.s.url, id);
        const callId = page.calls[0].id;
        // Closing the server stops the capture: the ring's files closed with their frame lists.
        await first.s.close();
        await first.store.close();
        const second = await start();
        try {
          const u = second.s.url;
          expect((await getJson<{ status: string }>(`${u}/api/captures/${id}`)).body.status).toBe('ready');
          const pcap = await fetch(`${u}/api/captures/${id}/calls/${callId}/pcap`);
          expect(pcap.status).toBe(200);
          expect(startLines(await framesOf(pcap))).toHaveLength(5);
          const detail = (await getJson<CallDetail>(`${u}/api/captures/${id}/calls/${callId}`)).body;
          expect(detail.streams.map((x) => x.packets)).toEqual([PACKETS, PACKETS]);
          const wav = await fetch(`${u}/api/captures/${id}/calls/${callId}/audio.wav`);
          expect(wav.status).toBe(200);
          expect((await wav.arrayBuffer()).byteLength).toBeGreaterThan(44 + 2 * 2 * PACKETS * 160 * 0.9);
        } finally {
          await second.s.close();
          await second.store.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('answers 410 for a call whose frames the ring does not hold (its messages came over HEP), and lets the ring go when the capture is deleted', async () => {
      const [sipA, sipB, rtpA, rtpB] = await ports(4);
      ringDir = mkdtempSync(join(tmpdir(), 'sipscope-live-ring-'));
      // The interface watches other ports: this call reaches the server over HEP only.
      server = await testServer({
        live: {
          interfaces: ['lo'],
          filter: `udp and port ${rtpA}`,
          hep: { port: 0, host: '127.0.0.1' },
          pcap: { dir: ringDir },
          updateMs: 50,
        },
      });
      const s = server;
      const monitor = s.server.live!;
      const id = monitor.captureId;
      await sendHep(
        monitor.hepAddresses()!.tcp!,
        basicCall({ n: 1 }).map((m) => m),
      );
      const page = await oneCompletedCall(s.url, id);
      const r = await getJson<{ error: string }>(
        `${s.url}/api/captures/${id}/calls/${page.calls[0].id}/pcap`,
      );
      expect(r.status).toBe(410);
      expect(r.body.error).toMatch(
        /^none of the 7 frames of call 0 in capture \S+ is in the --live-pcap ring: its messages came over HEP/,
      );
      void sipA;
      void sipB;
      void rtpB;
      await monitor.stop();
      const record = await s.server.service.store.getCapture(id);
      expect(s.server.service.frameSource(record!)).not.toBeNull();
      expect((await fetch(`${s.url}/api/captures/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect(s.server.service.frameSource(record!)).toBeNull();
    });

    it('answers 410 for a live call without --live-pcap, and says how to keep the frames', async () => {
      const [sipA, sipB, rtpA, rtpB] = await ports(4);
      server = await testServer({
        live: { interfaces: ['lo'], filter: `udp and (port ${sipA} or port ${sipB})`, updateMs: 50 },
      });
      const s = server;
      const id = s.server.live!.captureId;
      expect((await getJson<LiveCaptureInfo>(`${s.url}/api/captures/${id}`)).body.live.framesKept).toBe(
        false,
      );
      await placeCall({ sipA, sipB, rtpA, rtpB });
      const page = await oneCompletedCall(s.url, id);
      const r = await getJson<{ error: string }>(
        `${s.url}/api/captures/${id}/calls/${page.calls[0].id}/pcap`,
      );
      expect(r.status).toBe(410);
      expect(r.body.error).toContain('--live-pcap DIR');
    });
  },
);
