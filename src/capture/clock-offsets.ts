/**
 * The clock offset between merged capture files, measured from the SIP
 * messages both captured. With no NAT between the capture points, a message
 * from host X to host Y captured on both is in two files with the same bytes
 * and the same src → dst: its time in file j minus its time in file i is
 * `d = delay + θ` for a message going from i's side to j's side and
 * `d = -delay + θ` for one going the other way, θ being j's clock minus i's.
 * As NTP computes a peer's offset from the four timestamps of an exchange
 * (RFC 5905 §8: θ = ((T2 - T1) + (T3 - T4)) / 2, δ = (T4 - T1) - (T3 - T2)),
 * θ is the mean of the two directions' d and the one-way delay half their
 * difference; each direction's d is a median over its messages, so a stray
 * match or a queued copy does not move it. With one direction only, θ is
 * not separable from the delay: the median d is given, its delay unknown.
 *
 * Clocks also drift (tens of ppm between unsynchronised hosts): over a
 * long capture θ changes. From MIN_DRIFT_SAMPLES messages spread over
 * MIN_DRIFT_SPAN_SECONDS on, the drift is fitted (clock-drift.ts: the
 * directions share the slope, each keeps its own delay), the differences
 * are levelled by it to the middle of the span, and θ and the delay are the
 * medians above of the levelled differences: θ then is the offset at the
 * middle of the span, the constant shift that leaves the least at its ends.
 *
 * Bounded state: each file remembers the last MAX_RECENT messages it saw (a
 * 53-bit key per message: FNV-1a of its text and of its src → dst, and its
 * length) so a copy is found if it comes within that many messages of the
 * other file; a message seen twice in one file (a retransmission, a mirror
 * copy) is ambiguous and never matched. At most MAX_SAMPLES differences are
 * kept per pair of address and direction, each with its time in the lower
 * file (which the drift's fit reads): past that, every other one is dropped
 * and one in 2, then 4, … kept, so that they span the whole capture. At most
 * MAX_PATHS address pairs per pair of files.
 *
 * SIP over TCP (and over TLS, WebSocket) is measured from its TCP segments
 * instead (`noteSegment`): the two files' copies of a segment go into one
 * reassembler, which takes the second for a retransmission and drops it, so
 * the second file never yields the message. A segment carrying data is what
 * both capture points saw, as a datagram is: its key is the hash of its
 * bytes (the first SEGMENT_HASHED), its length, its src → dst and its
 * sequence number, and a segment seen twice in one file (a retransmission)
 * is ambiguous as a message is. The bytes need not be readable: TLS records
 * are the same in both files. Every TCP connection's segments count, SIP or
 * not (over TLS they are not told apart without the keys); each file keeps
 * MAX_RECENT of them apart from its messages.
 *
 * SIP over SCTP likewise (`noteChunk`): the reassembler drops a DATA chunk
 * whose TSN it has seen (RFC 9260 §6.2), so the second file's copy of each
 * chunk is dropped. Each DATA or I-DATA chunk with user data is keyed as a
 * segment is, its stream and TSN in place of the sequence number; a chunk
 * retransmitted within one file is ambiguous. Chunks share the segments'
 * rings.
 */
import { hash32, hash32Bytes, mix, pathHash } from '../analyze/hash.js';
import { type Endpoint, endpointString } from '../decode/payload.js';
import { type DriftGroup, fitDrift, ppm, ppmUp, sampleSpan } from './clock-drift.js';

/** A file's clock against another's (file 0's in `source.files`). */
export interface ClockOffset {
  /** The file's clock minus the other's, in seconds. */
  offsetSeconds: number;
  /** The one-way delay between the capture points (null: one direction only, not separable). */
  delaySeconds: number | null;
  /** Messages seen in both files (each gives one difference). */
  samples: number;
  /** 2: messages both ways (NTP's estimate); 1: one way only (offset ± the unknown delay). */
  directions: 1 | 2;
  /**
   * How fast the file's clock gains on the other's, in parts per million (to
   * 0.1); null under MIN_DRIFT_SAMPLES messages seen in both or a span under
   * MIN_DRIFT_SPAN_SECONDS (clock-drift.ts). When given, `offsetSeconds` is
   * the offset at the middle of the span.
   */
  driftPpm: number | null;
  /** Half the width of the drift's 95 % interval, in ppm (rounded up to 0.1; null with driftPpm). */
  driftPpmError: number | null;
  /** Seconds from the first message seen in both to the last, on the other file's clock. */
  spanSeconds: number;
}

const MAX_RECENT = 16384;
const MAX_SAMPLES = 65536;
const MAX_PATHS = 1024;
/**
 * Bytes of a segment's data hashed: all of a SIP message's segment, the
 * start of a bulk transfer's (its length, sequence number and path are in
 * the key too: a retransmission with other bytes past these is not told).
 */
const SEGMENT_HASHED = 1024;
/** Mixed into an SCTP chunk's stream and TSN so that its key is not a TCP segment's. */
const SCTP_TAG = 132;

