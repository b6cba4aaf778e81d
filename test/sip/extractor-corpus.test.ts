/**
 * Real captures through the extractor. The expected frame numbers are what
 * tshark 4.x reports for the SIP messages of each file (`-Y sip`).
 *
 * The decode stage is someone else's; to keep this test about framing, a
 * minimal walker below takes Ethernet / Linux SLL / BSD loopback → IPv4 →
 * TCP/UDP apart, and delivers TCP bytes in sequence order (retransmitted bytes
 * dropped, a forward jump flagged as a gap). It is test scaffolding only.
 */
import '../helpers/corpus.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import type { Payload } from '../../src/decode/payload.js';
import { createSipExtractor, type FramedMessage } from '../../src/sip/extractor.js';

const dir = fileURLToPath(new URL('../../../shared/corpus/pcap/', import.meta.url));

function payloadsOf(file: string): Payload[] {
  const { frames } = parseCaptureBytes(new Uint8Array(readFileSync(dir + file)), file);
  const nextSeq = new Map<string, number>();
  const out: Payload[] = [];
  for (const f of frames) {
    const d = f.data;
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    let off: number;
    let ethertype: number;
    if (f.linkType === 1) {
      off = 14;
      ethertype = v.getUint16(12);
      while (ethertype === 0x8100 && off + 4 <= d.length) {
        ethertype = v.getUint16(off + 2);
        off += 4;
      }
    } else if (f.linkType === 113) {
      off = 16;
      ethertype = v.getUint16(14);
    } else if (f.linkType === 0) {
      off = 4;
      ethertype = v.getUint32(0, true) === 2 ? 0x0800 : 0;
    } else continue;
    if (ethertype !== 0x0800 || off + 20 > d.length || d[off] >> 4 !== 4) continue;
    const ihl = (d[off] & 15) * 4;
    const totalLen = v.getUint16(off + 2);
    const proto = d[off + 9];
    if ((v.getUint16(off + 6) & 0x3fff) !== 0) continue; // fragments: not needed for these files
    const ip = (o: number) => `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
    const src = { ip: ip(off + 12), port: 0 };
    const dst = { ip: ip(off + 16), port: 0 };
    const end = Math.min(d.length, off + totalLen);
    const l4 = off + ihl;
    src.port = v.getUint16(l4);
    dst.port = v.getUint16(l4 + 2);
    const base = { src, dst, frame: f.no, frames: [f.no], ts: f.sec + f.nsec / 1e9 };
    if (proto === 17) {
      out.push({ ...base, transport: 'udp', bytes: d.subarray(l4 + 8, end) });
    } else if (proto === 6) {
      const seq = v.getUint32(l4 + 4);
      const flags = d[l4 + 13];
      let data = d.subarray(l4 + (d[l4 + 12] >> 4) * 4, end);
      const key = `${src.ip}:${src.port}>${dst.ip}:${dst.port}`;
      if (flags & 0x02) {
        nextSeq.set(key, (seq + 1) >>> 0);
        continue;
      }
      const expected = nextSeq.get(key);
      let start = seq;
      let gap = expected === undefined;
      if (expected !== undefined) {
        const delta = (seq - expected) | 0;
        if (delta < 0) {
          if (-delta >= data.length) continue; // retransmission
          data = data.subarray(-delta);
          start = expected;
        } else if (delta > 0) gap = true;
      }
      const fin = (flags & 0x05) !== 0;
      if (data.length === 0 && !fin) continue;
      nextSeq.set(key, (start + data.length) >>> 0);
      out.push({ ...base, transport: 'tcp', bytes: data, gap: gap || undefined, fin: fin || undefined });
    }
  }
  return out;
}

function extract(file: string) {
  const ex = createSipExtractor();
  const msgs: FramedMessage[] = [];
  for (const p of payloadsOf(file)) msgs.push(...ex.push(p));
  msgs.push(...ex.flush());
  return { msgs, stats: ex.stats };
}

const firstLine = (m: FramedMessage): string => {
  const s = String.fromCharCode(...m.bytes.subarray(0, 80));
  return s.slice(0, s.indexOf('\r\n'));
};

describe.skipIf(!existsSync(dir))('corpus: framing real captures', () => {
  it('SIP over WebSocket (heplify sip_tcp_websocket): 11 ws messages after the Upgrade, 28 udp, frames as tshark', () => {
    const { msgs, stats } = extract('heplify_sip-websocket.pcap');
    const ws = msgs.filter((m) => m.source.transport === 'ws');
    expect(ws.map((m) => m.source.frame)).toEqual([11, 13, 15, 18, 19, 24, 34, 46, 49, 52, 56]);
    expect(firstLine(ws[0])).toBe('INVITE sip:+12263382742@dev-mike.tncp.textnow.com SIP/2.0');
    expect(msgs.filter((m) => m.source.transport === 'udp').length).toBe(28);
    expect(stats.flowsWebSocket).toBe(2);
    expect(ws.every((m) => m.framingIssue === undefined)).toBe(true);
  });

  it('SIP over TCP on port 6060 with ~234 messages spanning segments: 406 messages, 70 Call-IDs', () => {
    const { msgs, stats } = extract('heplify_sip-tcp-port6060-segmented-70dialogs.pcap');
    expect(msgs.length).toBe(406);
    expect(msgs.reduce((n, m) => n + m.source.frame, 0)).toBe(314606); // sum of tshark's frame numbers
    expect(msgs.filter((m) => m.source.frames.length > 1).length).toBeGreaterThan(200);
    const callIds = new Set(
      msgs.map((m) => /\r\n(?:Call-ID|i)\s*:\s*(\S+)/i.exec(String.fromCharCode(...m.bytes))?.[1]),
    );
    expect(callIds.size).toBe(70);
    expect(stats.skippedBytes).toBe(0);
  });

  it('64 KiB INVITE body over 5 loopback segments (suricata sip-body-large): completes on frame 9', () => {
    const { msgs } = extract('suricata_large-body-tcp-null-linktype.pcap');
    expect(msgs.map((m) => [m.source.frame, m.source.frames])).toEqual([
      [9, [5, 6, 7, 8, 9]],
      [11, [11]],
    ]);
    expect(msgs[0].bytes.length).toBeGreaterThan(65536);
  });

  it('TCP call and a TCP retransmission of a 200 (heplify): each message once, at tshark frames', () => {
    expect(extract('heplify_sip-ipv4-tcp-call.pcap').msgs.map((m) => m.source.frame)).toEqual([
      3, 5, 7, 9, 11, 81, 83,
    ]);
    const { msgs } = extract('heplify_sip-tcp-retrans-register-sll.pcap');
    expect(msgs.filter((m) => m.source.transport === 'tcp').map((m) => m.source.frame)).toEqual([
      28, 32, 33, 36,
    ]);
  });

  it('HTTP on TCP port 5060 (nDPI negative sample, pcapng): no SIP messages', () => {
    const { msgs, stats } = extract('ndpi_http-on-sip-port-negative.pcap');
    expect(msgs).toEqual([]);
    expect(stats.flowsNotSip).toBeGreaterThan(0);
  });
});
