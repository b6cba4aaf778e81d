/**
 * A live pipeline (src/live/live-pipeline.ts) written into a rolling window
 * (window.ts) as the traffic comes:
 *
 * - each message as it arrives, with the call and dialog known then, its
 *   bytes copied (the frame it came in is not kept);
 * - each finding as it is found;
 * - the calls messages touched, a few times a second (`flush()`, with their
 *   state as of now: a call in progress shows `ringing`, then `in-call`);
 * - each call once the pipeline hands it out as over, with its transactions
 *   and dialogs, and the final call and dialog of its messages (a later link
 *   merged two calls, a 2xx confirmed one dialog of a fork) — the view
 *   report/analyze-capture.ts `assignFinal` gives a file, per call;
 * - each RTP stream once the pipeline hands it out (idle a minute, or the
 *   capture stopped), with its call, while the window holds that call: one
 *   without a call, or for a call already evicted, is not kept.
 *
 * The sink hears every row written (the server batches them into socket.io
 * `message:new` and `call:update`). The feed also counts what the capture's
 * `stats` show for the whole session (not only what the window still holds).
 */
import type { CallFinalDetail } from '../correlate/correlator.js';
import type { CallRecord, DialogRecord } from '../correlate/model.js';
import type { LiveMessage, LivePipeline } from '../live/live-pipeline.js';
import type { RtpStreamRecord } from '../media/media-tracker.js';
import { callJson, dialogJson, transactionJson } from '../report/model-json.js';
import { messageFields } from './message-fields.js';
import type {
  AnalysisStats,
  CallJson,
  CallRow,
  DialogRow,
  Finding,
  MessageRow,
  TransactionRow,
} from './rows.js';
import type { MessageUpdate } from './store.js';
import type { RollingWindow } from './window.js';

export interface WindowFeedSink {
  /** A message was written (new). */
  message?(row: MessageRow): void;
  /** A call's row was written (an update while in progress, or its final row, or a stream of it ended). */
  call?(row: CallRow): void;
}

/** Distinct methods and status codes counted by name; more go under OTHER_KEY (methods are open strings: a scanner can send any). */
export const MAX_STAT_KEYS = 256;
export const OTHER_KEY = '(other)';

