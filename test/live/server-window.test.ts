/**
 * The rolling window of a live capture fed by the live pipeline
 * (src/store/window-feed.ts → src/store/window.ts): with room enough it
 * holds what `analyze` finds in the same traffic; with limits it stays
 * within them however many calls pass, evicts the calls that ended first,
 * evicts calls in progress only when nothing else is left (and drops what
 * comes for them later), and counts every eviction and drop.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import type { Payload } from '../../src/decode/payload.js';
import { createLivePipeline } from '../../src/live/live-pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { callJson } from '../../src/report/model-json.js';
import type { SipMessage } from '../../src/sip/message.js';
import type { CallJson, CallRow, Finding, MessageRow } from '../../src/store/rows.js';
import type { MessageInput } from '../../src/store/store.js';
import { RollingWindow, type WindowLimits } from '../../src/store/window.js';
import { WindowFeed } from '../../src/store/window-feed.js';
import { basicCall, T0 } from '../fixtures/flows/index.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

let frameNo = 0;
/** A message of a named flow as a HEP collector would hand it over. */
function payloadOf(m: SipMessage): Payload {
  const s = m.source;
  if (s === null) throw new Error('flow messages have sources');
  const frame = ++frameNo;
  return { transport: 'udp', src: s.src, dst: s.dst, bytes: m.raw, frame, frames: [frame], ts: s.ts };
}

/** A pipeline whose wall clock stands still (capture time moves with the packets only) feeding a window. */
function fed(limits: Partial<WindowLimits>) {
  const live = createLivePipeline({ clock: () => 0 });
  const window = new RollingWindow(limits);
  const sent = { messages: [] as MessageRow[], calls: [] as CallRow[] };
  const feed = new WindowFeed(live, window, {
    message: (r) => sent.messages.push(r),
    call: (r) => sent.calls.push(r),
  });
  return { live, window, feed, sent };
}

const allCalls = (w: RollingWindow) => w.queryCalls({ limit: 1000 });

/** The message as if sent at `ts` (a flow squeezed in time). */
function shiftTo(m: SipMessage, ts: number): SipMessage {
  return { ...m, source: { ...m.source!, ts } } as SipMessage;
}

