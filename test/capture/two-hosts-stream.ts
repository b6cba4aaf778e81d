/**
 * The tests a merged capture of the basic call over a stream transport
 * (TCP: its segments, SCTP: its DATA chunks) passes as the same call over
 * UDP does, each message in one segment or chunk seen by both capture
 * points (two-hosts.ts): the clock offset and one-way delay of RFC 5905 §8,
 * and the messages of one file only, the second file's copy being dropped
 * by the reassembler.
 */
import { describe, expect, it } from 'vitest';
import type { Transport } from '../../src/decode/payload.js';
import { analyzeCapture, measureClockOffsets } from '../../src/report/analyze-capture.js';
import { basicCall } from '../fixtures/flows/index.js';
import { messageFiles, type TwoHosts, writeTwoHosts } from './two-hosts.js';

/** The pair's files, after declaring its tests in a describe named `title`; `dropped` says why the second copies go. */
export function describeStreamPair(
  title: string,
  dir: string,
  transport: Transport,
  o: TwoHosts,
  dropped: string,
): [string, string] {
  const flow = () => basicCall({ transport });
  const [a, b] = writeTwoHosts(dir, transport, flow(), o);
  describe(title, () => {
    it('recovers the offset and the one-way delay to the microsecond, one sample a message, as for UDP', async () => {
      const c = (await analyzeCapture([a, b])).source.files![1].clock!;
      expect(c.samples).toBe(flow().length);
      expect(c.directions).toBe(2);
      expect(Math.abs(c.offsetSeconds - o.theta)).toBeLessThan(1e-6);
      expect(Math.abs(c.delaySeconds! - o.delay)).toBeLessThan(1e-6);
      const [ua, ub] = writeTwoHosts(dir, `udp-like-${transport}`, basicCall(), o);
      const udp = (await analyzeCapture([ua, ub])).source.files![1].clock!;
      expect(c.offsetSeconds).toBe(udp.offsetSeconds);
      expect(c.delaySeconds).toBe(udp.delaySeconds);
    });

    it(`the second file copy of each message is dropped ${dropped}: the messages are those of one file`, async () => {
      const r = await analyzeCapture([a, b]);
      expect(r.stats.sipMessages).toBe(flow().length);
      expect(messageFiles(r)).toEqual(new Set([0]));
      // Nor are they SIP retransmissions: they never reach the correlator.
      expect(r.stats.retransmissions).toBe(0);
    });

    it('--align measures the same offset (its first pass notes them too)', async () => {
      const [c] = (await measureClockOffsets([a, b])).slice(1);
      expect(Math.abs(c!.offsetSeconds - o.theta)).toBeLessThan(1e-6);
    });
  });
  return [a, b];
}
