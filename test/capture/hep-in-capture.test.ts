import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { createPipeline } from '../../src/pipeline.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { SipMessage } from '../../src/sip/message.js';
import { basicCall, T0 } from '../fixtures/flows/index.js';
import { ethernetIpv4Udp, frame } from '../helpers/packet-builders.js';
import { hep3 } from './hep-build.js';

const AGENT = '192.168.50.7';
const COLLECTOR = '192.168.50.1';

/** basicCall() as a Kamailio siptrace would send it to a collector on UDP 9060, one HEP3 datagram per message. */
function hepFrames(msgs: SipMessage[]): Uint8Array[] {
  return msgs.map((m, i) => {
    const s = m.source;
    if (s === null) throw new Error('flow messages have sources');
    const pkt = hep3({
      src: s.src.ip,
      dst: s.dst.ip,
      sport: s.src.port,
      dport: s.dst.port,
      ts: s.ts,
      agentId: 7,
      node: 'kam-edge',
      correlationId: `corr-${i}`,
      payload: m.raw,
    });
    return ethernetIpv4Udp({ src: AGENT, dst: COLLECTOR, sport: 40000, dport: 9060, payload: pkt });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'sipscope-hep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HEP inside a capture (UDP 9060) is decapsulated', () => {
  it('the decoder hands out the carried SIP with the agent’s endpoints, time and details', () => {
    const msgs = basicCall();
    const dec = createDecoder();
    const got = hepFrames(msgs).flatMap((d, i) => dec.push(frame(i + 1, d, { sec: T0 + 100 + i })));
    expect(got).toHaveLength(msgs.length);
    expect(got[0]).toMatchObject({
      transport: 'udp',
      src: { ip: '10.0.0.1', port: 5060 },
      dst: { ip: '10.0.0.2', port: 5060 },
      frame: 1,
      frames: [1],
      ts: T0,
      hep: { version: 3, agentId: 7, node: 'kam-edge', correlationId: 'corr-0' },
    });
    expect(got.map((p) => new TextDecoder('latin1').decode(p.bytes))).toEqual(
      msgs.map((m) => new TextDecoder('latin1').decode(m.raw)),
    );
    expect(dec.stats.undecodable).toBe(0);
  });

  it('the pipeline keeps the HEP details on each message’s source', () => {
    const msgs = basicCall();
    const out: SipMessage[] = [];
    const p = createPipeline({ onMessage: (m) => out.push(m) });
    hepFrames(msgs).forEach((d, i) => {
      p.push(frame(i + 1, d));
    });
    p.end();
    expect(out.map((m) => m.startLine)).toEqual(msgs.map((m) => m.startLine));
    expect(out.map((m) => m.source?.hep?.correlationId)).toEqual(msgs.map((_, i) => `corr-${i}`));
    expect(out.every((m) => m.source?.hep?.node === 'kam-edge')).toBe(true);
  });

  it('a HEP packet of another protocol type is ignored, a datagram that is not HEP stays plain UDP', () => {
    const rtcp = hep3({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      sport: 7001,
      dport: 7001,
      protocolType: 5,
      payload: 'x',
    });
    const dec = createDecoder();
    const a = dec.push(
      frame(1, ethernetIpv4Udp({ src: AGENT, dst: COLLECTOR, sport: 40000, dport: 9060, payload: rtcp })),
    );
    const b = dec.push(
      frame(2, ethernetIpv4Udp({ src: AGENT, dst: COLLECTOR, sport: 40000, dport: 9060, payload: 'hello' })),
    );
    expect(a).toEqual([]);
    expect(dec.stats.ignoredByProtocol.hep).toBe(1);
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ src: { ip: AGENT, port: 40000 }, dst: { ip: COLLECTOR, port: 9060 } });
    expect(new TextDecoder().decode(b[0].bytes)).toBe('hello');
    expect(b[0].hep).toBeUndefined();
  });

  it('analyze of a pcap holding HEP gives the call the agent saw', async () => {
    const file = join(dir, 'hep.pcap');
    const frames = hepFrames(basicCall()).map((data, i) => ({ sec: T0 + i, nsec: 0, data }));
    writeFileSync(file, writePcap(frames, { linkType: 1 }));
    const r = await analyzeCapture(file);
    expect(r.stats.sipMessages).toBe(7);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({ state: 'completed', callIds: ['basic-1@10.0.0.1'] });
    expect(r.messages.get(0)).toMatchObject({ frame: 1, src: '10.0.0.1:5060', dst: '10.0.0.2:5060', ts: T0 });
  });
});