describe('window fed by the live pipeline, with room for everything', () => {
  for (const name of [
    'sipp-10-calls.pcap',
    'proxied-call-two-interfaces.pcapng',
    'register-digest-auth.pcap',
  ]) {
    it(`${name}: the calls, messages and findings analyze gives, once the input ends`, async () => {
      const want = await analyzeCapture(sample(name));
      const { live, window, feed } = fed({});
      for await (const f of openCapture(sample(name))) live.pushFrame(f);
      live.end();
      feed.flush();
      const page = allCalls(window);
      expect(page.total).toBe(want.calls.length);
      const strip = ({ findingCount: _f, worstSeverity: _w, ...c }: CallRow) => c;
      expect(page.calls.map(strip)).toEqual(want.calls.map((c) => JSON.parse(callJson(c))));
      for (let i = 0; i < want.stats.sipMessages; i++) {
        const r = want.messages.get(i);
        const got = window.getMessage(i)?.row;
        expect(
          got && [got.frame, got.src, got.dst, got.callId, got.transaction, got.dialog, got.call],
        ).toEqual([r.frame, r.src, r.dst, r.callId, r.transaction, r.dialog, r.call]);
      }
      expect(window.findings().map((f) => [f.rule, f.call, f.messages])).toEqual(
        want.findings.map((f) => [f.rule, f.call, f.messages]),
      );
      const stats = feed.stats();
      expect(stats).toMatchObject({
        sipMessages: want.stats.sipMessages,
        requests: want.stats.requests,
        responses: want.stats.responses,
        transactions: want.stats.transactions,
        dialogs: want.stats.dialogs,
        calls: want.stats.calls,
        findings: want.stats.findings,
      });
      expect(window.counters()).toMatchObject({ evictedCalls: 0, evictedMessages: 0, dropped: 0 });
    });
  }

  it('counts extension methods named like Object.prototype members in its stats as any other token (RFC 3261 §25.1)', () => {
    const { live, feed } = fed({});
    const request = (method: string, n: number): Payload => {
      const text = [
        `${method} sip:bob@10.0.0.2 SIP/2.0`,
        `Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-proto-${n}`,
        'Max-Forwards: 70',
        'From: <sip:alice@10.0.0.1>;tag=a1',
        'To: <sip:bob@10.0.0.2>',
        `Call-ID: proto-${n}@10.0.0.1`,
        `CSeq: 1 ${method}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const frame = ++frameNo;
      const src = { ip: '10.0.0.1', port: 5060 };
      const dst = { ip: '10.0.0.2', port: 5060 };
      return { transport: 'udp', src, dst, bytes: Buffer.from(text), frame, frames: [frame], ts: T0 + n };
    };
    ['toString', '__proto__', 'constructor', 'toString'].forEach((m, n) => {
      live.pushPayload(request(m, n));
    });
    feed.flush();
    const { requests } = feed.stats();
    expect(JSON.stringify(requests)).toBe('{"toString":2,"__proto__":1,"constructor":1}');
  });

  it('shows a call in progress as it goes (flush), then its final row', () => {
    const { live, window, feed, sent } = fed({});
    const msgs = basicCall({ n: 1 });
    // INVITE, 100, 180: ringing.
    for (const m of msgs.slice(0, 3)) live.pushPayload(payloadOf(m));
    feed.flush();
    expect(sent.messages.map((m) => m.method ?? m.status)).toEqual(['INVITE', 100, 180]);
    expect(allCalls(window).calls.map((c) => [c.state, c.messages.length])).toEqual([['ringing', 3]]);
    expect(sent.calls.at(-1)?.state).toBe('ringing');
    for (const m of msgs.slice(3)) live.pushPayload(payloadOf(m));
    feed.flush();
    expect(allCalls(window).calls.map((c) => [c.state, c.messages.length])).toEqual([['completed', 7]]);
    expect(window.getCall(0)?.messages.length).toBe(7);
    live.end();
    expect(sent.calls.at(-1)).toMatchObject({ state: 'completed', messages: [0, 1, 2, 3, 4, 5, 6] });
    expect(window.getCall(0)?.transactions.length).toBe(3);
  });
});

describe('window rows', () => {
  /** A message row with what the window looks at (a fixture: the other fields as a parser would leave them). */
  function msg(id: number, call: number, method = 'INVITE'): MessageInput {
    const row: MessageRow = {
      id,
      frame: id + 1,
      ts: T0 + id,
      src: '10.0.0.1:5060',
      dst: '10.0.0.2:5060',
      transport: 'udp',
      method,
      callId: `c${call}@10.0.0.1`,
      cseq: 1,
      cseqMethod: method,
      fromTag: 'a',
      toTag: null,
      branch: `z9hG4bK${id}`,
      transaction: id,
      dialog: null,
      call,
      retransmission: false,
      sdp: null,
    };
    return { row, raw: new TextEncoder().encode(`${method} sip:bob@10.0.0.2 SIP/2.0\r\n\r\n`), agent: null };
  }
  function call(id: number, messages: number[], state = 'setup'): CallJson {
    return {
      id,
      callIds: [`c${id}@10.0.0.1`],
      from: 'sip:alice@example.com',
      to: 'sip:bob@example.com',
      start: T0 + messages[0],
      end: T0 + messages.at(-1)!,
      state,
      setupMs: null,
      durationMs: null,
      dialogs: [],
      messages,
      links: [],
      related: [],
      kind: 'call',
      finalStatus: null,
      reason: null,
      pddMs: null,
      hangupBy: null,
      retransmissions: 0,
      transactions: messages,
      endpoints: [],
    };
  }
  const finding = (c: number, m: number): Finding => ({
    rule: 'cseq.not-increasing',
    severity: 'error',
    rfc: 'RFC 3261 §12.2.1.1',
    messages: [m],
    call: c,
    text: 'x',
  });

  it('moves the messages and findings of a call another absorbed (a late link) and forgets the absorbed one', () => {
    const w = new RollingWindow({});
    w.addMessage(msg(0, 0));
    w.addMessage(msg(1, 1));
    w.addFinding(finding(1, 1));
    w.putCall(call(0, [0]), false);
    w.putCall(call(1, [1]), false);
    expect(w.queryCalls({}).total).toBe(2);
    // A later message linked the legs: call 0 now has both.
    w.putCall({ ...call(0, [0, 1]), callIds: ['c0@10.0.0.1', 'c1@10.0.0.1'] }, false);
    expect(w.queryCalls({}).calls.map((c) => [c.id, c.messages, c.findingCount])).toEqual([[0, [0, 1], 1]]);
    expect(w.getMessage(1)?.row.call).toBe(0);
    expect(w.getCall(1)).toBeUndefined();
    expect(w.getCall(0)?.messages.map((m) => m.id)).toEqual([0, 1]);
    expect(w.counters()).toMatchObject({ calls: 1, messages: 2, findings: 1, evictedCalls: 0 });
  });

  it('keeps messages without a call apart, never listed, and evicts them like the oldest call in progress', () => {
    const w = new RollingWindow({ maxMessages: 3 });
    const loose = msg(0, 0);
    loose.row.call = null;
    w.addMessage(loose);
    for (let i = 1; i <= 3; i++) {
      w.addMessage(msg(i, i));
      w.putCall(call(i, [i]), false);
    }
    // Four messages for three allowed, every call in progress: the oldest (the call-less message) goes, not counted as a call.
    expect(w.counters()).toMatchObject({
      messages: 3,
      evictedMessages: 1,
      evictedCalls: 0,
      evictedActiveCalls: 0,
    });
    expect(w.getMessage(0)).toBeUndefined();
    expect(w.queryCalls({}).calls.map((c) => c.id)).toEqual([1, 2, 3]);
    w.addMessage(msg(4, 4));
    expect(w.counters()).toMatchObject({ messages: 3, evictedCalls: 1, evictedActiveCalls: 1 });
    expect(w.queryCalls({}).calls.map((c) => c.id)).toEqual([2, 3]);
  });
});

describe('window limits', () => {
  /** `n` basic calls (7 messages each, 12 s long) starting one second apart, pushed in time order. */
  function traffic(n: number): SipMessage[] {
    const all: SipMessage[] = [];
    for (let i = 0; i < n; i++) all.push(...basicCall({ n: i + 1, t0: T0 + i }));
    return all.sort((a, b) => a.source!.ts - b.source!.ts);
  }

  it('holds at most maxCalls and maxMessages however many calls pass, evicting the calls that ended first', () => {
    const limits = { maxCalls: 100, maxMessages: 500, maxBytes: 64 * 1024 * 1024 };
    const { live, window } = fed(limits);
    const msgs = traffic(1000);
    let peakCalls = 0;
    let peakMessages = 0;
    for (const m of msgs) {
      live.pushPayload(payloadOf(m));
      const c = window.counters();
      peakCalls = Math.max(peakCalls, c.calls);
      peakMessages = Math.max(peakMessages, c.messages);
    }
    live.end();
    const c = window.counters();
    expect(peakCalls).toBeLessThanOrEqual(limits.maxCalls);
    expect(peakMessages).toBeLessThanOrEqual(limits.maxMessages);
    // 500 messages are 71 whole calls: the window is full of the newest ones.
    expect(c.calls).toBe(71);
    expect(c.messages).toBe(71 * 7);
    expect(c.evictedCalls).toBe(1000 - 71);
    expect(c.evictedMessages).toBe(1000 * 7 - 71 * 7);
    // About 45 calls are in progress at any time (12 s each, plus 32 s until handed out): never one of them.
    expect(c.evictedActiveCalls).toBe(0);
    expect(c.dropped).toBe(0);
    const held = allCalls(window).calls.map((x) => x.id);
    expect(held).toEqual(Array.from({ length: 71 }, (_, i) => 1000 - 71 + i));
    expect(held.every((id) => window.getCall(id)?.messages.length === 7)).toBe(true);
    expect(window.getMessage(0)).toBeUndefined();
    expect(window.getMessage(1000 * 7 - 1)?.row.call).toBe(999);
    expect(c.transactions).toBe(71 * 3);
    expect(c.dialogs).toBe(71);
  }, 30_000);

  it('holds at most maxBytes of message text', () => {
    const maxBytes = 40_000;
    const { live, window } = fed({ maxBytes });
    const msgs = traffic(400);
    const total = msgs.reduce((n, m) => n + m.raw.length, 0);
    let peak = 0;
    for (const m of msgs) {
      live.pushPayload(payloadOf(m));
      peak = Math.max(peak, window.counters().bytes);
    }
    live.end();
    const c = window.counters();
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(c.bytes + c.evictedBytes).toBe(total);
    expect(c.messages + c.evictedMessages).toBe(400 * 7);
    expect(c.calls + c.evictedCalls).toBe(400);
  }, 30_000);

  it('evicts calls in progress only when no ended call is left, and drops what comes for them later', () => {
    const { live, window, feed } = fed({ maxCalls: 10 });
    const calls = Array.from({ length: 50 }, (_, i) => basicCall({ n: i + 1, t0: T0 + i * 0.001 }));
    for (const c of calls) live.pushPayload(payloadOf(c[0])); // 50 INVITEs, none answered yet
    let c = window.counters();
    expect(c.calls).toBe(10);
    expect(c.evictedActiveCalls).toBe(40);
    expect(c.evictedCalls).toBe(40);
    for (const msgs of calls) live.pushPayload(payloadOf(msgs[2])); // a 180 for each
    c = window.counters();
    expect(c.dropped).toBe(40);
    feed.flush(); // their call rows are not taken (nor counted: they hold nothing new)
    expect(window.counters().dropped).toBe(40);
    // The ten held are the newest, each with its INVITE and 180.
    const held = allCalls(window).calls;
    expect(held.map((x) => [x.id, x.state, x.messages.length])).toEqual(
      Array.from({ length: 10 }, (_, i) => [40 + i, 'ringing', 2]),
    );
  });

  it('counts a call as ended once its row shows an outcome, before the pipeline hands it out', () => {
    const { live, window, feed } = fed({ maxCalls: 10 });
    // 50 calls 10 ms apart, each over (BYE answered) when the next begins, all still lingering in the correlator.
    for (let i = 0; i < 50; i++) {
      for (const m of basicCall({ n: i + 1, t0: T0 + i * 0.01 }).map((x, k) =>
        shiftTo(x, T0 + i * 0.01 + k * 0.001),
      ))
        live.pushPayload(payloadOf(m));
      feed.flush();
    }
    expect(live.stats().activeCalls).toBe(50);
    let c = window.counters();
    expect(c).toMatchObject({ calls: 10, evictedCalls: 40, evictedActiveCalls: 0, dropped: 0 });
    expect(allCalls(window).calls.map((x) => [x.id, x.state])).toEqual(
      Array.from({ length: 10 }, (_, i) => [40 + i, 'completed']),
    );
    // Handed out at the end: the evicted ones' final rows do not bring them back.
    live.end();
    c = window.counters();
    expect(c).toMatchObject({ calls: 10, evictedCalls: 40, dropped: 0 });
    expect(allCalls(window).calls.map((x) => x.id)).toEqual(Array.from({ length: 10 }, (_, i) => 40 + i));
  });

  it('keeps no transactions or dialogs of the calls it evicted before they were handed out, however many pass', () => {
    // A window that turns over faster than calls are handed out (32 s after their last message): every
    // call but the last ten is evicted, ended, before its final transactions and dialogs come.
    const { live, window, feed } = fed({ maxCalls: 10 });
    for (let i = 0; i < 300; i++) {
      for (const m of basicCall({ n: i + 1, t0: T0 + i * 0.01 }).map((x, k) =>
        shiftTo(x, T0 + i * 0.01 + k * 0.001),
      ))
        live.pushPayload(payloadOf(m));
      feed.flush();
    }
    live.end();
    const c = window.counters();
    expect(c).toMatchObject({ calls: 10, evictedCalls: 290, evictedActiveCalls: 0 });
    // What the ten held calls own (three transactions and one dialog each), not what 300 calls had.
    expect(c.transactions).toBe(10 * 3);
    expect(c.dialogs).toBe(10);
    for (const { id } of allCalls(window).calls) {
      const d = window.getCall(id)!;
      expect([d.transactions.length, d.dialogs.length]).toEqual([3, 1]);
    }
  });

  it('refuses limits that are not positive whole numbers', () => {
    expect(() => new RollingWindow({ maxCalls: 0 })).toThrow(/maxCalls/);
    expect(() => new RollingWindow({ maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});
