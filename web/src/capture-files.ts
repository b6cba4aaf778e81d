/**
 * A capture merged by time from several files (server/API.md "Captures",
 * `source.files`; messages' `file` and `fileFrame`), told as text: the files
 * of the capture list and header, and a message's frame with the file it
 * came from and its number there. Pure text: the file names are the
 * uploader's, shown through textContent only (dom.ts `h`).
 */
import { clockText } from '../../src/capture/clock-text.js';
import type { CaptureInfo, CaptureSource } from './api/types.js';
import { bytesText, countOf } from './format.js';

/**
 * One line per file of a merged capture (`file 0: a.pcap: pcap, 25 frames,
 * 11.9 kB`, with `, times moved by -2.315 s` for a file given a time shift,
 * and for a file with messages in common with file 0 its clock as `analyze`
 * says it: `; clock 2.315 s ahead of file 0 (…), drifting +41 ppm (…)`);
 * [] for one file.
 */
export function mergedFilesLines(source: CaptureSource | undefined): string[] {
  const files = source?.files;
  if (files === undefined || files.length < 2) return [];
  return files.map(
    (f, k) =>
      `file ${k}: ${f.file}: ${f.format}, ${countOf(f.frames, 'frame')}, ${bytesText(f.bytes)}` +
      (f.timeShiftSeconds === undefined ? '' : `, times moved by ${f.timeShiftSeconds} s`) +
      (f.clock ? `; ${clockText(f.clock)}` : ''),
  );
}

/** What the capture header says of a merged capture's files (`merged by time from 3 files: a, b, c`); null for one file. */
export function mergedFilesSummary(source: CaptureSource | undefined): string | null {
  const files = source?.files;
  if (files === undefined || files.length < 2) return null;
  return `merged by time from ${files.length} files: ${files.map((f) => f.file).join(', ')}`;
}

/**
 * A message's frame as the inspector shows it: `31`, `31 (frames 29, 31)`
 * for a reassembled one, and for a merged capture the file it came from
 * (`31 (file 1 frame 6: b.pcap)`), as `sipscope analyze A B` numbers files.
 */
export function frameText(
  m: { frame: number; frames?: number[]; file?: number; fileFrame?: number },
  files?: CaptureSource['files'],
): string {
  const own =
    m.frames && m.frames.length > 1 ? `${m.frame} (frames ${m.frames.join(', ')})` : String(m.frame);
  if (m.file === undefined) return own;
  const name = files?.[m.file]?.file;
  return `${own} (file ${m.file} frame ${m.fileFrame ?? '?'}${name === undefined ? '' : `: ${name}`})`;
}

/** The breadcrumb's capture: its name, and what it was merged from (ViewContext.setTitle). */
export function captureTitle(c: CaptureInfo): { capture: string; captureFiles: string | null } {
  return { capture: c.name, captureFiles: mergedFilesSummary(c.source) };
}
