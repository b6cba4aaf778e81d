/**
 * Worker thread entry: writes the `messages` array of `analyze --json` (a
 * MessageTable handed over by cli/messages-writer.ts) straight to a file
 * descriptor, while the main thread renders the rest of the document. One
 * job per worker: it ends once it has answered.
 */
import { parentPort } from 'node:worker_threads';
import { JsonBytes } from '../report/json-bytes.js';
import { MessageTable } from '../report/message-table.js';
import type { MessageTableState } from '../report/message-table-state.js';
import { writeAllSync } from './fd-write.js';
import { OutputError } from './output-error.js';

export interface MessagesJob {
  state: MessageTableState;
  /** Where to write (the main thread has written everything before and waits to write what follows). */
  fd: number;
}

export type MessagesReply =
  | { kind: 'ready' }
  | { kind: 'done'; bytes: number }
  | { kind: 'epipe' }
  /** The write failed (disk full, …): an OutputError's fields, rethrown as one on the main thread. */
  | { kind: 'output-error'; fd: number; code: string; message: string }
  | { kind: 'error'; message: string };

class ReaderGone extends Error {}

/** JSON bytes to a file descriptor, 4 MiB per write as cli/output.ts does. */
class FdBytes extends JsonBytes {
  written = 0;

  constructor(private readonly fd: number) {
    super(4 << 20);
  }

  protected drain(b: Uint8Array): void {
    if (!writeAllSync(this.fd, b)) throw new ReaderGone();
    this.written += b.length;
  }
}

function run(job: MessagesJob): MessagesReply {
  try {
    const w = new FdBytes(job.fd);
    MessageTable.fromState(job.state).writeJsonArray(w);
    w.flush();
    return { kind: 'done', bytes: w.written };
  } catch (e) {
    if (e instanceof ReaderGone) return { kind: 'epipe' };
    if (e instanceof OutputError) return { kind: 'output-error', fd: e.fd, code: e.code, message: e.message };
    return { kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

const port = parentPort;
if (port === null) throw new Error('messages-worker.ts runs as a worker thread (cli/messages-writer.ts)');
port.once('message', (job: MessagesJob) => port.postMessage(run(job)));
port.postMessage({ kind: 'ready' } satisfies MessagesReply);
