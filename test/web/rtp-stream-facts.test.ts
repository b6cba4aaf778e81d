/**
 * A stream as the inspector shows it (web/src/media/rtp-streams.ts
 * `streamFacts`), fed with the JSON contract of the bundled sample
 * call-with-rtp.pcap and with a hand-made stream: the table's formatting,
 * the gutter's times, and the facts an older server does not give left out.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RtpStream } from '../../web/src/api/types.js';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import { type StreamFacts, streamFacts, streamRows } from '../../web/src/media/rtp-streams.js';
import { type ContractDoc, contractOfFile, messagesOfCall } from './contract.js';
import { bareStream } from './ladder-fixtures.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

type Doc = ContractDoc & { streams: RtpStream[] };

const value = (f: StreamFacts, key: string) => f.facts.find((x) => x.key === key)?.value;

describe("an RTP stream's details", () => {
  it('gives every figure as the table writes it, the time as the gutter, the setup message named', async () => {
    const doc = (await contractOfFile(sample('call-with-rtp.pcap'))) as Doc;
    const call = doc.calls[0];
    const messages = messagesOfCall(doc, call.id);
    const streams = doc.streams.filter((s) => s.call === call.id);
    const t0 = layoutLadder(call, messages, []).start as number;
    const ctx = { t0, endpoints: call.endpoints, messages };
    const caller = streams.find((s) => s.src.startsWith('10.0.0.1:')) as RtpStream;
    const f = streamFacts(caller, ctx);
    const row = streamRows([caller], ctx)[0];
    expect(f.id).toBe(caller.id);
    expect(f.title).toBe(`RTP stream ${caller.ssrc}`);
    expect(f.facts.map((x) => x.key)).toEqual([
      'direction',
      'media',
      'codecs',
      'payload types',
      'SSRC',
      'packets',
      'expected',
      'lost',
      'sequence errors',
      'first frame',
      'last frame',
      'time',
      'duration',
      'delta min / mean / max',
      'jitter mean / max',
      'network jitter mean / max',
      'setup',
      'MOS (estimate)',
      'SDP direction',
      'RTP back',
    ]);
    // The E-model estimate with what it is made of (test/media/stream-quality.test.ts works it out).
    expect(value(f, 'MOS (estimate)')).toBe(
      '4.36 — R 91.0 (E-model, ITU-T G.107, estimated from the capture); PCMU: Ie 0, Bpl 25.1, Ie,eff 2.24; loss 0.6%: 3 lost, 0 later than the 60 ms jitter buffer, burst ratio 1.49; delay not counted. Assumed: G.711 with PLC (G.711 Appendix I); fixed jitter buffer of 60 ms; no RTCP round trip: delay not counted (Id 0)',
    );
    expect(value(f, 'direction')).toBe('AliceUA/1.0 10.0.0.1:49170 → BobPhone/2.0 10.0.0.2:3456');
    expect(value(f, 'codecs')).toBe('PCMU/8000');
    expect(value(f, 'payload types')).toBe('0');
    expect(value(f, 'packets')).toBe('496');
    expect(value(f, 'expected')).toBe('499');
    expect(value(f, 'lost')).toBe('3 (0.6 %)');
    expect(f.facts.find((x) => x.key === 'lost')?.warn).toBe(true);
    expect(value(f, 'time')).toBe(`${row.time} s`);
    expect(value(f, 'time')).toBe('2.020–11.980 s');
    expect(value(f, 'duration')).toBe('9.96 s');
    expect(value(f, 'delta min / mean / max')).toMatch(/^\d+\.\d{3} \/ \d+\.\d{3} \/ 60\.000 ms$/);
    expect(value(f, 'jitter mean / max')).toBe(`${row.meanJitter} / 3.453 ms`);
    // No DTMF, comfort noise or timestamp jump in the sample: the network's jitter is the same figure.
    expect(value(f, 'network jitter mean / max')).toBe(`${row.meanJitter} / 3.453 ms`);
    expect(f.facts.find((x) => x.key === 'network jitter mean / max')?.warn).toBe(false);
    const setup = f.facts.find((x) => x.key === 'setup');
    expect(setup?.setup).toEqual({ message: caller.setup, call: 0 });
    expect(setup?.value).toBe(`${row.setupLabel} (#${caller.setup})`);
    expect(value(f, 'SDP direction')).toBe(caller.setupDirection);
    expect(value(f, 'RTP back')).toBe('yes');
    expect(f.facts.find((x) => x.key === 'RTP back')?.warn).toBeFalsy();
  });

  it('says one-way media in words, and leaves out what an older server does not give', () => {
    const s = bareStream(4, 100.5, '10.0.0.1:4000', '10.0.0.2:5000', {
      ssrc: '0x00000001',
      media: 'video',
      codecs: [],
      setup: 9,
      call: null,
      firstFrame: 12,
      lastFrame: 3456,
      packets: 1234,
      bytes: 160,
      expected: 1236,
      lost: 2,
      lostPercent: 0.16,
      sequenceErrors: 1,
      end: 110,
      durationMs: 9500,
    });
    const f = streamFacts(s, { t0: 100 });
    expect(value(f, 'direction')).toBe('10.0.0.1:4000 → 10.0.0.2:5000');
    expect(value(f, 'codecs')).toBe('video');
    expect(value(f, 'payload types')).toBeUndefined();
    expect([value(f, 'packets'), value(f, 'expected'), value(f, 'lost')]).toEqual([
      '1\u202f234',
      '1\u202f236',
      '2 (0.2 %)',
    ]);
    expect(f.facts.find((x) => x.key === 'sequence errors')).toEqual({
      key: 'sequence errors',
      value: '1',
      warn: true,
    });
    expect([value(f, 'first frame'), value(f, 'last frame')]).toEqual(['12', '3456']);
    expect([value(f, 'time'), value(f, 'duration')]).toEqual(['0.500–10.000 s', '9.50 s']);
    expect(value(f, 'delta min / mean / max')).toBe('– / – / – ms');
    expect(value(f, 'setup')).toBe('message 9 (#9)');
    expect(value(f, 'SDP direction')).toBeUndefined();
    expect(value(f, 'RTP back')).toBeUndefined();
    expect(value(f, 'MOS (estimate)')).toBeUndefined();
    const back = streamFacts({ ...s, reverse: false, setupDirection: 'sendonly' }, { t0: 100 });
    expect(value(back, 'SDP direction')).toBe('sendonly');
    expect(back.facts.find((x) => x.key === 'RTP back')).toEqual({
      key: 'RTP back',
      value: '⚠ no: one-way media, no RTP seen back between these hosts',
      warn: true,
    });
    expect(f.facts.some((x) => x.key.startsWith('RTCP'))).toBe(false);
  });

  it('says what RTCP reported (RFC 3550 §6.4.1), and marks losses past the capture point as media.rtcp-loss does', () => {
    const base = bareStream(1, 100, '10.0.0.1:4000', '10.0.0.2:5000', {
      expected: 1302,
      lost: 0,
      packets: 1302,
    });
    const rtcp = {
      reports: 12,
      maxFractionLostPercent: 30.1,
      cumulativeLost: 76,
      lostBetweenReports: 76,
      maxJitterMs: 10.875,
      roundTrips: 11,
      meanRoundTripMs: 22.707,
      maxRoundTripMs: 64.865,
      senderPackets: 1117,
    };
    const f = streamFacts({ ...base, rtcp }, { t0: 100 });
    expect(f.facts.filter((x) => x.key.startsWith('RTCP'))).toEqual([
      {
        key: 'RTCP: receiver reported lost',
        value:
          '76 since it began receiving, 76 while captured (at most 30.1% in one interval; 12 reports) — ⚠ 76 more than the capture saw: lost after the capture point',
        warn: true,
      },
      { key: 'RTCP: receiver reported jitter max', value: '10.875 ms' },
      {
        key: 'RTCP: round trip mean / max',
        value: '22.707 / 64.865 ms (from the capture point, 11 reports)',
      },
      { key: 'RTCP: sender reported sent', value: '1\u202f117 packets (its last SR)' },
    ]);
    expect(streamRows([{ ...base, rtcp }], { t0: 100 })[0].lostPastCapture).toBe(76);
    // The same losses the capture counted: reported, not marked.
    const seen = streamFacts({ ...base, lost: 76, packets: 1226, rtcp }, { t0: 100 });
    expect(seen.facts.find((x) => x.key === 'RTCP: receiver reported lost')).toEqual({
      key: 'RTCP: receiver reported lost',
      value: '76 since it began receiving, 76 while captured (at most 30.1% in one interval; 12 reports)',
      warn: false,
    });
    // A sender report alone: no receiver figures.
    const sr = streamFacts(
      {
        ...base,
        rtcp: {
          ...rtcp,
          reports: 0,
          maxFractionLostPercent: null,
          cumulativeLost: null,
          lostBetweenReports: null,
          maxJitterMs: null,
          roundTrips: 0,
          meanRoundTripMs: null,
          maxRoundTripMs: null,
        },
      },
      { t0: 100 },
    );
    expect(sr.facts.filter((x) => x.key.startsWith('RTCP')).map((x) => x.key)).toEqual([
      'RTCP: sender reported sent',
    ]);
  });
});
