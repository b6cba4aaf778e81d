/**
 * Calls: the Call-IDs of one call attempt, joined by evidence (DESIGN.md
 * "Model": "the same Call-ID, plus other legs linked by evidence ... each
 * link recorded with the evidence that made it").
 *
 * A union-find over call nodes: every Call-ID maps to the node created for
 * it; linking two legs makes the younger call a child of the older one (the
 * lower id survives, so ids already shown stay valid), and `find` follows
 * parents with path compression. Only hot calls are in the indexes: a call
 * leaves them when it is finalised, so they follow concurrent calls.
 *
 * A cap on Call-IDs per call (`maxLegs`) keeps one bogus shared value (a
 * constant Session-ID from a broken UA) from collapsing every call into one.
 */
import type { Endpoint } from '../decode/payload.js';
import { mergeKind } from './call-outcome.js';
import { detach } from './detach.js';
import type { Evidence } from './evidence.js';
import { type CallEvidence, type CallNode, NONE, newCallRecord, withItem } from './model.js';
import { mergeRelations } from './transfers.js';

export interface CallTableStats {
  /** Hot Call-ID entries (leg Call-IDs of hot calls included). */
  callIds: number;
  /** Hot root calls. */
  calls: number;
  /** Entries in the evidence indexes. */
  evidence: number;
  /** Links refused because the call already had `maxLegs` Call-IDs. */
  refusedLinks: number;
}

/** Most tags shared per call (a lookup is a scan). */
const TAGS = 8;

export class CallTable {
  private readonly byCallId = new Map<string, CallNode>();
  /** Call-IDs named by X-CID/X-Call-ID before a message of theirs was seen. */
  private readonly pending = new Map<string, { node: CallNode; evidence: CallEvidence }>();
  private readonly bySession = new Map<string, CallNode>();
  private readonly byIcid = new Map<string, CallNode>();
  /** Hot root calls by id (insertion order = id order). */
  readonly hot = new Map<number, CallNode>();
  private nextId = 0;
  private refused = 0;

  constructor(
    private readonly maxLegs: number,
    private readonly hooks: {
      /** A new call (before any link joins it to another). */
      created(n: CallNode): void;
      /** A call was absorbed into an older one. */
      merged(survivor: CallNode, absorbed: CallNode): void;
      /** A parked call (correlator.ts `park`) is about to be joined to another: wake it. */
      wake(n: CallNode): void;
    },
  ) {}

  find(n: CallNode): CallNode {
    let r = n;
    while (r.parent !== null) r = r.parent;
    while (n.parent !== null && n.parent !== r) {
      const next: CallNode = n.parent;
      n.parent = r;
      n = next;
    }
    return r;
  }

  /** The hot call holding this Call-ID. */
  get(callId: string): CallNode | undefined {
    const n = this.byCallId.get(callId);
    return n === undefined ? undefined : this.find(n);
  }

  /** A new hot call for `callId` (undefined: a message without Call-ID, a call of its own). */
  create(callId: string | undefined, ts: number): CallNode {
    // One copy of the Call-ID for the record and the index: the message's own
    // string is a slice that would keep the whole message text alive.
    const own = detach(callId);
    const rec = newCallRecord(this.nextId++, own === undefined ? NONE : [own], ts);
    const node: CallNode = {
      tk: 2,
      timerIndex: -1,
      timerAt: Number.NaN,
      rec,
      parent: null,
      txs: NONE,
      dialogs: NONE,
      hotDialogs: NONE,
      active: 0,
      lastActivity: ts,
      endpoints: NONE,
      evidenceKeys: NONE,
      tags: NONE,
      released: false,
      byeAt: Number.NaN,
      byeReason: null,
      hangupBy: null,
      parked: null,
      idleQueued: false,
    };
    this.hot.set(rec.id, node);
    this.hooks.created(node);
    if (own !== undefined) {
      this.byCallId.set(own, node);
      const p = this.pending.get(own);
      if (p !== undefined) {
        this.pending.delete(own);
        this.union(p.node, node, p.evidence);
      }
    }
    return node;
  }

  /**
   * One kept copy of a tag for the whole call: a call's two or three tags
   * recur in its dialogs, its transactions' final responses and their
   * copies. A call with more distinct tags than TAGS gets copies as before.
   */
  tag(n: CallNode, tag: string): string {
    const root = this.find(n);
    const known = root.tags;
    for (let i = 0; i < known.length; i++) if (known[i] === tag) return known[i];
    const own = detach(tag);
    if (known.length < TAGS) root.tags = withItem(known, own);
    return own;
  }

  /** Applies one piece of evidence seen in a message of `node` (whose Call-ID is `own`). */
  link(node: CallNode, ev: Evidence, own: string | undefined): void {
    const root = this.find(node);
    const value = ev.value;
    if (ev.index === 'call-id') {
      if (value === own) return;
      const other = this.byCallId.get(value);
      if (other !== undefined) this.union(root, other, ev.evidence);
      else if (!this.pending.has(value)) {
        const v = detach(value);
        this.pending.set(v, { node: root, evidence: ev.evidence });
        root.evidenceKeys = withItem(root.evidenceKeys, detach(`c\u0000${v}`));
      }
      return;
    }
    const map = ev.index === 'session' ? this.bySession : this.byIcid;
    const other = map.get(value);
    if (other !== undefined) this.union(root, other, ev.evidence);
    else {
      const v = detach(value);
      map.set(v, root);
      root.evidenceKeys = withItem(
        root.evidenceKeys,
        detach(`${ev.index === 'session' ? 's' : 'i'}\u0000${v}`),
      );
    }
  }

