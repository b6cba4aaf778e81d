/**
 * RFC 4733 DTMF on real captures from the shared corpus (skipped when absent
 * or when tshark is not installed), against tshark's `rtpevent` dissector,
 * which like us decodes telephone events only on a payload type the SDP
 * mapped to telephone-event. tshark's event packets grouped by stream and
 * RTP timestamp (RFC 4733 §2.3.1: every packet of an event carries the
 * timestamp of its start) must be our digits one for one: same first
 * frame, event code, end seen, and the largest duration field in ms.
 *
 * The captures are every one of the corpus in which tshark finds an RTP
 * event (`tshark -Y rtpevent`), 3 of 65; none has an INFO carrying DTMF
 * (`tshark -Y 'sip.Method == "INFO"'` finds no INFO at all).
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark } from '../helpers/corpus.js';

/**
 * Capture → the event packets tshark decodes in it (so a change of the
 * corpus shows), and the digits (by first frame) where we differ on purpose.
 */
const CAPTURES: Record<
  string,
  { packets: number; theirsOnly?: number[]; oursOnly?: number[]; why?: string }
> = {
  'pcap/goffinet_honeynet-forensic-challenge4-voip.pcap': { packets: 125 },
  'pcap/goffinet_voip-extension-refer-transfer.pcap': { packets: 36 },
  'pcap/heplify_fax-t38-reinvite-megaco.pcap': {
    packets: 3,
    theirsOnly: [1617],
    oursOnly: [160],
    why:
      'Frame 1617 is payload type 100, which no SDP of the capture maps to telephone-event (its stream was set up by frame 176: PCMA only); ' +
      'tshark decodes it all the same because its rtpevent dissector takes payload types 100-101 whatever the SDP says ' +
      '(RTP_EVENT_DEFAULT_PT_RANGE, 100 for Cisco NSE: event 194 is an NSE fax event). ' +
      'Frame 160 (payload type 102, event 32: ANS, the fax answer tone of RFC 4734) goes from 10.35.60.100:15580, whose SIP SDP (frames 49-51) ' +
      'maps 102 to telephone-event with events 0-15,32; its destination was announced only by MEGACO (frame 60: PCMA only), ' +
      'whose SDP tshark follows and we do not read, so tshark leaves it as DynamicRTP-Type-102.',
  },
};

interface Digit {
  stream: string;
  frame: number;
  event: number;
  ended: boolean;
  durationMs: number;
  packets: number;
}

/** tshark's event packets, grouped by stream and RTP timestamp, in order of their first packet. */
function tsharkDigits(file: string): { packets: number; digits: Digit[] } {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-Y',
      'rtpevent',
      '-T',
      'fields',
      '-E',
      'separator=;',
      '-e',
      'frame.number',
      '-e',
      'ip.src',
      '-e',
      'udp.srcport',
      '-e',
      'ip.dst',
      '-e',
      'udp.dstport',
      '-e',
      'rtp.ssrc',
      '-e',
      'rtp.timestamp',
      '-e',
      'rtpevent.event_id',
      '-e',
      'rtpevent.end_of_event',
      '-e',
      'rtpevent.duration',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  ).toString();
  const byKey = new Map<string, Digit & { units: number }>();
  let packets = 0;
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    packets++;
    const [frame, src, sport, dst, dport, ssrc, ts, event, end, duration] = line.split(';');
    const stream = `${src}:${sport} ${dst}:${dport} ${Number(ssrc)}`;
    const key = `${stream} ${ts} ${event}`;
    const d = byKey.get(key);
    const ended = end === '1' || end === 'True';
    if (d === undefined)
      byKey.set(key, {
        stream,
        frame: Number(frame),
        event: Number(event),
        ended,
        durationMs: 0,
        packets: 1,
        units: Number(duration),
      });
    else {
      d.ended ||= ended;
      d.packets++;
      d.units = Math.max(d.units, Number(duration));
    }
  }
  // Every corpus capture's telephone-event is at 8000 Hz (its a=rtpmap).
  const digits = [...byKey.values()].map(({ units, ...d }) => ({ ...d, durationMs: units / 8 }));
  return { packets, digits: digits.sort((a, b) => a.frame - b.frame) };
}

describe.skipIf(!corpusPresent || !hasTshark)('DTMF on corpus captures against tshark rtpevent', () => {
  for (const [name, { packets, theirsOnly = [], oursOnly = [] }] of Object.entries(CAPTURES)) {
    it(`${name}: the digits are tshark events grouped by stream and RTP timestamp`, async () => {
      const file = `${CORPUS_DIR}${name}`;
      const theirs = tsharkDigits(file);
      expect(theirs.packets).toBe(packets);
      const r = await analyzeCapture(file);
      const ours: Digit[] = r.streams
        .flatMap((s) =>
          (s.dtmf ?? []).map((d) => ({
            stream: `${s.src} ${s.dst} ${Number(s.ssrc)}`,
            frame: d.frame,
            event: d.event,
            ended: d.ended,
            durationMs: d.durationMs ?? Number.NaN,
            packets: d.packets,
          })),
        )
        .sort((a, b) => a.frame - b.frame);
      expect(ours.filter((d) => !oursOnly.includes(d.frame))).toEqual(
        theirs.digits.filter((d) => !theirsOnly.includes(d.frame)),
      );
      // The differences are those the table explains, no more, no fewer.
      expect(ours.filter((d) => oursOnly.includes(d.frame)).map((d) => d.frame)).toEqual(oursOnly);
      expect(theirs.digits.filter((d) => theirsOnly.includes(d.frame)).map((d) => d.frame)).toEqual(
        theirsOnly,
      );
    }, 60_000);
  }
});
