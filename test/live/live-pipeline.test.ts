import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyze/finding.js';
import { openCapture } from '../../src/capture/read-file.js';
import type { CallRecord } from '../../src/correlate/model.js';
import type { Payload } from '../../src/decode/payload.js';
import { liveMessageJson, liveMessageRecord } from '../../src/live/live-message.js';
import { createLivePipeline, type LiveMessage } from '../../src/live/live-pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { MessageRecord } from '../../src/report/message-record.js';
import type { SipMessage } from '../../src/sip/message.js';
import { basicCall, referTransfer, T0 } from '../fixtures/flows/index.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

/** A message of a named flow as a collector would push it. */
function payloadOf(m: SipMessage, frame: number): Payload {
  const s = m.source;
  if (s === null) throw new Error('flow messages have sources');
  return { transport: 'udp', src: s.src, dst: s.dst, bytes: m.raw, frame, frames: [frame], ts: s.ts };
}

/** A wall clock the test moves by hand. */
function handClock(start: number) {
  const c = { now: start, read: () => c.now };
  return c;
}

describe('live pipeline: the same stages as a file, as events', () => {
  for (const name of [
    'sipp-10-calls.pcap',
    'tcp-call.pcap',
    'fragmented-invite.pcap',
    'register-digest-auth.pcap',
  ]) {
    // Calls parked as soon as capture time moves past their last message (`parkAfter` 0), after
    // the default second, or never: the same answers.
    it.each([0, undefined, Number.POSITIVE_INFINITY])(
      `${name}: the messages, calls and findings analyze gives, once the input ends (parkAfter %s)`,
      async (parkAfter) => {
        const file = sample(name);
        const want = await analyzeCapture(file);
        const live = createLivePipeline({ parkAfter });
        const msgs: LiveMessage[] = [];
        const calls: CallRecord[] = [];
        const findings: Finding[] = [];
        live.on('message', (m) => msgs.push(m));
        live.on('call', (c) => calls.push(c));
        live.on('finding', (f) => findings.push(f));
        for await (const f of openCapture(file)) live.pushFrame(f);
        live.end();
        // analyze names a message's dialog once the capture is over (the confirmed one of a fork); live, as known on arrival.
        const strip = ({ dialog: _d, ...r }: MessageRecord) => r;
        expect(msgs.map((m) => strip(liveMessageRecord(m)))).toEqual(
          Array.from({ length: want.messages.length }, (_, i) => strip(want.messages.get(i))),
        );
        expect(calls.map((c) => [c.callIds, c.state, c.messages])).toEqual(
          want.calls.map((c) => [c.callIds, c.state, c.messages]),
        );
        expect(findings.map((f) => [f.rule, f.messages]).sort()).toEqual(
          want.findings.map((f) => [f.rule, f.messages]).sort(),
        );
        const s = live.stats();
        expect(s).toMatchObject({
          messages: want.stats.sipMessages,
          calls: want.calls.length,
          activeCalls: 0,
        });
        expect(s.frames).toBe(want.stats.frames);
      },
    );
  }
});

describe('live pipeline: capture time follows the wall clock when no packet comes', () => {
  it('a 2xx never ACKed becomes a finding 64·T1 after it, with no packet after the 2xx', () => {
    const clock = handClock(T0 + 100);
    const live = createLivePipeline({ clock: clock.read, idleLag: 1 });
    const findings: Finding[] = [];
    live.on('finding', (f) => findings.push(f));
    // INVITE, 100, 180, 200 — then silence: the ACK was lost.
    const msgs = basicCall().slice(0, 4);
    msgs.forEach((m, i) => {
      live.pushPayload(payloadOf(m, i + 1));
    });
    const ok = msgs[3].source?.ts as number;
    // The 200 arrived at wall time T0+100: capture time is ok + (wall − (T0+100)) − idleLag.
    clock.now = T0 + 100 + 32;
    live.tick();
    expect(findings.filter((f) => f.rule === 'ack.2xx-not-acked')).toEqual([]);
    clock.now = T0 + 100 + 32 + 1.1;
    live.tick();
    const f = findings.filter((x) => x.rule === 'ack.2xx-not-acked');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ messages: [3], call: 0 });
    expect(live.stats().captureTime).toBeCloseTo(ok + 32 + 1.1 - 1, 6);
  });

  it('a finished call is handed out once its linger passes, with nothing more on the wire', () => {
    const clock = handClock(T0 + 500);
    const live = createLivePipeline({ clock: clock.read });
    const calls: CallRecord[] = [];
    live.on('call', (c) => calls.push(c));
    basicCall().forEach((m, i) => {
      live.pushPayload(payloadOf(m, i + 1));
    });
    live.tick();
    expect(calls).toEqual([]);
    expect(live.stats().activeCalls).toBe(1);
    clock.now += 40;
    live.tick();
    expect(calls.map((c) => [c.id, c.state, c.final])).toEqual([[0, 'completed', true]]);
    expect(live.stats()).toMatchObject({ calls: 1, activeCalls: 0, callsByState: { completed: 1 } });
  });

  it('ticks before any packet and ticks that would go back do nothing', () => {
    const clock = handClock(T0);
    const live = createLivePipeline({ clock: clock.read });
    live.tick();
    expect(live.stats().captureTime).toBeNull();
    live.pushPayload(payloadOf(basicCall()[0], 1));
    clock.now = T0 - 50;
    live.tick();
    expect(live.stats().captureTime).toBe(T0);
  });
});

