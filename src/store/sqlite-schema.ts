/**
 * The SQLite store's schema, as a list of migrations. `PRAGMA user_version`
 * holds how many have run; opening a database runs the missing ones in one
 * transaction each, in order, and refuses a database written by a newer
 * sipscope (more migrations than this one knows) instead of guessing.
 *
 * Layout (every table is per capture, keyed by the capture's number `cap`):
 *
 * - captures: one row per capture; its id is `c<n>`, AUTOINCREMENT so that a
 *   deleted capture's id is never handed out again.
 * - messages: a message's contract fields as columns, its SDP summary as
 *   JSON, and where its bytes are: `raw` (a blob) or, when the bytes are one
 *   frame's contiguous bytes in the capture file, `raw_off`/`raw_len` into it
 *   (a capture merged from several files: into the file `file`, an index
 *   into the capture's `files`, with `file_frame` the frame's number there).
 * - calls: the columns the call list filters and sorts by (narrow: a query
 *   scans them); `call_json` each call's JSON; `call_search` the text `q`
 *   looks in, lower-cased (substring); `call_texts` the same fields as
 *   written (regular expressions).
 * - transactions, dialogs: their JSON. findings: rule, call, the message ids
 *   as `,1,5,` (for `instr`) and the JSON, in the order the analysis gave them.
 * - streams: RTP streams (media/media-tracker.ts), each with the call it
 *   belongs to (null: none) and its JSON; a call's are read by (cap, call).
 * - captures.live_seen: when a live capture last wrote its window through
 *   (live-persist-sql.ts); null for the others.
 * - call_facets, call_orders: a ready capture's call list sorted ahead
 *   (sqlite-call-orders.ts): its call ids and filter columns, and per sort
 *   key the calls in order, as blobs; none while it is not ready.
 *
 * Never edit a migration that has shipped: add one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** What it changes, for the error message when it fails. */
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'captures, messages, transactions, dialogs, calls, call search, findings',
    up: `
CREATE TABLE captures (
  n          INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  path       TEXT NOT NULL,
  status     TEXT NOT NULL,
  progress   REAL NOT NULL DEFAULT 0,
  error      TEXT,
  created_at TEXT NOT NULL,
  stats      TEXT,
  source     TEXT,
  warnings   TEXT
);
CREATE TABLE messages (
  cap         INTEGER NOT NULL,
  id          INTEGER NOT NULL,
  frame       INTEGER NOT NULL,
  ts          REAL NOT NULL,
  src         TEXT NOT NULL,
  dst         TEXT NOT NULL,
  transport   TEXT NOT NULL,
  method      TEXT,
  status      INTEGER,
  reason      TEXT,
  call_id     TEXT,
  cseq        REAL,
  cseq_method TEXT,
  from_tag    TEXT,
  to_tag      TEXT,
  branch      TEXT,
  tx          INTEGER,
  dialog      INTEGER,
  call        INTEGER,
  flags       INTEGER NOT NULL,
  frames      TEXT,
  sdp         TEXT,
  agent       TEXT,
  raw         BLOB,
  raw_off     INTEGER,
  raw_len     INTEGER NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
CREATE TABLE transactions (
  cap  INTEGER NOT NULL,
  id   INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
CREATE TABLE dialogs (
  cap  INTEGER NOT NULL,
  id   INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
CREATE TABLE calls (
  cap           INTEGER NOT NULL,
  id            INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  state         TEXT NOT NULL,
  start         REAL,
  from_l        TEXT,
  to_l          TEXT,
  duration_ms   REAL,
  pdd_ms        REAL,
  setup_ms      REAL,
  msg_count     INTEGER NOT NULL,
  finding_count INTEGER NOT NULL DEFAULT 0,
  worst         INTEGER NOT NULL DEFAULT 0,
  methods       TEXT NOT NULL,
  complete      INTEGER NOT NULL,
  json          TEXT NOT NULL,
  PRIMARY KEY (cap, id)
);
CREATE INDEX calls_start ON calls (cap, start, id);
CREATE TABLE call_search (
  cap   INTEGER NOT NULL,
  id    INTEGER NOT NULL,
  lower TEXT NOT NULL,
  texts TEXT NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
CREATE TABLE findings (
  cap      INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  call     INTEGER,
  rule     TEXT NOT NULL,
  severity INTEGER NOT NULL,
  messages TEXT NOT NULL,
  json     TEXT NOT NULL,
  PRIMARY KEY (cap, seq)
) WITHOUT ROWID;
CREATE INDEX findings_call ON findings (cap, call);
`,
  },
  {
    // The call list scans the calls of a capture to count and sort them: with
    // each call's JSON (a kilobyte) in the same rows, a 200,000-call capture
    // was 200 MB to read per query; without it, a few MB.
    name: 'call JSON and regex texts out of the scanned call-list tables',
    up: `
CREATE TABLE call_json (
  cap  INTEGER NOT NULL,
  id   INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
INSERT INTO call_json (cap, id, json) SELECT cap, id, json FROM calls;
CREATE TABLE calls_narrow (
  cap           INTEGER NOT NULL,
  id            INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  state         TEXT NOT NULL,
  start         REAL,
  from_l        TEXT,
  to_l          TEXT,
  duration_ms   REAL,
  pdd_ms        REAL,
  setup_ms      REAL,
  msg_count     INTEGER NOT NULL,
  finding_count INTEGER NOT NULL DEFAULT 0,
  worst         INTEGER NOT NULL DEFAULT 0,
  methods       TEXT NOT NULL,
  complete      INTEGER NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
INSERT INTO calls_narrow SELECT cap, id, kind, state, start, from_l, to_l, duration_ms, pdd_ms, setup_ms,
  msg_count, finding_count, worst, methods, complete FROM calls;
DROP TABLE calls;
ALTER TABLE calls_narrow RENAME TO calls;
CREATE INDEX calls_start ON calls (cap, start, id);
CREATE TABLE call_texts (
  cap   INTEGER NOT NULL,
  id    INTEGER NOT NULL,
  texts TEXT NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
INSERT INTO call_texts (cap, id, texts) SELECT cap, id, texts FROM call_search;
CREATE TABLE call_lower (
  cap   INTEGER NOT NULL,
  id    INTEGER NOT NULL,
  lower TEXT NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
INSERT INTO call_lower (cap, id, lower) SELECT cap, id, lower FROM call_search;
DROP TABLE call_search;
ALTER TABLE call_lower RENAME TO call_search;
`,
  },
  {
    // Counting a filtered call list reads this index, not the rows (6 ms instead of 40 at 200,000 calls).
    name: 'index of calls by kind and state',
    up: 'CREATE INDEX calls_kind_state ON calls (cap, kind, state);',
  },
  {
    // A live capture writes its ended calls through to disk (live-persist.ts)
    // and stamps when it last did: after a kill, the time it was interrupted.
    name: 'when a live capture last wrote to disk',
    up: 'ALTER TABLE captures ADD COLUMN live_seen TEXT;',
  },
  {
    // Writing a call reads its findings' count and worst severity. Without the
    // severity in the index, the planner read the worst one by scanning every
    // finding of the capture, once per call: 27 µs of the 30 a call took to
    // write at 200,000 calls and 740 findings, and quadratic in them. With
    // seq before it, the index also gives a call's findings in order.
    name: 'findings by call with their order and severity',
    up: `
DROP INDEX findings_call;
CREATE INDEX findings_call ON findings (cap, call, seq, severity);
`,
  },
  {
    // The findings view asks for each rule's count and worst severity and its
    // first findings (sqlite-store.ts findingCounts, findings `perRule`): read
    // off this index, rule by rule, instead of numbering every finding of the
    // capture (600,000 findings: 673-776 ms for the first 200 of each rule).
    name: 'findings by rule with their order and severity',
    up: 'CREATE INDEX findings_rule ON findings (cap, rule, seq, severity);',
  },
  {
    // A database of an older sipscope gets the table empty: its captures show no streams
    // (analysed before RTP was tracked) until they are analysed again.
    name: 'RTP streams',
    up: `
CREATE TABLE streams (
  cap  INTEGER NOT NULL,
  id   INTEGER NOT NULL,
  call INTEGER,
  json TEXT NOT NULL,
  PRIMARY KEY (cap, id)
) WITHOUT ROWID;
CREATE INDEX streams_call ON streams (cap, call, id);
`,
  },
  {
    // When an analysis ended ready, stamped by the database whichever code
    // sets the status (the store, the analysis worker's writer): the server
    // tells an analysis older than its code (capture-service.ts). Captures of
    // an older database are taken as analysed when they were added.
    name: 'when a capture was last analysed',
    up: `
ALTER TABLE captures ADD COLUMN analyzed_at TEXT;
UPDATE captures SET analyzed_at = created_at WHERE status = 'ready';
CREATE TRIGGER captures_analyzed AFTER UPDATE OF status ON captures
WHEN NEW.status = 'ready' AND OLD.status IS NOT 'ready'
BEGIN
  UPDATE captures SET analyzed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE n = NEW.n;
END;
`,
  },
  {
    // A page far down a sorted call list made SQLite sort every call of the
    // capture (150-300 ms at 200,000 calls): the writer sorts them once, when
    // the analysis ends, and a page walks the stored order. A capture of an
    // older database has none and is listed by SQL as before. Leaving `ready`
    // (analysed again, a live capture resumed) drops them: its calls change.
    name: 'call lists sorted ahead',
    up: `
CREATE TABLE call_facets (
  cap      INTEGER PRIMARY KEY,
  ids      BLOB NOT NULL,
  kinds    TEXT NOT NULL,
  kind     BLOB NOT NULL,
  states   TEXT NOT NULL,
  state    BLOB NOT NULL,
  methods  TEXT NOT NULL,
  method   BLOB NOT NULL,
  findings BLOB NOT NULL
);
CREATE TABLE call_orders (
  cap       INTEGER NOT NULL,
  sort      TEXT NOT NULL,
  positions BLOB NOT NULL,
  ties      BLOB NOT NULL,
  nulls     INTEGER NOT NULL,
  PRIMARY KEY (cap, sort)
);
CREATE TRIGGER call_orders_stale AFTER UPDATE OF status ON captures
WHEN NEW.status IS NOT 'ready'
BEGIN
  DELETE FROM call_facets WHERE cap = NEW.n;
  DELETE FROM call_orders WHERE cap = NEW.n;
END;
`,
  },
  {
    // A capture merged by time from several files (an upload of several, `serve --merge A B`):
    // `files` all of them as JSON [{path, name, size}] (null: the one `path`), and each message's file and
    // frame number there (null for a capture of one file), which also says in which file its
    // `raw_off` is. A database of an older sipscope has only captures of one file: nothing to fill.
    name: 'captures of several files',
    up: `
ALTER TABLE captures ADD COLUMN files TEXT;
ALTER TABLE messages ADD COLUMN file INTEGER;
ALTER TABLE messages ADD COLUMN file_frame INTEGER;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Connection settings, then the missing migrations. WAL: readers (the
 * server's queries) never wait for the writer (an analysis) nor it for them.
 * Incremental auto-vacuum (must be chosen before the first table exists):
 * pages a deleted capture freed can be given back to the file system.
 */
export function openSchema(db: Database.Database, file: string): void {
  db.pragma('busy_timeout = 10000');
  if (db.pragma('user_version', { simple: true }) === 0 && countTables(db) === 0)
    db.pragma('auto_vacuum = INCREMENTAL');
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL is durable against a process kill (the WAL is
  // in the OS's hands once written); only a power cut may lose the last commits.
  db.pragma('synchronous = NORMAL');
  // After a checkpoint, a WAL that grew past 64 MiB (a bulk write) is cut back to that.
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = OFF');
  db.pragma('temp_store = MEMORY');
  migrate(db, file);
}

function countTables(db: Database.Database): number {
  return (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number })
    .n;
}

export function migrate(db: Database.Database, file: string, migrations = MIGRATIONS): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length)
    throw new Error(
      `${file}: database schema version ${version} is newer than this sipscope knows (${migrations.length}); upgrade sipscope or use another data directory`,
    );
  for (let v = version; v < migrations.length; v++) {
    const m = migrations[v];
    const run = db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${v + 1}`);
    });
    try {
      run.immediate();
    } catch (e) {
      throw new Error(`${file}: schema migration ${v + 1} (${m.name}) failed: ${(e as Error).message}`);
    }
  }
}
