/**
 * A message as the JSON contract of `sipscope analyze --json` shows it
 * (DESIGN.md "The analyze command's JSON"). Correlation fields are filled by
 * the correlator; they stay null where it has not run.
 */

export interface MessageRecord {
  id: number;
  frame: number;
  /** Extension, a capture merged from several files only: the file (0-based, source.files) `frame` came from. */
  file?: number;
  /** Extension, with `file`: the number of `frame` in that file (1-based, as Wireshark numbers it there). */
  fileFrame?: number;
  ts: number;
  src: string;
  dst: string;
  transport: string;
  method?: string;
  status?: number;
  reason?: string;
  callId: string | null;
  cseq: number | null;
  cseqMethod: string | null;
  fromTag: string | null;
  toTag: string | null;
  branch: string | null;
  transaction: number | null;
  dialog: number | null;
  call: number | null;
  retransmission: boolean;
  /** Extension of the contract: the message has syntax errors (kept, shown raw, flagged). */
  malformed: boolean;
  /** Extension: every frame that carried bytes of the message. */
  frames: number[];
}
