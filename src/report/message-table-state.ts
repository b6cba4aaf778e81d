/**
 * A MessageTable's content as plain data, to hand the table to another
 * thread (the `messages[]` of `analyze --json` is written by a worker while
 * the main thread writes the rest: cli/messages-worker.ts). The typed arrays
 * are moved in the postMessage transfer list, not copied; the rest (a few
 * dozen distinct strings, the rare frame lists and non-latin1 values) is
 * cloned.
 */

export interface MessageTableState {
  length: number;
  /**
   * Each array named as the MessageTable field it was; per message (sized to
   * the table's capacity, not `length`), except `arena` (bytes of the text spans).
   */
  columns: {
    frame: Int32Array;
    ts: Float64Array;
    cseq: Float64Array;
    src: Int32Array;
    dst: Int32Array;
    transport: Int32Array;
    method: Int32Array;
    reason: Int32Array;
    cseqMethod: Int32Array;
    status: Int32Array;
    transaction: Int32Array;
    dialog: Int32Array;
    call: Int32Array;
    flags: Uint8Array;
    spans: Int32Array;
    arena: Uint8Array;
  };
  /** Bytes of `arena` in use. */
  used: number;
  wide: Map<number, string>;
  frameLists: Map<number, number[]>;
  strings: string[];
}

/** The buffers to list in postMessage's transfer list with `s` (moved, not copied). */
export function transferListOf(s: MessageTableState): ArrayBuffer[] {
  return Object.values(s.columns).map((a) => a.buffer as ArrayBuffer);
}
