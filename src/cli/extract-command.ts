/**
 * `sipscope extract FILE… -o OUT [filters]`: the frames of the calls the
 * filters choose, written to OUT as pcapng (sngrep's save of the filtered
 * dialogs, from a terminal): "every failed INVITE of this 500 MB capture" as
 * a file small enough to mail. Several files are one capture merged by time
 * (capture/merge-captures.ts): the chosen frames of all, in merged order,
 * their times moved by `--time-shift` as analyze's are. The filters are the
 * call list's (server/API.md "Calls"), parsed by the same code, so they mean
 * here what they mean in the web UI and the API. SIP over TLS: chosen by
 * what it carries when its keys are given, and written so that it can be
 * read decrypted (frame-export.ts: each connection whole up to the chosen
 * frames, and the key log lines of those sessions only, export-keys.ts).
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CaptureError } from '../capture/frame.js';
import { streamFrames } from '../capture/frame-export.js';
import { filesSource } from '../capture/frame-source.js';
import { parseTimeShifts } from '../capture/time-shift.js';
import { analyzeToStore } from '../store/analyze-to-store.js';
import { parseCallQuery } from '../store/call-query.js';
import { createMemoryStore } from '../store/memory-store.js';
import { readTlsKeyOptions } from '../tls/key-options.js';
import { rethrowNamingOutput } from './output-error.js';
import { parseCliArgs } from './parse-args.js';
import { termSafe, writeErr } from './term-safe.js';

/** The options of `extract` (each documented in help.ts: test/cli/help.test.ts). */
export const EXTRACT_OPTIONS = {
  out: { type: 'string', short: 'o' },
  search: { type: 'string', short: 'q' },
  kind: { type: 'string' },
  state: { type: 'string' },
  method: { type: 'string' },
  'with-findings': { type: 'boolean' },
  'without-findings': { type: 'boolean' },
  'tls-keylog': { type: 'string' },
  'tls-key': { type: 'string', multiple: true },
  'time-shift': { type: 'string', multiple: true },
} as const;

function parse(args: string[]) {
  return parseCliArgs({ args, allowPositionals: true, options: EXTRACT_OPTIONS });
}

function fail(line: string): number {
  writeErr(`sipscope extract: ${termSafe(line)}\n`);
  return 2;
}

/** What the file carries of (D)TLS: TLS connections whole, and the key log lines of the sessions it holds. */
function tlsNote(
  chosen: { connections: readonly unknown[] },
  counts: { keyLines: number; derived: number },
): string {
  const n = chosen.connections.length;
  const parts = n === 0 ? [] : [`${n} TLS connection${n === 1 ? '' : 's'} whole`];
  if (counts.keyLines > 0)
    parts.push(
      `${counts.keyLines} key log line${counts.keyLines === 1 ? '' : 's'}${counts.derived > 0 ? ` (${counts.derived} from the RSA key)` : ''}`,
    );
  return parts.length === 0 ? '' : `, ${parts.join(' and ')}`;
}

export async function runExtract(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    return fail((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length === 0)
    return fail('expects a capture FILE, or several (see sipscope extract --help)');
  // The frames are read again from the file after the analysis: a pipe cannot be read twice.
  if (positionals.includes('-')) return fail('reads a file, not standard input (its frames are read twice)');
  const timeShifts = parseTimeShifts(v['time-shift'], positionals);
  if (typeof timeShifts === 'string') return fail(timeShifts);
  const files = filesSource(positionals, timeShifts);
  const file = positionals[0];
  const outPath = v.out;
  if (outPath === undefined) return fail('needs -o OUT, the pcapng file to write');
  if (v['with-findings'] && v['without-findings'])
    return fail('--with-findings and --without-findings exclude each other');
  const params = new URLSearchParams();
  if (v.search !== undefined) params.set('q', v.search);
  if (v.kind !== undefined) params.set('kind', v.kind);
  if (v.state !== undefined) params.set('state', v.state);
  if (v.method !== undefined) params.set('method', v.method);
  if (v['with-findings']) params.set('hasFindings', 'true');
  if (v['without-findings']) params.set('hasFindings', 'false');
  const query = parseCallQuery(params);
  if (!query.ok) return fail(query.error);
  const tlsKeys = readTlsKeyOptions(v['tls-keylog'], v['tls-key']);
  if (typeof tlsKeys === 'string') return fail(tlsKeys);

  const store = createMemoryStore();
  try {
    let size = 0;
    for (const p of positionals) size += (await stat(p)).size;
    const c = await store.createCapture({ name: file, size, path: file });
    const analysed = await analyzeToStore(positionals, await store.openWriter(c.id), {
      ...tlsKeys,
      timeShifts,
    });
    const chosen = await store.callsFrames(c.id, query.query);
    if (chosen === undefined) throw new Error('the analysis left no capture');
    const out = createWriteStream(outPath);
    // A write that fails (disk full: ENOSPC, no path in the error) is the output's, not the capture's.
    const failed = once(out, 'error').then(([e]: NodeJS.ErrnoException[]) => rethrowNamingOutput(outPath)(e));
    // Raced below; an error after the last race must not go unhandled.
    failed.catch(() => undefined);
    const write = async (block: Uint8Array) => {
      if (!out.write(block)) await Promise.race([once(out, 'drain'), failed]);
    };
    const counts = { keyLines: 0, derived: 0 };
    const frames = await Promise.race([
      streamFrames(files, chosen.frames, write, chosen.streams, {
        connections: chosen.connections,
        keyLog: tlsKeys.tlsKeyLog,
        rsaKeys: tlsKeys.tlsRsaKeys,
        counts,
      }),
      failed,
    ]);
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    writeErr(
      `sipscope extract: ${chosen.calls} of ${(await store.queryCalls(c.id, { limit: 1 }))?.total ?? 0} calls, ${frames} frames${chosen.streams.length > 0 ? ` (with ${chosen.streams.length} RTP streams)` : ''}${tlsNote(chosen, counts)}, written to ${v.out}\n`,
    );
    // A file corrupt after good frames: what came before it is written, the error comes last.
    for (const e of analysed.errors) writeErr(`sipscope extract: ${e}\n`);
    return analysed.errors.length > 0 ? 2 : 0;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof CaptureError) return fail(e.message);
    if (err.code !== undefined) return fail(`${err.path ?? file}: ${err.message}`);
    throw e;
  }
}
