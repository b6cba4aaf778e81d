/**
 * A call drawn with the calls related to it by transfer or replacement (its
 * `related` list): one ladder on one time axis, each call's Call-IDs a leg
 * of their own, named with how it relates, as sngrep's extended flow draws
 * the legs an X-Call-ID joins. The call's own facts (summary, exports of the
 * call) stay its own; only what the ladder and the inspector read is merged.
 * The same merge draws calls marked together in the call list (sngrep's call
 * flow of the selected dialogs), their legs named by legNamesOfCalls.
 */
import type { CallDetail, CallRow } from '../api/types.js';
import type { Leg } from './layout.js';

/** What the other call is to this one, by this call's relation to it. */
const OTHER_IS: Record<string, string> = {
  'transferred-to': "the transfer's new call",
  'transferred-from': 'the call transferred',
  replaces: 'which this call replaces',
  'replaced-by': 'which replaced this call',
};

export function withRelated(own: CallDetail, others: readonly CallDetail[]): CallDetail {
  const c = own.call;
  const callIds = [...c.callIds];
  const links = [...c.links];
  const endpoints = [...c.endpoints];
  const messages = new Map(own.messages.map((m) => [m.id, m]));
  const transactions = new Map(own.transactions.map((t) => [t.id, t]));
  const dialogs = new Map(own.dialogs.map((d) => [d.id, d]));
  const findings = [...own.findings];
  const streams = new Map((own.streams ?? []).map((x) => [x.id, x]));
  const seenFindings = new Set(findings.map((f) => JSON.stringify([f.rule, f.messages, f.text])));
  for (const o of others) {
    if (o.call.id === c.id) continue;
    // The leg's name says what the other call is to this one: "call 1, the transfer's new call".
    const rel = c.related?.find((r) => r.call === o.call.id);
    const how = `call ${o.call.id}${rel ? `, ${OTHER_IS[rel.relation] ?? rel.relation}` : ''}`;
    for (const id of o.call.callIds) {
      if (callIds.includes(id)) continue;
      callIds.push(id);
      links.push({ callId: id, evidence: how });
    }
    for (const e of o.call.endpoints) if (!endpoints.some((x) => x.addr === e.addr)) endpoints.push(e);
    for (const m of o.messages) messages.set(m.id, m);
    for (const t of o.transactions) transactions.set(t.id, t);
    for (const d of o.dialogs) dialogs.set(d.id, d);
    for (const x of o.streams ?? []) streams.set(x.id, x);
    for (const f of o.findings) {
      const key = JSON.stringify([f.rule, f.messages, f.text]);
      if (!seenFindings.has(key)) {
        seenFindings.add(key);
        findings.push(f);
      }
    }
  }
  const byId = <T extends { id: number }>(m: Map<number, T>) => [...m.values()].sort((a, b) => a.id - b.id);
  return {
    call: { ...c, callIds, links, endpoints },
    messages: byId(messages),
    transactions: byId(transactions),
    dialogs: byId(dialogs),
    findings,
    // The related calls' RTP streams are drawn with their messages; a server without streams gives none.
    ...(own.streams === undefined && streams.size === 0 ? {} : { streams: byId(streams) }),
  };
}

/**
 * The legend's name of each leg when calls are drawn together because they
 * were marked (not related): whose call the Call-ID is, and for a call's own
 * linked legs the header that linked them, `leg 3: abc@host (call 7)`,
 * `leg 2: b2@host (call 0, linked by X-CID)`. `calls`: the main call first,
 * then the others as drawn. A Call-ID no call names keeps the layout's name.
 */
export function legNamesOfCalls(
  legs: readonly Leg[],
  calls: readonly Pick<CallRow, 'id' | 'callIds' | 'links'>[],
): string[] {
  return legs.map((g) => {
    const c = calls.find((x) => x.callIds.includes(g.callId));
    if (!c) return g.name;
    const own = c.callIds[0] === g.callId ? null : c.links.find((l) => l.callId === g.callId)?.evidence;
    return `leg ${g.index + 1}: ${g.callId} (call ${c.id}${own ? `, linked by ${own}` : ''})`;
  });
}
