/**
 * The optional corpus suites read real captures from ../shared/corpus (beside
 * the checkout) and skip when it is absent: the project's own tests pass on a
 * fresh clone. Importing this says so once when they are skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const corpusPresent = existsSync(CORPUS_DIR);

if (!corpusPresent) {
  console.warn(
    `optional corpus suite skipped: ${CORPUS_DIR} not found (real captures are not part of the repo)`,
  );
}

/** tshark is installed (the suites that compare with it skip that part without it). */
export const hasTshark = (() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
