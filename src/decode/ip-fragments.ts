/**
 * IP fragment reassembly for IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5),
 * bounded in capture time, bytes and number of datagrams in flight.
 *
 * Fragments are keyed by the caller (source, destination, identification and
 * protocol); their bytes are copied (the frame buffer may be reused by the
 * capture reader). Nothing is delivered until every byte from 0 to the end
 * given by the last fragment is present, so a non-first fragment is never
 * decoded as if it were a whole datagram.
 */

export interface FragmentOptions {
  /** Drop an incomplete datagram this many seconds (capture time) after its first fragment. Default 30. */
  timeoutSeconds?: number;
  /** Bytes held across all incomplete datagrams before the oldest are dropped. Default 16 MiB. */
  maxBytes?: number;
  /** Largest reassembled datagram payload accepted. Default 65535 + 8 (offset field maximum plus a slack). */
  maxDatagram?: number;
  /** Incomplete datagrams held at once before the oldest are dropped. Default 4096. */
  maxDatagrams?: number;
}

/** Which rule applies to overlapping fragments. */
export type OverlapPolicy = 'ipv4' | 'ipv6';

export interface ReassembledDatagram {
  /** The reassembled payload (a fresh buffer). */
  bytes: Uint8Array;
  /** Frames of the fragments that contributed bytes, ascending. */
  frames: number[];
}

export interface FragmentResult {
  /** The datagram, when this fragment completed it. */
  done?: ReassembledDatagram;
  /** Something worth reporting about this fragment or a datagram dropped by it. */
  issue?: string;
}

export interface FragmentStats {
  fragments: number;
  reassembled: number;
  /** Incomplete datagrams dropped (timeout, bounds, overlap, malformed, end of input). */
  dropped: number;
  duplicates: number;
  overlaps: number;
  /** Bytes currently held. */
  heldBytes: number;
}

interface Piece {
  offset: number;
  end: number;
  data: Uint8Array;
  frame: number;
}

interface FragmentSet {
  firstTs: number;
  /** Pieces in arrival order. */
  pieces: Piece[];
  /** Datagram length, known once the last fragment (no "more" flag) arrived; -1 before. */
  total: number;
  bytes: number;
  /** RFC 8200 §4.5 overlap: the datagram was abandoned; later fragments are swallowed until it times out. */
  abandoned: boolean;
}

const NOTHING: FragmentResult = Object.freeze({});

export class IpFragmentReassembler {
  readonly stats: FragmentStats = {
    fragments: 0,
    reassembled: 0,
    dropped: 0,
    duplicates: 0,
    overlaps: 0,
    heldBytes: 0,
  };
  private readonly sets = new Map<string, FragmentSet>();
  private readonly timeout: number;
  private readonly maxBytes: number;
  private readonly maxDatagram: number;
  private readonly maxDatagrams: number;

  constructor(opts: FragmentOptions = {}) {
    this.timeout = opts.timeoutSeconds ?? 30;
    this.maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
    this.maxDatagram = opts.maxDatagram ?? 65535 + 8;
    this.maxDatagrams = opts.maxDatagrams ?? 4096;
  }

  /** Datagrams in flight. */
  get pending(): number {
    return this.sets.size;
  }

