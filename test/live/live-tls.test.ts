/**
 * SIP over TLS in a live capture whose key log is written after the
 * handshake passed (src/tls/key-wait.ts, src/live/live-tls.ts): the frames
 * of the TLS fixtures (test/fixtures/make-tls-captures.mjs) are fed to the
 * live pipeline with the key log file still empty, its lines appended
 * part-way, and the messages must come out as `analyze` gives them with the
 * whole key log: same frames, same timestamps, in order. A key never logged
 * ends as `withoutKey` within the bounds (capture time, bytes).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/read-file.js';
import type { Payload } from '../../src/decode/payload.js';
import { liveMessageRecord } from '../../src/live/live-message.js';
import { createLivePipeline, type LiveMessage } from '../../src/live/live-pipeline.js';
import type { LiveTlsOptions } from '../../src/live/live-tls.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { writeTlsBesideHttps } from '../fixtures/tls-beside-https.js';

const DIR = join(import.meta.dirname, '../fixtures/tls');
const tmp = mkdtempSync(join(tmpdir(), 'sipscope-live-tls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const keylogText = (name: string): string => readFileSync(join(DIR, `${name}.keylog`), 'latin1');

async function framesOf(name: string, file = join(DIR, `${name}.pcap`)): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of openCapture(file)) out.push(f);
  return out;
}

/** A wall clock in seconds (the pipeline's) and one in ms (the key log's), moved by hand. */
function clocks() {
  const c = { ms: 0, keyLog: () => c.ms, pipeline: () => 1_800_000_000 + c.ms / 1000 };
  return c;
}

let files = 0;
/** A live pipeline following a key log file (empty, or `initial`); `append` adds to the file. */
function livePipeline(tls: Omit<LiveTlsOptions, 'keyLogFile'> = {}, initial = '') {
  const file = join(tmp, `keys-${++files}.log`);
  writeFileSync(file, initial);
  const clock = clocks();
  const live = createLivePipeline({
    clock: clock.pipeline,
    tls: { ...tls, keyLogFile: file, keyLog: { clock: clock.keyLog } },
  });
  const msgs: LiveMessage[] = [];
  live.on('message', (m) => msgs.push(m));
  return {
    live,
    msgs,
    append: (text: string) => appendFileSync(file, text),
    /** The wall clock moves past the key log's look interval, and the pipeline ticks. */
    later: () => {
      clock.ms += 250;
      live.tick();
    },
    records: () => msgs.map((m) => liveMessageRecord(m)),
  };
}

/** What analyze gives with the whole key log: frame, time, start, transport of each message. */
async function wanted(name: string, file = join(DIR, `${name}.pcap`)) {
  const r = await analyzeCapture(file, { tlsKeyLog: keylogText(name) });
  return Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i)).map((m) => ({
    frame: m.frame,
    ts: m.ts,
    start: m.method ?? m.status,
    transport: m.transport,
  }));
}

const brief = (r: ReturnType<typeof liveMessageRecord>) => ({
  frame: r.frame,
  ts: r.ts,
  start: r.method ?? r.status,
  transport: r.transport,
});

