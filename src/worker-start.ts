/**
 * Starts a worker thread on one of our modules, from the build or from the
 * sources. From the build, the worker is the compiled .js beside its caller.
 * From the sources (tests run TypeScript through vitest), it is the .ts file
 * run through tsx's ESM loader, registered inside the worker: on Node 20 an
 * `--import tsx` in the worker's execArgv does not reach the worker's module
 * loader.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * tsx's ESM loader API as a file URL, read from tsx's export map
 * (import.meta.resolve is missing under vitest, and require.resolve gives the
 * CommonJS build, which cannot register the ESM hooks).
 */
function tsxApi(): string {
  const req = createRequire(import.meta.url);
  const pkgFile = req.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api'].import.default)).href;
}

/**
 * Starts the worker module `name` (without extension) that lies beside
 * `callerUrl` (the caller's import.meta.url): `name.ts` when the caller runs
 * from its .ts source, else `name.js`.
 */
export function startModuleWorker(
  callerUrl: string,
  name: string,
  opts: Pick<WorkerOptions, 'workerData' | 'resourceLimits'> = {},
): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(url, opts);
  return new Worker(
    `import(${JSON.stringify(tsxApi())})` +
      `.then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
    { ...opts, eval: true },
  );
}
