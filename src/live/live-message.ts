/**
 * A live message as the JSON contract shows messages (DESIGN.md "The analyze
 * command's JSON"), for NDJSON output and the browser: the same record and
 * serializer as `analyze --json`, plus what a HEP agent said about it.
 */
import { endpointString } from '../decode/payload.js';
import { messageRecordJson } from '../report/message-json.js';
import type { MessageRecord } from '../report/message-record.js';
import { callId, cseq, fromHeader, toHeader, topVia } from '../sip/accessors.js';
import type { LiveMessage } from './live-pipeline.js';

export function liveMessageRecord(m: LiveMessage): MessageRecord {
  const { msg, correlation: c } = m;
  const s = msg.source;
  const cs = cseq(msg);
  return {
    id: m.id,
    frame: s !== null ? s.frame : 0,
    ts: s !== null ? s.ts : 0,
    src: s !== null ? endpointString(s.src) : '',
    dst: s !== null ? endpointString(s.dst) : '',
    transport: s !== null ? s.transport : '',
    method: msg.kind === 'request' ? msg.method : undefined,
    status: msg.kind === 'response' ? msg.status : undefined,
    reason: msg.kind === 'response' ? msg.reason : undefined,
    callId: callId(msg) ?? null,
    cseq: cs !== undefined ? cs.seq : null,
    cseqMethod: cs !== undefined ? cs.method : null,
    fromTag: fromHeader(msg)?.tag ?? null,
    toTag: toHeader(msg)?.tag ?? null,
    branch: topVia(msg)?.branch ?? null,
    transaction: c.transaction,
    dialog: c.dialog,
    call: c.call,
    retransmission: c.retransmission,
    malformed: msg.malformed,
    frames: s !== null ? s.frames : [],
  };
}

/** The record as JSON, with `hep: {agentId, node, correlationId}` when a HEP agent delivered it. */
export function liveMessageJson(m: LiveMessage): string {
  const json = messageRecordJson(liveMessageRecord(m));
  const hep = m.msg.source?.hep;
  if (hep === undefined) return json;
  const extra = JSON.stringify({ agentId: hep.agentId, node: hep.node, correlationId: hep.correlationId });
  return `${json.slice(0, -1)},"hep":${extra}}`;
}
