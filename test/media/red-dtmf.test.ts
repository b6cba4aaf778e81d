/**
 * RFC 4733 telephone events inside RFC 2198 redundancy: the blocks of a
 * payload type the SDP maps to red whose own payload type it maps to
 * telephone-event are events, the primary at the packet's timestamp, each
 * redundant block at the timestamp minus its offset (RFC 2198 §3); copies
 * are retransmissions, never a second digit, and a copy of a packet that
 * was lost still gives its digit or its end.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import type { DtmfEvents } from '../../src/media/dtmf-events.js';
import { StreamRed } from '../../src/media/stream-red.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import type { SdpRtpMap } from '../../src/sip/sdp.js';
import {
  dtmfRedCall,
  dtmfRedCallFrames,
  RED_CALLER_MEDIA,
  RED_IVR_MEDIA,
} from '../fixtures/dtmf-red-call.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/builder.js';
import { redEventFrames, redPayload } from '../fixtures/red-frames.js';
import { byTime } from '../fixtures/rtp-frames.js';
import { srtpCallFrames, srtpSdp } from '../fixtures/srtp-call.js';
import { hex } from '../helpers/packet-builders.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-red-'));
function analyse(name: string, frames: TimedFrame[]): Promise<AnalysisResult> {
  const file = join(dir, name);
  writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
  return analyzeCapture(file);
}

/** The sample call's SIP with only the caller's keys `1 #` in red 104, copies and losses as given. */
const keysInRed = (depth: number, lost: number[]) =>
  byTime(
    flowToFrames(dtmfRedCall()),
    redEventFrames({
      src: RED_CALLER_MEDIA,
      dst: RED_IVR_MEDIA,
      ssrc: 0xa1,
      redPayloadType: 104,
      eventPayloadType: 101,
      depth,
      firstSequence: 1049,
      firstTimestamp: 11840,
      presses: [
        { event: 1, at: T0 + 3, endCopies: 1 },
        { event: 11, at: T0 + 3.2 },
      ],
      lost: new Set(lost),
    }),
  );

describe('DTMF inside RFC 2198 redundancy (samples/dtmf-red-call.pcap)', () => {
  let r: AnalysisResult;
  beforeAll(async () => {
    r = await analyse('dtmf-red-call.pcap', dtmfRedCallFrames());
  });

  it('reads 1 and # from red 104, the end of 1 from the copy in the next packet of # (its own packet lost)', () => {
    const caller = r.streams[0];
    expect(caller.codecs).toEqual(['PCMU/8000', 'red/8000']);
    expect(caller.red).toEqual({ payloadTypes: [101], codecs: ['telephone-event/8000'] });
    expect(caller.dtmf?.map((d) => [d.digit, d.ended, d.durationMs, d.timestamp])).toEqual([
      ['1', true, 120, 11840],
      ['#', true, 120, 13440],
    ]);
    // 1: its 5 packets and the packet of # that held its end; #: its 8 packets but the lost first.
    expect(caller.dtmf?.map((d) => d.packets)).toEqual([6, 7]);
    // The first packet of # was lost: the digit dates from the packet whose copy held its start.
    expect(caller.dtmf?.[1].ts).toBeCloseTo(T0 + 3.22, 6);
    // Loss stays that of the RTP packets: the two never sent.
    expect(caller.lost).toBe(2);
  });

  it('gives the call its digits once each, and the IVR voice stream its block codec and no digits', () => {
    expect(r.dtmf.get(0)?.map((d) => `${d.digit}:${d.method}:${d.stream}`)).toEqual([
      '1:rfc4733:0',
      '#:rfc4733:0',
    ]);
    const ivr = r.streams[1];
    expect(ivr.red).toEqual({ payloadTypes: [0], codecs: ['PCMU/8000'] });
    expect(ivr.dtmf).toBeUndefined();
  });
});

describe('DTMF copies in red are retransmissions (RFC 2198 §3, RFC 4733 §2.5)', () => {
  it('counts no digit twice when every packet arrives with two copies of the ones before', async () => {
    const r = await analyse('red-all.pcap', keysInRed(2, []));
    const dtmf = r.streams[0].dtmf ?? [];
    expect(dtmf.map((d) => [d.digit, d.ended, d.packets])).toEqual([
      ['1', true, 8],
      ['#', true, 8],
    ]);
  });

  it('leaves 1 unended without copies when its one end packet is lost: the copy is what ends it above', async () => {
    const r = await analyse('red-none.pcap', keysInRed(0, [5, 6]));
    expect(r.streams[0].dtmf?.map((d) => [d.digit, d.ended])).toEqual([
      ['1', false],
      ['#', true],
    ]);
  });

  it('recovers a digit all of whose own packets were lost from the copies in the next digit', async () => {
    // 1 is its 6 packets (indexes 0-5), all lost; the first two of # (6, 7) hold copies of 4 and 5, and 5.
    const r = await analyse('red-whole.pcap', keysInRed(2, [0, 1, 2, 3, 4, 5]));
    expect(r.streams[0].dtmf?.map((d) => [d.digit, d.ended, d.packets])).toEqual([
      ['1', true, 2],
      ['#', true, 8],
    ]);
  });
});

