// Runs after every npm install (package.json postinstall). Adds lock entries for optional platform packages the registry mirror here does not serve,
// marked with their os/cpu/libc so `npm ci` skips them instead of failing.
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2] ?? new URL('../package-lock.json', import.meta.url).pathname;
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pk = lock.packages;
let added = 0;
const platform = (name) => {
  const n = name.split('/').pop();
  const os = ['android', 'darwin', 'win32', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony', 'linux', 'cygwin'].find((o) => n.includes(o));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'wasm32'].find((c) => n.includes(`-${c}`));
  const libc = n.includes('musl') ? ['musl'] : n.includes('gnu') ? ['glibc'] : undefined;
  return { os, cpu, libc };
};
for (const [path, e] of Object.entries(pk)) {
  for (const [dep, range] of Object.entries(e.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pk[key]) continue;
    const { os, cpu, libc } = platform(dep);
    if (!os && !cpu) continue;
    pk[key] = { version: range, optional: true, ...(os && { os: [os] }), ...(cpu && { cpu: [cpu] }), ...(libc && { libc }) };
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
if (added) console.log(`repair-lock: added ${added} optional platform entries to package-lock.json`);
