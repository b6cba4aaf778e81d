/**
 * The thread of sqlite-writer-thread.ts: opens its own connection to the
 * database, a writer for the capture, and writes each op it is posted, in
 * order, answering each with `ack` or `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { jsonTexts } from './json-records.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';
import type { SqliteWriter } from './sqlite-writer.js';
import type { WriterOp, WriterReply } from './sqlite-writer-thread.js';

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-worker.ts runs as a worker thread');
const { db, captureId } = workerData as { db: string; captureId: string };
const reply = (m: WriterReply): void => port.postMessage(m);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let store: SqliteStore | undefined;
let writer: SqliteWriter | undefined;

async function apply(m: WriterOp): Promise<void> {
  const w = writer!;
  switch (m.op) {
    case 'messages':
      return w.addMessageParams(m.items as Parameters<SqliteWriter['addMessageParams']>[0]);
    case 'updates': {
      const updates = [];
      for (let i = 0; i < m.items.length; i += 3) {
        const call = m.items[i + 1];
        const dialog = m.items[i + 2];
        updates.push({ id: m.items[i], call: call < 0 ? null : call, dialog: dialog < 0 ? null : dialog });
      }
      return w.updateMessages(updates);
    }
    case 'transactions':
    case 'dialogs':
      return w.addJson(m.op, m.items);
    case 'calls':
      return w.addCallsJson(m.items);
    case 'json':
      return w.addRecordsJson(m.kind, jsonTexts(m.packed));
    case 'findings':
      return w.addFindings(m.items);
    case 'streams':
      return w.addStreamsJson(m.items);
    case 'finish':
      return w.finish(m.stats, m.source, m.warnings);
    case 'fail':
      return w.fail(m.error);
  }
}

let chain: Promise<void> = Promise.resolve();
port.on('message', (m: WriterOp) => {
  chain = chain.then(async () => {
    try {
      await apply(m);
      reply({ type: 'ack' });
    } catch (e) {
      reply({ type: 'error', message: message(e) });
    }
    if (m.op === 'finish' || m.op === 'fail') {
      await store?.close();
      store = undefined;
    }
  });
});

try {
  // A small page cache (the writer appends; the queries run on the server's
  // connection) and checkpoints every 32 MiB of WAL rather than every 4 MiB.
  store = openSqliteStore({ file: db, cacheKiB: 8 * 1024, walAutocheckpoint: 8192 });
  writer = (await store.openWriter(captureId)) as SqliteWriter;
  reply({ type: 'ready' });
} catch (e) {
  reply({ type: 'error', message: message(e) });
  await store?.close();
  port.close();
}
