/**
 * Several capture files analysed as one (capture/merge-captures.ts): a
 * capture split into pieces analyses exactly as the whole, and the same
 * packets captured twice (two interfaces of one host) are mirror duplicates
 * (RFC 3261 §17: one transaction), not retransmissions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import type { Frame } from '../../src/capture/frame.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { writeJsonReport } from '../../src/cli/json-output.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { analyzeCollected } from '../helpers/analyze-output.js';
import { hasTshark } from '../helpers/corpus.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sipscope-merged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: the JSON document, compared as data
type Doc = any;

function jsonOf(r: AnalysisResult): Doc {
  let text = '';
  writeJsonReport(r, (s) => {
    text += s;
  });
  return JSON.parse(text);
}

/** The document without what says where the frames came from: `source`, and each message's file and frame there. */
function withoutFiles(doc: Doc): Doc {
  const { source: _, ...rest } = structuredClone(doc);
  for (const m of rest.messages) {
    delete m.file;
    delete m.fileFrame;
  }
  return rest;
}

const framesOf = (path: string): Frame[] => parseCaptureBytes(readFileSync(path), path).frames;
const ns = (frames: Frame[]) => frames.map((f) => ({ ...f, iface: 0 }));

/** `frames` cut in three pieces at `cuts`, written as pcap (ns), pcapng and gzip-compressed pcap. */
function splitInThree(name: string, frames: Frame[], cuts: [number, number]): string[] {
  const linkType = frames[0].linkType;
  const parts = [frames.slice(0, cuts[0]), frames.slice(cuts[0], cuts[1]), frames.slice(cuts[1])];
  const bytes = [
    writePcap(parts[0], { linkType, nanos: true }),
    writePcapng({ interfaces: [{ linkType, tsresol: 9 }], frames: ns(parts[1]) }),
    gzipSync(writePcap(parts[2], { linkType, nanos: true })),
  ];
  return bytes.map((b, i) => {
    const p = join(dir, `${name}-${i}${['.pcap', '.pcapng', '.pcap.gz'][i]}`);
    writeFileSync(p, b);
    return p;
  });
}

describe('a rotated capture split into 3 files analyses as the unsplit file', () => {
  for (const sample of [
    'call-with-rtp.pcap',
    'sipp-10-calls.pcap',
    'fragmented-invite.pcap',
    'tcp-call.pcap',
  ]) {
    it(`${sample}: every call, message, transaction, dialog, finding and stream equal, frame numbers too`, async () => {
      const whole = join(SAMPLES, sample);
      const frames = framesOf(whole);
      const cuts: [number, number] = [Math.floor(frames.length / 3), Math.floor((2 * frames.length) / 3)];
      const pieces = splitInThree(sample, frames, cuts);
      const one = await analyzeCapture(whole);
      const three = await analyzeCapture(pieces);
      const a = jsonOf(one);
      const b = jsonOf(three);
      expect(a.messages.length).toBeGreaterThan(0);
      expect(withoutFiles(b)).toEqual(withoutFiles(a));
      expect(three.streams).toEqual(one.streams);
      expect(b.source.frames).toBe(frames.length);
      expect(b.source.files.map((f: Doc) => [f.format, f.frames])).toEqual([
        ['pcap', cuts[0]],
        ['pcapng', cuts[1] - cuts[0]],
        ['pcap', frames.length - cuts[1]],
      ]);
      // Each message names the piece its frame is in, and its number there.
      for (const m of b.messages) {
        const file = m.frame <= cuts[0] ? 0 : m.frame <= cuts[1] ? 1 : 2;
        expect([m.file, m.fileFrame]).toEqual([file, m.frame - [0, cuts[0], cuts[1]][file]]);
      }
    });
  }
});

