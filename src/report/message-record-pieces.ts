/**
 * The bytes a message record's JSON is made of (message-table.ts writes
 * them): its constant keys, and the literals of interned strings with their
 * keys, alone or as the one piece src, dst, transport and method (or status
 * and reason) make together, the few combinations a capture has.
 */
import { type JsonBytes, utf8Of } from './json-bytes.js';

const NONE = -1;

/** The record's constant pieces, as bytes (a key with the punctuation around it, merged where adjacent). */
export const K_ID = utf8Of('{"id":');
export const K_FIRST_ID = utf8Of('\n{"id":');
export const K_NEXT_ID = utf8Of(',\n{"id":');
export const K_FRAME = utf8Of(',"frame":');
export const K_TS = utf8Of(',"ts":');
export const K_SRC = utf8Of(',"src":');
export const K_DST = utf8Of(',"dst":');
export const K_TRANSPORT = utf8Of(',"transport":');
export const K_METHOD = utf8Of(',"method":');
export const K_STATUS = utf8Of(',"status":');
export const K_REASON = utf8Of(',"reason":');
export const K_CALL_ID = utf8Of(',"callId":');
export const K_CALL_ID_NULL = utf8Of(',"callId":null');
export const K_CSEQ = utf8Of(',"cseq":');
export const K_CSEQ_NULL = utf8Of(',"cseq":null');
export const K_CSEQ_METHOD = utf8Of(',"cseqMethod":');
export const K_CSEQ_METHOD_NULL = utf8Of(',"cseqMethod":null');
export const K_FROM_TAG = utf8Of(',"fromTag":');
export const K_FROM_TAG_NULL = utf8Of(',"fromTag":null');
export const K_TO_TAG = utf8Of(',"toTag":');
export const K_TO_TAG_NULL = utf8Of(',"toTag":null');
export const K_BRANCH = utf8Of(',"branch":');
export const K_BRANCH_NULL = utf8Of(',"branch":null');
export const K_TRANSACTION = utf8Of(',"transaction":');
export const K_TRANSACTION_NULL = utf8Of(',"transaction":null');
export const K_DIALOG = utf8Of(',"dialog":');
export const K_DIALOG_NULL = utf8Of(',"dialog":null');
export const K_CALL = utf8Of(',"call":');
export const K_CALL_NULL = utf8Of(',"call":null');
export const K_RETRANSMITTED = utf8Of(',"retransmission":true');
export const K_NOT_RETRANSMITTED = utf8Of(',"retransmission":false');
/** The usual end of a record: not a retransmission, not malformed, one frame. */
export const K_NOT_RETRANSMITTED_END = utf8Of(',"retransmission":false}');
export const K_MALFORMED = utf8Of(',"malformed":true');
export const END = utf8Of('}');

/** Fields whose value is an interned string, as indexes of `MessageTable.keyed`. */
export const F_SRC = 0;
export const F_DST = 1;
export const F_TRANSPORT = 2;
export const F_METHOD = 3;
export const F_REASON = 4;
export const F_CSEQ_METHOD = 5;
export const FIELD_KEYS = [K_SRC, K_DST, K_TRANSPORT, K_METHOD, K_REASON, K_CSEQ_METHOD];
/** writeShape's cache: slots - 1 (a power of two) and numbers per slot. */
export const SHAPE_MASK = 255;
export const SHAPE_FIELDS = 6;

/** The literals of interned strings with their keys, made on first use, and the combination cache. */
export class RecordPieces {
  /** Per field (F_*), the bytes of `,"key":` and a string's literal. */
  private readonly made: Uint8Array[][] = FIELD_KEYS.map(() => []);
  /** writeShape's cache: per slot, the SHAPE_FIELDS numbers it holds (-2: none) and their bytes once made. */
  private readonly shapeKeys = new Int32Array((SHAPE_MASK + 1) * SHAPE_FIELDS).fill(-2);
  private readonly shapeLiterals: Array<Uint8Array | null> = new Array(SHAPE_MASK + 1).fill(null);

  /** `literals`: the JSON literal of each interned string, by index (grows as strings are interned). */
  constructor(private readonly literals: readonly Uint8Array[]) {}

  /**
   * src, dst, transport and method (or status and reason): few distinct
   * combinations, each written as one piece once seen twice in a row at its
   * slot of a small direct-mapped cache (a capture with endless combinations
   * makes no garbage: the fields go one by one then).
   */
  writeShape(
    w: JsonBytes,
    src: number,
    dst: number,
    transport: number,
    method: number,
    reason: number,
    status: number,
  ): void {
    const h = (src * 7 + dst * 31 + transport * 127 + method * 5 + reason * 13 + status) & SHAPE_MASK;
    const keys = this.shapeKeys;
    const at = h * SHAPE_FIELDS;
    if (
      keys[at] === src &&
      keys[at + 1] === dst &&
      keys[at + 2] === transport &&
      keys[at + 3] === method &&
      keys[at + 4] === reason &&
      keys[at + 5] === status
    ) {
      let lit = this.shapeLiterals[h];
      if (lit === null) {
        const pieces = [this.keyed(F_SRC, src), this.keyed(F_DST, dst), this.keyed(F_TRANSPORT, transport)];
        if (method !== NONE) pieces.push(this.keyed(F_METHOD, method));
        else pieces.push(utf8Of(`,"status":${status}`), this.keyed(F_REASON, reason));
        lit = new Uint8Array(Buffer.concat(pieces));
        this.shapeLiterals[h] = lit;
      }
      w.rawLong(lit);
      return;
    }
    keys[at] = src;
    keys[at + 1] = dst;
    keys[at + 2] = transport;
    keys[at + 3] = method;
    keys[at + 4] = reason;
    keys[at + 5] = status;
    this.shapeLiterals[h] = null;
    w.rawLong(this.keyed(F_SRC, src));
    w.rawLong(this.keyed(F_DST, dst));
    w.rawLong(this.keyed(F_TRANSPORT, transport));
    if (method !== NONE) w.rawLong(this.keyed(F_METHOD, method));
    else {
      w.raw(K_STATUS);
      w.plain(status);
      w.rawLong(this.keyed(F_REASON, reason));
    }
  }

  /** `,"key":` of field `f` and the literal of string `k`, as bytes. */
  keyed(f: number, k: number): Uint8Array {
    const made = this.made[f];
    if (k < made.length) return made[k];
    while (made.length <= k) {
      const lit = this.literals[made.length];
      const key = FIELD_KEYS[f];
      const b = new Uint8Array(key.length + lit.length);
      b.set(key);
      b.set(lit, key.length);
      made.push(b);
    }
    return made[k];
  }
}
