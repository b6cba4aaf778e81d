/**
 * Calls that started or replaced other calls: transfers (RFC 3515 REFER,
 * RFC 5589) and replacements (RFC 3891 Replaces). These are other calls, not
 * other legs of one call (call-table.ts joins legs), so each side keeps a
 * `related` entry naming the other.
 *
 * A REFER asks its recipient, the referee, to send a request to the URI in
 * its Refer-To (RFC 3515 §2.4.2). For a transfer that request is an INVITE
 * with a Call-ID of its own. It can show where it comes from in three ways,
 * tried in this order:
 *
 * - `Replaces` (RFC 3891, syntax in §6.1): the INVITE names the dialog it
 *   replaces by Call-ID and tags. In a transfer with consultation (RFC 5589)
 *   the REFER's Refer-To carries the same header as a URI header,
 *   `?Replaces=...`.
 * - `Referred-By` (RFC 3892): the referee puts the REFER's Referred-By into
 *   the request it sends.
 * - Neither: the INVITE goes to the Refer-To URI (its To or its
 *   Request-URI) and comes from the referee (its From is the REFER's To, or
 *   it leaves the address the REFER was sent to).
 *
 * An INVITE whose Referred-By or Replaces contradicts a REFER's is not that
 * REFER's. A REFER starts at most one call; the newest fitting REFER wins;
 * a REFER waits 64·T1 of capture time (Timer B's span, 32 s by default) and
 * is forgotten after that, so this state follows REFERs in flight.
 *
 * The INVITE's own call is hot when it arrives. The REFER's call may have
 * been handed out already (a transferor that hung up before the INVITE was
 * seen): then only the new call names it.
 */
import type { Endpoint } from '../decode/payload.js';
import { fromHeader, headerValue, toHeader } from '../sip/accessors.js';
import type { SipRequest } from '../sip/message.js';
import { nameAddrOf } from '../sip/typed-headers.js';
import { parseUri } from '../sip/uri.js';
import type { Uri } from '../sip/uri-model.js';
import { detach } from './detach.js';
import {
  type CallNode,
  type CallRecord,
  type CallRelation,
  type CallRelationEvidence,
  type CallRelationKind,
  withItem,
} from './model.js';

interface Referral {
  call: CallNode;
  /** The REFER's message id. */
  refer: number;
  at: number;
  /** Key of the Refer-To URI (uriKey). */
  target: string;
  /** Key of the REFER's To URI: the referee. */
  referee: string | null;
  /** The address the REFER was sent to. */
  refereeIp: string;
  referredBy: string | null;
  /** Call-ID of the `?Replaces=` header in the Refer-To URI. */
  replaces: string | null;
  done: boolean;
}

export interface TransferHooks {
  find(n: CallNode): CallNode;
  /** The hot call holding a Call-ID. */
  byCallId(callId: string): CallNode | undefined;
  /** Unparks a call before its record is written to. */
  wake(n: CallNode): void;
}

const STRENGTH: Record<CallRelationEvidence, number> = { Replaces: 3, 'Referred-By': 2, 'Refer-To': 1 };

export class Transfers {
  private readonly byTarget = new Map<string, Referral[]>();
  /** Referrals in capture order, for expiry; `head` is the oldest still waiting. */
  private queue: Referral[] = [];
  private head = 0;

  constructor(
    /** Seconds a REFER waits for its INVITE. */
    private readonly window: number,
    private readonly hooks: TransferHooks,
  ) {}

  /** REFERs in the expiry queue: waiting for their INVITE, or matched and not yet 64·T1 old. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** The first copy of a REFER, in call `root`. */
  refer(msg: SipRequest, id: number, ts: number, root: CallNode, dst: Endpoint): void {
    const referTo = nameAddrOf(msg, 'refer-to', null);
    if (referTo === null) return;
    const uri = parseUri(referTo.uri);
    const target = uriKey(uri);
    if (target === null) return;
    const r: Referral = {
      call: root,
      refer: id,
      at: ts,
      target,
      referee: keyOf(toHeader(msg)?.uri),
      refereeIp: dst.ip,
      referredBy: keyOf(nameAddrOf(msg, 'referred-by', null)?.uri),
      replaces: uri.kind === 'sip' ? replacesCallId(uriHeader(uri.headers, 'replaces')) : null,
      done: false,
    };
    const list = this.byTarget.get(target);
    if (list === undefined) this.byTarget.set(target, [r]);
    else list.push(r);
    this.queue.push(r);
  }

