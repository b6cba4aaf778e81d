import { cseq, vias } from '../../sip/accessors.js';
import { isSuccess } from '../../sip/status.js';
import { hopOf, isFirstCopy, txOf } from '../correlated-facts.js';
import { NONE } from '../finding.js';
import { pathHash } from '../hash.js';
import { IdMemo } from '../id-memo.js';
import type { CorrelatedRule } from '../rule.js';

/**
 * Per dialog, up to four senders, each a hop direction (src → dst): [key,
 * highest CSeq, message id]. One side of a dialog sends on a given hop in
 * one direction, and several hops of one dialog (a proxy in between) each
 * keep their own sequence, so a request seen on two hops is not a repeat.
 */
const SENDERS = 4;
const WIDTH = SENDERS * 3;

/** Offset of the sender `key` in the dialog's row `r`, or -1. */
function senderOf(v: Float64Array, r: number, key: number): number {
  for (let i = r; i < r + WIDTH; i += 3) if (v[i] === key) return i;
  return -1;
}

/** Raises the highest CSeq seen from `key` (creating the sender, replacing the first when full). */
function raise(memo: IdMemo, dialog: number, key: number, seq: number, id: number): void {
  const r = memo.claim(dialog);
  const v = memo.v;
  let i = senderOf(v, r, key);
  if (i < 0) {
    for (i = r; i < r + WIDTH && !Number.isNaN(v[i]); i += 3);
    if (i === r + WIDTH) i = r;
    v[i] = key;
    v[i + 1] = seq;
    v[i + 2] = id;
  } else if (!(v[i + 1] >= seq)) {
    v[i + 1] = seq;
    v[i + 2] = id;
  }
}

export const cseqNotIncreasing: CorrelatedRule<IdMemo> = {
  id: 'cseq.not-increasing',
  title: 'In-dialog request whose CSeq is not higher than the previous one from the same side',
  severity: 'error',
  rfc: {
    ref: 'RFC 3261 §12.2.1.1, §12.2.2',
    text:
      'Requests within a dialog MUST contain strictly monotonically increasing and contiguous CSeq sequence ' +
      'numbers (increasing-by-one) in each direction (excepting ACK and CANCEL of course, whose numbers equal ' +
      'the requests being acknowledged or cancelled). … If the remote sequence number was not empty, but the ' +
      'sequence number of the request is lower than the remote sequence number, the request is out of order ' +
      'and MUST be rejected with a 500 (Server Internal Error) response.',
  },
  explanation:
    'Each side of a dialog numbers its requests, starting from the CSeq of the request that created the ' +
    'dialog, and every new request must take a higher number (gaps are allowed, after an authentication ' +
    'retry for instance). The receiver rejects a request with a lower number with 500, and one with the same ' +
    'number looks like a retransmission of the old request. Retransmissions, ACK and CANCEL, which reuse ' +
    'numbers by design, are not counted; each hop of a dialog is followed on its own.',
  scope: 'correlated',
  on: ['message'],
  only: {
    requests: '*',
    inDialog: true,
    responses: [2],
    responseTo: ['INVITE', 'SUBSCRIBE', 'REFER'],
    copies: 'first',
  },
  init: () => new IdMemo(WIDTH),
  check(model, ctx) {
    const ev = model.event;
    if (ev.kind !== 'message') return NONE;
    const m = ev.msg;
    const c = ev.correlation;
    if (!isFirstCopy(c) || c.dialog === null || m.source === null) return NONE;
    const memo = ctx.state;
    const cs = cseq(m);
    if (cs === undefined) return NONE;
    if (m.kind === 'response') {
      // The 2xx of the INVITE (or SUBSCRIBE, REFER) names the number the requester's side starts from:
      // its request went the other way on this hop.
      if (!isSuccess(m.status)) return NONE;
      const s = m.source;
      raise(memo, c.dialog, pathHash(s.dst.ip, s.dst.port, s.src.ip, s.src.port), cs.seq, ev.id);
      return NONE;
    }
    if (m.method === 'CANCEL') return NONE;
    // A request a proxy forwarded (its previous hop is known) repeats the sender's number: judged on that hop.
    if (vias(m).length > 1 && txOf(model, c)?.upstream !== undefined) return NONE;
    const key = hopOf(m);
    if (m.method === 'ACK') {
      // ACK repeats the INVITE's number; a later request from this side must go above it.
      if (txOf(model, c)?.kind === 'ack') raise(memo, c.dialog, key, cs.seq, ev.id);
      return NONE;
    }
    const r = memo.row(c.dialog);
    const i = r < 0 ? -1 : senderOf(memo.v, r, key);
    const prev = i < 0 ? Number.NaN : memo.v[i + 1];
    const prevId = i < 0 ? Number.NaN : memo.v[i + 2];
    raise(memo, c.dialog, key, cs.seq, ev.id);
    if (Number.isNaN(prev) || cs.seq > prev) return NONE;
    return [
      {
        text: `${m.method} with CSeq ${cs.seq} after CSeq ${prev} from the same side of the dialog: ${cs.seq === prev ? 'a number reused by a new request' : 'the sequence went back'}`,
        messages: Number.isNaN(prevId) ? [ev.id] : [prevId, ev.id],
      },
    ];
  },
};
