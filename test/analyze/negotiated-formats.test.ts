/**
 * The formats each offer/answer allowed, by media address (negotiated-formats.ts):
 * RFC 3264 §7 (the offerer sends what the answer lists) and §6.1 (the
 * answerer sends what the offer lists and the answer lists too, with the
 * offer numbers), over the exchanges in force while a stream flowed.
 */
import { describe, expect, it } from 'vitest';
import { NegotiatedFormats } from '../../src/analyze/negotiated-formats.js';
import { parseSdp } from '../../src/sip/sdp.js';

/** An SDP with one audio m= line on `port`, then `more` lines (rtpmaps, further m= lines). */
const sdp = (ip: string, port: number, formats: string, more: string[] = []) =>
  parseSdp(
    [
      'v=0',
      `o=- 1 1 IN IP4 ${ip}`,
      's=-',
      `c=IN IP4 ${ip}`,
      't=0 0',
      `m=audio ${port} RTP/AVP ${formats}`,
      ...more,
    ]
      .map((l) => `${l}\r\n`)
      .join(''),
  );

const ALICE = '10.0.0.1:4000';
const BOB = '10.0.0.2:5000';
const offer = (formats: string, maps?: string[]) => sdp('10.0.0.1', 4000, formats, maps);
const answer = (formats: string, maps?: string[]) => sdp('10.0.0.2', 5000, formats, maps);
const types = (a: ReturnType<NegotiatedFormats['allowed']>) => (a === null ? null : [...a.formats.keys()]);

describe('NegotiatedFormats: what each side of an exchange may send (RFC 3264 §6.1, §7)', () => {
  it('the offerer may send the answer formats, the answerer the offer formats the answer lists too', () => {
    const n = new NegotiatedFormats();
    n.add(offer('0 8 18'), answer('8 0 9'), 1, 2);
    expect(types(n.allowed(ALICE, BOB, 3, 10))).toEqual([8, 0, 9]);
    expect(types(n.allowed(BOB, ALICE, 3, 10))).toEqual([0, 8]);
  });

  it('a dynamic codec renumbered by the answer: each direction uses its receiver numbers', () => {
    const n = new NegotiatedFormats();
    n.add(
      offer('0 101', ['a=rtpmap:101 telephone-event/8000']),
      answer('0 100', ['a=rtpmap:100 telephone-event/8000']),
      1,
      2,
    );
    const toAlice = n.allowed(BOB, ALICE, 3, 10);
    expect(toAlice === null ? null : [...toAlice.formats]).toEqual([
      [0, 'PCMU/8000'],
      [101, 'telephone-event/8000'],
    ]);
    // The sender own name for a number it must not use, for the finding text.
    expect(toAlice?.names.get(100)).toBe('telephone-event/8000');
    expect(types(n.allowed(ALICE, BOB, 3, 10))).toEqual([0, 100]);
  });

  it('a stream is judged by every exchange in force while it flowed, not by one superseded before it began', () => {
    const n = new NegotiatedFormats();
    n.add(offer('0'), answer('0'), 1, 2);
    n.add(offer('8'), answer('8'), 20, 21);
    n.add(offer('18'), answer('18'), 40, 41);
    expect(types(n.allowed(ALICE, BOB, 3, 25))).toEqual([0, 8]);
    expect(types(n.allowed(ALICE, BOB, 22, 35))).toEqual([8]);
    expect(types(n.allowed(ALICE, BOB, 45, 50))).toEqual([18]);
  });

  it('the same exchange again (a session refresh, the next call of the same phones) is filed once and stays in force', () => {
    const n = new NegotiatedFormats();
    n.add(offer('0'), answer('0'), 1, 2);
    n.add(offer('0'), answer('0'), 30, 31);
    expect(n.size).toBe(2);
    expect(types(n.allowed(ALICE, BOB, 3, 40))).toEqual([0]);
    n.add(answer('0'), offer('0'), 50, 51);
    expect(n.size).toBe(4);
  });

  it('m= lines of one exchange on one address (BUNDLE, RFC 8843) are allowed together, not one replacing the other', () => {
    // The video m= line after the audio one, on the same port.
    const bundle = (ip: string, port: number, audio: string, video: string) =>
      sdp(ip, port, audio, [`m=video ${port} RTP/AVP ${video}`, 'a=rtpmap:96 VP8/90000']);
    const n = new NegotiatedFormats();
    n.add(bundle('10.0.0.1', 4000, '0', '96'), bundle('10.0.0.2', 5000, '0', '96'), 1, 2);
    expect(types(n.allowed(ALICE, BOB, 3, 10))).toEqual([0, 96]);
  });

  it('not judged: a stream that began before any offer on its addresses, or on addresses no exchange named', () => {
    const n = new NegotiatedFormats();
    n.add(offer('0'), answer('0'), 10, 11);
    expect(n.allowed(ALICE, BOB, 5, 20)).toBeNull();
    expect(n.allowed('10.0.0.9:4000', '10.0.0.8:5000', 12, 20)).toBeNull();
  });

  it('not judged: a declined stream (port 0), or an address on hold (0.0.0.0)', () => {
    const n = new NegotiatedFormats();
    n.add(offer('0'), sdp('10.0.0.2', 0, '0'), 1, 2);
    n.add(sdp('0.0.0.0', 4000, '0'), answer('0'), 1, 2);
    expect(n.size).toBe(0);
    expect(n.allowed(ALICE, BOB, 3, 10)).toBeNull();
  });

  it('bounded: past 16 exchanges on an address a stream older than those kept is not judged; past max, the oldest address goes', () => {
    const n = new NegotiatedFormats(6);
    for (let i = 0; i < 20; i++) n.add(offer(`${i % 2}`), answer(`${i % 2}`), i * 10, i * 10 + 1);
    expect(n.size).toBeLessThanOrEqual(6);
    expect(n.allowed(ALICE, BOB, 185, 190)).not.toBeNull();
    const m = new NegotiatedFormats();
    for (let i = 0; i < 20; i++) m.add(offer(`${i % 2}`), answer(`${i % 2}`), i * 10, i * 10 + 1);
    expect(m.size).toBe(32);
    expect(m.allowed(ALICE, BOB, 5, 190)).toBeNull();
    expect(m.allowed(ALICE, BOB, 45, 190)).not.toBeNull();
  });
});
