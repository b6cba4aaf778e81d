/**
 * Transactions, dialogs and calls rendered into one batch of JSON bytes
 * (json-records.ts) for the writer thread: after a trip through a
 * MessageChannel with the buffers transferred, each record's text must be
 * exactly what transactionJson & co. give, which the store writes.
 */
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/correlate/model.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import {
  callJson,
  dialogJson,
  transactionJson,
  writeCall,
  writeDialog,
  writeTransaction,
} from '../../src/report/model-json.js';
import { JsonRecords, jsonTexts, type PackedJson } from '../../src/store/json-records.js';
import { SAMPLES_DIR } from './store-suite.js';

function carried(r: JsonRecords): Array<[number, string]> {
  const { packed, transfer } = r.take();
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed, transfer);
  const got = receiveMessageOnPort(port2)?.message as PackedJson;
  port1.close();
  expect(transfer.every((b) => b.byteLength === 0)).toBe(true);
  return jsonTexts(got);
}

describe('JsonRecords: records as JSON bytes give the texts the store writes', () => {
  it('gives each transaction, dialog and call of the samples the text of transactionJson & co.', async () => {
    for (const file of ['forked-invite.pcap', 'call-with-rtp.pcap', 'attended-transfer.pcap']) {
      const a = await analyzeCapture(join(SAMPLES_DIR, file));
      const txs = new JsonRecords();
      for (const t of a.transactions) txs.add(t.id, writeTransaction, t);
      expect(carried(txs)).toEqual(a.transactions.map((t) => [t.id, transactionJson(t)]));
      const ds = new JsonRecords();
      for (const d of a.dialogs) ds.add(d.id, writeDialog, d);
      expect(carried(ds)).toEqual(a.dialogs.map((d) => [d.id, dialogJson(d)]));
      const cs = new JsonRecords();
      for (const c of a.calls) cs.add(c.id, writeCall, c);
      const texts = carried(cs);
      expect(texts).toEqual(a.calls.map((c) => [c.id, callJson(c)]));
      for (const [, text] of texts) expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('keeps non-ASCII text and lone surrogates as renderJson writes them', async () => {
    const a = await analyzeCapture(join(SAMPLES_DIR, 'basic-call.pcap'));
    // A record holds message text as latin1 (UTF-8 bytes one char each): JSON gives it back as UTF-8.
    const zoe = Buffer.from('"Zoë Müller" <sip:zoe@example.com>', 'utf8').toString('latin1');
    const names = [zoe, '日本語 <sip:jp@example.com>', '📞 \ud800 <sip:x@y>'];
    const calls: CallRecord[] = names.map((from, i) => ({ ...a.calls[0], id: i, from }));
    const r = new JsonRecords();
    for (const c of calls) r.add(c.id, writeCall, c);
    const texts = carried(r);
    expect(texts).toEqual(calls.map((c) => [c.id, callJson(c)]));
    expect(JSON.parse(texts[0][1]).from).toBe('"Zoë Müller" <sip:zoe@example.com>');
    expect(JSON.parse(texts[1][1]).from).toBe(names[1]);
    expect(JSON.parse(texts[2][1]).from).toBe(names[2]);
  });

  it('packs a batch far larger than its buffers (5,000 calls), and starts afresh after each', async () => {
    const a = await analyzeCapture(join(SAMPLES_DIR, 'sipp-10-calls.pcap'));
    const calls = Array.from({ length: 5000 }, (_, i) => ({ ...a.calls[i % a.calls.length], id: i }));
    const r = new JsonRecords();
    for (const c of calls) r.add(c.id, writeCall, c);
    expect(r.length).toBe(5000);
    expect(carried(r)).toEqual(calls.map((c) => [c.id, callJson(c)]));
    expect(r.length).toBe(0);
    expect(carried(r)).toEqual([]);
    r.add(7, writeCall, calls[0]);
    expect(r.takeTexts()).toEqual([[7, callJson(calls[0])]]);
  });

  it('refuses a batch whose ends do not match its bytes', () => {
    const bad = { ids: new Float64Array([1]), ends: new Float64Array([5]), bytes: new Uint8Array(3) };
    expect(() => jsonTexts(bad)).toThrow(/1 records/);
  });
});