  /** Joins two calls; the older (lower id) survives. Returns the survivor. */
  union(a: CallNode, b: CallNode, evidence: CallEvidence): CallNode {
    let s = this.find(a);
    let x = this.find(b);
    if (s === x || s.released || x.released) return s;
    if (s.parked !== null) this.hooks.wake(s);
    if (x.parked !== null) this.hooks.wake(x);
    if (s.rec.callIds.length + x.rec.callIds.length > this.maxLegs) {
      this.refused++;
      return s;
    }
    if (x.rec.id < s.rec.id) [s, x] = [x, s];
    const sr = s.rec;
    const xr = x.rec;
    sr.links = sr.links.concat(
      xr.callIds.map((callId) => ({ callId, evidence })),
      xr.links,
    );
    // Lists may be the shared frozen NONE (nothing yet): appended by copy, not in place.
    sr.callIds = sr.callIds.concat(xr.callIds);
    if (sr.related.length > 0 || xr.related.length > 0) mergeRelations(sr, xr, (id) => this.hot.get(id)?.rec);
    sr.kind = mergeKind(sr.kind, xr.kind);
    sr.from ??= xr.from;
    sr.to ??= xr.to;
    sr.start = Math.min(sr.start, xr.start);
    sr.end = Math.max(sr.end, xr.end);
    sr.messages = mergeSorted(sr.messages, xr.messages);
    sr.transactions = mergeSorted(sr.transactions, xr.transactions);
    sr.dialogs = mergeSorted(sr.dialogs, xr.dialogs);
    sr.unknownDialogRequests = mergeSorted(sr.unknownDialogRequests, xr.unknownDialogRequests);
    sr.retransmissions += xr.retransmissions;
    sr.duplicates += xr.duplicates;
    if (x.txs.length > 0) s.txs = s.txs.concat(x.txs);
    if (x.dialogs.length > 0) s.dialogs = s.dialogs.concat(x.dialogs);
    if (x.hotDialogs.length > 0) s.hotDialogs = s.hotDialogs.concat(x.hotDialogs);
    for (const e of x.endpoints)
      if (!s.endpoints.some((f) => sameEp(f, e))) s.endpoints = withItem(s.endpoints, e);
    if (x.evidenceKeys.length > 0) s.evidenceKeys = s.evidenceKeys.concat(x.evidenceKeys);
    s.active += x.active;
    s.lastActivity = Math.max(s.lastActivity, x.lastActivity);
    if (x.byeAt < s.byeAt || (Number.isNaN(s.byeAt) && !Number.isNaN(x.byeAt))) {
      s.byeAt = x.byeAt;
      s.byeReason = x.byeReason;
      s.hangupBy = x.hangupBy;
    }
    x.parent = s;
    x.txs = [];
    x.dialogs = [];
    x.hotDialogs = NONE;
    x.endpoints = [];
    x.evidenceKeys = NONE;
    x.active = 0;
    this.hot.delete(xr.id);
    this.hooks.merged(s, x);
    return s;
  }

  /** Forgets every hot call and index entry (end of input, after the calls were handed out). */
  clear(): void {
    for (const n of this.hot.values()) {
      n.released = true;
      n.hotDialogs = NONE;
      n.evidenceKeys = NONE;
    }
    this.hot.clear();
    this.byCallId.clear();
    this.pending.clear();
    this.bySession.clear();
    this.byIcid.clear();
  }

  /** Removes a finalised call (a root) from every index. */
  release(root: CallNode): void {
    if (root.parent !== null) throw new Error(`call ${root.rec.id} released while merged`);
    root.released = true;
    this.hot.delete(root.rec.id);
    for (const cid of root.rec.callIds) {
      const n = this.byCallId.get(cid);
      if (n !== undefined && this.find(n) === root) this.byCallId.delete(cid);
    }
    for (const k of root.evidenceKeys) {
      const value = k.slice(2);
      if (k[0] === 'c') {
        const p = this.pending.get(value);
        if (p !== undefined && this.find(p.node) === root) this.pending.delete(value);
      } else {
        const map = k[0] === 's' ? this.bySession : this.byIcid;
        const n = map.get(value);
        if (n !== undefined && this.find(n) === root) map.delete(value);
      }
    }
    root.evidenceKeys = NONE;
  }

  stats(): CallTableStats {
    return {
      callIds: this.byCallId.size,
      calls: this.hot.size,
      evidence: this.pending.size + this.bySession.size + this.byIcid.size,
      refusedLinks: this.refused,
    };
  }
}

function sameEp(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.ip === b.ip;
}

/** Merges two ascending id lists. */
export function mergeSorted(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
