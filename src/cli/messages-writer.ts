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
import { OutputError } from './output-error.js';

export class MessagesWorker {
  private readonly worker: Worker;
  private used = false;
  /** Whether the worker loaded and waits for its job (false once it failed or ended). */
  private readonly loaded: Promise<boolean>;
  /** The job's answer, once posted. */
  private settle: ((r: MessagesReply | Error) => void) | null = null;

  /** `module`: the worker module beside this one (another only to see a worker that fails to start). */
  constructor(module = 'messages-worker') {
    this.worker = startModuleWorker(import.meta.url, module);
    // It keeps nobody waiting unless waited for (an analysis that fails exits at once).
    this.worker.unref();
    let loaded: (ok: boolean) => void = () => {};
    this.loaded = new Promise((resolve) => {
      loaded = resolve;
    });
    const failed = (e: Error) => {
      loaded(false);
      this.settle?.(e);
    };
    this.worker.on('message', (m: MessagesReply) => {
      if (m.kind === 'ready') loaded(true);
      else this.settle?.(m);
    });
    this.worker.on('error', failed);
    this.worker.on('exit', (code) => failed(new Error(`messages worker exited with code ${code}`)));
  }

  /**
   * Whether `write` may be called: not used yet, and loaded (waits for it;
   * false when it failed to start, and the table stays here).
   */
  async ready(): Promise<boolean> {
    if (this.used) return false;
    this.worker.ref();
    try {
      return await this.loaded;
    } finally {
      this.worker.unref();
    }
  }

  /**
   * Moves the table to the worker (it is empty here afterwards) and has it
   * write the table's JSON array to `fd`. Resolves with the bytes written,
   * or 'epipe' when the reader went away; rejects when the worker fails.
   * Only after `ready()` said true.
   */
  write(table: MessageTable, fd: number): Promise<number | 'epipe'> {
    if (this.used) throw new Error('messages worker used twice');
    this.used = true;
    const state = table.exportState();
    return new Promise((resolve, reject) => {
      this.settle = (r) => {
        this.settle = null;
        this.worker.unref();
        if (r instanceof Error) reject(r);
        else if (r.kind === 'done') resolve(r.bytes);
        else if (r.kind === 'epipe') resolve('epipe');
        else if (r.kind === 'output-error') reject(new OutputError(r.fd, r.code, r.message));
        else reject(new Error(`messages worker: ${r.kind === 'error' ? r.message : r.kind}`));
      };
      this.worker.ref();
      const job: MessagesJob = { state, fd };
      this.worker.postMessage(job, transferListOf(state));
    });
  }

  /** Lets an unused worker go (after use it ends by itself). */
  dispose(): void {
    if (this.used) return;
    this.used = true;
    void this.worker.terminate();
  }
}
