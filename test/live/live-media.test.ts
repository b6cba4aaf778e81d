/**
 * RTP streams in a live capture (src/live/live-pipeline.ts `stream` events,
 * src/live/stream-calls.ts): found on the SDP's addresses as in a file,
 * handed out once idle (capture time moved by packets or, on a quiet link,
 * by `tick()`), named with the call of their SDP's message, judged by
 * `media.one-way`, written into a live window (window-feed.ts), printed by
 * `sipscope live`; and the state they need stays bounded on a long run.
 *
 *   alice 10.0.0.1 (RTP on 49170)            bob 10.0.0.2 (RTP on 3456)
 *     |--INVITE #0 (SDP: 10.0.0.1 49170)----->|   T0
 *     |<--------200 OK #3 (SDP: 10.0.0.2 3456)|   T0+2
 *     |==RTP 10.0.0.1:49170 → 10.0.0.2:3456==>|   T0+2.02 … T0+12
 *     |<=RTP 10.0.0.2:3456 → 10.0.0.1:49170===|   T0+2.03 … T0+12
 *     |--BYE #5 / 200 #6---------------------->|   T0+12: the call is handed out at T0+44
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyze/finding.js';
import type { Frame } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import { openCapture } from '../../src/capture/read-file.js';
import { streamLine, summary } from '../../src/cli/live-command.js';
import type { CallRecord } from '../../src/correlate/model.js';
import { createLivePipeline, type LivePipelineOptions } from '../../src/live/live-pipeline.js';
import type { LiveSessionStats } from '../../src/live/live-session.js';
import { StreamCalls } from '../../src/live/stream-calls.js';
import type { RtpStreamRecord } from '../../src/media/media-tracker.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { SipMessage } from '../../src/sip/message.js';
import type { CallRow } from '../../src/store/rows.js';
import { RollingWindow } from '../../src/store/window.js';
import { WindowFeed } from '../../src/store/window-feed.js';
import { edit, withBody } from '../analyze/flow-edit.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { ALICE, BOB, basicCall, sdp, T0 } from '../fixtures/flows/index.js';
import { byTime, type RtpSpec, rtpFrames } from '../fixtures/rtp-frames.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

const A = { ip: ALICE.ip, port: 49170 };
const B = { ip: BOB.ip, port: 3456 };
const aToB = { src: A, dst: B, ssrc: 0xa, start: T0 + 2.02, end: T0 + 12 };
const bToA = { src: B, dst: A, ssrc: 0xb, start: T0 + 2.03, end: T0 + 12 };

/** Captured frames of a flow and its RTP, in capture order, numbered from `first`. */
function frames(flow: SipMessage[], rtp: Array<Omit<RtpSpec, 'payloadType'>>, first = 1): Frame[] {
  const timed: TimedFrame[] = byTime(
    flowToFrames(flow),
    ...rtp.map((r) => rtpFrames({ payloadType: 0, ...r })),
  );
  return timed.map((f, i) => ({
    ...f,
    no: first + i,
    linkType: LinkType.ETHERNET,
    origLen: f.data.length,
    iface: 0,
    fileOffset: 0,
  }));
}

/** A wall clock the test moves by hand. */
function handClock(start: number) {
  const c = { now: start, read: () => c.now };
  return c;
}

function pipeline(opts: LivePipelineOptions = {}) {
  const live = createLivePipeline(opts);
  const got = {
    streams: [] as RtpStreamRecord[],
    findings: [] as Finding[],
    calls: [] as CallRecord[],
    order: [] as string[],
  };
  live.on('stream', (s) => {
    got.streams.push(s);
    got.order.push(`stream ${s.id}`);
  });
  live.on('finding', (f) => got.findings.push(f));
  live.on('call', (c) => {
    got.calls.push(c);
    got.order.push(`call ${c.id}`);
  });
  return { live, got };
}

const brief = (s: RtpStreamRecord) => [s.src, s.dst, s.ssrc, s.setup, s.call, s.packets, s.reverse];

