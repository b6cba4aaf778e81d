/** What a child process has written so far to stdout and stderr, as text. */
import type { ChildProcess } from 'node:child_process';

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
