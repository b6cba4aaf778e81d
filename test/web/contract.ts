/**
 * The JSON contract of a flow, as the server would serve it: a named flow is
 * written as a real pcap (Ethernet/IPv4/UDP frames), analysed by the real
 * pipeline and printed by the CLI's JSON writer, then parsed. The web tests
 * feed the UI's pure functions with this, never with hand-written results.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { writeJsonReport } from '../../src/cli/json-output.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { SipMessage } from '../../src/sip/message.js';
import type { CallDetail, CallRow, Finding, MessageRow } from '../../web/src/api/types.js';
import { flowToFrames } from '../fixtures/flow-capture.js';

export interface ContractDoc {
  messages: MessageRow[];
  calls: CallRow[];
  findings: Finding[];
  transactions: Array<{ id: number; messages: number[] }>;
  dialogs: Array<{ id: number; messages: number[] }>;
}

export async function contractOfFile(file: string): Promise<ContractDoc> {
  const result = await analyzeCapture(file);
  let text = '';
  writeJsonReport(result, (s) => {
    text += s;
  });
  return JSON.parse(text) as ContractDoc;
}

export async function contractOfFlow(flow: SipMessage[]): Promise<ContractDoc> {
  const dir = mkdtempSync(join(tmpdir(), 'sipscope-web-'));
  try {
    const file = join(dir, 'flow.pcap');
    writeFileSync(file, writePcap(flowToFrames(flow), { linkType: 1 }));
    return await contractOfFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The messages of one call, as `GET /api/captures/:id/calls/:callId` lists them. */
export function messagesOfCall(doc: ContractDoc, callId: number): MessageRow[] {
  const ids = new Set(doc.calls.find((c) => c.id === callId)?.messages ?? []);
  return doc.messages.filter((m) => ids.has(m.id));
}

/** What `GET /api/captures/:id/calls/:callId` answers, from the JSON contract of the file. */
export function detailOf(doc: ContractDoc, id: number): CallDetail {
  const call = doc.calls.find((c) => c.id === id)!;
  return {
    call,
    messages: messagesOfCall(doc, id),
    transactions: doc.transactions.filter((t) => call.transactions.includes(t.id)),
    dialogs: doc.dialogs.filter((d) => call.dialogs.includes(d.id)),
    findings: doc.findings.filter((f) => f.call === id),
  } as unknown as CallDetail;
}
