/**
 * Frames written again as pcapng while the file is read (frame-export.ts),
 * for "Save pcap" and `sipscope extract`: the chosen SIP frames, and the RTP
 * packets of the chosen streams — all the IPv4 fragments of a fragmented
 * one (RFC 791 §3.2: only the whole datagram is a packet), not just the
 * fragment that completed it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { streamFrames } from '../../src/capture/frame-export.js';
import { LinkType } from '../../src/capture/link-types.js';
import { openCapture } from '../../src/capture/read-file.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { endpointString } from '../../src/decode/payload.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CALLEE_MEDIA, CALLER_MEDIA, writeCallWithRtp } from '../fixtures/call-with-rtp.js';
import type { TimedFrame } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/builder.js';
import { rtpFrames, rtpPacket } from '../fixtures/rtp-frames.js';
import { ipv4UdpFragments } from '../helpers/packet-builders.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-frame-export-'));

/** Frames at `at` seconds, one after the other a microsecond apart. */
const timed = (at: number, frames: Uint8Array[]): TimedFrame[] =>
  frames.map((data, i) => {
    const us = Math.round(at * 1e6) + i;
    return { sec: Math.floor(us / 1e6), nsec: (us % 1e6) * 1000, data };
  });

describe('streamFrames', () => {
  it('writes every fragment of a fragmented RTP packet of a chosen stream, so it reads back whole', async () => {
    // The callee's SDP: it receives on 10.0.0.2:3456. 49 packets of 20 ms G.711, then one of 1,200 bytes cut in three.
    const a = CALLER_MEDIA;
    const b = CALLEE_MEDIA;
    const big = rtpPacket(0, 1049, 4000 + 49 * 160, 0x1a2b3c4d, new Uint8Array(1200).fill(0xd5));
    const fragments = ipv4UdpFragments(
      { src: a.ip, dst: b.ip, sport: a.port, dport: b.port, payload: big, ipId: 0x7777 },
      512,
    );
    expect(fragments.length).toBe(3);
    const file = join(dir, 'fragmented-rtp.pcap');
    writeCallWithRtp(
      file,
      'fragmented-rtp@10.0.0.1',
      rtpFrames({ src: a, dst: b, ssrc: 0x1a2b3c4d, payloadType: 0, start: T0 + 2.02, end: T0 + 3 }),
      timed(T0 + 3.001, fragments),
    );
    const before = await analyzeCapture(file);
    expect(before.streams.map((s) => [s.packets, s.bytes])).toEqual([[50, 49 * 160 + 1200]]);

    const out: Uint8Array[] = [];
    const sipFrames = before.calls[0].messages.flatMap((m) => before.messages.get(m).frames);
    const written = await streamFrames(
      file,
      sipFrames,
      async (block) => void out.push(block.slice()),
      before.streams,
    );
    expect(written).toBe(sipFrames.length + 49 + 3);
    const again = join(dir, 'exported.pcapng');
    writeFileSync(again, Buffer.concat(out));
    const after = await analyzeCapture(again);
    expect(after.streams.map((s) => [s.packets, s.bytes, s.lost])).toEqual([[50, 49 * 160 + 1200, 0]]);
    expect(after.messages.length).toBe(before.messages.length);
  });

  it('writes the chosen frames of a live capture numbered past 4.3 billion (it ran for days) without a byte per frame number', async () => {
    // A reader of kept frames (capture/frame-source.ts) as the --live-pcap ring gives them: numbers as the live capture counted.
    const base = 5_000_000_000;
    const kept: Frame[] = timed(
      T0,
      [1, 2, 3, 4, 5].map((i) => new Uint8Array(60).fill(i)),
    ).map((f, i) => ({
      ...f,
      no: base + i,
      linkType: LinkType.ETHERNET,
      origLen: 60,
      iface: 0,
      fileOffset: 0,
    }));
    async function* reader(first: number): AsyncGenerator<Frame> {
      for (const f of kept) if (f.no >= first) yield f;
    }
    const out: Uint8Array[] = [];
    const written = await streamFrames(reader, [base + 1, base + 3, base + 4], async (block) => {
      out.push(block.slice());
    });
    expect(written).toBe(3);
    const file = join(dir, 'live-numbers.pcapng');
    writeFileSync(file, Buffer.concat(out));
    const back: number[] = [];
    for await (const f of openCapture(file)) back.push(f.data[0]);
    expect(back).toEqual([2, 4, 5]);
  });

  it('writes a TLS connection whole up to its last chosen frame, and the key log before it, so the file reads decrypted alone (RFC 8446 §5.3: each record nonce counts the records before)', async () => {
    const file = fileURLToPath(new URL('../fixtures/tls/tls13-aes128gcm.pcap', import.meta.url));
    const keyLog = readFileSync(file.replace(/\.pcap$/, '.keylog'), 'latin1');
    const before = await analyzeCapture(file, { tlsKeyLog: keyLog });
    const call = before.calls.find((c) => c.kind === 'call')!;
    const msgs = call.messages.map((m) => before.messages.get(m));
    const chosen = msgs.flatMap((m) => m.frames);
    const [a, b] = [msgs[0].src, msgs[0].dst];
    const lastFrame = Math.max(...chosen);
    // The frames of that TCP connection in the file, SYN and handshake first, as the decoder tells them.
    const ofConnection: number[] = [];
    const decoder = createDecoder({
      onTcpSegment: (src, dst, frames) => {
        const ends = [endpointString(src), endpointString(dst)].sort().join(' ');
        if (ends === [a, b].sort().join(' ')) ofConnection.push(...frames);
      },
    });
    for await (const f of openCapture(file)) decoder.push(f);
    const want = ofConnection.filter((no) => no <= lastFrame);
    expect(want[0]).toBe(1);
    expect(want.length).toBeGreaterThan(chosen.length + 5);

    const out: Uint8Array[] = [];
    const put = async (block: Uint8Array) => void out.push(block.slice());
    const written = await streamFrames(file, chosen, put, [], { connections: [{ a, b, lastFrame }], keyLog });
    expect(written).toBe(want.length);
    const again = join(dir, 'tls-call.pcapng');
    writeFileSync(again, Buffer.concat(out));
    const reader = openCapture(again);
    for await (const _ of reader);
    expect(reader.info.tlsKeyLog).toEqual([keyLog]);
    // No key given: the file's own (a Decryption Secrets Block) decrypts it, the REGISTER on the connection before the call too.
    const after = await analyzeCapture(again);
    const starts = (r: typeof before) =>
      Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i)).map((m) => [
        m.method ?? m.status,
        m.ts,
      ]);
    expect(after.stats.sipMessages).toBe(before.stats.sipMessages);
    expect(starts(after)).toEqual(starts(before));

    // Plain SIP chosen: the key log stays out.
    out.length = 0;
    await streamFrames(file, [], put, [], { keyLog });
    const empty = join(dir, 'no-tls.pcapng');
    writeFileSync(empty, Buffer.concat(out));
    const plain = openCapture(empty);
    for await (const _ of plain);
    expect(plain.info.tlsKeyLog ?? []).toEqual([]);
  });

  it("copies a capture's own Decryption Secrets Blocks (editcap --inject-secrets) before the next frame written", async () => {
    const file = fileURLToPath(new URL('../fixtures/tls/tls13-aes128gcm-dsb.pcapng', import.meta.url));
    const before = await analyzeCapture(file);
    expect(before.stats.sipMessages).toBe(7);
    const original = openCapture(file);
    for await (const _ of original);
    const out: Uint8Array[] = [];
    const msgs = Array.from({ length: before.messages.length }, (_, i) => before.messages.get(i));
    const lastFrame = Math.max(...msgs.flatMap((m) => m.frames));
    await streamFrames(file, [lastFrame], async (b) => void out.push(b.slice()), [], {
      connections: [{ a: msgs[0].src, b: msgs[0].dst, lastFrame }],
    });
    const again = join(dir, 'dsb-copied.pcapng');
    writeFileSync(again, Buffer.concat(out));
    const reader = openCapture(again);
    for await (const _ of reader);
    expect(reader.info.tlsKeyLog).toEqual(original.info.tlsKeyLog);
    expect((await analyzeCapture(again)).stats.sipMessages).toBe(7);
  });
});
