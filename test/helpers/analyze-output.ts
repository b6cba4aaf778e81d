/**
 * `sipscope analyze` run in process by the CLI tests, with everything it
 * writes handed to the test's collectors: its Output (stdout's bytes, as
 * UTF-8 text) and, through the spies of spy-output.ts, what reaches
 * process.stdout and process.stderr directly.
 */

import { beforeEach } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze-command.js';
import { Output } from '../../src/cli/output.js';
import { spyOutput } from './spy-output.js';

type Collect = (text: string) => void;

/** Registers the spies for every test of the file; returns the command, its output collected. */
export function analyzeCollected(onOut: Collect, onErr: Collect): (args: string[]) => Promise<number> {
  spyOutput(onErr, onOut);
  return (args) => runAnalyze(args, new Output((b) => onOut(Buffer.from(b).toString('utf8'))));
}

/** `analyzeCollected` with stdout gathered into `out` (emptied before each test, or by `clear`) and stderr dropped. */
export function analyzeToText(): {
  run: (args: string[]) => Promise<number>;
  readonly out: string;
  clear: () => void;
} {
  let text = '';
  const run = analyzeCollected(
    (s) => {
      text += s;
    },
    () => {},
  );
  beforeEach(() => {
    text = '';
  });
  return {
    run,
    get out() {
      return text;
    },
    clear: () => {
      text = '';
    },
  };
}

/** `analyzeCollected` with stdout in `out` and stderr in `err`, both emptied before each test or by `clear`. */
export function analyzeToTexts(): {
  run: (args: string[]) => Promise<number>;
  readonly out: string;
  readonly err: string;
  clear: () => void;
} {
  let out = '';
  let err = '';
  const run = analyzeCollected(
    (s) => {
      out += s;
    },
    (s) => {
      err += s;
    },
  );
  const clear = () => {
    out = '';
    err = '';
  };
  beforeEach(clear);
  return {
    run,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    clear,
  };
}
