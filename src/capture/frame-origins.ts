/**
 * Where each frame of a merged capture (merge-captures.ts) came from: its
 * file (0-based, in argument order) and its number in that file, by its
 * number in the merged stream. Kept as runs — merged frames that follow one
 * another in one file — so that files rotated one after the other cost one
 * run each; files captured side by side cost a run each time the merge
 * switches file (12 bytes a run).
 */

/** A merged frame's place: `file` its index in the argument list, `frame` its 1-based number there. */
export interface FrameOrigin {
  file: number;
  frame: number;
}

const FIELDS = 3; // merged start, file, file frame of the run's first frame

export class FrameOrigins {
  private runs = new Uint32Array(FIELDS * 16);
  private count = 0;
  /** The last merged frame noted, and its file and file number (for extending the run). */
  private lastNo = 0;
  private lastFile = -1;
  private lastFileNo = 0;

  /** Merged frame `no` (each one after the last) is frame `fileNo` of file `file`. */
  note(no: number, file: number, fileNo: number): void {
    if (no !== this.lastNo + 1) throw new Error(`FrameOrigins: frame ${no} noted after ${this.lastNo}`);
    if (file !== this.lastFile || fileNo !== this.lastFileNo + 1) {
      if ((this.count + 1) * FIELDS > this.runs.length) {
        const grown = new Uint32Array(this.runs.length * 2);
        grown.set(this.runs);
        this.runs = grown;
      }
      const at = this.count * FIELDS;
      this.runs[at] = no;
      this.runs[at + 1] = file;
      this.runs[at + 2] = fileNo;
      this.count++;
    }
    this.lastNo = no;
    this.lastFile = file;
    this.lastFileNo = fileNo;
  }

  /** How many runs the merge made (1 per file for files rotated one after the other). */
  get runCount(): number {
    return this.count;
  }

  /** Where merged frame `no` came from (undefined: not a frame of the merge). */
  of(no: number): FrameOrigin | undefined {
    if (!Number.isInteger(no) || no < 1 || no > this.lastNo) return undefined;
    // The last run starting at or before `no`.
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[mid * FIELDS] <= no) lo = mid;
      else hi = mid - 1;
    }
    const at = lo * FIELDS;
    return { file: this.runs[at + 1], frame: this.runs[at + 2] + (no - this.runs[at]) };
  }
}
