#!/usr/bin/env -S node --v8-pool-size=1
/**
 * The `sipscope` command. Each sub-command lives in its own file; this one
 * only dispatches.
 *
 * `--v8-pool-size=1` (the #! line, read by the benches too: test/bench/bin-flags.mjs):
 * V8 runs its background work (concurrent marking, parallel scavenges,
 * optimizing compiles) on one thread instead of four. On two cores, the
 * four took turns on the core the analysis needed: analysing the 200k-call
 * capture into SQLite (README "Big captures"), the analysis thread waited
 * 2.0–2.8 s runnable for a core, 0.6–0.7 s with one, and finished ~1 s
 * sooner; the 20k-call `analyze --json` is the same either way.
 */
import { runAnalyze } from './analyze-command.js';
import { asksHelp, commandHelp, HELP } from './help.js';
import { OUTPUT_ERROR_EXIT, OutputError } from './output-error.js';
import { termSafe, writeErr } from './term-safe.js';

// A reader that stops early (`| head`) closes the pipe: that is not an error.
// Any other failure to write stdout (a full disk: ENOSPC) is one line, not a stack.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  exitOnOutputError(OutputError.of(1, e));
});

function exitOnOutputError(e: OutputError): never {
  writeErr(`sipscope: ${e.message}\n`);
  process.exit(OUTPUT_ERROR_EXIT);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  // `sipscope COMMAND --help` and `sipscope help COMMAND`: that command's part of the help.
  const topic = cmd === 'help' ? rest[0] : cmd !== undefined && asksHelp(rest) ? cmd : undefined;
  if (topic !== undefined) {
    const text = commandHelp(topic);
    if (text === undefined) {
      writeErr(`sipscope: unknown command '${termSafe(topic)}' (see sipscope --help)\n`);
      return 2;
    }
    process.stdout.write(text);
    return 0;
  }
  switch (cmd) {
    case 'analyze':
      return runAnalyze(rest);
    // Loaded on demand: `analyze` does not pay for the other commands' modules
    // (lint and rules: ~10 ms of startup; serve: express and socket.io).
    case 'lint':
      return (await import('./lint-command.js')).runLint(rest);
    case 'rules':
      return (await import('./rules-command.js')).runRules(rest);
    case 'serve':
      return (await import('./serve-command.js')).runServe(rest);
    case 'live':
      return (await import('./live-command.js')).runLive(rest);
    case 'extract':
      return (await import('./extract-command.js')).runExtract(rest);
    case 'audio':
      return (await import('./audio-command.js')).runAudio(rest);
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(HELP);
      return 0;
    default:
      writeErr(`sipscope: unknown command '${termSafe(cmd)}' (see sipscope --help)\n`);
      return 2;
  }
}

/**
 * Commands whose output is all written by now, synchronously (cli/output.ts;
 * process.stderr is synchronous on Linux): they exit at once instead of
 * letting Node tear down V8's heap, a few hundred MB after `analyze` of a big
 * capture (~17 ms on the 20,000-call bench capture, medians of 16
 * alternating runs; the output is the same). `serve` and `live` keep running
 * after `main` returns.
 */
const EXITS_AT_ONCE = new Set(['analyze']);

main(process.argv.slice(2)).then(
  (code) => {
    if (EXITS_AT_ONCE.has(process.argv[2] ?? '')) process.exit(code);
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof OutputError) exitOnOutputError(err);
    writeErr(
      `sipscope: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 70;
  },
);
