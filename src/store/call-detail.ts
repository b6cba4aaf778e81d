/**
 * A call with everything in it (the API's `GET …/calls/:callId`), put
 * together the same way by every store that keeps rows in memory: the call's
 * messages in capture order, and the transactions and dialogs they belong to
 * (or the call lists), in id order, and its RTP streams by id.
 */
import type { RtpStreamRecord } from '../media/media-tracker.js';
import type { CallRow, DialogRow, Finding, MessageRow, TransactionRow } from './rows.js';
import type { CallDetail } from './store.js';

export function assembleCallDetail(
  call: CallRow,
  messageRow: (id: number) => MessageRow | undefined,
  transactions: ReadonlyMap<number, TransactionRow>,
  dialogs: ReadonlyMap<number, DialogRow>,
  findings: Finding[],
  /** The call's streams, any order. */
  streams: readonly RtpStreamRecord[],
): CallDetail {
  const messages: MessageRow[] = [];
  const txIds = new Set<number>(call.transactions);
  const dialogIds = new Set<number>(call.dialogs);
  for (const m of call.messages) {
    const row = messageRow(m);
    if (row === undefined) continue;
    messages.push(row);
    if (row.transaction !== null) txIds.add(row.transaction);
    if (row.dialog !== null) dialogIds.add(row.dialog);
  }
  return {
    call,
    messages,
    transactions: pick(txIds, transactions),
    dialogs: pick(dialogIds, dialogs),
    findings,
    streams: [...streams].sort((a, b) => a.id - b.id),
  };
}

function pick<T>(ids: Set<number>, map: ReadonlyMap<number, T>): T[] {
  const out: T[] = [];
  for (const i of [...ids].sort((a, b) => a - b)) {
    const x = map.get(i);
    if (x !== undefined) out.push(x);
  }
  return out;
}