describe('DTMF inside red of an SRTP stream (RFC 3711, RFC 4568)', () => {
  it('reads the blocks of the packets that authenticate, decrypted, as in clear', async () => {
    // The SDES-SRTP sample call's SDP with red 104 added; its RTP the keys 1 # in red, two packets lost.
    const withRed = (...args: Parameters<typeof srtpSdp>) =>
      srtpSdp(...args)
        .replace(/(m=audio \d+ RTP\/SAVP [^\r]*)/, '$1 104')
        .replace('a=rtpmap:101', 'a=rtpmap:104 red/8000\r\na=fmtp:104 101/101/101\r\na=rtpmap:101');
    const media = keysInRed(2, [5, 6]).filter((f) => f.data[42] === 0x80 && (f.data[43] & 0x7f) === 104);
    const r = await analyse('red-srtp.pcap', srtpCallFrames(withRed, undefined, media));
    const caller = r.streams[0];
    expect(caller.srtp).toMatchObject({ verified: 12, authFailures: 0 });
    expect(caller.dtmf?.map((d) => [d.digit, d.ended, d.packets])).toEqual([
      ['1', true, 6],
      ['#', true, 7],
    ]);
    expect(caller.red).toEqual({ payloadTypes: [101], codecs: ['telephone-event/8000'] });
  });
});

describe('StreamRed: one red stream, payload by payload', () => {
  const rtpmap: Record<string, SdpRtpMap> = {
    '104': { payloadType: 104, encoding: 'red', clockRate: 8000, offset: 0 },
    '101': { payloadType: 101, encoding: 'telephone-event', clockRate: 8000, offset: 0 },
  };
  const event = (code: number, end: boolean, duration: number) =>
    new Uint8Array([code, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);

  it('counts a payload that is not RFC 2198 as malformed and reads the next one', () => {
    const red = new StreamRed(rtpmap);
    const s: { dtmf: DtmfEvents | null } = { dtmf: null };
    // F=1 header cut short: 3 bytes.
    const cut = hex('e5 0050');
    red.add(cut, 0, cut.length, 8000, true, 1, 1, s);
    expect(red.malformed).toBe(1);
    expect(s.dtmf).toBeNull();
    const good = redPayload([], 101, event(5, true, 800));
    red.add(good, 0, good.length, 8000, true, 2, 1.02, s);
    expect(s.dtmf?.events().map((e) => [e.digit, e.ended])).toEqual([['5', true]]);
    expect(red.summary()).toEqual({ payloadTypes: [101], codecs: ['telephone-event/8000'], malformed: 1 });
  });

  it('flags a telephone-event block shorter than an event as the stream flags a short event packet', () => {
    const red = new StreamRed(rtpmap);
    const s: { dtmf: DtmfEvents | null } = { dtmf: null };
    const b = redPayload(
      [{ pt: 101, offset: 160, data: new Uint8Array([5, 0x8a]) }],
      101,
      event(6, false, 160),
    );
    red.add(b, 0, b.length, 8160, true, 1, 1, s);
    expect(s.dtmf?.malformed).toBe(1);
    expect(s.dtmf?.events().map((e) => [e.digit, e.timestamp])).toEqual([['6', 8160]]);
  });

  /**
   * Digit 5 at timestamp 8000 as RFC 4733 sends it (durations 160…480, then
   * the end at 640 three times, §2.5.1.4), each packet with copies of the
   * two before (a=fmtp:104 101/101/101), those of `lost` not arriving: the
   * event packets recovered for the estimate.
   */
  function eventsRecovered(lost: ReadonlySet<number>): number {
    const packets = [
      [false, 160],
      [false, 320],
      [false, 480],
      [true, 640],
      [true, 640],
      [true, 640],
    ] as const;
    const red = new StreamRed(rtpmap);
    const s: { dtmf: DtmfEvents | null } = { dtmf: null };
    packets.forEach(([end, d], i) => {
      if (lost.has(i)) return;
      const copies = packets
        .slice(Math.max(0, i - 2), i)
        .map(([e, c]) => ({ pt: 101, offset: 0, data: event(5, e, c) }));
      const b = redPayload(copies, 101, event(5, end, d));
      red.add(b, 0, b.length, 8000, i === 0, i, i * 0.02, s);
    });
    return red.voice().recovered;
  }

  it('counts a lost event packet whose copy came as recovered, by its timestamp plus duration (RFC 4733 §2.3.5)', () => {
    expect(eventsRecovered(new Set())).toBe(0);
    expect(eventsRecovered(new Set([1]))).toBe(1);
    expect(eventsRecovered(new Set([1, 2]))).toBe(2);
    // The first end packet lost, two more with its duration came: nothing was lost to recover.
    expect(eventsRecovered(new Set([3]))).toBe(0);
    // The first packet lost: before the first received, never counted lost (RFC 3550 A.3).
    expect(eventsRecovered(new Set([0]))).toBe(0);
  });

  it('places a redundant block at the packet timestamp minus its offset, across the 32-bit wrap', () => {
    const red = new StreamRed(rtpmap);
    const s: { dtmf: DtmfEvents | null } = { dtmf: null };
    const b = redPayload([{ pt: 101, offset: 1600, data: event(1, true, 960) }], 101, event(11, false, 160));
    red.add(b, 0, b.length, 1000, true, 1, 1, s);
    expect(s.dtmf?.events().map((e) => [e.digit, e.timestamp])).toEqual([
      ['1', 2 ** 32 - 600],
      ['#', 1000],
    ]);
  });
});
