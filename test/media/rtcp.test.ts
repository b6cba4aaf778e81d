/**
 * RTCP sender and receiver reports (RFC 3550 §6.4): the compound packet
 * parsed from hex (src/media/rtcp.ts), and what the reports add up to for
 * a stream (src/media/rtcp-reports.ts): the loss and jitter its receiver
 * reported, its sender's packet count, and the round trip A − LSR − DLSR
 * (§6.4.1) timed at the capture point.
 */
import { describe, expect, it } from 'vitest';
import { parseRtcp } from '../../src/media/rtcp.js';
import { RtcpReports } from '../../src/media/rtcp-reports.js';
import { ntpMiddle, rtcpRr, rtcpSr } from '../fixtures/rtcp-build.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

// SR (RC=1, length 12 words) from 0xA254E017, then SDES (length 3) with its CNAME "abcd".
const SR_SDES = hex(`
  81c8000c a254e017  e9f1a2b3 12345678  00001000  000006f6 00045960
  42afe59b 4d00004c  00012345 00000057  a2b31234 00031bd3
  81ca0003 a254e017  0104 61626364 0000
`);

describe('RTCP compound packets (RFC 3550 §6.1, §6.4)', () => {
  it('an SR with its sender info and one report block, the SDES after it stepped over', () => {
    expect(parseRtcp(SR_SDES)).toEqual([
      {
        ssrc: 0xa254e017,
        // §6.4.1: the middle 32 bits of the NTP timestamp, what a later LSR names this SR by.
        sender: { ntpMiddle: 0xa2b31234, rtpTimestamp: 0x1000, packets: 1782, octets: 0x45960 },
        blocks: [
          {
            ssrc: 0x42afe59b,
            fractionLost: 77,
            cumulativeLost: 76,
            highestSequence: 0x12345,
            jitter: 87,
            lsr: 0xa2b31234,
            dlsr: 0x31bd3,
          },
        ],
      },
    ]);
  });

  it('an RR: no sender info; a cumulative loss below zero (duplicates) is 24-bit signed', () => {
    const rr = hex('81c90007 0000000b  0000000a 00fffffa 00010010 00000020 00000000 00000000');
    expect(parseRtcp(rr)).toEqual([
      {
        ssrc: 0xb,
        sender: null,
        blocks: [
          {
            ssrc: 0xa,
            fractionLost: 0,
            cumulativeLost: -6,
            highestSequence: 0x10010,
            jitter: 32,
            lsr: 0,
            dlsr: 0,
          },
        ],
      },
    ]);
    // An empty RR (RC=0): a receiver that heard nobody yet.
    expect(parseRtcp(hex('80c90001 0000000b'))).toEqual([{ ssrc: 0xb, sender: null, blocks: [] }]);
  });

  it('keeps the SR when what follows it is cut short or junk (as Wireshark reads it)', () => {
    const want = parseRtcp(SR_SDES);
    // The SDES cut short, and two bytes after it (a phone in the corpus sends those).
    expect(parseRtcp(SR_SDES.subarray(0, SR_SDES.length - 4))).toEqual(want);
    expect(parseRtcp(Uint8Array.from([...SR_SDES, 0, 0]))).toEqual(want);
  });

  it('refuses what RFC 3550 A.2 says is not a valid compound packet', () => {
    // The first packet must be an SR or an RR.
    expect(parseRtcp(hex('81ca0003 a254e017 01046162 63640000'))).toBeNull();
    // The first packet's length running past the datagram.
    expect(parseRtcp(SR_SDES.subarray(0, 40))).toBeNull();
    // Version 1.
    expect(parseRtcp(hex('40c90001 0000000b'))).toBeNull();
    // Two report blocks announced, room for one.
    expect(
      parseRtcp(hex('82c90007 0000000b  0000000a 00000000 00000000 00000000 00000000 00000000')),
    ).toBeNull();
    expect(parseRtcp(new Uint8Array(0))).toEqual([]);
  });
});

