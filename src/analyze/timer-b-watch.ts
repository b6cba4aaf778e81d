/**
 * Timer B and F as a shared helper (`ctx.shared`): every new request starts
 * a 64·T1 wait, and once capture time passes it the rules that care
 * (`transaction.no-final-response`, `retransmission.beyond-timer-b`) look at
 * the transaction. One queue for both rules, fed once per message: the
 * first rule to see a message or a tick does the work, the others read the
 * same result.
 */
import { DeadlineQueue } from './deadline-queue.js';

export const TIMER_B_WATCH = 'timer-b-watch';
export const newTimerBWatch = (): TimerBWatch => new TimerBWatch();

export class TimerBWatch {
  private readonly q = new DeadlineQueue();
  private lastId = -1;
  private lastNow = Number.NaN;
  /** Entries whose wait ended at the last `expire`: transaction, request message id, call. */
  readonly tx: number[] = [];
  readonly msg: number[] = [];
  readonly call: number[] = [];

  /** Starts the wait of the request `id` (once per message id). */
  add(id: number, at: number, tx: number, call: number): void {
    if (id === this.lastId) return;
    this.lastId = id;
    this.q.push(at, tx, id, call);
  }

  /** Waits still running. */
  get size(): number {
    return this.q.size;
  }

  /** Capture time of the earliest wait still running. */
  get next(): number | undefined {
    return this.q.firstAt;
  }

  /** Moves the waits that ended before `now` to the `tx`/`msg`/`call` lists (once per `now`). */
  expire(now: number): number {
    if (now === this.lastNow) return this.tx.length;
    this.lastNow = now;
    this.tx.length = 0;
    this.msg.length = 0;
    this.call.length = 0;
    while (this.q.due(now)) {
      this.tx.push(this.q.first(0));
      this.msg.push(this.q.first(1));
      this.call.push(this.q.first(2));
      this.q.shift();
    }
    return this.tx.length;
  }

  clear(): void {
    this.q.clear();
    this.tx.length = 0;
    this.msg.length = 0;
    this.call.length = 0;
  }
}
