/**
 * The CLI tests read what a command writes to stdout and stderr: these spies
 * hand each write to the test's collector instead of the terminal, from
 * before each test until vitest restores the mocks after it.
 */
import { afterEach, beforeEach, vi } from 'vitest';

type Collect = (text: string) => void;

/** Registers the spies for every test of the file: `onErr` gets stderr, `onOut` (when given) stdout. */
export function spyOutput(onErr: Collect, onOut?: Collect): void {
  beforeEach(() => {
    if (onOut !== undefined)
      vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        onOut(String(s));
        return true;
      });
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      onErr(String(s));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
}