describe('the same packets in two files (both interfaces of a host)', () => {
  it('are mirror duplicates within one transaction, not retransmissions (RFC 3261 §17.1.1.2: a retransmission is resent by Timer A or E)', async () => {
    const whole = join(SAMPLES, 'basic-call.pcap');
    const frames = framesOf(whole);
    // The second interface sees each packet 1 ms later (within the 5 ms duplicate window).
    const later = frames.map((f) => ({ ...f, nsec: f.nsec + 1_000_000 }));
    const copy = join(dir, 'basic-call-other-interface.pcap');
    writeFileSync(copy, writePcap(later, { linkType: frames[0].linkType, nanos: true }));
    const one = await analyzeCapture(whole);
    const two = await analyzeCapture([whole, copy]);
    expect(two.stats.sipMessages).toBe(2 * one.stats.sipMessages);
    expect(two.stats.retransmissions).toBe(one.stats.retransmissions);
    expect([two.stats.transactions, two.stats.dialogs, two.stats.calls]).toEqual([
      one.stats.transactions,
      one.stats.dialogs,
      one.stats.calls,
    ]);
    // Every copy is counted as a duplicate of the transaction it belongs to.
    const dups = two.transactions.reduce((n, t) => n + t.duplicates, 0);
    expect(dups).toBe(one.stats.sipMessages);
    expect(two.transactions.map((t) => t.messages.length)).toEqual(
      one.transactions.map((t) => 2 * t.messages.length),
    );
    // Merged by time: each packet, then its copy from the second file.
    for (let i = 0; i < two.messages.length; i++) {
      const m = two.messages.get(i);
      expect([m.file, m.fileFrame]).toEqual([i % 2, one.messages.get(i >> 1).frame]);
    }
  });

  it('overlapping rotated files (the second starting before the first ends) give each shared packet twice, as duplicates', async () => {
    const whole = join(SAMPLES, 'sipp-10-calls.pcap');
    const frames = framesOf(whole);
    const third = Math.floor(frames.length / 3);
    const linkType = frames[0].linkType;
    const a = join(dir, 'overlap-a.pcap');
    const b = join(dir, 'overlap-b.pcap');
    writeFileSync(a, writePcap(frames.slice(0, 2 * third), { linkType, nanos: true }));
    writeFileSync(b, writePcap(frames.slice(third), { linkType, nanos: true }));
    const one = await analyzeCapture(whole);
    const two = await analyzeCapture([a, b]);
    expect(two.stats.retransmissions).toBe(one.stats.retransmissions);
    expect(two.stats.calls).toBe(one.stats.calls);
    expect(two.calls.map((c) => [c.callIds, c.state])).toEqual(one.calls.map((c) => [c.callIds, c.state]));
    const shared = two.stats.sipMessages - one.stats.sipMessages;
    expect(shared).toBeGreaterThan(0);
    expect(two.transactions.reduce((n, t) => n + t.duplicates, 0)).toBe(shared);
  });
});

describe.skipIf(!hasTshark)(
  'sipscope analyze A B C --json against the unsplit file (pieces cut by editcap -c)',
  () => {
    let out = '';
    let err = '';
    const run = analyzeCollected(
      (t) => {
        out += t;
      },
      (t) => {
        err += t;
      },
    );

    it('prints the same document but for the file list and each message file and frame there', async () => {
      const whole = join(SAMPLES, 'call-with-rtp.pcap');
      const sub = mkdtempSync(join(dir, 'editcap-'));
      execFileSync('editcap', ['-c', '600', whole, join(sub, 'piece.pcap')]);
      const pieces = readdirSync(sub)
        .sort()
        .map((f) => join(sub, f));
      expect(pieces.length).toBe(3);
      out = '';
      expect(await run([whole, '--json'])).toBe(0);
      const a = JSON.parse(out);
      out = '';
      expect(await run([...pieces, '--json'])).toBe(0);
      const b = JSON.parse(out);
      expect(withoutFiles(b)).toEqual(withoutFiles(a));
      expect(b.source.files.map((f: Doc) => f.file)).toEqual(pieces);
      expect(b.source.files.map((f: Doc) => f.frames)).toEqual([600, 600, a.source.frames - 1200]);
      // The text summary names every file.
      out = '';
      expect(await run(pieces)).toBe(0);
      expect(out).toContain(`3 files merged by time: ${pieces.join(', ')}`);
      expect(err).toBe('');
    });

    it('refuses standard input among other files', async () => {
      err = '';
      expect(await run(['-', join(SAMPLES, 'basic-call.pcap')])).toBe(2);
      expect(err).toContain('- (standard input) is read alone');
    });
  },
);
