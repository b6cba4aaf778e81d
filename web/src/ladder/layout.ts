/**
 * The ladder as geometry: a pure function from a call (its messages,
 * findings and RTP streams) to columns, arrows, gutter texts, markers and
 * legs, in pixels.
 * No DOM and no d3 here, so it is tested without a browser; render.ts only
 * draws what this returns, and the PNG export paints the same geometry.
 *
 * Rows are evenly spaced in time order (as sngrep and Wireshark's Flow
 * Sequence draw them), so a burst of messages stays readable; the gutter
 * gives the real time relative to the first message and the delta.
 *
 * Each RTP stream is a row of its own among the messages, at its first
 * packet, between the columns of the hosts that sent and received it, as
 * sngrep's call flow and Wireshark's VoIP flow graph draw RTP: a stream end
 * goes to the column on its host (the one that sent or got the stream's SDP
 * when the host has several), else to a column of its own at the right.
 */
import type { CallRow, Finding, MessageRow, RtpStream, SdpSummary, Severity } from '../api/types.js';
import { deltaText, ellipsis, relTime } from '../format.js';
import { visibleText } from '../visible.js';
import { type Aliases, aliasOf, columnKey, hostOf } from './aliases.js';
import { byStart, rowsInTime, type StreamArrow, streamArrow } from './stream-arrows.js';

export type { StreamArrow } from './stream-arrows.js';

export type ArrowClass = 'request' | 'r1xx' | 'r2xx' | 'r3xx' | 'r4xx' | 'r56xx' | 'other';

/** Legend order and names of the colour classes. */
export const ARROW_CLASSES: ReadonlyArray<{ cls: ArrowClass; name: string }> = [
  { cls: 'request', name: 'request' },
  { cls: 'r1xx', name: '1xx provisional' },
  { cls: 'r2xx', name: '2xx success' },
  { cls: 'r3xx', name: '3xx redirection' },
  { cls: 'r4xx', name: '4xx client error' },
  { cls: 'r56xx', name: '5xx/6xx server or global failure' },
];

export interface LayoutOptions {
  /** Column names and merges (sngrep aliases). */
  aliases?: Aliases;
  /** Distance between two columns (default 190). */
  columnWidth?: number;
  /** Distance between two arrows (default 36). */
  rowHeight?: number;
  /** Width of the time gutter on the left (default 100). */
  gutterWidth?: number;
  /** Height of the column headers (default 64). */
  headerHeight?: number;
  /** Average width of one label character, for cutting labels (default 7). */
  charWidth?: number;
  /** The call's RTP streams, each drawn as a row of its own (default none). */
  streams?: readonly RtpStream[];
}

export interface Column {
  index: number;
  /** `addr:ip:port` or `alias:name` (see aliases.ts). */
  key: string;
  /** Addresses drawn in this column (more than one when merged by an alias). */
  addrs: string[];
  /** The alias, else the address. */
  title: string;
  /** User-Agent/Server labels of the column's endpoints, distinct, joined. */
  subtitle: string;
  x: number;
}

export interface FindingMarker {
  rule: string;
  severity: Severity;
  text: string;
  x: number;
  y: number;
}

/** Where a row of the ladder is drawn: a message's arrow or an RTP stream's line. */
export interface RowPlace {
  /** Row in time order (messages' and streams' rows together), 0-based. */
  row: number;
  y: number;
  /** Columns of the source and the destination. */
  from: number;
  to: number;
  x1: number;
  x2: number;
  /** Source and destination fall in the same column (same address or host, or merged by an alias). */
  self: boolean;
}

export interface Arrow extends RowPlace {
  messageId: number;
  frame: number;
  /** `INVITE`, `180 Ringing`. */
  label: string;
  /** The label cut to the space between the columns. */
  shortLabel: string;
  /** `audio 10.0.0.1:4000 PCMU/8000 PCMA/8000` when the message has SDP. */
  sdp: string | null;
  cls: ArrowClass;
  retransmission: boolean;
  transaction: number | null;
  dialog: number | null;
  /** Index into `legs`. */
  leg: number;
  /** Seconds since the call's first message. */
  time: number;
  /** Seconds since the previous message, null for the first. */
  delta: number | null;
  timeText: string;
  deltaText: string;
  markers: FindingMarker[];
  /** The rules of the markers, for the text beside them (`cseq.method-mismatch, …`); '' without markers. */
  markerText: string;
  markerTextX: number;
}

export interface Leg {
  index: number;
  callId: string;
  /** The header that linked it to the first leg; null for the first leg itself. */
  evidence: string | null;
  /** `leg 2: abc@host (linked by X-CID)`. */
  name: string;
}

export interface LadderLayout {
  columns: Column[];
  arrows: Arrow[];
  /** The RTP streams' rows, in time order; their rows fall between the arrows' (`rowCount` in all). */
  streams: StreamArrow[];
  /** Rows of arrows and streams together. */
  rowCount: number;
  legs: Leg[];
  width: number;
  height: number;
  headerHeight: number;
  gutterWidth: number;
  rowHeight: number;
  /** x of the findings gutter, right of the last column. */
  markerX: number;
  /** ts of the first message (epoch seconds), null for an empty call. */
  start: number | null;
}