describe('live RTP streams: handed out once idle, with their call', () => {
  it('RTP both ways: two streams with call 0, once a minute of capture time passed with only tick() (no packet)', () => {
    const clock = handClock(T0 + 1000);
    const { live, got } = pipeline({ clock: clock.read });
    for (const f of frames(basicCall(), [aToB, bToA])) live.pushFrame(f);
    expect(live.stats().hot.streams).toBe(2);
    // The last packets arrived at wall T0+1000 (capture T0+12): the call goes at +32 s, the streams at +60 s.
    clock.now += 40;
    live.tick();
    expect(got.calls.map((c) => c.id)).toEqual([0]);
    expect(got.streams).toEqual([]);
    clock.now += 20; // capture time T0+12+60−1: not yet a minute idle
    live.tick();
    expect(got.streams).toEqual([]);
    clock.now += 2;
    live.tick();
    expect(got.streams.map(brief)).toEqual([
      ['10.0.0.1:49170', '10.0.0.2:3456', '0x0000000A', 3, 0, 499, true],
      ['10.0.0.2:3456', '10.0.0.1:49170', '0x0000000B', 0, 0, 498, true],
    ]);
    expect(got.streams[0]).toMatchObject({ codecs: ['PCMU/8000'], answered: true, lost: 0, media: 'audio' });
    expect(got.findings.filter((f) => f.rule === 'media.one-way')).toEqual([]);
    const s = live.stats();
    expect(s).toMatchObject({ streams: 2, rtpPackets: 997, rtcpPackets: 0 });
    expect(s.hot.streams).toBe(0);
    live.end();
    expect(got.streams).toHaveLength(2);
  });

  it('capture time moved by SIP of another call finishes them too (no RTP datagram, no tick)', () => {
    const { live, got } = pipeline({ clock: () => 0 });
    const all = frames(basicCall(), [aToB, bToA]);
    for (const f of all) live.pushFrame(f);
    // An OPTIONS-like later call: its INVITE at T0+80 moves capture time past the idle minute.
    const later = frames(basicCall({ n: 2, t0: T0 + 80 }), [], all.length + 1);
    live.pushFrame(later[0]);
    expect(got.streams.map((s) => [s.ssrc, s.call])).toEqual([
      ['0x0000000A', 0],
      ['0x0000000B', 0],
    ]);
  });

  it('a stream that ends while its call is in progress names that call (idleSeconds 5: finished before the BYE)', () => {
    const { live, got } = pipeline({ clock: () => 0, media: { idleSeconds: 5 } });
    for (const f of frames(basicCall(), [
      { ...aToB, end: T0 + 4 },
      { ...bToA, end: T0 + 4 },
    ]))
      live.pushFrame(f);
    // The BYE at T0+12 moved capture time 8 s past the last packet: the streams went, the call is still hot.
    expect(got.streams.map((s) => s.call)).toEqual([0, 0]);
    expect(got.calls).toEqual([]);
  });

  it('end() hands out the calls, then the streams with their final call, before the rules end', () => {
    const { live, got } = pipeline({ clock: () => 0 });
    for (const f of frames(basicCall(), [aToB])) live.pushFrame(f);
    live.end();
    expect(got.order).toEqual(['call 0', 'stream 0']);
    expect(got.streams[0].call).toBe(0);
    // One-way RTP, judged at the end too.
    expect(got.findings.filter((f) => f.rule === 'media.one-way').map((f) => [f.call, f.messages])).toEqual([
      [0, [3]],
    ]);
    expect(live.stats().hot).toMatchObject({ streams: 0, sdpMessages: 0 });
  });

  it('samples/call-with-rtp.pcap: the streams and findings analyze gives, once the input ends', async () => {
    const file = sample('call-with-rtp.pcap');
    const want = await analyzeCapture(file);
    const { live, got } = pipeline({ clock: () => 0 });
    for await (const f of openCapture(file)) live.pushFrame(f);
    live.end();
    expect(want.streams.length).toBe(3);
    expect([...got.streams].sort((a, b) => a.id - b.id)).toEqual(want.streams);
    expect(got.findings.map((f) => [f.rule, f.call, f.messages]).sort()).toEqual(
      want.findings.map((f) => [f.rule, f.call, f.messages]).sort(),
    );
  });

  it('samples/dtls-srtp-call.pcap with the key log of --tls-keylog: the DTLS-SRTP streams decrypted as analyze decrypts them (RFC 5764)', async () => {
    const file = sample('dtls-srtp-call.pcap');
    const keyLogFile = sample('dtls-srtp-call.keys');
    const want = await analyzeCapture(file, { tlsKeyLog: readFileSync(keyLogFile, 'latin1') });
    const { live, got } = pipeline({ clock: () => 0, tls: { keyLogFile } });
    for await (const f of openCapture(file)) live.pushFrame(f);
    live.end();
    const srtp = (list: RtpStreamRecord[]) => [...list].sort((a, b) => a.id - b.id).map((s) => s.srtp);
    expect(srtp(got.streams)).toEqual(srtp(want.streams));
    expect(want.streams.map((s) => [s.srtp?.keying, s.srtp?.verified])).toEqual([
      ['dtls', 89],
      ['dtls', 206],
    ]);
  });

  it('samples/dtls-fingerprint-mismatch.pcap: dtls.fingerprint-mismatch (RFC 5763 §5) on the 200 in call 0, as analyze gives it, with no stream', async () => {
    const file = sample('dtls-fingerprint-mismatch.pcap');
    const want = await analyzeCapture(file);
    const { live, got } = pipeline({ clock: () => 0 });
    for await (const f of openCapture(file)) live.pushFrame(f);
    live.end();
    const mismatch = (list: Finding[]) =>
      list.filter((f) => f.rule === 'dtls.fingerprint-mismatch').map((f) => [f.call, f.messages, f.text]);
    expect(mismatch(got.findings)).toEqual(mismatch(want.findings));
    expect(mismatch(got.findings).map(([call, messages]) => [call, messages])).toEqual([[0, [3]]]);
    expect(got.streams).toEqual([]);
  });
});