describe('live pipeline: state stays bounded on a long run', () => {
  it('20,000 calls one after the other: hot calls and kept records follow concurrency, every call is handed out once', () => {
    const clock = handClock(0);
    const live = createLivePipeline({ clock: clock.read });
    const ids = new Set<number>();
    let completed = 0;
    live.on('call', (c) => {
      ids.add(c.id);
      if (c.state === 'completed') completed++;
    });
    let frame = 0;
    let peakCalls = 0;
    let peakRecords = 0;
    const N = 20_000;
    for (let n = 0; n < N; n++) {
      // One call every 2 s; each lasts 12 s.
      for (const m of basicCall({ n, t0: T0 + n * 2 })) live.pushPayload(payloadOf(m, ++frame));
      if (n % 100 === 0) {
        const s = live.stats();
        peakCalls = Math.max(peakCalls, s.activeCalls);
        peakRecords = Math.max(peakRecords, s.hot.records);
      }
    }
    // A call is hot for 12 s + 32 s linger: ~22 calls at once; their records (3 transactions, 1 dialog) 2 s longer.
    expect(peakCalls).toBeLessThanOrEqual(24);
    expect(peakRecords).toBeLessThanOrEqual(24 * 4);
    expect(ids.size).toBeGreaterThan(N - 30);
    live.end();
    expect(ids.size).toBe(N);
    expect(completed).toBe(N);
    expect(live.stats().hot).toMatchObject({ calls: 0, transactions: 0, dialogs: 0, records: 0 });
  }, 120_000);
});

describe('live pipeline: updates for the browser', () => {
  it('takeUpdatedCalls gives each touched hot call once, with its state as of now, once asked for', () => {
    const live = createLivePipeline({ clock: () => T0 });
    const msgs = basicCall();
    expect(live.takeUpdatedCalls()).toEqual([]);
    live.pushPayload(payloadOf(msgs[0], 1));
    live.pushPayload(payloadOf(msgs[1], 2));
    live.pushPayload(payloadOf(msgs[2], 3));
    expect(live.takeUpdatedCalls().map((c) => [c.id, c.state])).toEqual([[0, 'ringing']]);
    expect(live.takeUpdatedCalls()).toEqual([]);
    live.pushPayload(payloadOf(msgs[3], 4));
    expect(live.takeUpdatedCalls().map((c) => [c.id, c.state])).toEqual([[0, 'in-call']]);
  });

  it("a transfer's INVITE sends the REFER's call again too: its record now names the new call (RFC 3515)", () => {
    const live = createLivePipeline({ clock: () => T0 });
    const msgs = referTransfer();
    live.takeUpdatedCalls();
    // Up to the NOTIFY's 200 (#7): only call 0.
    for (let i = 0; i < 8; i++) live.pushPayload(payloadOf(msgs[i], i + 1));
    expect(live.takeUpdatedCalls().map((c) => c.id)).toEqual([0]);
    // Alice's INVITE to carol (#8) starts call 1 and changes call 0.
    live.pushPayload(payloadOf(msgs[8], 9));
    expect(live.takeUpdatedCalls().map((c) => [c.id, c.related.map((r) => r.relation)])).toEqual([
      [0, ['transferred-to']],
      [1, ['transferred-from']],
    ]);
  });

  it('a HEP-delivered message’s JSON carries the agent’s node and correlation id', () => {
    const live = createLivePipeline();
    const out: string[] = [];
    live.on('message', (m) => out.push(liveMessageJson(m)));
    const p = payloadOf(basicCall()[0], 1);
    live.pushPayload({ ...p, hep: { version: 3, agentId: 9, node: 'edge "1"', correlationId: 'abc' } });
    live.pushPayload(payloadOf(basicCall()[1], 2));
    const [a, b] = out.map((s) => JSON.parse(s));
    expect(a).toMatchObject({
      id: 0,
      frame: 1,
      method: 'INVITE',
      callId: 'basic-1@10.0.0.1',
      transaction: 0,
      call: 0,
      hep: { agentId: 9, node: 'edge "1"', correlationId: 'abc' },
    });
    expect(b.hep).toBeUndefined();
    expect(b).toMatchObject({ id: 1, status: 100, reason: 'Trying' });
  });
});
