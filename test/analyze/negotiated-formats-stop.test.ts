/**
 * RFC 3264 §8 (modifying the session): a re-INVITE whose answer removes an
 * audio stream (port 0, §8.2) or replaces it with T.38 (`m=image … udptl
 * t38`, §8.3.3) ends what the RTP exchange on that m= line allowed; and the
 * parts of a payload type's activity that no allowed span covers
 * (negotiated-formats.ts `uncovered`).
 */
import { describe, expect, it } from 'vitest';
import { type AllowedSpan, NegotiatedFormats, uncovered } from '../../src/analyze/negotiated-formats.js';
import { parseSdp } from '../../src/sip/sdp.js';

const sdp = (ip: string, m: string) =>
  parseSdp(
    ['v=0', `o=- 1 1 IN IP4 ${ip}`, 's=-', `c=IN IP4 ${ip}`, 't=0 0', m].map((l) => `${l}\r\n`).join(''),
  );

const ALICE = '10.0.0.1:4000';
const BOB = '10.0.0.2:5000';
const audioA = sdp('10.0.0.1', 'm=audio 4000 RTP/AVP 0 8');
const audioB = sdp('10.0.0.2', 'm=audio 5000 RTP/AVP 0');
/** The spans PCMU… was allowed alice → bob (each exchange is found by both addresses: once here). */
const spansOf = (n: NegotiatedFormats, pt: number) => {
  const spans = n.allowed(ALICE, BOB, 3, 40)?.spans.get(pt) ?? [];
  const rows = spans.map((s) => [s.from, s.until, s.offerMsg, s.replacedBy]);
  return rows.filter((r, i) => rows.findIndex((x) => x.join() === r.join()) === i);
};

/** The T.38 re-INVITE of dialog 1 by bob (#4 at 10 s), answered by alice (#5 at 10.05 s), on these ports. */
const fax = (n: NegotiatedFormats, bob: number, alice: number) =>
  n.add(
    sdp('10.0.0.2', `m=image ${bob} udptl t38`),
    sdp('10.0.0.1', `m=image ${alice} udptl t38`),
    10,
    10.05,
    4,
    5,
    1,
  );

describe('NegotiatedFormats: an m= line that stops being RTP ends what it allowed (RFC 3264 §8.2, §8.3.3)', () => {
  it('T.38 on the same addresses, then audio again: PCMU allowed until the T.38 answer and from the next offer', () => {
    const n = new NegotiatedFormats();
    n.add(audioA, audioB, 0, 2, 0, 2, 1);
    fax(n, 5000, 4000);
    n.add(audioA, audioB, 30, 30.05, 7, 8, 1);
    expect(spansOf(n, 0)).toEqual([
      [0, 10.05, 0, 5],
      [30, Number.POSITIVE_INFINITY, 7, undefined],
    ]);
  });

  it('T.38 on new ports: the dialog names the audio line it replaced', () => {
    const n = new NegotiatedFormats();
    n.add(audioA, audioB, 0, 2, 0, 2, 1);
    fax(n, 5004, 4004);
    expect(spansOf(n, 0)).toEqual([[0, 10.05, 0, 5]]);
  });

  it('the answer rejects the audio with port 0: PCMU ends there; another dialog does not end it', () => {
    const n = new NegotiatedFormats();
    n.add(audioA, audioB, 0, 2, 0, 2, 1);
    n.add(sdp('10.0.0.3', 'm=audio 0 RTP/AVP 0'), sdp('10.0.0.4', 'm=audio 0 RTP/AVP 0'), 10, 10.05, 4, 5, 2);
    expect(spansOf(n, 0)).toEqual([[0, Number.POSITIVE_INFINITY, 0, undefined]]);
    n.add(audioA, sdp('10.0.0.2', 'm=audio 0 RTP/AVP 0'), 12, 12.05, 6, 7, 1);
    expect(spansOf(n, 0)).toEqual([[0, 12.05, 0, 7]]);
  });
});

describe('uncovered: the activity outside every allowed span, each widened by the grace', () => {
  const span = (from: number, until: number): AllowedSpan => ({ from, until, offerMsg: 0 });
  const cut = (allowed: AllowedSpan[], from: number, to: number) =>
    uncovered(allowed, from, to, 1).map((u) => [u.from, u.to, u.before?.from, u.after?.from]);

  it('inside one span, or within the grace of it: nothing', () => {
    expect(cut([span(0, 10)], 2, 11)).toEqual([]);
  });

  it('a gap between two spans, and the parts before the first and after the last', () => {
    expect(cut([span(20, 30), span(5, 10)], 0, 40)).toEqual([
      [0, 4, undefined, 5],
      [11, 19, 5, 20],
      [31, 40, 20, undefined],
    ]);
  });

  it('overlapping spans make one: no gap between them', () => {
    expect(cut([span(0, 10), span(5, 20), span(21.5, 30)], 0, 30)).toEqual([]);
  });

  it('activity ending before the next offer: the part up to its last packet', () => {
    expect(cut([span(0, 10), span(30, 40)], 2, 25)).toEqual([[11, 25, 0, 30]]);
  });
});
