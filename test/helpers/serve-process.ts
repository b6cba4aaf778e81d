/** A real `sipscope serve` child process from the sources, for the tests that kill and restart it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServeProcess {
  proc: ChildProcess;
  url: string;
  /** What `ready` matched in its output (when given). */
  ready: RegExpExecArray | null;
}

/**
 * Starts `sipscope serve --data DIR --port 0 --no-samples ...extra`;
 * resolves once it says where it serves (and, with `ready`, once its output
 * matches that too), rejects with its output if it exits first.
 */
export function startServe(dataDir: string, extra: string[] = [], ready?: RegExp): Promise<ServeProcess> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'serve',
      '--data',
      dataDir,
      '--port',
      '0',
      '--no-samples',
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const url = /serving (http:\/\/[^/\s]+)\//.exec(out);
      const m = ready === undefined ? null : ready.exec(out);
      if (url && (ready === undefined || m)) resolve({ proc, url: url[1], ready: m });
    });
    proc.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
    });
    proc.on('exit', (code, signal) => reject(new Error(`serve exited (${code ?? signal}): ${err}${out}`)));
  });
}

/** Sends `signal` and resolves once the process is gone. */
export function stopServe(r: { proc: ChildProcess }, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (r.proc.exitCode !== null || r.proc.signalCode !== null) return resolve();
    r.proc.once('exit', () => resolve());
    r.proc.kill(signal);
  });
}

/** Asks `f` every 25 ms until it gives something other than undefined; throws naming `what` after `ms`. */
export async function waitFor<T>(what: string, f: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}
