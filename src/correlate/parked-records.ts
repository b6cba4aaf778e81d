/**
 * Records kept by id for the rules while their call may be parked
 * (correlator.ts `parkAfter`): analyze-to-store's windows, the live
 * pipeline's maps. A parked call's records are replaced by a handle that
 * names the call (so that the parked objects can go), and a read through
 * `awake` wakes the call, whose `onWake` puts the records back.
 */
import type { CorrelatorOptions } from './correlator.js';
import type { DialogRecord, TransactionRecord } from './model.js';

/**
 * Seconds without a message after which a call is parked, for uploads and
 * live alike (an ended call is parked at once): an ended call waits 32 s of
 * capture time for late copies (timers.ts); at 1,000 calls/s that holds
 * ~33,000 of them flat instead of as objects (README "Big captures").
 */
export const DEFAULT_PARK_AFTER = 1;

/** What a parked call's records are replaced by. */
export class ParkedRef {
  constructor(readonly call: number) {}
}

/** Records by id (a Map, an IdWindow). */
export interface RecordsById<T> {
  get(id: number): T | ParkedRef | undefined;
  set(id: number, value: T | ParkedRef): void;
}

/** The correlator hooks that keep `txs` and `dialogs` in step with parking: only ids held are touched. */
export function parkingHooks(
  txs: RecordsById<TransactionRecord>,
  dialogs: RecordsById<DialogRecord>,
): Required<Pick<CorrelatorOptions, 'onPark' | 'onWake'>> {
  return {
    onPark(call, txIds, dialogIds) {
      const p = new ParkedRef(call);
      for (const id of txIds) if (txs.get(id) !== undefined) txs.set(id, p);
      for (const id of dialogIds) if (dialogs.get(id) !== undefined) dialogs.set(id, p);
    },
    onWake(ts, ds) {
      for (const t of ts) if (txs.get(t.id) !== undefined) txs.set(t.id, t);
      for (const d of ds) if (dialogs.get(d.id) !== undefined) dialogs.set(d.id, d);
    },
  };
}

/** The record held for `id`, its call woken first when it is parked. */
export function awake<T>(records: RecordsById<T>, id: number, wake: (call: number) => void): T | undefined {
  const r = records.get(id);
  if (!(r instanceof ParkedRef)) return r;
  wake(r.call);
  const w = records.get(id);
  return w instanceof ParkedRef ? undefined : w;
}
