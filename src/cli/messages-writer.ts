/**
 * The main thread's side of cli/messages-worker.ts: a worker started early
 * (its module loading overlaps the analysis), later handed the message table
 * to write as the `messages` array of `analyze --json`, or let go unused.
 */
import type { Worker } from 'node:worker_threads';
import type { MessageTable } from '../report/message-table.js';
import { transferListOf } from '../report/message-table-state.js';
import { startModuleWorker } from '../worker-start.js';
import type { MessagesJob, MessagesReply } from './messages-worker.js';

export class MessagesWorker {
  private readonly worker: Worker;
  /** Why the worker cannot be used (it failed to start or ended early). */
  private failure: Error | null = null;
  private used = false;

  constructor() {
    this.worker = startModuleWorker(import.meta.url, 'messages-worker');
    // Until it has a job, the worker keeps nobody waiting (an analysis that fails exits at once).
    this.worker.unref();
    this.worker.on('error', (e: Error) => {
      this.failure ??= e;
    });
    this.worker.on('exit', (code) => {
      this.failure ??= new Error(`messages worker exited with code ${code}`);
    });
  }

  /** Whether `write` may be called: not used yet, and not failed. */
  get usable(): boolean {
    return !this.used && this.failure === null;
  }

  /**
   * Moves the table to the worker (it is empty here afterwards) and has it
   * write the table's JSON array to `fd`. Resolves with the bytes written,
   * or 'epipe' when the reader went away; rejects when the worker fails.
   */
  write(table: MessageTable, fd: number): Promise<number | 'epipe'> {
    if (!this.usable) throw new Error(`messages worker not usable: ${this.failure?.message ?? 'used'}`);
    this.used = true;
    const w = this.worker;
    const state = table.exportState();
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        w.off('message', reply);
        reject(e);
      };
      const exit = (code: number) =>
        fail(new Error(`messages worker exited with code ${code} before it was done`));
      const reply = (r: MessagesReply) => {
        w.off('error', fail);
        w.off('exit', exit);
        w.unref();
        if (r.kind === 'done') resolve(r.bytes);
        else if (r.kind === 'epipe') resolve('epipe');
        else reject(new Error(`messages worker: ${r.message}`));
      };
      w.once('message', reply);
      w.once('error', fail);
      w.once('exit', exit);
      w.ref();
      const job: MessagesJob = { state, fd };
      w.postMessage(job, transferListOf(state));
    });
  }

  /** Lets an unused worker go (after use it ends by itself). */
  dispose(): void {
    if (this.used) return;
    this.used = true;
    void this.worker.terminate();
  }
}
