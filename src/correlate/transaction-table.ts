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
 *
 * A parked call's transactions (correlator.ts `park`) leave the index: each
 * entry that held only transactions of that call names the call instead,
 * and a lookup or an insert under it wakes the call (`waker`), which puts its
 * transactions back as they were (`restore`) before the lookup goes on.
 */
import type { CallNode, Tx } from './model.js';
import { indexOf, keyMatchesInIndex, type TransactionKey } from './transaction-key.js';

type Entry = Tx | CallNode;

export class TransactionTable {
  private readonly byBranch = new Map<string, Entry>();
  private readonly byCallId = new Map<string, Entry>();
  private count = 0;
  private parkedTxs = 0;
  /** Wakes a parked call found under a looked-up entry (it puts its transactions back with `restore`). */
  waker: ((n: CallNode) => void) | null = null;

  /** Live transactions in the index, those of parked calls included. */
  get size(): number {
    return this.count + this.parkedTxs;
  }

  find(k: TransactionKey): Tx | undefined {
    const map = k.rfc2543 ? this.byCallId : this.byBranch;
    const idx = indexOf(k);
    // Newest first: a reused branch (broken peers) matches the latest transaction.
    for (let t = this.head(map, idx); t !== undefined; t = t.next ?? undefined)
      if (keyMatchesInIndex(t, k)) return t;
    return undefined;
  }

  /** The chain under `idx`, its parked call woken first. */
  private head(map: Map<string, Entry>, idx: string): Tx | undefined {
    const e = map.get(idx);
    if (e === undefined || e.tk === 0) return e;
    const wake = this.waker;
    if (wake === null) throw new Error('a parked call with no waker');
    wake(e);
    const t = map.get(idx);
    if (t !== undefined && t.tk !== 0)
      throw new Error(`call ${e.rec.id} woke without restoring its transactions`);
    return t;
  }

  /** Can the hot transactions of `n` leave the index: does each share its entry only with others of `n`? */
  canPark(n: CallNode): boolean {
    for (const tx of n.txs) {
      if (!tx.hot) continue;
      const e = (tx.rfc2543 ? this.byCallId : this.byBranch).get(indexOf(tx));
      if (e === undefined || e.tk !== 0) return false;
      for (let t: Tx | null = e; t !== null; t = t.next) if (t.call !== n) return false;
    }
    return true;
  }

  /** Takes the hot transactions of a call being parked (`canPark`) out of the index; their entries name the call. */
  park(n: CallNode, txs: readonly Tx[]): void {
    for (const tx of txs) {
      const map = tx.rfc2543 ? this.byCallId : this.byBranch;
      map.set(indexOf(tx), n);
      tx.next = null;
      tx.hot = false;
      this.count--;
      this.parkedTxs++;
    }
  }

  /** Puts back the transactions `park` took (new objects, the same keys): chains run newest (highest id) first. */
  restore(txs: readonly Tx[]): void {
    // Oldest first, each on top of the chain.
    for (const tx of txs) {
      const map = tx.rfc2543 ? this.byCallId : this.byBranch;
      const idx = indexOf(tx);
      const e = map.get(idx);
      tx.next = e === undefined || e.tk !== 0 ? null : e;
      map.set(idx, tx);
      tx.hot = true;
      this.count++;
      this.parkedTxs--;
    }
  }

  add(tx: Tx): void {
    if (tx.hot) throw new Error(`transaction ${tx.rec.id} is already in the table`);
    const map = tx.rfc2543 ? this.byCallId : this.byBranch;
    const idx = indexOf(tx);
    tx.next = this.head(map, idx) ?? null;
    map.set(idx, tx);
    tx.hot = true;
    this.count++;
  }

  /** Forgets every transaction (end of input). */
  clear(): void {
    for (const map of [this.byBranch, this.byCallId]) {
      for (const head of map.values()) {
        if (head.tk !== 0) continue;
        for (let t: Tx | null = head; t !== null; t = t.next) t.hot = false;
      }
      map.clear();
    }
    this.count = 0;
    this.parkedTxs = 0;
  }

  remove(tx: Tx): void {
    if (!tx.hot) return;
    const map = tx.rfc2543 ? this.byCallId : this.byBranch;
    const idx = indexOf(tx);
    const head = map.get(idx) as Tx | undefined;
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