  /**
   * The first copy of an INVITE without To tag (a call's initial INVITE), in
   * call `root`. Returns the ids of the other calls whose records it changed
   * (null: none), for a live view to send them again.
   */
  invite(msg: SipRequest, id: number, root: CallNode, src: Endpoint): number[] | null {
    let changed: number[] | null = null;
    const replaced = replacesCallId(headerValue(msg, 'replaces'));
    if (replaced !== null) {
      const other = this.hooks.byCallId(replaced);
      if (other !== undefined)
        changed = this.relate(root, other, 'replaces', 'replaced-by', 'Replaces', id, changed);
    }
    // Only REFERs still waiting are indexed by target.
    if (this.byTarget.size === 0) return changed;
    const to = keyOf(toHeader(msg)?.uri);
    const ruri = keyOf(msg.uri);
    const referredBy = keyOf(nameAddrOf(msg, 'referred-by', null)?.uri);
    const from = keyOf(fromHeader(msg)?.uri);
    let best: Referral | null = null;
    let bestEvidence: CallRelationEvidence = 'Refer-To';
    for (const key of ruri === to ? [to] : [to, ruri]) {
      const list = key === null ? undefined : this.byTarget.get(key);
      if (list === undefined) continue;
      for (let i = list.length - 1; i >= 0; i--) {
        const r = list[i];
        if (this.hooks.find(r.call) === root) continue;
        const ev = howFits(r, replaced, referredBy, from, src.ip);
        if (ev === null) continue;
        if (
          best === null ||
          STRENGTH[ev] > STRENGTH[bestEvidence] ||
          (STRENGTH[ev] === STRENGTH[bestEvidence] && r.at > best.at)
        ) {
          best = r;
          bestEvidence = ev;
        }
      }
    }
    if (best === null) return changed;
    this.drop(best);
    return this.relate(
      root,
      best.call,
      'transferred-from',
      'transferred-to',
      bestEvidence,
      best.refer,
      changed,
    );
  }

  /** Forgets the REFERs older than the window at capture time `ts`. */
  expire(ts: number): void {
    const q = this.queue;
    while (this.head < q.length && q[this.head].at + this.window < ts) this.drop(q[this.head++]);
    if (this.head === q.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.byTarget.clear();
    this.queue = [];
    this.head = 0;
  }

  private drop(r: Referral): void {
    if (r.done) return;
    r.done = true;
    const list = this.byTarget.get(r.target);
    if (list === undefined) return;
    const i = list.indexOf(r);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byTarget.delete(r.target);
  }

  /**
   * `a` is hot and awake (the INVITE's call); `b` may be parked or already
   * handed out. Returns `changed` with `b`'s id added when its record changed.
   */
  private relate(
    a: CallNode,
    b: CallNode,
    kindA: CallRelationKind,
    kindB: CallRelationKind,
    evidence: CallRelationEvidence,
    message: number,
    changed: number[] | null,
  ): number[] | null {
    const x = this.hooks.find(a);
    const y = this.hooks.find(b);
    if (x === y) return changed;
    if (y.parked !== null) this.hooks.wake(y);
    addRelation(x.rec, { call: y.rec.id, relation: kindA, evidence, message });
    if (y.released || !addRelation(y.rec, { call: x.rec.id, relation: kindB, evidence, message }))
      return changed;
    return changed === null ? [y.rec.id] : [...changed, y.rec.id];
  }
}

/** How REFER `r` fits the INVITE, or null when it does not. */
function howFits(
  r: Referral,
  replaced: string | null,
  referredBy: string | null,
  from: string | null,
  srcIp: string,
): CallRelationEvidence | null {
  if (r.replaces !== null && replaced !== null) return r.replaces === replaced ? 'Replaces' : null;
  if (r.referredBy !== null && referredBy !== null) return r.referredBy === referredBy ? 'Referred-By' : null;
  if ((r.referee !== null && from === r.referee) || r.refereeIp === srcIp) return 'Refer-To';
  return null;
}

/** Adds `rel` unless `rec` has it already; true when added. */
function addRelation(rec: CallRecord, rel: CallRelation): boolean {
  for (const q of rec.related) if (q.call === rel.call && q.relation === rel.relation) return false;
  rec.related = withItem(rec.related, rel);
  return true;
}

/**
 * After call `x` was absorbed into call `s` (call-table.ts `union`): `s`
 * takes over `x`'s relations, and the hot calls that named `x` name `s`.
 */
export function mergeRelations(
  s: CallRecord,
  x: CallRecord,
  hot: (id: number) => CallRecord | undefined,
): void {
  for (const rel of x.related) {
    const other = hot(rel.call);
    if (other === undefined) continue;
    other.related = other.related.map((q) => (q.call === x.id ? { ...q, call: s.id } : q));
  }
  let out = s.related;
  for (const rel of x.related) {
    if (rel.call === s.id || out.some((q) => q.call === rel.call && q.relation === rel.relation)) continue;
    out = withItem(out, rel);
  }
  s.related = out.filter((q) => q.call !== s.id && q.call !== x.id);
}

/**
 * What identifies a URI for matching: user and lowercase host of a SIP URI
 * (no port, parameters or headers: a Refer-To carries headers, a proxy may
 * add a port), the digits of a tel URI, else the text.
 */
export function uriKey(uri: Uri): string | null {
  if (uri.kind === 'sip')
    return uri.host === '' ? null : detach(`${uri.user ?? ''}@${uri.host.toLowerCase()}`);
  if (uri.kind === 'tel') return detach(`tel:${uri.number.replace(/[-.()]/g, '')}`);
  const raw = uri.raw.trim();
  return raw === '' ? null : detach(raw.toLowerCase());
}

function keyOf(uri: string | undefined): string | null {
  return uri === undefined ? null : uriKey(parseUri(uri));
}

/** RFC 3891 §6.1: `Replaces = callid *(SEMI replaces-param)`: the Call-ID before the first `;`. */
export function replacesCallId(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semi = value.indexOf(';');
  const cid = (semi < 0 ? value : value.slice(0, semi)).trim();
  return cid === '' ? null : detach(cid);
}

/** A URI header by name, in any case (RFC 3261 §19.1.2: header names are case-insensitive). */
function uriHeader(headers: Record<string, string>, name: string): string | undefined {
  for (const k in headers) if (k.toLowerCase() === name) return headers[k];
  return undefined;
}
