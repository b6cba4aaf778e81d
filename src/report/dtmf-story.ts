/**
 * The call story's sentence on the DTMF digits a call carried (call-dtmf.ts):
 * who sent which, and how (RFC 4733 telephone events in RTP, SIP INFO).
 */
import type { CallDtmf } from './call-dtmf.js';
import { spanText, type Who } from './story-facts.js';

/** What the story reads of a digit (the JSON's CallDtmf). */
export type StoryDtmf = Pick<CallDtmf, 'digit' | 'ts' | 'method' | 'src' | 'ended'>;

/** How they were sent, for one digit and for more. */
const HOW = {
  rfc4733: ['as an RFC 4733 telephone event in RTP', 'as RFC 4733 telephone events in RTP'],
  info: ['in a SIP INFO request', 'in SIP INFO requests'],
} as const;

/**
 * `Alice (10.0.0.1:8000) sent the DTMF digits 2 0 4 as RFC 4733 telephone
 * events in RTP, from 3.20 s.`; nothing without digits. `firstTs`: the
 * call's first message's time, the story's origin.
 */
export function dtmfStory(dtmf: readonly StoryDtmf[], who: Who, firstTs: number): string[] {
  if (dtmf.length === 0) return [];
  const runs: Array<{ src: string; method: CallDtmf['method']; digits: StoryDtmf[] }> = [];
  for (const d of dtmf) {
    const run = runs.find((r) => r.src === d.src && r.method === d.method);
    if (run === undefined) runs.push({ src: d.src, method: d.method, digits: [d] });
    else run.digits.push(d);
  }
  const parts = runs.map((r) => {
    const n = r.digits.length;
    const lost = r.digits.filter((d) => !d.ended).length;
    const digits = r.digits.map((d) => d.digit).join(' ');
    const method = HOW[r.method]?.[n === 1 ? 0 : 1] ?? r.method;
    const unended =
      lost === 0 ? '' : ` (${lost === 1 ? 'one' : lost} without its end packet: lost, or cut by the capture)`;
    return `${who(r.src)} sent the DTMF ${n === 1 ? 'digit' : 'digits'} ${digits} ${method}, from ${spanText((r.digits[0].ts - firstTs) * 1000)}${unended}`;
  });
  return [`${parts.join('; ')}.`];
}
