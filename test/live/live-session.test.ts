import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/correlate/model.js';
import type { LiveMessage } from '../../src/live/live-pipeline.js';
import { createLiveSession, type LiveSession, type LiveSessionStats } from '../../src/live/live-session.js';
import { hep3 } from '../capture/hep-build.js';
import { basicCall } from '../fixtures/flows/index.js';
import { freePort, liveSkipReason } from './sipp.js';

let session: LiveSession | null = null;
afterEach(async () => {
  await session?.stop();
  session = null;
});

function send(port: number, datagrams: Uint8Array[]): Promise<void> {
  const s = createSocket('udp4');
  return (async () => {
    for (const d of datagrams) await new Promise<void>((r) => s.send(d, port, '127.0.0.1', () => r()));
    s.close();
  })();
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

/** basicCall() number `n` as HEP3 datagrams. */
function hepCall(n: number): Uint8Array[] {
  return basicCall({ n }).map((m) => {
    const s = m.source;
    if (s === null) throw new Error('flow messages have sources');
    return hep3({
      src: s.src.ip,
      dst: s.dst.ip,
      sport: s.src.port,
      dport: s.dst.port,
      ts: s.ts,
      payload: m.raw,
    });
  });
}

describe('live session', () => {
  it('needs a source', () => {
    expect(() => createLiveSession({})).toThrow(
      'a live session needs an interface to capture on or a HEP port',
    );
  });

  it('HEP only: messages and calls flow out, stop() flushes and ends with the counters', async () => {
    const port = await freePort();
    const s = createLiveSession({ hep: { port, host: '127.0.0.1' } });
    session = s;
    const msgs: LiveMessage[] = [];
    const calls: CallRecord[] = [];
    s.pipeline.on('message', (m) => msgs.push(m));
    s.pipeline.on('call', (c) => calls.push(c));
    const ended = new Promise<LiveSessionStats>((r) => s.on('end', r));
    await s.start();
    await send(port, hepCall(1));
    await until(() => msgs.length === 7);
    expect(calls).toEqual([]);
    await s.stop();
    const stats = await ended;
    expect(calls.map((c) => [c.callIds, c.state])).toEqual([[['basic-1@10.0.0.1'], 'completed']]);
    expect(stats).toMatchObject({
      packets: 7,
      dropped: 0,
      capture: null,
      hep: { sip: 7 },
      pipeline: { messages: 7, calls: 1, payloads: 7, frames: 0 },
    });
  });

  const skip = liveSkipReason(false);
  it.skipIf(skip !== null)(
    'capture and HEP together: frames of both are numbered 1, 2, 3 … in the order they arrive',
    async () => {
      const sipPort = await freePort();
      const hepPort = await freePort();
      const s = createLiveSession({
        interfaces: ['lo'],
        filter: `udp port ${sipPort}`,
        hep: { port: hepPort, host: '127.0.0.1' },
      });
      session = s;
      const msgs: LiveMessage[] = [];
      s.pipeline.on('message', (m) => msgs.push(m));
      await s.start();
      // A call on the wire (captured), then one delivered by HEP.
      const wire = basicCall({ n: 1 }).map((m) => m.raw);
      await send(sipPort, wire);
      await until(() => msgs.length === 7);
      await send(hepPort, hepCall(2));
      await until(() => msgs.length === 14);
      await s.stop();
      expect(msgs.map((m) => m.msg.source?.frame)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
      expect(
        msgs
          .slice(0, 7)
          .every((m) => m.msg.source?.dst.port === sipPort || m.msg.source?.src.port === sipPort),
      ).toBe(true);
      expect(s.stats()).toMatchObject({
        packets: 14,
        pipeline: { messages: 14, calls: 2, frames: 7, payloads: 7 },
      });
    },
    30_000,
  );
});
