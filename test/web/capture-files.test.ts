/**
 * The web UI's text of a capture merged from several files (capture-files.ts),
 * fed with the JSON contract of real files: a capture split in two by the
 * project's writer and analysed as `sipscope analyze A B --json` reads it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeconds } from '../../src/capture/time-shift.js';
import { writeJsonReport } from '../../src/cli/json-output.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CaptureSource, MessageRow } from '../../web/src/api/types.js';
import { frameText, mergedFilesLines, mergedFilesSummary } from '../../web/src/capture-files.js';
import { rotated } from '../helpers/split-capture.js';
import { SAMPLES_DIR } from '../store/store-suite.js';

let dir: string;
let doc: { source: CaptureSource; messages: MessageRow[] };
let one: { source: CaptureSource; messages: MessageRow[] };

async function contract(files: string | string[]) {
  let text = '';
  writeJsonReport(await analyzeCapture(files), (s) => {
    text += s;
  });
  return JSON.parse(text);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipscope-web-files-'));
  const whole = join(SAMPLES_DIR, 'sipp-10-calls.pcap');
  doc = await contract(rotated(whole, dir, 2));
  one = await contract(whole);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a merged capture told as text', () => {
  it('lists each file with its format and frames, and nothing for a capture of one file', () => {
    const [a, b] = doc.source.files!;
    const lines = mergedFilesLines(doc.source);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^file 0: .*-2-0\.pcap: pcap, 30 frames, \d+(\.\d)? kB$/);
    expect(lines[0].startsWith(`file 0: ${a.file}: `)).toBe(true);
    expect(lines[1].startsWith(`file 1: ${b.file}: pcap, 30 frames, `)).toBe(true);
    expect(mergedFilesLines(one.source)).toEqual([]);
    expect(mergedFilesSummary(one.source)).toBeNull();
    expect(mergedFilesSummary(doc.source)).toBe(`merged by time from 2 files: ${a.file}, ${b.file}`);
  });

  it('says the time shift a file was given (analyze A B --time-shift 1=-2.315)', async () => {
    const files = rotated(join(SAMPLES_DIR, 'sipp-10-calls.pcap'), dir, 2);
    let text = '';
    writeJsonReport(await analyzeCapture(files, { timeShifts: [null, parseSeconds('-2.315')!] }), (s) => {
      text += s;
    });
    const lines = mergedFilesLines(JSON.parse(text).source);
    expect(lines[0]).not.toContain('moved');
    expect(lines[1]).toMatch(/^file 1: .*: pcap, 30 frames, \d+(\.\d)? kB, times moved by -2\.315 s$/);
  });

  it('says a file clock against file 0 as analyze says it: two capture points of the same messages, one 2.5 s ahead', async () => {
    const whole = join(SAMPLES_DIR, 'sipp-10-calls.pcap');
    let text = '';
    writeJsonReport(
      await analyzeCapture([whole, whole], { timeShifts: [null, parseSeconds('2.5')!] }),
      (s) => {
        text += s;
      },
    );
    const source: CaptureSource = JSON.parse(text).source;
    const lines = mergedFilesLines(source);
    expect(lines[0]).not.toContain('; clock');
    expect(source.files![1].clock).toMatchObject({ offsetSeconds: 2.5, samples: 60 });
    expect(lines[1]).toMatch(
      /, times moved by 2\.5 s; clock 2\.5 s ahead of file 0 \(60 messages seen in both, one-way delay 0 ms\)$/,
    );
    // Rotated files have no message in common: no clock to say.
    expect(mergedFilesLines(doc.source).some((l) => l.includes('; clock'))).toBe(false);
  });

  it('tells a message frame with its file and its number there, as analyze A B numbers files', () => {
    const last = doc.messages.at(-1)!;
    expect(last.file).toBe(1);
    expect(frameText(last, doc.source.files)).toBe(
      `${last.frame} (file 1 frame ${last.fileFrame}: ${doc.source.files![1].file})`,
    );
    // Rotated: the second file starts where the first ends.
    expect(last.frame - last.fileFrame!).toBe(doc.source.files![0].frames);
    // Without the file list (not fetched yet), the numbers alone; a capture of one file, the frame alone.
    expect(frameText(last)).toBe(`${last.frame} (file 1 frame ${last.fileFrame})`);
    expect(frameText(one.messages[0])).toBe(String(one.messages[0].frame));
  });
});