const MARKER_STEP = 14;
const MARKER_GUTTER = 96;

/**
 * RFC 3261 §7.2: "The first digit of the Status-Code defines the class of
 * response." 5xx and 6xx share one colour (a failure past the client).
 */
export function arrowClass(m: Pick<MessageRow, 'method' | 'status'>): ArrowClass {
  if (m.method !== undefined) return 'request';
  if (m.status === undefined || !Number.isInteger(m.status)) return 'other';
  const c = Math.floor(m.status / 100);
  if (c === 1) return 'r1xx';
  if (c === 2) return 'r2xx';
  if (c === 3) return 'r3xx';
  if (c === 4) return 'r4xx';
  if (c === 5 || c === 6) return 'r56xx';
  return 'other';
}

/** `INVITE`, or `180 Ringing`; `?` for a message with neither (malformed). Controls shown (visible.ts). */
export function messageLabel(m: Pick<MessageRow, 'method' | 'status' | 'reason'>): string {
  if (m.method !== undefined) return visibleText(m.method);
  if (m.status !== undefined) return m.reason ? visibleText(`${m.status} ${m.reason}`) : String(m.status);
  return '?';
}

/**
 * Media address and codecs of each stream: `audio 10.0.0.1:4000 PCMU/8000
 * PCMA/8000 sendonly`; an IPv6 address in brackets before its port
 * (`audio [2001:db8::1]:4000`), as in a URI (RFC 3986 §3.2.2).
 */
export function sdpText(sdp: SdpSummary | null | undefined): string | null {
  if (!sdp || !Array.isArray(sdp.media)) return null;
  const parts = sdp.media.map((m) => {
    const addr = m.addr ?? sdp.addr ?? '?';
    const host = addr.includes(':') ? `[${addr}]` : addr;
    const where = m.port === 0 ? 'port 0 (disabled)' : `${host}:${m.port}`;
    const codecs = m.codecs.length ? ` ${m.codecs.join(' ')}` : '';
    const dir = m.direction && m.direction !== 'sendrecv' ? ` ${m.direction}` : '';
    return `${m.media} ${where}${codecs}${dir}`;
  });
  if (parts.length === 0) return sdp.addr ? visibleText(`SDP ${sdp.addr} (no media)`) : 'SDP (no media)';
  return visibleText(parts.join(' · '));
}

