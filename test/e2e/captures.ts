/**
 * Captures the browser tests upload, written as real pcap files with the
 * project's pcap writer (never copied from the corpus):
 *
 * - `mixed.pcap`: named flows a minute apart, so one capture holds calls of
 *   every kind and many states, findings, retransmissions, forking and two
 *   legs linked by X-CID, and a transfer with consultation (three related calls);
 * - `hostile.pcap`: a call whose From display name, User-Agent, Subject and
 *   an extension header carry markup that would set `window.__pwned` if the
 *   page ever turned it into HTML;
 * - `controls.pcap`: a call whose User-Agent carries an ANSI colour, BEL,
 *   BS, NUL and an RLO (U+202E) that would read `evil` as `live`, and whose
 *   INVITE has a 20,000-byte Subject;
 * - `notes.txt`: not a capture at all.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import type { SipMessage } from '../../src/sip/message.js';
import { longCallBytes } from '../bench/make-browser-captures.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import {
  attendedTransfer,
  b2buaLegsLinkedByXcid,
  basicCall,
  cancelledCall,
  forkedInvite,
  lostAckRetransmissions,
  optionsUnanswered,
  parsed,
  prackCall,
  redirect302,
  registerWithChallenge,
  rfc2543Call,
  subscribeNotify,
} from '../fixtures/flows/index.js';

export const IMG_PAYLOAD = '<img src=x onerror=window.__pwned=1>';
export const SCRIPT_PAYLOAD = '<script>window.__pwned=2</script>';
export const SVG_PAYLOAD = '<svg onload=window.__pwned=3>';

const FLOWS: Array<() => SipMessage[]> = [
  () => basicCall(),
  registerWithChallenge,
  optionsUnanswered,
  lostAckRetransmissions,
  cancelledCall,
  forkedInvite,
  () => b2buaLegsLinkedByXcid(),
  rfc2543Call,
  prackCall,
  () => redirect302(),
  subscribeNotify,
  attendedTransfer,
];

function shifted(frames: TimedFrame[], seconds: number): TimedFrame[] {
  return frames.map((f) => ({ ...f, sec: f.sec + seconds }));
}

/** The basic call with markup in the From display name, the User-Agent, a Subject and an X- header. */
export function hostileCall(): SipMessage[] {
  return basicCall({ n: 66, callId: 'hostile-1@10.0.0.1' }).map((m) => {
    const text = Buffer.from(m.raw)
      .toString('latin1')
      .replace('"Alice"', `"${IMG_PAYLOAD}"`)
      .replace(
        'User-Agent: AliceUA/1.0',
        `User-Agent: ${SCRIPT_PAYLOAD}\r\nSubject: ${IMG_PAYLOAD}\r\nX-Note: ${SVG_PAYLOAD}`,
      );
    const c = parsed(text);
    c.source = m.source;
    return c;
  });
}

/** The User-Agent of `controls.pcap`: controls and a bidi override (as UTF-8 on the wire). */
export const CONTROLS_UA = 'UA\x1b[31mRED\x07\x08\x00\u202eevil\u202c';
/** Its Subject's length in bytes. */
export const LONG_SUBJECT = 20_000;

/** The basic call with CONTROLS_UA as User-Agent, and a Subject of LONG_SUBJECT bytes on the INVITE. */
export function controlsCall(): SipMessage[] {
  const ua = Buffer.from(CONTROLS_UA, 'utf8').toString('latin1');
  return basicCall({ n: 67, callId: 'controls-1@10.0.0.1' }).map((m) => {
    let text = Buffer.from(m.raw).toString('latin1').replace('User-Agent: AliceUA/1.0', `User-Agent: ${ua}`);
    if (text.startsWith('INVITE '))
      text = text.replace('\r\nCall-ID:', `\r\nSubject: ${'S'.repeat(LONG_SUBJECT)}\r\nCall-ID:`);
    const c = parsed(text);
    c.source = m.source;
    return c;
  });
}

export interface TestCaptures {
  mixed: string;
  /** One call of 1,000 messages (the bench's, test/bench/make-browser-captures.ts). */
  longCall: string;
  hostile: string;
  controls: string;
  notCapture: string;
}

export function writeTestCaptures(dir: string): TestCaptures {
  mkdirSync(dir, { recursive: true });
  const out: TestCaptures = {
    mixed: join(dir, 'mixed.pcap'),
    longCall: join(dir, 'long-call.pcap'),
    hostile: join(dir, 'hostile.pcap'),
    controls: join(dir, 'controls.pcap'),
    notCapture: join(dir, 'notes.txt'),
  };
  const mixed = FLOWS.flatMap((flow, i) => shifted(flowToFrames(flow()), i * 60));
  writeFileSync(out.mixed, writePcap(mixed, { linkType: LinkType.ETHERNET }));
  writeFileSync(out.longCall, longCallBytes());
  writeFileSync(out.hostile, writePcap(flowToFrames(hostileCall()), { linkType: LinkType.ETHERNET }));
  writeFileSync(out.controls, writePcap(flowToFrames(controlsCall()), { linkType: LinkType.ETHERNET }));
  writeFileSync(out.notCapture, 'these are my notes, not a capture\n');
  return out;
}
