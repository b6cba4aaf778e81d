/**
 * The hot index of live transactions: only transactions that can still see a
 * message are in it. A transaction leaves it when it terminates (its RFC
 * lifetime in capture time has passed, see `timers.ts`), so the index follows
 * the number of concurrent transactions, not the size of the capture.
 *
 * RFC 3261 transactions are filed under their branch (unique "across space
 * and time", §8.1.1.7), RFC 2543 ones under their Call-ID. The few
 * transactions sharing an entry (an INVITE and its CANCEL, a 2xx ACK reusing
 * the branch, the same branch from another sent-by) are chained through
 * `Tx.next`, newest first, and told apart by `keyMatchesInIndex`.
 */
import type { Tx } from './model.js';
import { indexOf, keyMatchesInIndex, type TransactionKey } from './transaction-key.js';

export class TransactionTable {
  private readonly byBranch = new Map<string, Tx>();
  private readonly byCallId = new Map<string, Tx>();
  private count = 0;

  /** Live transactions in the index. */
  get size(): number {
    return this.count;
  }

  find(k: TransactionKey): Tx | undefined {
    // Newest first: a reused branch (broken peers) matches the latest transaction.
    for (
      let t = (k.rfc2543 ? this.byCallId : this.byBranch).get(indexOf(k));
      t !== undefined;
      t = t.next ?? undefined
    )
      if (keyMatchesInIndex(t, k)) return t;
    return undefined;
  }

  add(tx: Tx): void {
    if (tx.hot) throw new Error(`transaction ${tx.rec.id} is already in the table`);
    const map = tx.rfc2543 ? this.byCallId : this.byBranch;
    const idx = indexOf(tx);
    tx.next = map.get(idx) ?? null;
    map.set(idx, tx);
    tx.hot = true;
    this.count++;
  }

  /** Forgets every transaction (end of input). */
  clear(): void {
    for (const map of [this.byBranch, this.byCallId]) {
      for (const head of map.values()) {
        for (let t: Tx | null = head; t !== null; t = t.next) t.hot = false;
      }
      map.clear();
    }
    this.count = 0;
  }

  remove(tx: Tx): void {
    if (!tx.hot) return;
    const map = tx.rfc2543 ? this.byCallId : this.byBranch;
    const idx = indexOf(tx);
    const head = map.get(idx);
    if (head === tx) {
      if (tx.next === null) map.delete(idx);
      else map.set(idx, tx.next);
    } else {
      let t = head;
      while (t !== undefined && t.next !== tx) t = t.next ?? undefined;
      if (t === undefined) throw new Error(`transaction ${tx.rec.id} is marked hot but not indexed`);
      t.next = tx.next;
    }
    tx.next = null;
    tx.hot = false;
    this.count--;
  }
}
