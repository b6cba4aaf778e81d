/**
 * DTMF through the whole analysis of a capture: RFC 4733 events on the
 * streams whose SDP mapped their payload type to telephone-event, SIP INFO
 * digits (application/dtmf-relay, application/dtmf), and each call's
 * digits in one list, in `analyze --json`, the text report and the story.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { callLadder } from '../../src/cli/text-report.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { renderJson } from '../../src/report/json-bytes.js';
import { callJson, writeCall } from '../../src/report/model-json.js';
import { dtmfCallFrames } from '../fixtures/dtmf-call.js';
import { eventFrames } from '../fixtures/dtmf-frames.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/builder.js';
import { basicCall } from '../fixtures/flows/index.js';
import { byTime } from '../fixtures/rtp-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-dtmf-'));
function analyse(name: string, frames: TimedFrame[]): Promise<AnalysisResult> {
  const file = join(dir, name);
  writeFileSync(file, writePcap(frames, { linkType: LinkType.ETHERNET }));
  return analyzeCapture(file);
}

describe('DTMF of a call: RFC 4733 events and SIP INFO', () => {
  let r: AnalysisResult;
  beforeAll(async () => {
    r = await analyse('dtmf-call.pcap', dtmfCallFrames());
  });

  it('gives each stream the digits of its telephone-event packets (RFC 4733 §2.5)', () => {
    const [caller, ivr] = r.streams;
    expect(caller.dtmf?.map((d) => d.digit)).toEqual(['1', '2', '3', '4', '#']);
    expect(caller.dtmf?.every((d) => d.ended && d.durationMs === 120 && d.packets === 8)).toBe(true);
    expect(caller.dtmf?.[0]).toMatchObject({ ts: T0 + 3, volume: 10 });
    expect(ivr.dtmf?.map((d) => d.digit)).toEqual(['9']);
    // Events share the voice's sequence numbers: nothing is lost.
    expect(caller.lost).toBe(0);
    expect(caller.codecs).toEqual(['PCMU/8000', 'telephone-event/8000']);
  });

  it('lists the digits of the call in time order, with the stream or the INFO message that carried each', () => {
    const digits = r.dtmf.get(0)!;
    expect(digits.map((d) => `${d.digit}:${d.method}:${d.stream ?? `m${d.message}`}`)).toEqual([
      '1:rfc4733:0',
      '2:rfc4733:0',
      '3:rfc4733:0',
      '4:rfc4733:0',
      '#:rfc4733:0',
      '9:rfc4733:1',
      '5:info:m5',
      '*:info:m7',
    ]);
    expect(digits[6]).toEqual({
      digit: '5',
      ts: T0 + 7,
      frame: r.messages.get(5).frame,
      durationMs: 160,
      method: 'info',
      src: '10.0.0.1:5060',
      message: 5,
      ended: true,
    });
    expect(digits[7].durationMs).toBeNull();
  });

  it('writes the digits as the call dtmf of analyze --json, and nothing for a call without', () => {
    const call = JSON.parse(renderJson(r.calls[0], (w, c) => writeCall(w, c, r.dtmf.get(0))));
    expect(call.dtmf).toHaveLength(8);
    expect(call.dtmf[0]).toMatchObject({ digit: '1', method: 'rfc4733', stream: 0, src: '10.0.0.1:49170' });
    expect(JSON.parse(callJson(r.calls[0]))).not.toHaveProperty('dtmf');
  });

  it('prints the digits under the call ladder and tells them in the story', () => {
    const text = callLadder(r, r.calls[0]);
    expect(text).toContain('DTMF: 1 2 3 4 # (RFC 4733, stream 0), 9 (RFC 4733, stream 1), 5 * (SIP INFO)');
    expect(text.replace(/\s+/g, ' ')).toContain(
      'AliceUA/1.0 (10.0.0.1:49170) sent the DTMF digits 1 2 3 4 # as RFC 4733 telephone events in RTP, from 3.00 s',
    );
  });
});

describe('DTMF: what is not a telephone event', () => {
  it('leaves packets of a payload type the SDP did not map to telephone-event as they are (no dtmf)', async () => {
    // basicCall's SDP offers 0 and 8 only: payload type 101 there is nothing RFC 4733 announced.
    const r = await analyse(
      'no-event-pt.pcap',
      byTime(
        flowToFrames(basicCall()),
        eventFrames({
          src: { ip: '10.0.0.1', port: 49170 },
          dst: { ip: '10.0.0.2', port: 3456 },
          ssrc: 7,
          presses: [{ event: 1, at: T0 + 3 }],
        }),
      ),
    );
    expect(r.streams).toHaveLength(1);
    expect(r.streams[0]).not.toHaveProperty('dtmf');
    expect(r.dtmf.size).toBe(0);
  });
});