describe('live RTP streams: media.one-way as a finding event', () => {
  it('answered call, RTP alice → bob only: a warning on the 200 whose SDP said bob would send, once the stream is idle', () => {
    const clock = handClock(T0 + 1000);
    const { live, got } = pipeline({ clock: clock.read });
    for (const f of frames(basicCall(), [aToB])) live.pushFrame(f);
    const oneWay = () => got.findings.filter((f) => f.rule === 'media.one-way');
    clock.now += 50;
    live.tick();
    expect(oneWay()).toEqual([]);
    clock.now += 12;
    live.tick();
    expect(got.streams.map((s) => [s.call, s.reverse])).toEqual([[0, false]]);
    expect(oneWay().map((f) => [f.severity, f.call, f.messages])).toEqual([['warning', 0, [3]]]);
    expect(oneWay()[0].text).toContain('10.0.0.1:49170 → 10.0.0.2:3456 (499 packets over 10.0 s');
  });
});

describe('live RTP streams: media.packet-loss as a finding event', () => {
  it('RTP alice → bob with 10 of 499 packets lost: a warning once the stream is idle, none for the clean way back', () => {
    const clock = handClock(T0 + 1000);
    const { live, got } = pipeline({ clock: clock.read });
    const lost = new Set(Array.from({ length: 10 }, (_, i) => 100 + 30 * i));
    for (const f of frames(basicCall(), [{ ...aToB, lost }, bToA])) live.pushFrame(f);
    const loss = () => got.findings.filter((f) => f.rule === 'media.packet-loss');
    clock.now += 62;
    live.tick();
    expect(got.streams).toHaveLength(2);
    expect(loss().map((f) => [f.severity, f.call, f.messages])).toEqual([['warning', 0, [3]]]);
    expect(loss()[0].text).toContain(
      '10.0.0.1:49170 → 10.0.0.2:3456 (SSRC 0x0000000A) lost 10 of the 499 packets',
    );
  });
});

