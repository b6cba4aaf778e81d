/**
 * TLS key material uploaded with a capture (`POST /api/captures` fields
 * `tlsKeylog`/`tlsKey`, or `POST /api/captures/:id/keys` later), kept next to
 * the capture file in `<file>.tlskeys/` (mode 0700, its files 0600):
 * `keylog`, the key logs given one after the other, and `key-N.pem`, the RSA
 * keys. Every analysis of the capture reads them with the server's own keys;
 * they are removed with the capture. Nothing here is ever logged or sent back:
 * the API only says what there is (`keysSummary`).
 */
import { readdirSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TlsKeyFiles } from './analysis-protocol.js';
import { HttpError } from './http-error.js';

/** A capture's key log, all uploads of it together (bytes). */
export const MAX_KEYLOG_BYTES = 16 * 1024 * 1024;
/** One RSA key's PEM (bytes). */
export const MAX_KEY_BYTES = 64 * 1024;
/** RSA keys a capture may have. */
export const MAX_RSA_KEYS = 16;

const SUFFIX = '.tlskeys';
const KEYLOG = 'keylog';
const KEY_NAME = /^key-(\d{1,3})\.pem$/;

/** Key material as an upload brings it (latin1 text, as `--tls-keylog/--tls-key` files are read). */
export interface KeyTexts {
  keyLog?: string;
  rsaKeys: string[];
}

/** What the API says of a capture's uploaded keys (never the keys). */
export interface KeysSummary {
  keylog: boolean;
  rsaKeys: number;
}

export function keysDirOf(capture: string): string {
  return capture + SUFFIX;
}

function keyNames(dir: string, names: readonly string[]): string[] {
  return names
    .filter((n) => KEY_NAME.test(n))
    .sort((a, b) => Number(KEY_NAME.exec(a)![1]) - Number(KEY_NAME.exec(b)![1]))
    .map((n) => join(dir, n));
}

/** The files of the capture's uploaded keys, for its analysis; undefined when it has none. */
export function keyFilesOf(capture: string): TlsKeyFiles | undefined {
  const dir = keysDirOf(capture);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const files: TlsKeyFiles = {};
  if (names.includes(KEYLOG)) files.keyLog = join(dir, KEYLOG);
  const keys = keyNames(dir, names);
  if (keys.length > 0) files.rsaKeys = keys;
  return files.keyLog === undefined && files.rsaKeys === undefined ? undefined : files;
}

/** `{keylog, rsaKeys}` when the capture has uploaded keys. */
export function keysSummary(capture: string): KeysSummary | undefined {
  const f = keyFilesOf(capture);
  return f && { keylog: f.keyLog !== undefined, rsaKeys: f.rsaKeys?.length ?? 0 };
}

/**
 * Adds `k` to the capture's keys: the key log after the one it has, each RSA
 * key it does not have yet. 413 when the capture's key log would pass
 * MAX_KEYLOG_BYTES or its keys MAX_RSA_KEYS (nothing of `k` is kept then).
 */
export async function saveKeys(capture: string, k: KeyTexts): Promise<void> {
  const dir = keysDirOf(capture);
  const have = keyFilesOf(capture);
  const logSize = have?.keyLog === undefined ? 0 : (await stat(have.keyLog)).size;
  const known = await Promise.all((have?.rsaKeys ?? []).map((f) => readFile(f, 'latin1')));
  const fresh = k.rsaKeys.filter((pem, i) => !known.includes(pem) && k.rsaKeys.indexOf(pem) === i);
  const text = k.keyLog === undefined ? '' : k.keyLog.endsWith('\n') ? k.keyLog : `${k.keyLog}\n`;
  if (logSize + Buffer.byteLength(text, 'latin1') > MAX_KEYLOG_BYTES)
    throw new HttpError(413, `the TLS key log of a capture is limited to ${MAX_KEYLOG_BYTES} bytes`);
  if (known.length + fresh.length > MAX_RSA_KEYS)
    throw new HttpError(413, `a capture can have at most ${MAX_RSA_KEYS} TLS keys`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (text !== '') await appendFile(join(dir, KEYLOG), text, { encoding: 'latin1', mode: 0o600 });
  let n = (have?.rsaKeys ?? []).reduce(
    (m, f) => Math.max(m, Number(KEY_NAME.exec(f.slice(dir.length + 1))?.[1] ?? 0)),
    0,
  );
  for (const pem of fresh)
    await writeFile(join(dir, `key-${++n}.pem`), pem, { encoding: 'latin1', mode: 0o600, flag: 'wx' });
}

/** Removes the capture's uploaded keys (none: nothing to do). */
export async function removeKeys(capture: string): Promise<void> {
  await rm(keysDirOf(capture), { recursive: true, force: true });
}

/**
 * Removes the key folders in `dir` whose capture is not in `captures` (paths):
 * a process stopped between removing a capture and its keys, or an in-memory
 * store that forgot its captures when the server stopped.
 */
export async function removeOrphanKeys(dir: string, captures: ReadonlySet<string>): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith(SUFFIX)) continue;
    const capture = join(dir, name.slice(0, -SUFFIX.length));
    if (captures.has(capture)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