/**
 * One direction of an address pair: its differences and when they were (on
 * the lower file's clock). Thinned when full: every other one dropped, and
 * from then on one in `every` kept, so that what is kept spans the capture.
 */
class Direction implements DriftGroup {
  readonly d: number[] = [];
  readonly at: number[] = [];
  /** Messages matched, kept or not. */
  seen = 0;
  private every = 1;

  add(at: number, d: number): void {
    if (this.seen++ % this.every !== 0) return;
    if (this.d.length === MAX_SAMPLES) {
      for (let k = 0; 2 * k < MAX_SAMPLES; k++) {
        this.d[k] = this.d[2 * k];
        this.at[k] = this.at[2 * k];
      }
      this.d.length = this.at.length = MAX_SAMPLES / 2;
      this.every *= 2;
      // The message that filled it is of the next stride only if it falls on it.
      if ((this.seen - 1) % this.every !== 0) return;
    }
    this.d.push(d);
    this.at.push(at);
  }
}

/** One address pair of a pair of files: "forward" is src < dst (as strings). */
interface PathSamples {
  fwd: Direction;
  rev: Direction;
}

/** One file's recent messages: key → time (NaN: seen twice), and the keys in arrival order. */
class Recent {
  readonly times = new Map<number, number>();
  private readonly ring = new Float64Array(MAX_RECENT);
  private next = 0;
  private filled = false;

  /** Notes `key` at `ts`; false when the file already had it (now ambiguous). */
  add(key: number, ts: number): boolean {
    if (this.times.has(key)) {
      this.times.set(key, Number.NaN);
      return false;
    }
    if (this.filled) this.times.delete(this.ring[this.next]);
    this.ring[this.next] = key;
    this.times.set(key, ts);
    if (++this.next === MAX_RECENT) {
      this.next = 0;
      this.filled = true;
    }
    return true;
  }
}

export class ClockOffsets {
  private readonly recent: Recent[];
  /** Each file's recent TCP segments and SCTP chunks: apart, so that a busy connection does not push SIP messages out. */
  private readonly segments: Recent[];
  /** By `i * files + j` (i < j): the address pairs' differences t_j - t_i. */
  private readonly pairs = new Map<number, Map<string, PathSamples>>();

  constructor(readonly files: number) {
    this.recent = Array.from({ length: files }, () => new Recent());
    this.segments = Array.from({ length: files }, () => new Recent());
  }

  /** A SIP message of file `file` at `ts` (seconds) from `src` to `dst` (printable endpoints), its text `text`. */
  note(file: number, ts: number, src: string, dst: string, text: string): void {
    if (file < 0 || file >= this.files) return;
    const key = ((pathHash(src, 0, dst, 0) ^ hash32(text)) >>> 0) * 2 ** 21 + (text.length & 0x1fffff);
    this.compare(this.recent, file, ts, key, src, dst);
  }

  /**
   * A TCP segment of file `file` at `ts` from `src` to `dst`, its sequence
   * number `seq` and its data `data` (nothing noted without data).
   */
  noteSegment(file: number, ts: number, src: Endpoint, dst: Endpoint, seq: number, data: Uint8Array): void {
    this.noteData(file, ts, src, dst, seq, data);
  }

  /**
   * An SCTP DATA (or I-DATA) chunk of file `file` at `ts` from `src` to
   * `dst`, on stream `stream` with TSN `tsn`, its user data `data` (nothing
   * noted without data). Keyed as a TCP segment is, by the TSN and stream
   * for the sequence number; a chunk seen twice in one file (retransmitted)
   * is ambiguous.
   */
  noteChunk(
    file: number,
    ts: number,
    src: Endpoint,
    dst: Endpoint,
    stream: number,
    tsn: number,
    data: Uint8Array,
  ): void {
    this.noteData(file, ts, src, dst, mix(mix(SCTP_TAG, stream), tsn), data);
  }

  /** Data both capture points saw of a connection or an association, `seq` where it is in it. */
  private noteData(
    file: number,
    ts: number,
    src: Endpoint,
    dst: Endpoint,
    seq: number,
    data: Uint8Array,
  ): void {
    if (file < 0 || file >= this.files || data.length === 0) return;
    const path = pathHash(src.ip, src.port, dst.ip, dst.port);
    const key =
      (mix(path ^ hash32Bytes(data, SEGMENT_HASHED), seq) >>> 0) * 2 ** 21 + (data.length & 0x1fffff);
    this.compare(this.segments, file, ts, key, src, dst);
  }

  /** Notes `key` in `file` at `ts`: its difference with each other file that saw it once (endpoints printed only then). */
  private compare(
    recent: readonly Recent[],
    file: number,
    ts: number,
    key: number,
    src: Endpoint | string,
    dst: Endpoint | string,
  ): void {
    if (!recent[file].add(key, ts)) return;
    for (let other = 0; other < this.files; other++) {
      if (other === file) continue;
      const t = recent[other].times.get(key);
      if (t === undefined || Number.isNaN(t)) continue;
      if (typeof src !== 'string') src = endpointString(src);
      if (typeof dst !== 'string') dst = endpointString(dst);
      if (other < file) this.sample(other, file, src, dst, t, ts - t);
      else this.sample(file, other, src, dst, ts, t - ts);
    }
  }

