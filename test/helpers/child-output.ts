/** What a child process has written so far to stdout and stderr, as text. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ChildOutput {
  out(): string;
  err(): string;
}

/** Starts collecting `child`'s stdout and stderr (both must be pipes). */
export function collectOutput(child: ChildProcess): ChildOutput {
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  return { out: () => out, err: () => err };
}

/** Runs Node with `args` and resolves what it printed on stdout, as JSON; rejects with its stderr when it fails. */
export function childJson<T>(args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const o = collectOutput(child);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(o.out()) as T);
      else reject(new Error(`child exited ${code}: ${o.err()}`));
    });
  });
}