describe('live RTP streams in a rolling window (serve --live)', () => {
  it("the call's streams are on the call (getCall(…).streams), and the sink hears the call again", () => {
    const clock = handClock(T0 + 1000);
    const live = createLivePipeline({ clock: clock.read });
    const window = new RollingWindow({});
    const heard: CallRow[] = [];
    const feed = new WindowFeed(live, window, { call: (r) => heard.push(r) });
    for (const f of frames(basicCall(), [aToB, bToA])) live.pushFrame(f);
    feed.flush();
    expect(window.getCall(0)?.streams).toEqual([]);
    clock.now += 40; // the call is handed out (final row), its streams not yet idle
    live.tick();
    expect(window.callRow(0)?.state).toBe('completed');
    expect(window.getCall(0)?.streams).toEqual([]);
    const before = heard.length;
    clock.now += 22;
    live.tick();
    const streams = window.getCall(0)?.streams ?? [];
    expect(streams.map((s) => [s.id, s.ssrc, s.call, s.packets])).toEqual([
      [0, '0x0000000A', 0, 499],
      [1, '0x0000000B', 0, 498],
    ]);
    // A call row per stream: the browser showing the call reloads it.
    expect(heard.slice(before).map((r) => r.id)).toEqual([0, 0]);
  });

  it('with the input ended first: calls final, then their streams', () => {
    const live = createLivePipeline({ clock: () => 0 });
    const window = new RollingWindow({});
    new WindowFeed(live, window);
    for (const f of frames(basicCall(), [aToB, bToA])) live.pushFrame(f);
    live.end();
    expect(window.getCall(0)?.streams.map((s) => s.call)).toEqual([0, 0]);
  });

  it('a stream of a call the window evicted is not kept (no empty call comes back)', () => {
    const live = createLivePipeline({ clock: () => 0 });
    const window = new RollingWindow({ maxCalls: 1 });
    const feed = new WindowFeed(live, window);
    const first = frames(basicCall(), [aToB, bToA]);
    for (const f of first) live.pushFrame(f);
    // A second call (no RTP) 40 s on: call 0 is handed out, then evicted for call 1.
    const second = frames(basicCall({ n: 2, t0: T0 + 50 }), [], first.length + 1);
    for (const f of second) live.pushFrame(f);
    feed.flush();
    live.end();
    expect(window.getCall(0)).toBeUndefined();
    expect(window.queryCalls({ limit: 10 }).calls.map((c) => c.id)).toEqual([1]);
  });
});

describe('sipscope live: the stream line', () => {
  it('src -> dst, ssrc, codec, packets, loss, max jitter and call, as analyze lists them', () => {
    const { live, got } = pipeline({ clock: () => 0 });
    const lost = new Set([5, 6, 7]);
    for (const f of frames(basicCall(), [{ ...aToB, lost }, bToA])) live.pushFrame(f);
    live.end();
    expect(got.streams.map(streamLine)).toEqual([
      'RTP 10.0.0.1:49170 -> 10.0.0.2:3456 ssrc 0x0000000A PCMU/8000 496 pkts lost 3 (0.6%) max jitter 0.0 ms call 0',
      'RTP 10.0.0.2:3456 -> 10.0.0.1:49170 ssrc 0x0000000B PCMU/8000 498 pkts lost 0 (0%) max jitter 0.0 ms call 0',
    ]);
    const stats = { pipeline: live.stats(), capture: null, hep: null, packets: 0, dropped: 0, uptime: 1 };
    expect(summary(stats as LiveSessionStats)).toContain(
      'RTP streams: 2 (994 RTP and 0 RTCP packets on the addresses the SDP announced)',
    );
  });

  it('codecs from the wire are made safe for a terminal; no call is a dash', () => {
    const s = {
      src: 'a:1',
      dst: 'b:2',
      ssrc: '0x00000001',
      codecs: ['X\u001b[2J/8000'],
      packets: 1,
      lost: 0,
      lostPercent: 0,
      maxJitterMs: null,
      call: null,
    };
    expect(streamLine(s as unknown as RtpStreamRecord)).toBe(
      'RTP a:1 -> b:2 ssrc 0x00000001 X\\x1b[2J/8000 1 pkts lost 0 (0%) max jitter - ms call -',
    );
  });
});