  private sample(i: number, j: number, src: string, dst: string, at: number, d: number): void {
    let paths = this.pairs.get(i * this.files + j);
    if (paths === undefined) this.pairs.set(i * this.files + j, (paths = new Map()));
    const fwd = src < dst;
    const name = fwd ? `${src} ${dst}` : `${dst} ${src}`;
    let p = paths.get(name);
    if (p === undefined) {
      if (paths.size >= MAX_PATHS) return;
      paths.set(name, (p = { fwd: new Direction(), rev: new Direction() }));
    }
    (fwd ? p.fwd : p.rev).add(at, d);
  }

  /** File j's clock against file i's (i, j in either order), or null when no message was seen in both. */
  pair(i: number, j: number): ClockOffset | null {
    if (i === j) return null;
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    const paths = this.pairs.get(lo * this.files + hi);
    if (paths === undefined) return null;
    const groups: DriftGroup[] = [];
    const seen: number[] = [];
    for (const p of paths.values()) {
      groups.push(p.fwd, p.rev);
      seen.push(p.fwd.seen, p.rev.seen);
    }
    const fit = fitDrift(groups);
    const span = sampleSpan(groups);
    // With a drift, each difference as it would have been at the middle of the span.
    const mid = fit === null ? 0 : (fit.from + fit.to) / 2;
    const level = (g: DriftGroup): readonly number[] =>
      fit === null ? g.d : g.d.map((d, k) => d - fit.slope * (g.at[k] - mid));
    const both: { theta: number; delay: number; n: number }[] = [];
    const oneWay: number[] = [];
    let oneWaySeen = 0;
    for (let k = 0; k < groups.length; k += 2) {
      const [f, r] = [level(groups[k]), level(groups[k + 1])];
      const n = seen[k] + seen[k + 1];
      if (f.length > 0 && r.length > 0) {
        const mf = median(f);
        const mr = median(r);
        both.push({ theta: (mf + mr) / 2, delay: Math.abs(mf - mr) / 2, n });
      } else {
        oneWay.push(...f, ...r);
        oneWaySeen += n;
      }
    }
    const sign = i < j ? 1 : -1;
    const drift = {
      driftPpm: fit === null ? null : ppm(sign * fit.slope),
      driftPpmError: fit === null ? null : ppmUp(fit.halfWidth),
      spanSeconds: span === null ? 0 : micro(span.to - span.from),
    };
    if (both.length > 0)
      return {
        offsetSeconds: micro(sign * median(both.map((b) => b.theta))),
        delaySeconds: micro(median(both.map((b) => b.delay))),
        samples: both.reduce((n, b) => n + b.n, 0),
        directions: 2,
        ...drift,
      };
    if (oneWay.length === 0) return null;
    return {
      offsetSeconds: micro(sign * median(oneWay)),
      delaySeconds: null,
      samples: oneWaySeen,
      directions: 1,
      ...drift,
    };
  }

  /** Each file's clock against file 0's (null for file 0, and for a file with no message in common with it). */
  againstFirst(): (ClockOffset | null)[] {
    return Array.from({ length: this.files }, (_, k) => (k === 0 ? null : this.pair(0, k)));
  }
}

/**
 * Seconds rounded to the microsecond: message times are floats near 1.7e9 s,
 * good to a few tenths of a microsecond, so finer digits are noise.
 */
function micro(s: number): number {
  return Math.round(s * 1e6) / 1e6 + 0;
}

/** The median of `xs` (the mean of the middle two for an even count). */
function median(xs: readonly number[]): number {
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Whether an offset can reorder a request and its answer: an answer sent
 * 1 ms after its request arrived (a 100 Trying, a 200 to an OPTIONS) is
 * shown before the request when the offset exceeds the one-way delay plus
 * that millisecond (with one direction only, when it exceeds 1 ms).
 */
export const REORDER_MARGIN_SECONDS = 0.001;

export function canReorder(c: ClockOffset): boolean {
  return Math.abs(c.offsetSeconds) > (c.delaySeconds ?? 0) + REORDER_MARGIN_SECONDS;
}

/**
 * Whether the drift alone, by the low end of its 95 % interval, moves the
 * offset by more than the one-way delay plus REORDER_MARGIN_SECONDS from
 * the middle of the span to its ends: then no constant shift (the offset
 * at the middle is the best one) keeps every answer after its request.
 */
export function driftCanReorder(c: ClockOffset): boolean {
  if (c.driftPpm === null) return false;
  const low = Math.max(0, Math.abs(c.driftPpm) - (c.driftPpmError ?? 0)) * 1e-6;
  return (low * c.spanSeconds) / 2 > (c.delaySeconds ?? 0) + REORDER_MARGIN_SECONDS;
}
