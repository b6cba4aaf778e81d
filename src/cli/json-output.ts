/**
 * Writes the analysis as the JSON document of DESIGN.md, one array element per
 * line so a big capture is never one giant string in memory, straight into
 * bytes (report/json-bytes.ts).
 *
 * On a machine with a CPU to spare (`minCpus`), a big capture's `messages`
 * array is written by a worker thread
 * (cli/messages-worker.ts) straight to stdout while this thread renders the
 * rest of the document into memory, written once the worker is done: the two
 * halves cost about the same, and the main thread's copy of the table is not
 * needed any more. The bytes are the same either way.
 */
import type { AnalysisResult } from '../report/analyze-capture.js';
import { JsonBytes } from '../report/json-bytes.js';
import { writeCall, writeDialog, writeTransaction } from '../report/model-json.js';
import { tlsJson } from '../tls/tls-json.js';
import type { MessagesWorker } from './messages-writer.js';
import type { Output } from './output.js';

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
  writeHead(r, w);
  r.messages.writeJsonArray(w);
  new Tail(r).write(w);
  if (w instanceof TextSink) w.end();
}

export interface ParallelJsonOptions {
  /**
   * Start a worker only with at least this many CPUs (default 3): the main
   * thread, V8's helper thread (the command's `--v8-pool-size=1`: the
   * optimizing compiler and the garbage collector's helpers, ~0.9 s of CPU on
   * the 20,000-call bench) and the worker each need one. On 2 vCPUs the
   * worker's writing slowed the main thread by about as much as it took off
   * it: on the 20,000-call bench (2026-11-25) one thread was faster in four
   * sets of 8–12 alternating runs, its median by 65, 74, 3 and 57 ms (~2.5%).
   */
  minCpus: number;
  /** Start a worker for `messages` when the capture file has at least this many bytes (default 4 MiB). */
  minFileBytes: number;
  /** Use it when the analysis has at least this many messages (default 16,384); else write on one thread. */
  minMessages: number;
  /**
   * Bytes of the document after `messages` held in memory while the worker
   * writes (default 64 MiB: a 200k-call capture's would be ~300 MB); past
   * that, the rest waits for the worker and goes out directly.
   */
  maxHeldBytes: number;
}

export const PARALLEL_JSON: Readonly<ParallelJsonOptions> = {
  minCpus: 3,
  minFileBytes: 4 << 20,
  minMessages: 16384,
  maxHeldBytes: 64 << 20,
};

/**
 * `writeJsonReport(r, out)`, with `messages` written by `worker` when it
 * pays (`o.minMessages`) and `out` writes to a file descriptor; the worker is
 * let go otherwise. `r.messages` is empty afterwards when the worker wrote it.
 */
export async function writeJsonReportInParallel(
  r: AnalysisResult,
  out: Output,
  worker: MessagesWorker,
  o: Pick<ParallelJsonOptions, 'minMessages' | 'maxHeldBytes'> = PARALLEL_JSON,
): Promise<void> {
  if (out.fd === null || r.messages.length < o.minMessages || !(await worker.ready())) {
    worker.dispose();
    writeJsonReport(r, out);
    return;
  }
  writeHead(r, out);
  // Everything before `messages` is written before the worker's first byte.
  out.flush();
  const messages = worker.write(r.messages, out.fd);
  const held = new HeldBytes();
  const tail = new Tail(r);
  const full = () => held.size > o.maxHeldBytes;
  const finished = tail.write(held, full);
  if ((await messages) === 'epipe') process.exit(0);
  held.writeTo(out);
  if (!finished) tail.write(out);
}

function writeHead(r: AnalysisResult, w: JsonBytes): void {
  w.text(`{"source":${JSON.stringify(r.source)},\n"stats":${JSON.stringify(r.stats)},\n`);
  w.ascii('"messages":');
}

/**
 * The document after `messages`: the other arrays and the warnings, written
 * item by item so the writing can stop (a memory budget) and resume.
 */
class Tail {
  private readonly sections: Array<{ name: string; length: number; write(w: JsonBytes, i: number): void }>;
  private section = 0;
  /** Next item of the current section; -1 before its opening. */
  private item = -1;

  constructor(private readonly r: AnalysisResult) {
    this.sections = [
      {
        name: 'transactions',
        length: r.transactions.length,
        write: (w, i) => writeTransaction(w, r.transactions[i]),
      },
      { name: 'dialogs', length: r.dialogs.length, write: (w, i) => writeDialog(w, r.dialogs[i]) },
      {
        name: 'calls',
        length: r.calls.length,
        write: (w, i) => writeCall(w, r.calls[i], r.dtmf.get(r.calls[i].id)),
      },
      { name: 'findings', length: r.findings.length, write: (w, i) => w.text(JSON.stringify(r.findings[i])) },
      { name: 'streams', length: r.streams.length, write: (w, i) => w.text(JSON.stringify(r.streams[i])) },
    ];
  }

  /** Writes the rest into `w`; returns false, to be called again, when `stop` said so before an item. */
  write(w: JsonBytes, stop?: () => boolean): boolean {
    for (; this.section < this.sections.length; this.section++, this.item = -1) {
      const s = this.sections[this.section];
      if (this.item < 0) {
        w.ascii(`,\n"${s.name}":[`);
        this.item = 0;
      }
      for (; this.item < s.length; this.item++) {
        if (stop?.()) return false;
        w.ascii(this.item ? ',\n' : '\n');
        s.write(w, this.item);
      }
      w.ascii(s.length ? '\n]' : ']');
    }
    const tls = tlsJson(this.r.tls);
    if (tls !== null) w.text(`,\n"tls":${JSON.stringify(tls)}`);
    w.text(`,\n"warnings":${JSON.stringify(this.r.warnings)}}\n`);
    return true;
  }
}

/** Bytes kept in memory, in 1 MiB pieces (each filled buffer is kept as it is, a fresh one takes its place). */
class HeldBytes extends JsonBytes {
  private readonly pieces: Uint8Array[] = [];
  private kept = 0;

  constructor() {
    super(1 << 20);
  }

  protected drain(b: Uint8Array): void {
    // Not zero-filled (every byte kept is written first), and a plain Uint8Array as the first
    // buffer is: a Buffer would give the writing code a second kind of array to handle.
    if (b.buffer === this.buf.buffer)
      this.buf = new Uint8Array(Buffer.allocUnsafeSlow(this.buf.length).buffer);
    else b = new Uint8Array(b);
    this.pieces.push(b);
    this.kept += b.length;
  }

  /** Bytes held, the buffer's included. */
  get size(): number {
    return this.kept + this.pos;
  }

  /** Hands everything held to `w`, in order, and forgets it. */
  writeTo(w: JsonBytes): void {
    this.flush();
    for (const p of this.pieces) w.bytes(p);
    this.pieces.length = 0;
    this.kept = 0;
  }
}
