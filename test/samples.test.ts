/**
 * The bundled samples are what the generator makes (so they cannot drift from
 * the flows they claim to show), and the whole pipeline finds every SIP
 * message in each of them, from the file on disk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseRecordedStream } from '../src/media/stream-analysis.js';
import { analyzeCapture } from '../src/report/analyze-capture.js';
import { buildSamples } from './fixtures/make-samples.js';

const dir = new URL('../samples/', import.meta.url);

describe('bundled samples', () => {
  for (const s of buildSamples()) {
    it(`${s.file} is byte for byte what the generator makes`, () => {
      expect(Buffer.from(readFileSync(new URL(s.file, dir))).equals(Buffer.from(s.bytes))).toBe(true);
    });

    it(`${s.file}: analyze finds its ${s.messages} SIP messages, none malformed`, async () => {
      const r = await analyzeCapture(new URL(s.file, dir).pathname);
      expect(r.stats.sipMessages).toBe(s.messages);
      expect(r.stats.malformed).toBe(0);
      expect(r.stats.decodeErrors).toBe(0);
    });
  }

  it('fragmented-invite.pcap: a reassembled message is reported in the frame that completed it (the first fragment, sent last)', async () => {
    const r = await analyzeCapture(new URL('fragmented-invite.pcap', dir).pathname);
    const invite = r.messages.get(0);
    expect(invite.method).toBe('INVITE');
    expect(invite.frames).toEqual([1, 2]);
    expect(invite.frame).toBe(2);
    expect(r.source.format).toBe('pcap');
  });

  it('proxied-call-two-interfaces.pcapng: both link types, every hop found', async () => {
    const r = await analyzeCapture(new URL('proxied-call-two-interfaces.pcapng', dir).pathname);
    expect(r.source.format).toBe('pcapng');
    expect(r.source.linkTypes).toEqual(['ETHERNET', 'LINUX_SLL']);
    expect(r.stats.requests.INVITE).toBe(2);
  });

  it('sipp-10-calls.pcap (real SIPp traffic): 10 INVITE/180/200/ACK/BYE/200 calls', async () => {
    const r = await analyzeCapture(new URL('sipp-10-calls.pcap', dir).pathname);
    expect(r.stats.sipMessages).toBe(60);
    expect(r.stats.requests).toEqual({ INVITE: 10, ACK: 10, BYE: 10 });
    expect(r.stats.responses).toEqual({ 180: 10, 200: 20 });
  });

  it("call-with-rtp.pcap: three RTP streams on the SDP's addresses, each in its call; the loss and jitter tshark's rtp,streams reports", async () => {
    const r = await analyzeCapture(new URL('call-with-rtp.pcap', dir).pathname);
    expect(
      r.streams.map((s) => [s.call, s.src, s.dst, s.ssrc, s.packets, s.lost, s.maxDeltaMs, s.maxJitterMs]),
    ).toEqual([
      [0, '10.0.0.2:3456', '10.0.0.1:49170', '0x5E6F7081', 499, 0, 20, 0],
      // tshark 4.x: 496 packets, lost 3 (0.6%), max delta 60.000 ms, max jitter 3.453 ms.
      [0, '10.0.0.1:49170', '10.0.0.2:3456', '0x1A2B3C4D', 496, 3, 60, 3.453],
      [1, '10.0.0.1:49170', '10.0.0.2:3456', '0x22334455', 499, 0, 20, 0],
    ]);
    expect(r.rtcpPackets).toBe(0);
    // The second call's callee never sends: its one-way audio is the sample's one finding.
    expect(r.findings.map((f) => [f.rule, f.call, f.messages])).toEqual([['media.one-way', 1, [10]]]);
  });

  it('t38-reinvite-rtp-kept.pcap: PCMU sent through the 20 s a T.38 re-INVITE had dropped it (RFC 3264 §8), as tshark counts it with T.38 decoding off', async () => {
    const r = await analyzeCapture(new URL('t38-reinvite-rtp-kept.pcap', dir).pathname);
    // tshark 4.0 -z rtp,streams with --disable-protocol t38,udptl: 1899 PCMU packets from 4000, 400 and 496 from 5000.
    expect(r.streams.map((s) => [s.src, s.ssrc, s.packets, s.payloadTypeSpans?.[0].length])).toEqual([
      ['10.0.0.1:4000', '0x7A38F00D', 1899, 1],
      ['10.0.0.2:5000', '0x7B38F00D', 400, 1],
      ['10.0.0.2:5000', '0x7C38F00D', 496, 1],
    ]);
    expect(r.findings.map((f) => [f.rule, f.messages])).toEqual([['media.format-not-negotiated', [2, 5, 7]]]);
    expect(r.findings[0].text).toContain('from 8.0 s to 28.0 s into the stream');
  });

  it("rtp-clock-drift.pcap: Wireshark RTP Stream Analysis tells the caller's 0.5 % fast clock (drift, no jitter) from the callee's late packets (jitter, no drift)", async () => {
    const file = new URL('rtp-clock-drift.pcap', dir).pathname;
    const r = await analyzeCapture(file);
    // tshark 4.0 -z rtp,streams: max jitter 5.180 ms the callee's way, 0.100 ms the caller's; 499 packets each.
    expect(r.streams.map((s) => [s.src, s.packets, s.lost, s.maxJitterMs])).toEqual([
      ['10.0.0.2:3456', 499, 0, 5.18],
      ['10.0.0.1:49170', 499, 0, 0.1],
    ]);
    const [late, fast] = await Promise.all(r.streams.map((s) => analyseRecordedStream(file, s)));
    // Stamped 498 · 160 ticks = 9.96 s of media, sent over 9.96 · 8000 / 8040 = 9.910448 s: 0.5 % fast.
    expect(fast.summary).toMatchObject({ maxSkewMs: 49.552, freqDriftHz: 8040, freqDriftPercent: 0.5 });
    expect(fast.summary.clockDriftMs).toBeCloseTo(9910.448 * 0.005, 2);
    // Late by 0 to 10 ms, in a pattern with no trend: the line stays flat to a few ppm.
    expect(late.summary.maxSkewMs).toBe(-10);
    expect(Math.abs(late.summary.freqDriftPercent as number)).toBeLessThan(0.001);
  });

  it('opus-call.pcap: two Opus streams on the addresses of an SDP offering only opus/48000/2 (RFC 7587 §7), as tshark -z rtp,streams lists them', async () => {
    const r = await analyzeCapture(new URL('opus-call.pcap', dir).pathname);
    expect(r.streams.map((s) => [s.call, s.src, s.dst, s.ssrc, s.codecs, s.packets, s.lost])).toEqual([
      // tshark 4.0 -z rtp,streams (the streams found from the SDP, no option): payload "opus", 499 and 498 packets, none lost.
      [0, '10.0.0.1:49170', '10.0.0.2:3456', '0x0B05A11C', ['opus/48000/2'], 499, 0],
      [0, '10.0.0.2:3456', '10.0.0.1:49170', '0x0B05B0B0', ['opus/48000/2'], 498, 0],
    ]);
    expect(r.findings).toEqual([]);
  });

  it('opus-120ms.pcap: two Opus streams of 120 ms packets (RFC 6716 §3.2.5), a packet every 120 ms, as tshark -z rtp,streams lists them', async () => {
    const r = await analyzeCapture(new URL('opus-120ms.pcap', dir).pathname);
    expect(r.streams.map((s) => [s.src, s.dst, s.ssrc, s.codecs, s.packets, s.lost, s.maxDeltaMs])).toEqual([
      // tshark 4.0 -z rtp,streams: payload "opus", 83 packets each, none lost, deltas all 120.000 ms.
      ['10.0.0.1:49170', '10.0.0.2:3456', '0x0B05A120', ['opus/48000/2'], 83, 0, 120],
      ['10.0.0.2:3456', '10.0.0.1:49170', '0x0B05B120', ['opus/48000/2'], 83, 0, 120],
    ]);
    expect(r.findings).toEqual([]);
  });

  it('rtcp-loss-after-capture.pcap: what the RTCP said about each stream, as tshark reads it (RFC 3550 §6.4.1)', async () => {
    const r = await analyzeCapture(new URL('rtcp-loss-after-capture.pcap', dir).pathname);
    expect(r.rtcpPackets).toBe(4);
    // tshark 4.x (rtcp.show_roundtrip_calculation): fraction 0 and 31 of 256, cumulative 0 then 25, round trips 41 and 1 ms.
    expect(r.streams.map((s) => [s.ssrc, s.lost, s.rtcp])).toEqual([
      [
        '0x5E6F7082',
        0,
        {
          reports: 2,
          maxFractionLostPercent: 0,
          cumulativeLost: 0,
          lostBetweenReports: 0,
          maxJitterMs: 1,
          // DLSR is in 1/65536 s: 4.899 s is 321,061 of them, 4.899002 s.
          roundTrips: 1,
          meanRoundTripMs: 0.998,
          maxRoundTripMs: 0.998,
          senderPackets: 455,
        },
      ],
      [
        '0x1A2B3C4E',
        0,
        {
          reports: 2,
          maxFractionLostPercent: 12.1,
          cumulativeLost: 25,
          lostBetweenReports: 25,
          maxJitterMs: 3,
          // 60 ms is 3,932 of them, 59.998 ms.
          roundTrips: 2,
          meanRoundTripMs: 40.002,
          maxRoundTripMs: 40.002,
          senderPackets: 450,
        },
      ],
    ]);
    // On the 200 OK whose SDP announced bob's address, where alice's stream went.
    expect(r.findings.map((f) => [f.rule, f.call, f.messages])).toEqual([['media.rtcp-loss', 0, [3]]]);
  });

  it('rtcp-xr-call.pcap: the RTCP XR VoIP Metrics and DLRR of the call (RFC 3611), as tshark reads them, beside the MOS estimate', async () => {
    const r = await analyzeCapture(new URL('rtcp-xr-call.pcap', dir).pathname);
    const caller = r.streams.find((s) => s.ssrc === '0x1A2B3C4F');
    // tshark 4.x -Y rtcp.xr: frame 915 (11.1 s) VoIP Metrics about 0x1a2b3c4f: fraction lost 2/256, burst
    // density 128, R 89, MOS-LQ 4.2, MOS-CQ 4.1, round trip 40, end system delay 70, RERL 127 (unavailable);
    // frame 904 (11.0 s) DLRR 317,850 (4.850006 s) for the RRT of frame 413 (6.1 s): 49.994 ms.
    expect(caller?.rtcp?.xr).toMatchObject({
      voipReports: 2,
      voip: { lossPercent: 0.8, burstDensityPercent: 50, rFactor: 89, mosLq: 4.2, mosCq: 4.1 },
      roundTrips: 1,
      meanRoundTripMs: 49.994,
    });
    expect(caller?.rtcp?.xr?.voip).toMatchObject({
      roundTripDelayMs: 40,
      endSystemDelayMs: 70,
      rerlDb: null,
    });
    // Our estimate: 4 lost in one run of 499 (BurstR 3.97), RR round trip 40 ms: R 87.8, MOS 4.28
    // (Ppl 0.801603%, Ie,eff = 76.152305/25.302020 = 3.009731, Id = 0.024·100.001 = 2.400024).
    expect(caller?.quality).toMatchObject({ r: 87.8, mos: 4.28, burstR: 3.97, delayMs: 100 });
    expect(r.findings).toEqual([]);
  });

  it('dtmf-call.pcap: the digits of RFC 4733 events and SIP INFO, as tshark rtpevent and its SIP bodies show them', async () => {
    const r = await analyzeCapture(new URL('dtmf-call.pcap', dir).pathname);
    // tshark 4.x -Y rtpevent: events 1 2 3 4 11 from 10.0.0.1 (first frames 104, 137, 170, 203, 236) and 9
    // from 10.0.0.2 (frame 293), 8 packets each, the end bit set, the last duration 960 (120 ms).
    expect(
      r.streams.flatMap((s) =>
        (s.dtmf ?? []).map((d) => [s.src, d.frame, d.digit, d.packets, d.ended, d.durationMs]),
      ),
    ).toEqual([
      ['10.0.0.1:49170', 104, '1', 8, true, 120],
      ['10.0.0.1:49170', 137, '2', 8, true, 120],
      ['10.0.0.1:49170', 170, '3', 8, true, 120],
      ['10.0.0.1:49170', 203, '4', 8, true, 120],
      ['10.0.0.1:49170', 236, '#', 8, true, 120],
      ['10.0.0.2:3456', 293, '9', 8, true, 120],
    ]);
    // tshark: frame 301 INFO with "Signal=5 / Duration=160", frame 303 INFO with "*".
    expect(
      r.dtmf
        .get(0)
        ?.filter((d) => d.method === 'info')
        .map((d) => [d.frame, d.digit, d.durationMs]),
    ).toEqual([
      [301, '5', 160],
      [303, '*', null],
    ]);
    // tshark -z rtp,streams: 89 and 206 packets, none lost.
    expect(r.streams.map((s) => [s.packets, s.lost])).toEqual([
      [89, 0],
      [206, 0],
    ]);
  });

  it('sipp-dtmf.pcap (real SIPp traffic): the RFC 4733 digits both ways and the INFO digit, as tshark rtpevent decodes them', async () => {
    const r = await analyzeCapture(new URL('sipp-dtmf.pcap', dir).pathname);
    // tshark 4.x -Y rtpevent: * (event 10) from frame 5, 1 from 15, 2 from 25, # (11) from 35, 10 packets each,
    // the last three with the end bit, duration 2240 (280 ms); frame 45: INFO Signal=5, Duration=160.
    expect(r.dtmf.get(0)?.map((d) => [d.digit, d.method, d.frame, d.durationMs, d.ended])).toEqual([
      ['*', 'rfc4733', 5, 280, true],
      ['1', 'rfc4733', 15, 280, true],
      ['2', 'rfc4733', 25, 280, true],
      ['#', 'rfc4733', 35, 280, true],
      ['5', 'info', 45, 160, true],
    ]);
    expect(r.streams.map((s) => [s.packets, s.dtmf?.map((d) => d.packets)])).toEqual([
      [10, [10]],
      [30, [10, 10, 10]],
    ]);
  });

  it('samples/README.md lists every capture in samples/, and nothing else', () => {
    const readme = readFileSync(new URL('README.md', dir), 'utf8');
    const listed = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]).sort();
    const files = readdirSync(dir)
      .filter((f) => /\.(pcap|pcapng)$/.test(f))
      .sort();
    expect(listed).toEqual(files);
  });

  // Teaching samples must not teach that a classic flow is broken: each has no finding, but for
  // the RFC 2543 call's warnings about its missing Via branch (RFC 3261 §8.1.1.7) and the session
  // timer that runs out (RFC 4028 §10), which are the point.
  it('the classic-flow samples carry no findings (the RFC 2543 call only its branch warnings, the session timer its expiry, the RTP calls their one-way audio, the DTLS faults theirs, the RED call its lost packets, the fax call its PCMU kept through T.38)', async () => {
    // Built once: the Opus samples' encoding takes a while.
    const all = buildSamples();
    const classic = all.slice(5);
    expect(classic.length).toBeGreaterThanOrEqual(10);
    for (const s of [...classic, ...all.slice(0, 5)]) {
      const r = await analyzeCapture(new URL(s.file, dir).pathname);
      const rules = [...new Set(r.findings.map((f) => f.rule))];
      const expected: Record<string, string[]> = {
        'rfc2543-call.pcap': ['via.branch-no-cookie'],
        'session-timer-expired.pcap': ['session-timer.not-refreshed'],
        'call-with-rtp.pcap': ['media.one-way'],
        'rtcp-loss-after-capture.pcap': ['media.rtcp-loss'],
        'dtls-fingerprint-mismatch.pcap': ['dtls.fingerprint-mismatch'],
        'dtls-roles-swapped.pcap': ['dtls.setup-role-mismatch'],
        'dtls-both-clients.pcap': ['dtls.setup-role-mismatch'],
        'dtmf-red-call.pcap': ['media.packet-loss'],
        'amr-wb-call.pcap': ['media.packet-loss', 'media.poor-quality'],
        't38-reinvite-rtp-kept.pcap': ['media.format-not-negotiated'],
      };
      expect([s.file, rules]).toEqual([s.file, expected[s.file] ?? []]);
    }
    // It analyzes every sample: ~5 s on two busy vCPUs, over vitest's default limit.
  }, 60_000);
});