/** A media address as the streams name it: `10.0.0.1:4000`, `[2001:db8::1]:4000`. */
function mediaAddr(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Each media address announced in an SDP (RFC 4566 c= and m=) and the SIP address that sent it first, in time order. */
export function announcers(ordered: readonly MessageRow[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of ordered) {
    const sdp = m.sdp;
    if (!sdp || !Array.isArray(sdp.media)) continue;
    for (const media of sdp.media) {
      const addr = media.addr ?? sdp.addr;
      if (!addr || !(media.port > 0)) continue;
      const key = mediaAddr(addr, media.port);
      if (!out.has(key)) out.set(key, m.src);
    }
  }
  return out;
}

/** Time order: timestamp, then capture order. */
function byTime(a: MessageRow, b: MessageRow): number {
  return a.ts - b.ts || a.id - b.id;
}

export function layoutLadder(
  call: Pick<CallRow, 'callIds' | 'links' | 'endpoints'>,
  messages: readonly MessageRow[],
  findings: readonly Finding[],
  o: LayoutOptions = {},
): LadderLayout {
  const aliases = o.aliases ?? {};
  const colW = o.columnWidth ?? 190;
  const rowH = o.rowHeight ?? 36;
  const gutter = o.gutterWidth ?? 100;
  const headerH = o.headerHeight ?? 64;
  const charW = o.charWidth ?? 7;

  const ordered = [...messages].sort(byTime);
  // A stream without a finite start cannot be placed in time: it is left out.
  const streams = (o.streams ?? []).filter((s) => Number.isFinite(s.start)).sort(byStart);
  const { messageRows, streamRows } = rowsInTime(ordered, streams);
  const rowCount = ordered.length + streams.length;
  const rowY = (row: number) => headerH + rowH * (row + 0.5);

  // Columns in order of first appearance, source before destination.
  const labels = new Map<string, string>();
  for (const e of call.endpoints) if (e.label) labels.set(e.addr, visibleText(e.label));
  const columns: Column[] = [];
  const byKey = new Map<string, Column>();
  const colOf = (addr: string): Column => {
    const key = columnKey(addr, aliases);
    let c = byKey.get(key);
    if (!c) {
      c = {
        index: columns.length,
        key,
        addrs: [],
        title: visibleText(aliasOf(addr, aliases) ?? addr),
        subtitle: '',
        x: 0,
      };
      c.x = gutter + colW / 2 + c.index * colW;
      columns.push(c);
      byKey.set(key, c);
    }
    if (!c.addrs.includes(addr)) {
      c.addrs.push(addr);
      const names = [...new Set(c.addrs.map((a) => labels.get(a)).filter((l): l is string => !!l))];
      c.subtitle = names.join(', ');
    }
    return c;
  };

  // Legs: the call's own Call-ID first, then each linked one with its evidence.
  const legs: Leg[] = [];
  const legOf = new Map<string, number>();
  const addLeg = (callId: string, evidence: string | null): number => {
    const known = legOf.get(callId);
    if (known !== undefined) return known;
    const index = legs.length;
    const name = visibleText(`leg ${index + 1}: ${callId}${evidence ? ` (linked by ${evidence})` : ''}`);
    legs.push({ index, callId, evidence, name });
    legOf.set(callId, index);
    return index;
  };
  call.callIds.forEach((id, i) => {
    addLeg(id, i === 0 ? null : (call.links.find((l) => l.callId === id)?.evidence ?? null));
  });

  const findingsOf = new Map<number, Finding[]>();
  for (const f of findings) {
    for (const id of f.messages) {
      const list = findingsOf.get(id);
      if (list) list.push(f);
      else findingsOf.set(id, [f]);
    }
  }

  const arrows: Arrow[] = [];
  const t0 = ordered.length ? ordered[0].ts : null;
  let prevTs: number | null = null;
  for (const m of ordered) {
    const from = colOf(m.src);
    const to = colOf(m.dst);
    const row = messageRows[arrows.length];
    const y = rowY(row);
    const label = messageLabel(m);
    const self = from === to;
    const span = self ? colW - 30 : Math.abs(to.x - from.x) - 16;
    const time = t0 === null ? 0 : m.ts - t0;
    const delta = prevTs === null ? null : m.ts - prevTs;
    prevTs = m.ts;
    arrows.push({
      messageId: m.id,
      frame: m.frame,
      row,
      y,
      from: from.index,
      to: to.index,
      x1: from.x,
      x2: to.x,
      self,
      label,
      shortLabel: ellipsis(label, Math.max(4, Math.floor(span / charW))),
      sdp: sdpText(m.sdp),
      cls: arrowClass(m),
      retransmission: m.retransmission === true,
      transaction: m.transaction ?? null,
      dialog: m.dialog ?? null,
      leg: m.callId === null ? 0 : addLeg(m.callId, null),
      time,
      delta,
      timeText: relTime(time),
      deltaText: delta === null ? '' : deltaText(delta),
      markers: [],
      markerText: '',
      markerTextX: 0,
    });
  }

  // Streams, after every message has its column: a media host no message came from gets one at the right.
  const byId = new Map(ordered.map((m) => [m.id, m]));
  const announcer = streams.length ? announcers(ordered) : new Map<string, string>();
  /**
   * The column of a stream end: the one its alias names, else the column of
   * the SIP endpoint whose SDP first announced the address (on the same
   * host), so that one media address is in one column whichever stream and
   * setup message it belongs to; else one on its host (preferring those of
   * the addresses in `near`, the setup message's), else a new column for
   * the media address.
   */
  const mediaColumn = (addr: string, near: readonly string[]): Column => {
    const named = byKey.get(columnKey(addr, aliases));
    if (named) return named;
    const host = hostOf(addr);
    const sip = announcer.get(addr);
    if (sip !== undefined && hostOf(sip) === host) return colOf(sip);
    const same = columns.filter((c) => c.addrs.some((a) => hostOf(a) === host));
    const found = same.find((c) => c.addrs.some((a) => near.includes(a))) ?? same[0];
    if (found) return found;
    const c = colOf(addr);
    c.subtitle ||= 'RTP';
    return c;
  };
  const streamArrows: StreamArrow[] = [];
  const base = t0 ?? (streams.length ? streams[0].start : 0);
  for (const s of streams) {
    const setup = byId.get(s.setup);
    const near = setup ? [setup.src, setup.dst] : [];
    const from = mediaColumn(String(s.src), near);
    const to = mediaColumn(String(s.dst), near);
    const row = streamRows[streamArrows.length];
    const span = from === to ? colW - 30 : Math.abs(to.x - from.x) - 16;
    streamArrows.push(streamArrow(s, { from, to, row, y: rowY(row), base, span, charWidth: charW }));
  }

  const markerX = gutter + Math.max(1, columns.length) * colW + 12;
  for (const a of arrows) {
    const list = findingsOf.get(a.messageId) ?? [];
    a.markers = list.map((f, k) => ({
      rule: f.rule,
      severity: f.severity,
      text: f.text,
      x: markerX + k * MARKER_STEP,
      y: a.y,
    }));
  }
  let widest = 0;
  for (const a of arrows) {
    if (!a.markers.length) continue;
    a.markerText = [...new Set(a.markers.map((k) => k.rule))].join(', ');
    a.markerTextX = markerX + (a.markers.length - 1) * MARKER_STEP + 10;
    widest = Math.max(widest, a.markerTextX - markerX + a.markerText.length * charW);
  }

  return {
    columns,
    arrows,
    streams: streamArrows,
    rowCount,
    legs,
    width: markerX + Math.max(MARKER_GUTTER, widest + 16),
    height: headerH + rowH * rowCount + rowH,
    headerHeight: headerH,
    gutterWidth: gutter,
    rowHeight: rowH,
    markerX,
    start: t0,
  };
}
