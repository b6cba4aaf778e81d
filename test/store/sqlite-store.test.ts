import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { describeStore } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fresh database file per test, in WAL mode as the server uses it.
describeStore('sqlite', () => openSqliteStore({ file: join(dir, `store-${++n}.db`) }));
// The call list of ready captures by SQL, as for a capture of a database from before lists were sorted ahead.
describeStore('sqlite, call list by SQL', () =>
  openSqliteStore({ file: join(dir, `store-${++n}.db`), sortedAhead: false }),
);
