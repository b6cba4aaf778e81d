/**
 * Writes the analysis as the JSON document of DESIGN.md, one array element per
 * line so a big capture is never one giant string in memory, straight into
 * bytes (report/json-bytes.ts).
 */
import type { AnalysisResult } from '../report/analyze-capture.js';
import { JsonBytes } from '../report/json-bytes.js';
import { writeCall, writeDialog, writeTransaction } from '../report/model-json.js';

/** Hands the text to a `write(string)` callback, piece by piece. */
class TextSink extends JsonBytes {
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly write: (s: string) => void) {
    super(1 << 16);
  }

  protected drain(bytes: Uint8Array): void {
    // stream: a UTF-8 sequence cut at the buffer's end is completed by the next piece.
    this.write(this.decoder.decode(bytes, { stream: true }));
  }

  end(): void {
    this.flush();
    const rest = this.decoder.decode();
    if (rest !== '') this.write(rest);
  }
}

/** `out`: a JsonBytes (the CLI's Output), or a callback given the text piece by piece. */
export function writeJsonReport(r: AnalysisResult, out: JsonBytes | ((s: string) => void)): void {
  const w = out instanceof JsonBytes ? out : new TextSink(out);
  w.text(`{"source":${JSON.stringify(r.source)},\n"stats":${JSON.stringify(r.stats)},\n`);
  w.ascii('"messages":[');
  const n = r.messages.length;
  for (let i = 0; i < n; i++) {
    w.ascii(i ? ',\n' : '\n');
    r.messages.writeJson(i, w);
  }
  w.ascii(n ? '\n]' : ']');
  w.ascii(',\n');
  writeArray('transactions', r.transactions, w, writeTransaction);
  w.ascii(',\n');
  writeArray('dialogs', r.dialogs, w, writeDialog);
  w.ascii(',\n');
  writeArray('calls', r.calls, w, writeCall);
  w.ascii(',\n');
  writeArray('findings', r.findings, w, (w, f) => w.text(JSON.stringify(f)));
  w.text(`,\n"warnings":${JSON.stringify(r.warnings)}}\n`);
  if (w instanceof TextSink) w.end();
}

function writeArray<T>(
  name: string,
  items: readonly T[],
  w: JsonBytes,
  write: (w: JsonBytes, item: T) => void,
): void {
  w.ascii(`"${name}":[`);
  for (let i = 0; i < items.length; i++) {
    w.ascii(i ? ',\n' : '\n');
    write(w, items[i]);
  }
  w.ascii(items.length ? '\n]' : ']');
}