describe('RTCP reports by stream', () => {
  const A = '10.0.0.1';
  const B = '10.0.0.2';

  it('the receiver s loss and jitter, the sender s count, and the round trip from LSR and DLSR', () => {
    const r = new RtcpReports();
    // Alice sends SSRC 0xA to Bob: her SR at 10.000 s, Bob's RR about 0xA at 10.150 s having held it 100 ms.
    const ntp = 3_900_000_000.25;
    r.add(parseRtcp(rtcpSr(0xa, ntp, 250))!, A, B, 10);
    const block = {
      ssrc: 0xa,
      fraction: 26,
      cumulativeLost: 12,
      jitter: 160,
      lsr: ntpMiddle(ntp),
      dlsr: 6554,
    };
    r.add(parseRtcp(rtcpRr(0xb, [block]))!, B, A, 10.15);
    r.add(
      parseRtcp(rtcpRr(0xb, [{ ...block, fraction: 3, cumulativeLost: 14, jitter: 80, lsr: 0, dlsr: 0 }]))!,
      B,
      A,
      15,
    );
    expect(r.take(0xa, A, B, 8000)).toEqual({
      reports: 2,
      // 26/256, the larger of the two intervals.
      maxFractionLostPercent: 10.2,
      // The last report's, and how much it grew since the first one captured (12 → 14).
      cumulativeLost: 14,
      lostBetweenReports: 2,
      // 160 timestamp units of an 8,000 Hz clock.
      maxJitterMs: 20,
      // 150 ms between SR and RR at the capture point, less DLSR 6554/65536 s: 49.994 ms.
      roundTrips: 1,
      meanRoundTripMs: 49.994,
      maxRoundTripMs: 49.994,
      senderPackets: 250,
    });
    // Taken once: the stream's record is made once.
    expect(r.take(0xa, A, B, 8000)).toBeNull();
  });

  it('a report about the stream the other way, or between other hosts, is not this stream s', () => {
    const r = new RtcpReports();
    r.add(parseRtcp(rtcpRr(0xb, [{ ssrc: 0xa, cumulativeLost: 5 }]))!, B, A, 1);
    expect(r.take(0xa, B, A, 8000)).toBeNull();
    expect(r.take(0xa, A, '10.0.0.3', 8000)).toBeNull();
    expect(r.take(0xa, A, B, 8000)).toMatchObject({ reports: 1, cumulativeLost: 5, senderPackets: null });
  });

  it('an LSR naming no SR seen gives no round trip; an SR alone gives the sender s count only', () => {
    const r = new RtcpReports();
    r.add(parseRtcp(rtcpSr(0xa, 3_900_000_000, 10))!, A, B, 1);
    r.add(parseRtcp(rtcpRr(0xb, [{ ssrc: 0xa, lsr: 0x12345678, dlsr: 100 }]))!, B, A, 2);
    expect(r.take(0xa, A, B, 0)).toEqual({
      reports: 1,
      maxFractionLostPercent: 0,
      cumulativeLost: 0,
      lostBetweenReports: 0,
      maxJitterMs: null,
      roundTrips: 0,
      meanRoundTripMs: null,
      maxRoundTripMs: null,
      senderPackets: 10,
    });
    r.add(parseRtcp(rtcpSr(0xc, 3_900_000_000, 7))!, A, B, 3);
    expect(r.take(0xc, A, B, 8000)).toMatchObject({ reports: 0, cumulativeLost: null, senderPackets: 7 });
  });

  it('a DLSR longer than the time from the SR to the report gives no round trip (it counted as 0 ms)', () => {
    const r = new RtcpReports();
    const ntp = 3_900_000_000.5;
    r.add(parseRtcp(rtcpSr(0xa, ntp, 100))!, A, B, 100);
    const lsr = ntpMiddle(ntp);
    // Held 18 hours, 1 s after the SR: impossible.
    r.add(parseRtcp(rtcpRr(0xb, [{ ssrc: 0xa, lsr, dlsr: 0xffffffff }]))!, B, A, 101);
    // Held 1.0002 s, 1 s after the SR: rounding, a round trip of 0.
    r.add(parseRtcp(rtcpRr(0xb, [{ ssrc: 0xa, lsr, dlsr: 65549 }]))!, B, A, 101);
    // Held 0.5 s, 1 s after it: 500 ms.
    r.add(parseRtcp(rtcpRr(0xb, [{ ssrc: 0xa, lsr, dlsr: 32768 }]))!, B, A, 101);
    expect(r.take(0xa, A, B, 8000)).toMatchObject({
      reports: 3,
      roundTrips: 2,
      meanRoundTripMs: 250,
      maxRoundTripMs: 500,
    });
  });

  it('keeps at most maxStreams streams, forgetting the oldest', () => {
    const r = new RtcpReports(2);
    for (const ssrc of [1, 2, 3]) r.add(parseRtcp(rtcpRr(0xb, [{ ssrc }]))!, B, A, 1);
    expect(r.take(1, A, B, 8000)).toBeNull();
    expect(r.take(3, A, B, 8000)).toMatchObject({ reports: 1 });
  });
});
