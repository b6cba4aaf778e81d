/**
 * The output of a command could not be written (stdout on a full disk,
 * ENOSPC; a closed or broken descriptor, EIO, EBADF). That is the user's
 * environment, not a fault of ours: the command ends with one line on stderr
 * and exit code 2, as for an unreadable file, never with a stack trace. A
 * reader that went away (EPIPE, `| head`) is not this: it ends quietly.
 */
export class OutputError extends Error {
  /** `message`: the line to show (OutputError.of makes it; a worker hands it over as it is). */
  constructor(
    readonly fd: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The OutputError for a failed write to `fd`, from the error Node threw. */
  static of(fd: number, e: unknown): OutputError {
    const err = e as NodeJS.ErrnoException;
    const to = fd === 1 ? 'the output (standard output)' : `to file descriptor ${fd}`;
    return new OutputError(fd, err.code ?? 'EIO', `cannot write ${to}: ${err.message ?? String(e)}`);
  }
}

/** Exit code of a command whose output could not be written. */
export const OUTPUT_ERROR_EXIT = 2;

/**
 * Rethrows a failed write to the file OUT (`extract -o`, `audio -o`) with
 * OUT as its path: a full disk (ENOSPC) carries no path of its own, and the
 * error line must say the output failed, not the capture.
 */
export function rethrowNamingOutput(out: string): (e: NodeJS.ErrnoException) => never {
  return (e) => {
    throw Object.assign(e, { path: e.path ?? out });
  };
}
