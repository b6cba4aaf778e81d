/**
 * RTP streams through the pipeline: the SDP of the SIP messages says where
 * media goes, each SSRC and direction on those addresses is a stream (RFC
 * 3550 §3, §8), and nothing else is taken for RTP.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { LinkType } from '../../src/capture/link-types.js';
import { MediaTracker, type RtpStreamRecord } from '../../src/media/media-tracker.js';
import { createPipeline } from '../../src/pipeline.js';
import type { SipMessage } from '../../src/sip/message.js';
import { edit, withBody } from '../analyze/flow-edit.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { ALICE, BOB, sdp, T0 } from '../fixtures/flows/builder.js';
import { basicCall } from '../fixtures/flows/index.js';
import { byTime, rtpFrames, rtpPacket } from '../fixtures/rtp-frames.js';
import { ethernetIpv4Udp } from '../helpers/packet-builders.js';

// basicCall's SDP: alice receives on 10.0.0.1:49170 (offer), bob on 10.0.0.2:3456 (answer, at +2 s).
const A = { ip: ALICE.ip, port: 49170 };
const B = { ip: BOB.ip, port: 3456 };

/** Frame `i` (0-based) of a capture built from timed frames, as a reader hands it over. */
const frameOf = (f: TimedFrame, i: number): Frame => ({
  no: i + 1,
  ...f,
  linkType: LinkType.ETHERNET,
  origLen: f.data.length,
  iface: 0,
  fileOffset: 0,
});

function run(frames: TimedFrame[], idleSeconds?: number) {
  const streams: RtpStreamRecord[] = [];
  const messages: SipMessage[] = [];
  const media = new MediaTracker({ idleSeconds, onStream: (s) => streams.push(s) });
  const p = createPipeline({ media, onMessage: (m) => messages.push(m) });
  for (const [i, f] of frames.entries()) p.push(frameOf(f, i));
  p.end();
  return { streams: streams.sort((a, b) => a.id - b.id), messages, media };
}

const udp = (
  src: { ip: string; port: number },
  dst: { ip: string; port: number },
  at: number,
  payload: Uint8Array,
): TimedFrame => ({
  sec: Math.floor(at),
  nsec: Math.round((at % 1) * 1e9),
  data: ethernetIpv4Udp({ src: src.ip, dst: dst.ip, sport: src.port, dport: dst.port, payload, ipId: 1 }),
});