describe('live SIP over TLS with the key logged after the handshake (RFC 8446 §7.1 secrets by client random)', () => {
  for (const name of ['tls13-aes128gcm', 'tls12-aes128gcm', 'tls12-cbc', 'tls13-chacha']) {
    it(`${name}: records held until the key log has the secrets, then decrypted with their own frames and times`, async () => {
      const want = await wanted(name);
      expect(want).toHaveLength(7);
      const frames = await framesOf(name);
      const t = livePipeline();
      // The handshake and the REGISTER's records (frames 1..10 hold the ClientHello to the first application data).
      for (const f of frames.slice(0, 10)) t.live.pushFrame(f);
      t.later();
      expect(t.msgs).toHaveLength(0);
      expect(t.live.stats().tls?.keyWait).toMatchObject({ waited: 1, heldConnections: 1, keyCame: 0 });
      // The key log's lines come in two writes, the first ending mid-line: nothing decrypted from half a line.
      const text = keylogText(name);
      const cut = text.indexOf('\n', text.length / 2) - 10;
      t.append(text.slice(0, cut));
      t.later();
      expect(t.msgs).toHaveLength(0);
      t.append(text.slice(cut));
      t.later();
      // The REGISTER, and its 200 OK when its frame was among the first ten.
      const first = want.filter((m) => m.frame <= 10);
      expect(first.length).toBeGreaterThan(0);
      expect(t.records().map(brief)).toEqual(first);
      expect(t.live.stats().tls?.keyWait).toMatchObject({
        waited: 1,
        keyCame: 1,
        heldConnections: 0,
        heldBytes: 0,
      });
      for (const f of frames.slice(10)) t.live.pushFrame(f);
      t.live.end();
      expect(t.records().map(brief)).toEqual(want);
      expect(t.live.stats().tls).toMatchObject({
        connections: 1,
        decrypted: 1,
        withoutKey: 0,
        failedRecords: 0,
        keyWait: { waited: 1, keyCame: 1, expired: 0, overflow: 0 },
      });
    });
  }

  it('a key already in the key log: nothing waits, the messages come as the frames do', async () => {
    const name = 'tls13-aes256gcm';
    const want = await wanted(name);
    const t = livePipeline({}, keylogText(name));
    const frames = await framesOf(name);
    for (const f of frames.slice(0, 10)) t.live.pushFrame(f);
    // No tick: the key log was read at start.
    expect(t.records().map(brief)).toEqual(want.filter((m) => m.frame <= 10));
    for (const f of frames.slice(10)) t.live.pushFrame(f);
    t.live.end();
    expect(t.records().map(brief)).toEqual(want);
    expect(t.live.stats().tls).toMatchObject({ decrypted: 1, keyWait: { waited: 0, keyCame: 0 } });
  });

  it('a key never logged: let go after 10 s of capture time and counted without a key, nothing held', async () => {
    const frames = await framesOf('tls13-aes128gcm');
    const t = livePipeline();
    for (const f of frames) t.live.pushFrame(f);
    expect(t.live.stats().tls?.keyWait).toMatchObject({ waited: 1, heldConnections: 1 });
    expect(t.live.stats().tls?.keyWait?.heldBytes).toBeGreaterThan(2000);
    // Other traffic 9 s later: still waiting (the bound is 10 s); 11 s later: given up.
    const t0 = frames[0].sec + frames[0].nsec / 1e9;
    const other = (dt: number): Payload => {
      const ep = { ip: '192.0.2.1', port: 9 };
      return {
        transport: 'udp',
        src: ep,
        dst: ep,
        bytes: Uint8Array.of(0),
        frame: 0,
        frames: [],
        ts: t0 + dt,
      };
    };
    t.live.pushPayload(other(9));
    expect(t.live.stats().tls?.keyWait?.heldConnections).toBe(1);
    t.live.pushPayload(other(11));
    expect(t.live.stats().tls).toMatchObject({
      connections: 1,
      decrypted: 0,
      withoutKey: 1,
      sipPortNotDecrypted: 0,
      keyWait: { waited: 1, keyCame: 0, expired: 1, heldConnections: 0, heldBytes: 0 },
    });
    // The key logged after the connection was given up opens nothing more.
    t.append(keylogText('tls13-aes128gcm'));
    t.later();
    t.live.end();
    expect(t.msgs).toHaveLength(0);
  });

  it('a connection over its byte bound is let go without its key, the bound never exceeded', async () => {
    const frames = await framesOf('tls12-aes128gcm');
    const t = livePipeline({ wait: { maxConnectionBytes: 1500 } });
    let most = 0;
    for (const f of frames) {
      t.live.pushFrame(f);
      most = Math.max(most, t.live.stats().tls?.keyWait?.heldBytes ?? 0);
    }
    expect(most).toBeLessThanOrEqual(1500);
    t.append(keylogText('tls12-aes128gcm'));
    t.later();
    t.live.end();
    expect(t.msgs).toHaveLength(0);
    expect(t.live.stats().tls).toMatchObject({
      withoutKey: 1,
      keyWait: { waited: 1, overflow: 1, expired: 0, heldBytes: 0 },
    });
  });

  it('over the total bound the connection waiting longest is let go first; the other still decrypts when its key comes', async () => {
    const a = await framesOf('tls13-aes128gcm');
    const b = await framesOf('tls13-aes256gcm');
    const t = livePipeline({ wait: { maxTotalBytes: 4000 } });
    // Connection a's handshake and REGISTER, then all of b (its own ports): together over 4000 bytes.
    for (const f of a.slice(0, 10)) t.live.pushFrame(f);
    const aHeld = t.live.stats().tls?.keyWait?.heldBytes ?? 0;
    expect(aHeld).toBeGreaterThan(1000);
    for (const f of b.slice(0, 10)) t.live.pushFrame({ ...f, no: f.no + 100 });
    const w = t.live.stats().tls?.keyWait;
    expect(w).toMatchObject({ waited: 2, overflow: 1, heldConnections: 1 });
    expect(w?.heldBytes).toBeLessThanOrEqual(4000);
    t.append(keylogText('tls13-aes128gcm') + keylogText('tls13-aes256gcm'));
    t.later();
    t.live.end();
    // a was let go without its key; b waited and decrypted.
    expect(new Set(t.records().map((r) => r.frame > 100))).toEqual(new Set([true]));
    expect(t.live.stats().tls).toMatchObject({ connections: 2, decrypted: 1, withoutKey: 1 });
  });

  it('the input ends with a connection still waiting: the key log is read once more, then it is let go', async () => {
    const name = 'tls12-chacha';
    const frames = await framesOf(name);
    const t = livePipeline();
    for (const f of frames) t.live.pushFrame(f);
    // Logged, but the key log is not looked at again before the end (its interval has not passed).
    t.append(keylogText(name));
    t.live.end();
    expect(t.records().map(brief)).toEqual(await wanted(name));
    expect(t.live.stats().tls).toMatchObject({
      decrypted: 1,
      keyWait: { waited: 1, keyCame: 1, expired: 0 },
    });
  });

  it('an HTTPS connection (port 443) beside SIP over TLS is let go at once; only the SIP connection waits for its key', async () => {
    const name = 'tls12-aes256gcm';
    const file = await writeTlsBesideHttps(tmp, name, 'tls13-aes128gcm');
    const want = await wanted(name, file);
    // tshark -o tls.keylog_file:… -d tls.port==15165,sip on the same file: SIP in these frames.
    expect(want.map((m) => m.frame)).toEqual([15, 18, 26, 29, 31, 31, 32]);
    const frames = await framesOf(name, file);
    const t = livePipeline();
    // Both handshakes (ClientHellos in frames 4 and 12), nothing of the REGISTER yet.
    for (const f of frames.slice(0, 14)) t.live.pushFrame(f);
    t.later();
    expect(t.live.stats().tls?.keyWait).toMatchObject({ waited: 1, notSip: 1, heldConnections: 1 });
    t.append(keylogText(name));
    t.later();
    for (const f of frames.slice(14)) t.live.pushFrame(f);
    t.live.end();
    expect(t.records().map(brief)).toEqual(want);
    expect(t.live.stats().tls).toMatchObject({
      connections: 2,
      decrypted: 1,
      withoutKey: 1,
      keyWait: { waited: 1, keyCame: 1, notSip: 1, expired: 0, overflow: 0 },
    });
  });
});
