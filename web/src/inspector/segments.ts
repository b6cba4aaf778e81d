/**
 * The raw message cut into pieces the inspector draws one span each: the
 * start line, each header (with its folded continuation lines), the body and
 * the line ends between them, from the byte offsets the parser kept
 * (DESIGN.md convention 6; server/API.md gives them as string indexes into
 * `raw`). Hovering a piece highlights that header. Pure.
 */
import type { HeaderSpan, Span } from '../api/types.js';

export type SegmentKind = 'start-line' | 'header' | 'body' | 'plain';

export interface Segment {
  start: number;
  end: number;
  kind: SegmentKind;
  /** Index into `headers` for a header segment. */
  header?: number;
}

function clamp(n: number, len: number): number {
  return Number.isFinite(n) ? Math.min(len, Math.max(0, Math.floor(n))) : 0;
}

/**
 * Segments covering `raw` exactly once, in order. Offsets out of range are
 * clamped and overlapping spans cut, because they come from the network via
 * the server and the view must not break on them.
 */
export function rawSegments(
  raw: string,
  startLine: Span | null,
  headers: readonly HeaderSpan[],
  body: Span | null,
): Segment[] {
  const len = raw.length;
  const spans: Segment[] = [];
  if (startLine) spans.push({ start: startLine.start, end: startLine.end, kind: 'start-line' });
  headers.forEach((h, i) => {
    spans.push({ start: h.start, end: h.end, kind: 'header', header: i });
  });
  if (body) spans.push({ start: body.start, end: body.end, kind: 'body' });
  const clean = spans
    .map((s) => ({ ...s, start: clamp(s.start, len), end: clamp(s.end, len) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Segment[] = [];
  let at = 0;
  for (const s of clean) {
    if (s.end <= at) continue;
    const start = Math.max(s.start, at);
    if (start > at) out.push({ start: at, end: start, kind: 'plain' });
    out.push({ ...s, start });
    at = s.end;
  }
  if (at < len) out.push({ start: at, end: len, kind: 'plain' });
  return out;
}

/** The header index whose segment holds string index `pos`, else null. */
export function headerAt(segments: readonly Segment[], pos: number): number | null {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid];
    if (pos < s.start) hi = mid - 1;
    else if (pos >= s.end) lo = mid + 1;
    else return s.header ?? null;
  }
  return null;
}

/**
 * A byte offset into the message (as findings give it) as a string index into
 * `raw`, counting the UTF-8 length of each character. Exact for valid UTF-8;
 * an invalid byte shown as U+FFFD counts as the 3 bytes of U+FFFD, so ranges
 * after one may be off by a little.
 */
export function byteToIndex(raw: string, byteOffset: number): number {
  let bytes = 0;
  for (let i = 0; i < raw.length; i++) {
    if (bytes >= byteOffset) return i;
    const c = raw.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return raw.length;
}