describe('MediaTracker: RTP streams on the addresses SDP announced', () => {
  it('one stream per SSRC and direction, tied to the SDP that announced its destination', () => {
    const { streams, messages } = run(
      byTime(
        flowToFrames(basicCall()),
        rtpFrames({ src: A, dst: B, ssrc: 0x11, payloadType: 0, start: T0 + 2.02, end: T0 + 3.02 }),
        rtpFrames({ src: B, dst: A, ssrc: 0x22, payloadType: 8, start: T0 + 2.03, end: T0 + 3.03 }),
      ),
    );
    expect(messages).toHaveLength(7);
    expect(streams.map((s) => [s.src, s.dst, s.ssrc, s.packets, s.lost, s.codecs])).toEqual([
      ['10.0.0.1:49170', '10.0.0.2:3456', '0x00000011', 50, 0, ['PCMU/8000']],
      ['10.0.0.2:3456', '10.0.0.1:49170', '0x00000022', 50, 0, ['PCMA/8000']],
    ]);
    // To bob's address: his answer (the 200, message 3) announced it; to alice's: her offer (the INVITE, message 0).
    expect(streams.map((s) => s.setup)).toEqual([3, 0]);
    expect(streams[0]).toMatchObject({ media: 'audio', maxDeltaMs: 20, maxJitterMs: 0, call: null });
    // Each says what its receiver's SDP said, that the call was answered with SDP, and that RTP came back.
    expect(streams.map((s) => [s.setupDirection, s.answered, s.reverse])).toEqual([
      ['sendrecv', true, true],
      ['sendrecv', true, true],
    ]);
  });

  it('reverse: RTP the other way counts only while the stream flows (a packet within 5 s), not an earlier call between the same hosts', () => {
    const { streams } = run(
      byTime(
        flowToFrames(basicCall()),
        rtpFrames({ src: B, dst: A, ssrc: 0x22, payloadType: 0, start: T0 + 2.03, end: T0 + 4 }),
        rtpFrames({ src: A, dst: B, ssrc: 0x11, payloadType: 0, start: T0 + 10, end: T0 + 11 }),
      ),
    );
    expect(streams.map((s) => [s.ssrc, s.reverse])).toEqual([
      ['0x00000022', false],
      ['0x00000011', false],
    ]);
  });

  it('answered: false while only an INVITE offer and a 183 carried SDP (early media)', () => {
    const flow = basicCall().slice(0, 3);
    const { streams } = run(
      byTime(
        flowToFrames(flow),
        rtpFrames({ src: A, dst: B, ssrc: 1, payloadType: 0, start: T0 + 0.5, end: T0 + 1 }),
      ),
    );
    // No SDP named bob's address: the stream is alice's (symmetric RTP from her offer's address), unanswered.
    expect(streams.map((s) => [s.setup, s.answered, s.reverse])).toEqual([[0, false, false]]);
  });

  it('symmetric RTP (RFC 4961): a stream from an announced address to one that was not is taken by its source', () => {
    const other = { ip: '10.0.0.9', port: 7000 };
    const { streams } = run(
      byTime(
        flowToFrames(basicCall()),
        rtpFrames({ src: B, dst: other, ssrc: 5, payloadType: 0, start: T0 + 2.1, end: T0 + 2.5 }),
      ),
    );
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ src: '10.0.0.2:3456', dst: '10.0.0.9:7000', setup: 3, packets: 20 });
  });

  it('RTP before any SDP names its address is not a stream (no guessing from the bytes, as Wireshark without its heuristic)', () => {
    const { streams, media } = run(
      byTime(
        rtpFrames({ src: A, dst: B, ssrc: 1, payloadType: 0, start: T0 - 1, end: T0 - 0.5 }),
        flowToFrames(basicCall()),
      ),
    );
    expect(streams).toEqual([]);
    expect(media.rtpPackets).toBe(0);
  });

  it('RFC 3550 §6: RTCP on the port above the RTP port is counted, not a stream; SIP on a media port is still SIP', () => {
    const sr = new Uint8Array([0x80, 200, 0, 6, 0, 0, 0, 0x11, ...new Array(20).fill(0)]);
    const options = new TextEncoder().encode(
      'OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:49170;branch=z9hG4bKo1\r\nFrom: <sip:a@10.0.0.1>;tag=1\r\nTo: <sip:bob@10.0.0.2>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
    );
    const { streams, media, messages } = run([
      ...flowToFrames(basicCall()),
      udp({ ip: A.ip, port: 49171 }, { ip: B.ip, port: 3457 }, T0 + 5, sr),
      udp(A, B, T0 + 6, options),
    ]);
    expect(streams).toEqual([]);
    expect(media.rtcpPackets).toBe(1);
    const last = messages.at(-1);
    expect(last?.kind === 'request' ? last.method : last?.kind).toBe('OPTIONS');
  });

  it('a stream idle for idleSeconds of capture time is finished before the end (bounded state on a live link)', () => {
    const seen: number[] = [];
    const media = new MediaTracker({ idleSeconds: 5, onStream: (s) => seen.push(s.packets) });
    const p = createPipeline({ media, onMessage: () => {} });
    const frames = byTime(
      flowToFrames(basicCall()),
      rtpFrames({ src: A, dst: B, ssrc: 1, payloadType: 0, start: T0 + 2.02, end: T0 + 3.02 }),
      [udp(A, B, T0 + 20, rtpPacket(0, 9, 9, 2, new Uint8Array(160)))],
    );
    frames.forEach((f, i) => {
      p.push(frameOf(f, i));
      if (f.sec === T0 + 20) expect(seen).toEqual([50]);
    });
    expect(media.activeStreams).toBe(1);
    // A quiet link: capture time moves on without a datagram (live tick).
    media.advance(T0 + 24);
    expect(seen).toEqual([50]);
    media.advance(T0 + 26);
    expect(seen).toEqual([50, 1]);
    p.end();
    expect(seen).toEqual([50, 1]);
    expect(media.activeStreams).toBe(0);
  });

  it('bounded address map: a stream whose addresses were forgotten meanwhile goes on counting', () => {
    // The second call's SDP (another host) pushes bob's and alice's addresses out of a 2-entry map.
    const other = edit(basicCall({ n: 2, callId: 'other@10.0.0.1', t0: T0 + 3 }), 0, (t) =>
      withBody(t, sdp({ ip: '10.0.0.9', port: 5060 }, 7000)),
    ).slice(0, 1);
    const streams: RtpStreamRecord[] = [];
    const media = new MediaTracker({ maxEndpoints: 2, onStream: (st) => streams.push(st) });
    const p = createPipeline({ media, onMessage: () => {} });
    byTime(
      flowToFrames(basicCall()),
      flowToFrames(other),
      rtpFrames({ src: A, dst: B, ssrc: 1, payloadType: 0, start: T0 + 2.02, end: T0 + 5.02 }),
    ).forEach((f, i) => {
      p.push(frameOf(f, i));
    });
    p.end();
    expect(streams.map((st) => [st.ssrc, st.packets, st.lost])).toEqual([['0x00000001', 150, 0]]);
  });

  it('loss, a late packet and RTP timestamps give Wireshark-style figures (RFC 3550 A.1, A.8)', () => {
    const { streams } = run(
      byTime(
        flowToFrames(basicCall()),
        rtpFrames({
          src: A,
          dst: B,
          ssrc: 7,
          payloadType: 0,
          start: T0 + 2.02,
          end: T0 + 4.02,
          lost: new Set([10, 11]),
          lateMs: new Map([[50, 10]]),
        }),
      ),
    );
    expect(streams[0]).toMatchObject({
      packets: 98,
      expected: 100,
      lost: 2,
      lostPercent: 2,
      sequenceErrors: 1,
      maxDeltaMs: 60,
    });
    expect(streams[0].maxJitterMs).toBeGreaterThan(0.5);
  });
});
