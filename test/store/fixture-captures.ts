/**
 * Captures for the store and server tests, written as real pcap files (the
 * analysis reads them like any upload):
 *
 * - `mixed.pcap`: named flows one after the other, a minute apart, so one
 *   capture holds calls of every kind and state, calls with and without
 *   findings, linked legs and retransmissions: basic call, REGISTER with a
 *   challenge, unanswered OPTIONS, a lost ACK, a cancelled call, a forked
 *   INVITE, B2BUA legs linked by X-CID, a call whose headers carry markup and
 *   an RFC 2543 call (a warning on each of its requests).
 * - `hostile.pcap`: only the call with markup in From, User-Agent and Subject.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import type { SipMessage } from '../../src/sip/message.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import {
  b2buaLegsLinkedByXcid,
  basicCall,
  cancelledCall,
  forkedInvite,
  lostAckRetransmissions,
  optionsUnanswered,
  parsed,
  registerWithChallenge,
  rfc2543Call,
} from '../fixtures/flows/index.js';

export const IMG_PAYLOAD = '<img src=x onerror=alert(1)>';
export const SCRIPT_PAYLOAD = '<script>alert(1)</script>';
/** A To display name in UTF-8 (RFC 3261 §25.1: TEXT-UTF8): string indexes and byte offsets differ after it. */
export const UTF8_NAME = 'Jürgen Weiß 📞';

/**
 * The basic call with markup in the From display name, the User-Agent and a
 * Subject header, and a UTF-8 display name in To.
 */
export function hostileCall(): SipMessage[] {
  return basicCall({ n: 66, callId: 'hostile-1@10.0.0.1' }).map((m) => {
    const text = Buffer.from(m.raw)
      .toString('latin1')
      .replace('"Alice"', `"${IMG_PAYLOAD}"`)
      .replace('To: <sip:bob@', `To: "${Buffer.from(UTF8_NAME, 'utf8').toString('latin1')}" <sip:bob@`)
      .replace('User-Agent: AliceUA/1.0', `User-Agent: ${SCRIPT_PAYLOAD}\r\nSubject: ${IMG_PAYLOAD}`);
    const c = parsed(text);
    c.source = m.source;
    return c;
  });
}

const FLOWS: Array<() => SipMessage[]> = [
  () => basicCall(),
  registerWithChallenge,
  optionsUnanswered,
  lostAckRetransmissions,
  cancelledCall,
  forkedInvite,
  () => b2buaLegsLinkedByXcid(),
  hostileCall,
  rfc2543Call,
];

function shifted(frames: TimedFrame[], seconds: number): TimedFrame[] {
  return frames.map((f) => ({ ...f, sec: f.sec + seconds }));
}

export function mixedCaptureBytes(): Uint8Array {
  const frames = FLOWS.flatMap((flow, i) => shifted(flowToFrames(flow()), i * 60));
  return writePcap(frames, { linkType: LinkType.ETHERNET });
}

export function hostileCaptureBytes(): Uint8Array {
  return writePcap(flowToFrames(hostileCall()), { linkType: LinkType.ETHERNET });
}

/** `n` basic calls a second apart, each with its own Call-ID, tags and branches (7 messages each). */
export function manyCallsCaptureBytes(n: number): Uint8Array {
  const frames: TimedFrame[] = [];
  for (let i = 0; i < n; i++)
    frames.push(
      ...flowToFrames(basicCall({ n: 1000 + i, callId: `many-${i}@10.0.0.1`, t0: 1_700_000_000 + i })),
    );
  frames.sort((a, b) => a.sec - b.sec || a.nsec - b.nsec);
  return writePcap(frames, { linkType: LinkType.ETHERNET });
}

/** Writes both captures into `dir`; returns their paths. */
export function writeFixtureCaptures(dir: string): { mixed: string; hostile: string } {
  mkdirSync(dir, { recursive: true });
  const mixed = join(dir, 'mixed.pcap');
  const hostile = join(dir, 'hostile.pcap');
  writeFileSync(mixed, mixedCaptureBytes());
  writeFileSync(hostile, hostileCaptureBytes());
  return { mixed, hostile };
}
