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
