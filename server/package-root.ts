/** The directory of sipscope's package.json, from the sources (server/) or the build (dist/server/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sipscope')
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('sipscope: cannot find the package root (package.json named sipscope)');
    dir = up;
  }
}
