/**
 * A call's RTP streams as the call view's table shows them
 * (web/src/media/rtp-streams.ts), fed with the JSON contract of the bundled
 * sample call-with-rtp.pcap: a call with PCMU both ways (the caller's
 * stream lost 3 packets) and a call with RTP from the caller only.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RtpStream } from '../../web/src/api/types.js';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import { lostText, msText, oneWay, oneWayText, streamRows } from '../../web/src/media/rtp-streams.js';
import { type ContractDoc, contractOfFile, messagesOfCall } from './contract.js';
import { bareStream, rtp } from './ladder-fixtures.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

type Doc = ContractDoc & { streams: RtpStream[] };

const stream = (src: string, dst: string, media = 'audio') => ({ src, dst, media });

describe('RTP streams of a call', () => {
  it('names the ends as the ladder does, gives the numbers as text and the times as its gutter', async () => {
    const doc = (await contractOfFile(sample('call-with-rtp.pcap'))) as Doc;
    const call = doc.calls[0];
    const messages = messagesOfCall(doc, call.id);
    const streams = doc.streams.filter((s) => s.call === call.id);
    expect(streams.length).toBe(2);
    const layout = layoutLadder(call, messages, []);
    const t0 = layout.start as number;
    const rows = streamRows(streams, { t0, endpoints: call.endpoints, messages });
    const caller = rows.find((r) => r.src.addr.startsWith('10.0.0.1:'));
    const callee = rows.find((r) => r.src.addr.startsWith('10.0.0.2:'));
    // The media ends are named by the User-Agent/Server of the SIP endpoint on the same host.
    expect(caller?.src).toEqual({ addr: '10.0.0.1:49170', name: 'AliceUA/1.0' });
    expect(caller?.dst).toEqual({ addr: '10.0.0.2:3456', name: 'BobPhone/2.0' });
    expect([caller?.packets, caller?.lost, caller?.lossy]).toEqual(['496', '3 (0.6 %)', true]);
    expect([callee?.packets, callee?.lost, callee?.lossy]).toEqual(['499', '0 (0.0 %)', false]);
    expect(caller?.codecs).toBe('PCMU/8000');
    expect(caller?.maxDelta).toBe('60.000');
    expect(caller?.maxJitter).toBe('3.453');
    // Seconds since the first message, as the ladder's time gutter: the 200 OK came at 2.000.
    expect(layout.arrows.find((a) => a.messageId === 3)?.timeText).toBe('2.000');
    expect(caller?.time).toBe('2.020–11.980');
    // The setup links name the message whose SDP announced the address.
    expect(rows.map((r) => [r.setup, r.setupLabel, r.setupCall]).sort()).toEqual([
      [0, 'INVITE', 0],
      [3, '200 OK', 0],
    ]);
    expect(oneWay(streams)).toBe(false);
    expect(oneWayText(streams)).toBeNull();

    // The second call's RTP goes from the caller only.
    const other = doc.streams.filter((s) => s.call === 1);
    expect(other.length).toBe(1);
    expect(oneWayText(other)).toBe('RTP seen in one direction only: one-way audio?');
  });

  it('marks the max jitter as media.jitter does: the network jitter (voice only) at 50 ms max or 30 ms mean, on 50 expected packets or more', () => {
    const row = (o: Partial<RtpStream>) =>
      streamRows([rtp(1, 100, '10.0.0.1:4000', '10.0.0.2:5000', o)], { t0: 100 })[0];
    // Wireshark's max jitter lifted by a timestamp jump, the network's low: not marked.
    const jump = row({
      maxJitterMs: 2730.857,
      meanJitterMs: 15.1,
      maxNetworkJitterMs: 15.333,
      meanNetworkJitterMs: 0.428,
    });
    expect([jump.maxJitter, jump.networkJitter, jump.jittery]).toEqual(['2730.857', '0.428 / 15.333', false]);
    expect(row({ maxNetworkJitterMs: 50, meanNetworkJitterMs: 9 }).jittery).toBe(true);
    expect(row({ maxNetworkJitterMs: 45, meanNetworkJitterMs: 30 }).jittery).toBe(true);
    expect(row({ maxNetworkJitterMs: 49.9, meanNetworkJitterMs: 29.9 }).jittery).toBe(false);
    expect(row({ maxNetworkJitterMs: 80, meanNetworkJitterMs: 40, expected: 49 }).jittery).toBe(false);
    // An analysis made before the network jitter existed: nothing to say, nothing marked.
    expect([row({}).networkJitter, row({}).jittery]).toEqual([null, false]);
  });

  it('prefers the alias of the address, then of its host, to the endpoint label', () => {
    const s = bareStream(7, 100.5, '10.0.0.1:4000', '[2001:db8::2]:5000', {
      ssrc: '0x00000001',
      codecs: [],
      setup: 42,
      call: null,
      firstFrame: 1,
      lastFrame: 1,
      packets: 1234,
      bytes: 160,
      expected: 1232,
      lost: -2,
      lostPercent: -0.2,
      sequenceErrors: 2,
      end: 100.5,
      durationMs: 0,
    });
    const [r] = streamRows([s], {
      t0: 100,
      aliases: { '10.0.0.1': 'pbx', '10.0.0.1:4000': 'pbx media' },
      endpoints: [{ addr: '[2001:db8::2]:5060', label: 'Phone' }],
    });
    expect(r.src.name).toBe('pbx media');
    expect(r.dst.name).toBe('Phone');
    // Duplicates count as negative loss (as Wireshark), not highlighted; no codec seen: the media.
    expect([r.packets, r.lost, r.lossy, r.codecs]).toEqual(['1\u202f234', '-2 (-0.2 %)', false, 'audio']);
    expect([r.maxDelta, r.meanJitter, r.time, r.setupLabel]).toEqual(['–', '–', '0.500–0.500', 'message 42']);
  });

  it('tells one-way media from two-way by host, whatever the ports', () => {
    expect(oneWay([])).toBe(false);
    expect(oneWay([stream('a:1', 'b:2')])).toBe(true);
    expect(oneWay([stream('a:1', 'b:2'), stream('a:1', 'c:2')])).toBe(true);
    // Two SSRCs the same way (a re-INVITE's new stream) are still one way.
    expect(oneWay([stream('a:1', 'b:2'), stream('a:1', 'b:2')])).toBe(true);
    // Asymmetric RTP: b sends from another port than the one it receives on.
    expect(oneWay([stream('a:1', 'b:2'), stream('b:9', 'a:1')])).toBe(false);
    // One stream on one host is still one way.
    expect(oneWay([stream('a:1', 'a:2')])).toBe(true);
    expect(oneWay([stream('[::1]:1', '[::2]:2'), stream('[::2]:3', '[::1]:4')])).toBe(false);
    expect(oneWayText([stream('a:1', 'b:2', 'video')])).toBe(
      'RTP seen in one direction only: one-way video?',
    );
    expect(oneWayText([stream('a:1', 'b:2', 'video'), stream('a:3', 'b:4')])).toBe(
      'RTP seen in one direction only: one-way media?',
    );
  });

  it('formats milliseconds and loss', () => {
    expect([msText(0), msText(20.1214), msText(null), msText(Number.NaN)]).toEqual([
      '0.000',
      '20.121',
      '–',
      '–',
    ]);
    expect([lostText(0, 0), lostText(12345, 12.34), lostText(Number.NaN, 0)]).toEqual([
      '0 (0.0 %)',
      '12\u202f345 (12.3 %)',
      '–',
    ]);
  });
});
