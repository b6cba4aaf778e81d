/**
 * The socket.io events of server/API.md, batched so a busy capture does not
 * flood the browser: per capture, progress and call updates are coalesced
 * (the latest wins) and sent at most once per interval; new messages are
 * queued up to a bound per capture and interval, the rest dropped and
 * counted. Lifecycle events (new, ready, failed, deleted) go at once, after
 * whatever was pending for that capture, so a client never sees progress
 * after ready.
 */
import type { CallRow, MessageRow } from '../src/store/rows.js';

export type EventSink = (event: string, payload: unknown) => void;

export interface EventBatcherOptions {
  /** Flush interval in ms (default 250: at most four batches a second per capture). */
  intervalMs?: number;
  /** `message:new` events kept per capture per interval (default 200); more are dropped and counted. */
  maxMessagesPerInterval?: number;
}

interface Pending {
  progress?: number;
  calls: Map<number, CallRow>;
  messages: MessageRow[];
}

export class EventBatcher {
  /** `message:new` events dropped because a capture sent more than the bound in one interval. */
  dropped = 0;
  /** Events handed to the sink. */
  sent = 0;
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly maxMessages: number;

  constructor(
    private readonly sink: EventSink,
    opts: EventBatcherOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 250;
    this.maxMessages = opts.maxMessagesPerInterval ?? 200;
  }

  progress(id: string, progress: number): void {
    this.slot(id).progress = progress;
  }

  callUpdate(captureId: string, call: CallRow): void {
    this.slot(captureId).calls.set(call.id, call);
  }

  messageNew(captureId: string, message: MessageRow): void {
    const p = this.slot(captureId);
    if (p.messages.length >= this.maxMessages) this.dropped++;
    else p.messages.push(message);
  }

  /** A lifecycle event: pending events of the capture first, then this one. */
  now(captureId: string, event: string, payload: unknown): void {
    this.flushCapture(captureId);
    this.emit(event, payload);
  }

  flush(): void {
    for (const id of [...this.pending.keys()]) this.flushCapture(id);
  }

  close(): void {
    this.flush();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private slot(id: string): Pending {
    let p = this.pending.get(id);
    if (p === undefined) {
      p = { calls: new Map(), messages: [] };
      this.pending.set(id, p);
    }
    if (this.timer === null) {
      this.timer = setInterval(() => {
        this.flush();
        if (this.pending.size === 0 && this.timer !== null) {
          clearInterval(this.timer);
          this.timer = null;
        }
      }, this.intervalMs);
      this.timer.unref();
    }
    return p;
  }

  private flushCapture(id: string): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (p.progress !== undefined) this.emit('capture:progress', { id, progress: p.progress });
    for (const call of p.calls.values()) this.emit('call:update', { captureId: id, call });
    for (const message of p.messages) this.emit('message:new', { captureId: id, message });
  }

  private emit(event: string, payload: unknown): void {
    this.sent++;
    this.sink(event, payload);
  }
}
