/**
 * Correlation on real captures from the shared corpus (skipped when absent),
 * through the whole pipeline: capture → decode → SIP → correlate.
 */
import '../helpers/corpus.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import {
  type CorrelatorOptions,
  createCorrelator,
  type MessageCorrelation,
} from '../../src/correlate/index.js';
import { createPipeline } from '../../src/pipeline.js';
import type { SipMessage } from '../../src/sip/message.js';

const dir = fileURLToPath(new URL('../../../shared/corpus/pcap/', import.meta.url));

async function correlateFile(name: string, opts: CorrelatorOptions = {}) {
  const c = createCorrelator(opts);
  const msgs: SipMessage[] = [];
  const out: MessageCorrelation[] = [];
  const p = createPipeline({
    onMessage(m, id) {
      msgs.push(m);
      out[id] = c.push(m, id);
    },
  });
  for await (const f of openCapture(dir + name)) p.push(f);
  p.end();
  c.end();
  return { msgs, out, ...c.snapshot() };
}

const label = (m: SipMessage) => (m.kind === 'request' ? m.method : String(m.status));

describe.skipIf(!existsSync(dir))('correlation on corpus captures', () => {
  it('sngrep_ipv6-frag-forked-invite-sll.pcap: the forked INVITE has two dialogs with their own To tags', async () => {
    const r = await correlateFile('sngrep_ipv6-frag-forked-invite-sll.pcap');
    expect(r.msgs).toHaveLength(32);
    expect(r.calls).toHaveLength(1);
    const tags = r.dialogs.map((d) => d.tags.find((t) => t !== '397430SIPpTag0071846')).sort();
    expect(tags).toEqual(['1632476SIPpTag0171847', '1632476SIPpTag0271847']);
    expect(r.dialogs.every((d) => d.callerTag === '397430SIPpTag0071846' && d.kind === 'invite')).toBe(true);
    // The dialog answered towards the caller is the one its BYE ends.
    const answered = r.dialogs.find((d) => d.tags.includes('1632476SIPpTag0171847'));
    expect(answered).toMatchObject({ state: 'terminated', endReason: 'bye' });
    // Two hops: the caller's INVITE transaction and the proxy's, linked.
    const invites = r.transactions.filter((t) => t.method === 'INVITE');
    expect(invites).toHaveLength(2);
    expect(invites[1].upstream).toBe(invites[0].id);
    expect(r.calls[0]).toMatchObject({ kind: 'call', state: 'completed', hangupBy: 'caller' });
  });

  it('pkts_cancel-487.pcap: the CANCEL is its own transaction; the 487 and the ACK belong to the INVITE’s', async () => {
    const r = await correlateFile('pkts_cancel-487.pcap');
    expect(r.msgs.map(label)).toEqual(['INVITE', '100', '180', 'CANCEL', '200', '487', 'ACK']);
    const inv = r.transactions[r.out[0].transaction];
    const cancel = r.transactions[r.out[3].transaction];
    expect(cancel).toMatchObject({ method: 'CANCEL', kind: 'non-invite', messages: [3, 4], cancels: inv.id });
    expect(inv).toMatchObject({
      kind: 'invite',
      messages: [0, 1, 2, 5, 6],
      finalStatus: 487,
      state: 'confirmed',
    });
    expect(r.transactions).toHaveLength(2);
    expect(r.calls[0]).toMatchObject({ state: 'cancelled', finalStatus: 487 });
  });

  it('goffinet_call-via-proxy.pcap: one dialog seen on two hops', async () => {
    const r = await correlateFile('goffinet_call-via-proxy.pcap');
    expect(r.msgs).toHaveLength(11);
    expect(r.dialogs).toHaveLength(1);
    expect(r.dialogs[0].tags).toEqual(['1c2071048551', '1c751049942']);
    // Both hops' 180 and 200 (and the end-to-end ACK, BYE, 200) are in it.
    expect(r.dialogs[0].messages).toEqual([0, 2, 4, 5, 6, 7, 8, 9, 10]);
    const hop1 = r.transactions[r.out[0].transaction];
    const hop2 = r.transactions[r.out[2].transaction];
    expect(hop2.upstream).toBe(hop1.id);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({ state: 'completed', hangupBy: 'callee' });
  });

  it("goffinet_voip-extension-refer-transfer.pcap: the INVITE with the REFER's Referred-By is the transferred call (RFC 3892)", async () => {
    const r = await correlateFile('goffinet_voip-extension-refer-transfer.pcap');
    const refer = r.msgs.findIndex((m) => m.kind === 'request' && m.method === 'REFER');
    expect(r.calls).toHaveLength(2);
    expect(r.calls[0].related).toEqual([
      { call: 1, relation: 'transferred-to', evidence: 'Referred-By', message: refer },
    ]);
    expect(r.calls[1].related).toEqual([
      { call: 0, relation: 'transferred-from', evidence: 'Referred-By', message: refer },
    ]);
  });

  it('every corpus capture correlates without throwing and every message gets a transaction and a call', async () => {
    for (const f of [
      'heplify_sip-tcp-port6060-segmented-70dialogs.pcap',
      'sngrep_aaa-wireshark-sample-auth-cancel.pcap',
      'ndpi_fuzzed-aaa-malformed-sip.pcap',
      'goffinet_voip-extension-refer-transfer.pcap',
    ]) {
      const r = await correlateFile(f);
      const inCall = new Set(r.calls.flatMap((c) => c.messages));
      expect(inCall.size).toBe(r.msgs.length);
      for (const o of r.out) expect(r.transactions[o.transaction]).toBeDefined();
    }
  });
});
