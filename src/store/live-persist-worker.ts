/**
 * The thread of live-persist-thread.ts: opens its own connection to the
 * database and writes each batch it is posted (live-persist-sql.ts), in
 * order, answering each with `ack` or `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CaptureGoneError, LiveRowsWriter, type PersistOp } from './live-persist-sql.js';
import type { PersistReply } from './live-persist-thread.js';
import { openSchema } from './sqlite-schema.js';

const port = parentPort;
if (port === null) throw new Error('live-persist-worker.ts runs as a worker thread');
const { db: file, cap } = workerData as { db: string; cap: number };
const reply = (m: PersistReply): void => port.postMessage(m);

let db: Database.Database | undefined;
try {
  db = new Database(file);
  // The server's connection ran the migrations; this only sets the connection up (WAL, busy timeout).
  openSchema(db, file);
  db.pragma('cache_size = -4096');
  const writer = new LiveRowsWriter(db, cap);
  port.on('message', (op: PersistOp) => {
    try {
      writer.write(op);
      reply({ type: 'ack' });
    } catch (e) {
      reply({ type: 'error', message: (e as Error).message, gone: e instanceof CaptureGoneError });
    }
  });
  reply({ type: 'ready' });
} catch (e) {
  db?.close();
  reply({ type: 'error', message: (e as Error).message, gone: false });
  port.close();
}
