/**
 * A message as the JSON contract of `sipscope analyze --json` shows it
 * (DESIGN.md "The analyze command's JSON"). Correlation fields are filled by
 * the correlator; they stay null where it has not run.
 */
import { detach } from '../correlate/detach.js';
import { endpointString } from '../decode/payload.js';
import { callId, cseq, fromHeader, toHeader, topVia } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';

export interface MessageRecord {
  id: number;
  frame: number;
  ts: number;
  src: string;
  dst: string;
  transport: string;
  method?: string;
  status?: number;
  reason?: string;
  callId: string | null;
  cseq: number | null;
  cseqMethod: string | null;
  fromTag: string | null;
  toTag: string | null;
  branch: string | null;
  transaction: number | null;
  dialog: number | null;
  call: number | null;
  retransmission: boolean;
  /** Extension of the contract: the message has syntax errors (kept, shown raw, flagged). */
  malformed: boolean;
  /** Extension: every frame that carried bytes of the message. */
  frames: number[];
}

export function messageRecord(m: SipMessage, id: number): MessageRecord {
  const s = m.source;
  const cs = cseq(m);
  const rec: MessageRecord = {
    id,
    frame: s ? s.frame : 0,
    ts: s ? s.ts : 0,
    src: s ? endpointString(s.src) : '',
    dst: s ? endpointString(s.dst) : '',
    transport: s ? s.transport : '',
    // Keys in the contract's order; undefined ones are left out of the JSON.
    method: m.kind === 'request' ? m.method : undefined,
    status: m.kind === 'response' ? m.status : undefined,
    reason: m.kind === 'response' ? detach(m.reason) : undefined,
    // Records outlive their message: keep copies, not slices of its text.
    callId: detach(callId(m)) ?? null,
    cseq: cs ? cs.seq : null,
    cseqMethod: cs ? detach(cs.method) : null,
    fromTag: detach(fromHeader(m)?.tag) ?? null,
    toTag: detach(toHeader(m)?.tag) ?? null,
    branch: detach(topVia(m)?.branch) ?? null,
    transaction: null,
    dialog: null,
    call: null,
    retransmission: false,
    malformed: m.malformed,
    frames: s ? s.frames : [],
  };
  return rec;
}