export class WindowFeed {
  /** Without a prototype: the keys are methods from the capture (`toString`, `__proto__` are tokens too). */
  private readonly requests: Record<string, number> = Object.create(null);
  private readonly responses: Record<string, number> = Object.create(null);
  private maxTransaction = -1;
  private maxDialog = -1;
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly pipeline: LivePipeline,
    readonly window: RollingWindow,
    private readonly sink: WindowFeedSink = {},
  ) {
    const onMessage = (m: LiveMessage) => this.message(m);
    const onFinding = (f: Finding) => this.window.addFinding(f);
    const onCall = (c: CallRecord, d: CallFinalDetail) => this.callFinal(c, d);
    const onStream = (st: RtpStreamRecord) => this.stream(st);
    pipeline.takeUpdatedCalls(); // starts the pipeline's tracking of touched calls
    pipeline.on('message', onMessage).on('finding', onFinding).on('call', onCall).on('stream', onStream);
    this.off.push(
      () => pipeline.off('message', onMessage),
      () => pipeline.off('finding', onFinding),
      () => pipeline.off('call', onCall),
      () => pipeline.off('stream', onStream),
    );
  }

  /** Writes the calls in progress that messages touched since the last flush (a few times a second). */
  flush(): void {
    if (this.off.length === 0) return;
    for (const rec of this.pipeline.takeUpdatedCalls()) this.putCall(rec, false);
  }

  /** Stops listening to the pipeline (and `flush()` writes nothing more). */
  close(): void {
    for (const f of this.off.splice(0)) f();
  }

  /** The session so far as the JSON contract's `stats`: every message and call seen, not only those held. */
  stats(): AnalysisStats {
    const s = this.pipeline.stats();
    return {
      frames: s.frames + s.payloads,
      sipMessages: s.messages,
      requests: { ...this.requests },
      responses: { ...this.responses },
      retransmissions: s.retransmissions,
      transactions: this.maxTransaction + 1,
      dialogs: this.maxDialog + 1,
      calls: s.calls + s.activeCalls,
      findings: s.findings,
      findingsBySeverity: s.findingsBySeverity,
      decodeErrors: s.decodeErrors,
      malformed: s.malformed,
    };
  }

  private message(m: LiveMessage): void {
    const input = messageFields(m.msg, m.id, m.correlation);
    input.raw = m.msg.raw.slice();
    const row = input.row;
    if (row.method !== undefined) count(this.requests, row.method);
    else if (row.status !== undefined) count(this.responses, String(row.status));
    const c = m.correlation;
    if (c.transaction > this.maxTransaction) this.maxTransaction = c.transaction;
    if (c.dialog !== null && c.dialog > this.maxDialog) this.maxDialog = c.dialog;
    this.window.addMessage(input);
    this.sink.message?.(row);
  }

  private callFinal(call: CallRecord, detail: CallFinalDetail): void {
    const w = this.window;
    w.putTransactions(
      detail.transactions.map((t) => JSON.parse(transactionJson(t)) as TransactionRow),
      call.id,
    );
    w.putDialogs(
      detail.dialogs.map((d) => JSON.parse(dialogJson(d)) as DialogRow),
      call.id,
    );
    const updates = finalAssignment(call, detail.dialogs, (id) => w.getMessage(id)?.row);
    if (updates.length > 0) w.updateMessages(updates);
    this.putCall(call, true);
  }

  /**
   * A finished stream goes under its call while the window holds the call's
   * row (not for one evicted, whose slot would come back empty); the sink
   * hears the call again, so a browser showing it reloads its streams.
   */
  private stream(st: RtpStreamRecord): void {
    if (st.call === null) return;
    const w = this.window;
    if (w.callRow(st.call) === undefined) return;
    w.addStreams([st]);
    const out = w.callRow(st.call);
    if (out !== undefined) this.sink.call?.(out);
  }

  private putCall(rec: CallRecord, final: boolean): void {
    const row = JSON.parse(callJson(rec)) as CallJson;
    this.window.putCall(row, final);
    const out = this.window.callRow(row.id);
    if (out !== undefined) this.sink.call?.(out);
  }
}

function count(into: Record<string, number>, key: string): void {
  if (into[key] !== undefined) into[key]++;
  else if (Object.keys(into).length < MAX_STAT_KEYS) into[key] = 1;
  else into[OTHER_KEY] = (into[OTHER_KEY] ?? 0) + 1;
}

/**
 * The messages of a finished call whose call or dialog differs from what
 * they were written with (report/analyze-capture.ts `assignFinal`, for one
 * call): every message belongs to the call's final record; a message in
 * several of its dialogs belongs to the first one, unless a later one was
 * confirmed and that one never was (the 2xx picked a dialog of a fork).
 * `held` gives the row as written (undefined: not held any more, skipped).
 */
export function finalAssignment(
  call: CallRecord,
  dialogs: readonly DialogRecord[],
  held: (id: number) => Pick<MessageRow, 'call' | 'dialog'> | undefined,
): MessageUpdate[] {
  const byId = new Map<number, DialogRecord>();
  for (const d of dialogs) byId.set(d.id, d);
  const dialogOf = new Map<number, number | null>();
  for (const d of [...dialogs].sort((a, b) => a.id - b.id)) {
    for (const id of d.messages) {
      const cur = dialogOf.has(id) ? dialogOf.get(id)! : held(id)?.dialog;
      if (cur === undefined) continue;
      if (
        cur === null ||
        (d.state !== 'early' && d.confirmedAt !== null && byId.get(cur)?.confirmedAt === null)
      )
        dialogOf.set(id, d.id);
    }
  }
  const out: MessageUpdate[] = [];
  for (const id of call.messages) {
    const row = held(id);
    if (row === undefined) continue;
    const dialog = dialogOf.has(id) ? dialogOf.get(id)! : row.dialog;
    if (row.call !== call.id || dialog !== row.dialog) out.push({ id, call: call.id, dialog });
  }
  return out;
}