  /**
   * Add one fragment. `offset` is in bytes, `more` the MF / M flag, `data`
   * the fragment's payload (copied here), `ts` capture seconds.
   */
  push(
    key: string,
    offset: number,
    more: boolean,
    data: Uint8Array,
    frame: number,
    ts: number,
    policy: OverlapPolicy,
  ): FragmentResult {
    this.stats.fragments++;
    let dropIssue = this.expire(ts);
    const end = offset + data.length;
    if (end > this.maxDatagram) {
      const issue = `IP fragment ends at byte ${end}, beyond the ${this.maxDatagram}-byte datagram limit`;
      this.drop(key);
      return { issue };
    }
    // RFC 791 §3.2 / RFC 8200 §4.5: every fragment but the last carries a multiple of 8 bytes.
    if (more && data.length % 8 !== 0) {
      return {
        issue: `IP fragment of ${data.length} bytes with more fragments following is not a multiple of 8`,
      };
    }
    let set = this.sets.get(key);
    if (set === undefined) {
      set = { firstTs: ts, pieces: [], total: -1, bytes: 0, abandoned: false };
      this.sets.set(key, set);
      if (this.sets.size > this.maxDatagrams)
        dropIssue = this.evictOldest('too many datagrams in reassembly');
    }
    if (set.abandoned) return dropIssue ? { issue: dropIssue } : NOTHING;
    if (!more) {
      if (set.total >= 0 && set.total !== end) {
        this.drop(key);
        return {
          issue: `IP fragments disagree on the datagram length (${set.total} and ${end}); datagram dropped`,
        };
      }
      set.total = end;
      for (const p of set.pieces) {
        if (p.end > end) {
          this.drop(key);
          return { issue: `IP fragment data beyond the datagram end ${end}; datagram dropped` };
        }
      }
    }
    if (set.total >= 0 && end > set.total) {
      this.drop(key);
      return {
        issue: `IP fragment ends at byte ${end}, after the datagram end ${set.total}; datagram dropped`,
      };
    }
    for (let i = 0; i < set.pieces.length; i++) {
      const p = set.pieces[i];
      if (p.end <= offset || p.offset >= end) continue;
      if (p.offset === offset && p.end === end && sameBytes(p.data, data)) {
        this.stats.duplicates++;
        return dropIssue ? { issue: dropIssue } : NOTHING;
      }
      this.stats.overlaps++;
      if (policy === 'ipv6') {
        // RFC 8200 §4.5: "If any of the fragments being reassembled overlap with
        // any other fragments being reassembled for the same packet, reassembly
        // of that packet must be abandoned and all the fragments that have been
        // received for that packet must be discarded".
        this.release(set);
        set.pieces = [];
        set.abandoned = true;
        this.stats.dropped++;
        return { issue: 'overlapping IPv6 fragments; datagram abandoned (RFC 8200 §4.5)' };
      }
      // IPv4 (RFC 791 does not say): bytes already received win, as in BSD
      // "first" policy; the overlap is reported.
      dropIssue = `overlapping IPv4 fragment at bytes ${offset}-${end}; earlier bytes kept`;
      break;
    }
    set.pieces.push({ offset, end, data: data.slice(), frame });
    set.bytes += data.length;
    this.stats.heldBytes += data.length;
    if (this.stats.heldBytes > this.maxBytes) {
      const issue = this.evictUntilUnder();
      if (!this.sets.has(key)) return { issue };
      dropIssue = issue;
    }
    if (set.total < 0) return dropIssue ? { issue: dropIssue } : NOTHING;
    const done = assemble(set);
    if (done === null) return dropIssue ? { issue: dropIssue } : NOTHING;
    this.release(set);
    this.sets.delete(key);
    this.stats.reassembled++;
    return dropIssue ? { done, issue: dropIssue } : { done };
  }

  /**
   * Drop datagrams whose first fragment is more than the timeout older than
   * `now`. Returns an issue text when something was dropped.
   */
  expire(now: number): string | undefined {
    if (this.sets.size === 0) return undefined;
    let n = 0;
    for (const [key, set] of this.sets) {
      // Insertion order is creation order, so the oldest come first.
      if (now - set.firstTs <= this.timeout) break;
      this.release(set);
      this.sets.delete(key);
      if (!set.abandoned) {
        this.stats.dropped++;
        n++;
      }
    }
    return n > 0 ? `${n} incomplete IP datagram(s) dropped after ${this.timeout} s` : undefined;
  }

  /** End of input: every incomplete datagram is dropped. Returns how many. */
  flush(): number {
    let n = 0;
    for (const set of this.sets.values()) if (!set.abandoned) n++;
    this.stats.dropped += n;
    this.sets.clear();
    this.stats.heldBytes = 0;
    return n;
  }

  private release(set: FragmentSet): void {
    this.stats.heldBytes -= set.bytes;
    set.bytes = 0;
  }

  private drop(key: string): void {
    const set = this.sets.get(key);
    if (set === undefined) return;
    this.release(set);
    this.sets.delete(key);
    if (!set.abandoned) this.stats.dropped++;
  }

  private evictOldest(why: string): string {
    const first = this.sets.keys().next();
    if (!first.done) this.drop(first.value);
    return `incomplete IP datagram dropped: ${why}`;
  }

  private evictUntilUnder(): string {
    let n = 0;
    while (this.stats.heldBytes > this.maxBytes && this.sets.size > 0) {
      this.evictOldest('');
      n++;
    }
    return `${n} incomplete IP datagram(s) dropped: more than ${this.maxBytes} bytes held in reassembly`;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The datagram when pieces cover 0..total without a hole, else null. Earlier pieces win overlaps. */
function assemble(set: FragmentSet): ReassembledDatagram | null {
  const sorted = set.pieces.slice().sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const p of sorted) {
    if (p.offset > covered) return null;
    if (p.end > covered) covered = p.end;
  }
  if (covered < set.total) return null;
  const bytes = new Uint8Array(set.total);
  // Later arrivals first, so that earlier ones overwrite them.
  for (let i = set.pieces.length - 1; i >= 0; i--) bytes.set(set.pieces[i].data, set.pieces[i].offset);
  const frames: number[] = [];
  for (const p of set.pieces) frames.push(p.frame);
  frames.sort((a, b) => a - b);
  let w = 0;
  for (let i = 0; i < frames.length; i++) if (i === 0 || frames[i] !== frames[w - 1]) frames[w++] = frames[i];
  frames.length = w;
  return { bytes, frames };
}
