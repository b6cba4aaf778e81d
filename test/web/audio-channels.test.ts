/**
 * Which ear the call's stereo WAVE gives each RTP stream, as the legend
 * beside the player says it (web/src/media/audio-channels.ts): checked
 * against the server's own split (src/media/audio-files.ts `callWav`, the
 * `X-Audio-Left`/`X-Audio-Right` of `…/audio.wav`) on the bundled sample,
 * then on hand-made streams for what the sample does not have (media through
 * a relay, ties, IPv6, a third host, none).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callWav } from '../../src/media/audio-files.js';
import { MAX_CALL_STREAMS } from '../../src/media/audio-sides.js';
import type { RecordedStream } from '../../src/media/stream-packets.js';
import type { RtpStream } from '../../web/src/api/types.js';
import { hostOf } from '../../web/src/ladder/aliases.js';
import {
  audioChannels,
  type ChannelStream,
  channelPaths,
  channelsText,
  decodable,
} from '../../web/src/media/audio-channels.js';
import { type ContractDoc, contractOfFile, messagesOfCall } from './contract.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

const st = (id: number, start: number, src: string, dst: string): ChannelStream => ({ id, start, src, dst });

describe('the call’s stereo channels', () => {
  it('splits the sample calls as the server’s WAVE does: the caller on the left', async () => {
    const file = sample('call-with-rtp.pcap');
    const doc = (await contractOfFile(file)) as ContractDoc & { streams: RtpStream[] };
    for (const call of doc.calls) {
      const streams = doc.streams.filter((s) => s.call === call.id);
      // As the server's route: the host of the call's first message.
      const caller = hostOf(messagesOfCall(doc, call.id)[0].src);
      const ch = audioChannels(streams, caller);
      const wav = await callWav(file, streams as unknown as RecordedStream[], caller);
      expect([ch.left, ch.right]).toEqual([wav.left, wav.right]);
    }
    const streams = doc.streams.filter((s) => s.call === 0);
    expect(streams.map((s) => [s.id, s.src, s.start])).toEqual([
      [0, '10.0.0.2:3456', 1700000002.01],
      [1, '10.0.0.1:49170', 1700000002.02],
    ]);
    // The callee's stream came first (2.010 s), but the caller (Alice, 10.0.0.1) is on the left.
    expect(audioChannels(streams, '10.0.0.1')).toEqual({
      left: [1],
      right: [0],
      leftHost: '10.0.0.1',
      skipped: [],
    });
    expect(channelsText(streams, '10.0.0.1')).toBe(
      'Left: 10.0.0.1 → 10.0.0.2 (stream 1) · Right: 10.0.0.2 → 10.0.0.1 (stream 0)',
    );
    const names: Record<string, string> = { '10.0.0.1': 'AliceUA/1.0', '10.0.0.2': 'BobPhone/2.0' };
    expect(channelsText(streams, '10.0.0.1', (h) => names[h] ?? null)).toBe(
      'Left: AliceUA/1.0 10.0.0.1 → BobPhone/2.0 10.0.0.2 (stream 1) · ' +
        'Right: BobPhone/2.0 10.0.0.2 → AliceUA/1.0 10.0.0.1 (stream 0)',
    );
    // Without a caller: the host of the earliest stream.
    expect(audioChannels(streams)).toEqual({ left: [0], right: [1], leftHost: '10.0.0.2', skipped: [] });
    // The one-way call: nothing comes back, the right ear is silent.
    const oneWay = doc.streams.filter((s) => s.call === 1);
    expect(channelsText(oneWay, '10.0.0.1')).toBe('Left: 10.0.0.1 → 10.0.0.2 (stream 2) · Right: silent');
    // Heard from the callee's side only, the caller's ear is the silent one.
    expect(channelsText([{ ...oneWay[0], src: '10.0.0.2:3456', dst: '10.0.0.1:49170' }], '10.0.0.1')).toBe(
      'Left: silent · Right: 10.0.0.2 → 10.0.0.1 (stream 2)',
    );
  });

  it('takes the earliest stream’s host when no stream comes from or goes to the caller (a relay)', () => {
    const streams = [
      st(0, 5, '192.0.2.10:30000', '10.0.0.2:5000'),
      st(1, 4, '10.0.0.2:5000', '192.0.2.10:30000'),
    ];
    expect(audioChannels(streams, '10.0.0.1')).toEqual({
      left: [1],
      right: [0],
      leftHost: '10.0.0.2',
      skipped: [],
    });
    // A stream that only goes to the caller is enough for its host to be the left one.
    const toCaller = [...streams, st(2, 6, '192.0.2.10:30002', '10.0.0.1:4000')];
    expect(audioChannels(toCaller, '10.0.0.1')).toEqual({
      left: [],
      right: [1, 0, 2],
      leftHost: '10.0.0.1',
      skipped: [],
    });
  });

  it('orders by first packet, then by id, whatever order the streams come in', () => {
    const streams = [
      st(5, 10.5, '10.0.0.1:4000', '10.0.0.2:5000'),
      st(3, 10.5, '10.0.0.2:5000', '10.0.0.1:4000'),
      st(1, 11, '10.0.0.1:4000', '10.0.0.2:5000'),
    ];
    // Same start: the lower id is first, so 10.0.0.2 is on the left.
    expect(audioChannels(streams)).toEqual({ left: [3], right: [5, 1], leftHost: '10.0.0.2', skipped: [] });
    // The input is not sorted in place.
    expect(streams.map((s) => s.id)).toEqual([5, 3, 1]);
    expect(audioChannels([st(9, 1, '10.0.0.9:1', '10.0.0.2:2'), ...streams]).left).toEqual([9]);
    // A caller seen nowhere in the RTP does not count.
    expect(audioChannels(streams, '10.0.0.7').leftHost).toBe('10.0.0.2');
  });

  it('goes by host, not port, brackets and all for IPv6', () => {
    const streams = [
      st(0, 1, '[2001:db8::1]:4000', '[2001:db8::2]:5000'),
      // The same host from another port, and its IPv6 written bare (no port).
      st(1, 2, '[2001:db8::1]:4002', '[2001:db8::2]:5002'),
      st(2, 3, '2001:db8::1', '2001:db8::2'),
      st(3, 0.5, '[2001:db8::2]:5000', '[2001:db8::1]:4000'),
    ];
    // The caller as the server gives it: hostOf of `[v6]:port`, without brackets.
    const caller = hostOf('[2001:db8::1]:5060');
    expect(audioChannels(streams, caller)).toEqual({
      left: [0, 1, 2],
      right: [3],
      leftHost: '2001:db8::1',
      skipped: [],
    });
    expect(channelPaths(streams, [0, 1, 2])).toEqual([
      { from: '2001:db8::1', to: '2001:db8::2', streams: [0, 1, 2] },
    ]);
    expect(channelsText(streams, caller)).toBe(
      'Left: 2001:db8::1 → 2001:db8::2 (streams 0, 1, 2) · Right: 2001:db8::2 → 2001:db8::1 (stream 3)',
    );
  });

  it('puts every other host on the right: what the caller received, and any other leg', () => {
    const streams = [
      st(0, 1, '10.0.0.1:4000', '10.0.0.2:5000'),
      st(1, 1.01, '10.0.0.2:5000', '10.0.0.1:4000'),
      // Another leg, through a media server.
      st(2, 1.5, '10.0.0.3:6000', '10.0.0.2:5002'),
      st(3, 1.6, '10.0.0.1:4000', '10.0.0.3:6000'),
    ];
    expect(audioChannels(streams, '10.0.0.1')).toEqual({
      left: [0, 3],
      right: [1, 2],
      leftHost: '10.0.0.1',
      skipped: [],
    });
    expect(channelsText(streams, '10.0.0.1')).toBe(
      'Left: 10.0.0.1 → 10.0.0.2 (stream 0), 10.0.0.1 → 10.0.0.3 (stream 3) · ' +
        'Right: 10.0.0.2 → 10.0.0.1 (stream 1), 10.0.0.3 → 10.0.0.2 (stream 2)',
    );
  });

  it('leaves out, as the server does, the streams of codecs it does not decode and those past the 16th', async () => {
    expect(
      [
        'PCMU/8000',
        'pcma/8000',
        'L16/44100/2',
        'PCMU/8000/1',
        'G722/8000',
        'g722/8000/1',
        'opus/48000/2',
        'OPUS/48000',
      ].map((c) => decodable([c])),
    ).toEqual([true, true, true, true, true, true, true, true]);
    // G.722 only at RFC 3551's clock of 8,000 (§4.5.2), mono; Opus only at RFC 7587's 48,000 (§4.1).
    expect(
      ['G729/8000', '18', 'L16/0', 'PCMU/abc', 'L16/44100/9', 'G722/16000', 'G722/8000/2', 'opus/8000'].map(
        (c) => decodable([c]),
      ),
    ).toEqual([false, false, false, false, false, false, false, false]);
    expect(decodable(['telephone-event/8000', 'PCMU/8000'])).toBe(true);
    const g729 = { ...st(0, 1, '10.0.0.1:4000', '10.0.0.2:5000'), codecs: ['G729/8000'] };
    const back = { ...st(1, 1.01, '10.0.0.2:5000', '10.0.0.1:4000'), codecs: ['PCMA/8000'] };
    // The caller's only stream is not played: its host is still the left one (a stream goes to it).
    expect(audioChannels([g729, back], '10.0.0.1')).toEqual({
      left: [],
      right: [1],
      leftHost: '10.0.0.1',
      skipped: [0],
    });
    expect(channelsText([g729, back], '10.0.0.1')).toBe(
      'Left: silent · Right: 10.0.0.2 → 10.0.0.1 (stream 1) · Not played: stream 0 (G729/8000)',
    );
    // A WebRTC side (Opus) is played beside a G.711 one: no longer 'Not played'.
    const webrtc = { ...g729, codecs: ['opus/48000/2', 'telephone-event/48000'] };
    expect(channelsText([webrtc, back], '10.0.0.1')).toBe(
      'Left: 10.0.0.1 → 10.0.0.2 (stream 0) · Right: 10.0.0.2 → 10.0.0.1 (stream 1)',
    );
    // A G.722 stream is played beside a G.711 one.
    const wide = { ...g729, codecs: ['G722/8000'] };
    expect(audioChannels([wide, back], '10.0.0.1')).toEqual({
      left: [0],
      right: [1],
      leftHost: '10.0.0.1',
      skipped: [],
    });
    // 18 streams, one after the other: the first 16 by their first frame are played, as callWav does.
    const many = Array.from({ length: MAX_CALL_STREAMS + 2 }, (_, i) => ({
      ...st(i, 1 + i * 0.1, '10.0.0.1:4000', '10.0.0.2:5000'),
      firstFrame: 100 + i,
      codecs: ['PCMU/8000'],
    }));
    const ch = audioChannels([...many].reverse(), '10.0.0.1');
    expect(ch.left).toEqual(many.slice(0, MAX_CALL_STREAMS).map((x) => x.id));
    expect(ch.skipped).toEqual([MAX_CALL_STREAMS, MAX_CALL_STREAMS + 1]);
    expect(channelsText(many, '10.0.0.1')).toMatch(/ · Not played: stream 16, stream 17$/);
  });

  it('plays a red stream (RFC 2198) whose blocks are of a codec the server decodes, as callWav does, and not one of events only', async () => {
    const file = sample('dtmf-red-call.pcap');
    const doc = (await contractOfFile(file)) as ContractDoc & { streams: RtpStream[] };
    const streams = doc.streams.filter((s) => s.call === 0);
    expect(streams.map((s) => [s.codecs, s.red?.codecs])).toEqual([
      [['PCMU/8000', 'red/8000'], ['telephone-event/8000']],
      [['red/8000'], ['PCMU/8000']],
    ]);
    const ch = audioChannels(streams, '10.0.0.1');
    const wav = await callWav(file, streams as unknown as RecordedStream[], '10.0.0.1');
    expect([ch.left, ch.right, ch.skipped]).toEqual([wav.left, wav.right, []]);
    expect(ch.right).toEqual([1]);
    const eventsOnly = { ...st(2, 1, '10.0.0.1:4000', '10.0.0.2:5000'), codecs: ['red/8000'] };
    expect(decodable(eventsOnly.codecs, { payloadTypes: [101], codecs: ['telephone-event/8000'] })).toBe(
      false,
    );
    expect(decodable(['red/48000/2'], { payloadTypes: [111], codecs: ['opus/48000/2'] })).toBe(true);
    expect(decodable(['red/8000'])).toBe(false);
  });

  it('has no left host without streams, and ignores ids it does not know', () => {
    expect(audioChannels([], '10.0.0.1')).toEqual({ left: [], right: [], leftHost: null, skipped: [] });
    expect(channelsText([])).toBe('Left: silent · Right: silent');
    expect(channelPaths([st(0, 1, '10.0.0.1:1', '10.0.0.2:2')], [7])).toEqual([]);
  });
});
