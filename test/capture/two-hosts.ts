/**
 * A flow between ALICE and BOB captured on both hosts: file 0 on ALICE's,
 * file 1 on BOB's, whose clock is `theta` seconds ahead of ALICE's. A message
 * is in the sender's file at the time it was sent and in the receiver's
 * `delay` seconds later (each read on that host's clock), with the same
 * bytes and the same src → dst: what two capture points without NAT between
 * them see. `keep` chooses the messages file 1 has (all by default).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePcap } from '../../src/capture/pcap-writer.js';
import type { AnalysisResult } from '../../src/report/analyze-capture.js';
import type { SipMessage } from '../../src/sip/message.js';
import { type FlowCaptureOptions, flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { ALICE } from '../fixtures/flows/index.js';

export interface TwoHosts {
  theta: number;
  delay: number;
  keep?: (m: SipMessage) => boolean;
  /** How the messages are cut into frames (flow-capture.ts). */
  capture?: FlowCaptureOptions;
}

const fromAlice = (m: SipMessage) => m.source?.src.ip === ALICE.ip;

/** `m` as captured at `ts` (seconds). */
function at(m: SipMessage, ts: number): SipMessage {
  if (m.source === null) throw new Error('a captured message needs a source');
  return { ...m, source: { ...m.source, ts } };
}

/** The two files, written in `dir` as `<name>-alice.pcap` and `<name>-bob.pcap`. */
export function writeTwoHosts(dir: string, name: string, flow: SipMessage[], o: TwoHosts): [string, string] {
  const ts = (m: SipMessage) => m.source?.ts ?? 0;
  const alice = flow.map((m) => at(m, fromAlice(m) ? ts(m) : ts(m) + o.delay));
  const bob = flow
    .filter(o.keep ?? (() => true))
    .map((m) => at(m, (fromAlice(m) ? ts(m) + o.delay : ts(m)) + o.theta));
  const paths: [string, string] = [join(dir, `${name}-alice.pcap`), join(dir, `${name}-bob.pcap`)];
  // Each host's file in its own time order (a message received comes `delay` after it was sent).
  const inOrder = (ms: SipMessage[]) =>
    flowToFrames(ms, o.capture).sort((a, b) => a.sec - b.sec || a.nsec - b.nsec);
  writeFileSync(paths[0], writePcap(inOrder(alice), { linkType: 1 }));
  writeFileSync(paths[1], writePcap(inOrder(bob), { linkType: 1 }));
  return paths;
}

/** The files the messages of `r` came from. */
export function messageFiles(r: AnalysisResult): Set<number | undefined> {
  return new Set(Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i).file));
}

/** `frames` with frame `k` again `seconds` later (a retransmission of its bytes), in time order. */
export function withCopyLater(frames: TimedFrame[], k: number, seconds: number): TimedFrame[] {
  const later = frames[k].nsec + Math.round(seconds * 1e9);
  const again = { ...frames[k], sec: frames[k].sec + Math.floor(later / 1e9), nsec: later % 1e9 };
  return [...frames, again].sort((x, y) => x.sec - y.sec || x.nsec - y.nsec);
}

/** How many frames tshark dissects as SIP (`-Y sip`) in `mergecap` of files `a` and `b` (written in `dir`). */
export function tsharkMergedSipFrames(dir: string, a: string, b: string, name: string): number {
  const merged = join(dir, `${name}.pcapng`);
  execFileSync('mergecap', ['-w', merged, a, b]);
  const out = execFileSync('tshark', ['-r', merged, '-Y', 'sip'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .toString()
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}
