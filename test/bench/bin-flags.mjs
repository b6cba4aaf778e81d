// The Node options on the #! line of the `sipscope` command (src/cli/main.ts), so that
// a bench runs sipscope as the installed command runs: `node FLAGS script ...`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function binNodeFlags(root) {
  const first = readFileSync(join(root, 'src/cli/main.ts'), 'utf8').split('\n')[0];
  const m = /^#!\/usr\/bin\/env(?: -S)? node((?: \S+)*)$/.exec(first);
  if (m === null) throw new Error(`src/cli/main.ts: unexpected #! line: ${first}`);
  return m[1].split(' ').filter((f) => f !== '');
}
