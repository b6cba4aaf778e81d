/**
 * A capture of many generated calls (basic calls over UDP, some over TCP,
 * some cut into IP fragments, some with Call-IDs that JSON must escape),
 * for tests that need volume without the corpus.
 */
import { writeFileSync } from 'node:fs';
import { writePcap } from '../../src/capture/pcap-writer.js';
import type { Endpoint } from '../../src/decode/payload.js';
import type { SipMessage } from '../../src/sip/message.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { basicCall, T0 } from '../fixtures/flows/index.js';

/** Writes `calls` calls (7 messages each, 13 s apart, so none overlap) to `file` as an Ethernet pcap. */
export function writeCallsCapture(file: string, calls: number): void {
  const frames: TimedFrame[] = [];
  for (let n = 0; n < calls; n++) {
    const o = { n, t0: T0 + 13 * n };
    let flow: SipMessage[];
    if (n % 10 === 3) flow = onOwnPort(basicCall({ ...o, transport: 'tcp' }), 20000 + n);
    else if (n % 10 === 7)
      flow = basicCall({ ...o, callId: `q"b\\s\u0001@h\u00c3\u00a9-${n}`, hangup: 'callee' });
    else flow = basicCall(o);
    // Every 10th call's INVITE and 200 (with SDP) go as IP fragments.
    for (const f of flowToFrames(flow, { mtu: n % 10 === 5 ? 400 : 1480 })) frames.push(f);
  }
  writeFileSync(file, writePcap(frames, { linkType: 1 }));
}

/** The flow with the caller on `port` instead of 5060 (a TCP connection of its own). */
function onOwnPort(flow: SipMessage[], port: number): SipMessage[] {
  const caller = flow[0].source!.src;
  const move = (e: Endpoint): Endpoint => (e.ip === caller.ip && e.port === caller.port ? { ...e, port } : e);
  for (const m of flow) {
    const s = m.source!;
    m.source = { ...s, src: move(s.src), dst: move(s.dst) };
  }
  return flow;
}
