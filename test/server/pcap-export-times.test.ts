/**
 * A call's pcap download from a damaged classic pcap whose record says
 * 0xffffffff seconds and 1,000,000 microseconds: read as 2^32 s (the
 * fraction carried), no pcap record (unsigned 32-bit seconds) could hold it
 * and the download answered 500. The reader keeps the seconds now
 * (src/capture/pcap.ts), and the call's frames go out with their times.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { basicCall } from '../fixtures/flows/index.js';
import { type TestServer, testServer, uploadReady } from './helpers.js';

describe('GET /api/captures/:id/calls/:callId/pcap with a record time carried past 2106', () => {
  let s: TestServer;
  let dir: string;
  let api: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-export-times-'));
    const frames = flowToFrames(basicCall({ n: 3 }));
    const bytes = writePcap(frames, { linkType: LinkType.ETHERNET });
    // The last record's header (24-byte file header, then 16 + data per record): ts_sec, ts_usec.
    let last = 24;
    for (const f of frames.slice(0, -1)) last += 16 + f.data.length;
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    v.setUint32(last, 0xffffffff, true);
    v.setUint32(last + 4, 1_000_000, true);
    const file = join(dir, 'late.pcap');
    writeFileSync(file, bytes);
    s = await testServer({ samples: [] });
    api = `${s.url}/api/captures/${(await uploadReady(s, file)).id}`;
  });
  afterAll(async () => {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the call as a pcap whose frames read back with their times, the late one 0xffffffff s', async () => {
    // The late frame's call (after a gap of 82 years the correlator may have closed the first call).
    const calls = (await (await fetch(`${api}/calls`)).json()) as { calls: Array<{ id: number }> };
    const last = calls.calls[calls.calls.length - 1].id;
    const res = await fetch(`${api}/calls/${last}/pcap`);
    expect(res.status).toBe(200);
    const back = parseCaptureBytes(new Uint8Array(await res.arrayBuffer()), 'call.pcap');
    expect(back.info.format).toBe('pcap');
    const times = back.frames.map((f) => f.sec);
    expect(times[times.length - 1]).toBe(0xffffffff);
  });
});