describe('live RTP streams: bounded state', () => {
  it('StreamCalls: hot entries leave with their call, final ones `keep` seconds later, each map capped', () => {
    const sc = new StreamCalls(10, 4);
    sc.sdp(0, 7);
    sc.sdp(3, 7);
    sc.sdp(4, 8);
    expect([sc.callOf(0), sc.callOf(3), sc.callOf(4), sc.callOf(1)]).toEqual([7, 7, 8, null]);
    // Call 7 absorbed call 8 and is handed out at capture time 100: message 4 now names 7.
    sc.handedOut({ id: 7, messages: [0, 1, 2, 3, 4] } as CallRecord, 100);
    expect([sc.callOf(0), sc.callOf(4), sc.size]).toEqual([7, 7, 3]);
    sc.advance(110);
    expect(sc.size).toBe(3);
    sc.advance(110.5);
    expect([sc.callOf(0), sc.size]).toEqual([null, 0]);
    for (let i = 10; i < 20; i++) sc.sdp(i, i);
    expect(sc.size).toBe(4);
    expect(sc.callOf(15)).toBeNull();
    expect(sc.callOf(19)).toBe(19);
    sc.handedOut({ id: 1, messages: [16, 17, 18, 19] } as CallRecord, 200);
    sc.advance(300);
    expect(sc.size).toBe(0);
  });

  it('2,000 calls with RTP both ways, one every 2 s: active streams and remembered SDP messages follow concurrency', () => {
    const clock = handClock(0);
    const live = createLivePipeline({ clock: clock.read });
    let streams = 0;
    let withCall = 0;
    live.on('stream', (s) => {
      streams++;
      if (s.call !== null) withCall++;
    });
    let frame = 0;
    let peakStreams = 0;
    let peakSdp = 0;
    const N = 2000;
    for (let n = 0; n < N; n++) {
      const t0 = T0 + n * 2;
      // Each call's own ports: 1 s of RTP each way, from its 200 OK.
      const a = { ip: A.ip, port: 10000 + 2 * (n % 5000) };
      const b = { ip: B.ip, port: 30000 + 2 * (n % 5000) };
      let flow = edit(basicCall({ n, t0 }), 0, (t) => withBody(t, sdp(ALICE, a.port)));
      flow = edit(flow, 3, (t) => withBody(t, sdp(BOB, b.port)));
      const fs = frames(
        flow,
        [
          { src: a, dst: b, ssrc: n, start: t0 + 2.02, end: t0 + 3 },
          { src: b, dst: a, ssrc: n + 1e6, start: t0 + 2.03, end: t0 + 3 },
        ],
        frame + 1,
      );
      frame += fs.length;
      for (const f of fs) live.pushFrame(f);
      if (n % 50 === 0) {
        const s = live.stats();
        peakStreams = Math.max(peakStreams, s.hot.streams);
        peakSdp = Math.max(peakSdp, s.hot.sdpMessages);
      }
    }
    // A stream lives ~1 s + 60 s idle: ~31 calls' two streams at once. SDP messages: 2 a call, while the call
    // is hot (~12 s + 32 s) and 62 s after: ~53 calls.
    expect(peakStreams).toBeLessThanOrEqual(2 * 32);
    expect(peakSdp).toBeLessThanOrEqual(2 * 56);
    live.end();
    expect(streams).toBe(2 * N);
    expect(withCall).toBe(2 * N);
    expect(live.stats().hot).toMatchObject({ streams: 0, sdpMessages: 0, calls: 0 });
  }, 120_000);
});
