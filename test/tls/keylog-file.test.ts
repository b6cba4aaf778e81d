/**
 * A key log file followed while the TLS library appends to it
 * (src/tls/keylog-file.ts): new lines taken, a line not yet ended left for
 * the next read, a truncated or replaced file read again from its start,
 * looks throttled by the wall clock, a missing file counted and not thrown;
 * and the bound on client randoms kept (src/tls/keylog.ts `maxRandoms`).
 */
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TlsKeyLog } from '../../src/tls/keylog.js';
import { KeyLogFile } from '../../src/tls/keylog-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sipscope-keylog-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A client random of 32 bytes made of byte `n`, and a CLIENT_RANDOM line (RFC 5246 master secret: 48 bytes). */
const random = (n: number) => new Uint8Array(32).fill(n);
const line = (n: number) => `CLIENT_RANDOM ${Buffer.from(random(n)).toString('hex')} ${'ab'.repeat(48)}\n`;

function follow(name: string, text: string) {
  const path = join(tmp, name);
  writeFileSync(path, text);
  const clock = { ms: 0 };
  const keys = new TlsKeyLog();
  const file = new KeyLogFile(path, keys, { clock: () => clock.ms, minIntervalMs: 100 });
  return { path, clock, keys, file };
}

describe('a key log file that grows (NSS key log, SSLKEYLOGFILE)', () => {
  it('takes the lines appended since the last read, a line without its newline only once it is ended', () => {
    const t = follow('grow.log', line(1));
    expect(t.file.refresh(true)).toBe(true);
    expect(t.keys.get(random(1))?.masterSecret?.length).toBe(48);
    const two = line(2);
    appendFileSync(t.path, two.slice(0, 40));
    t.clock.ms += 100;
    expect(t.file.refresh()).toBe(false);
    expect(t.keys.get(random(2))).toBeUndefined();
    appendFileSync(t.path, two.slice(40) + line(3));
    t.clock.ms += 100;
    expect(t.file.refresh()).toBe(true);
    expect(t.keys.get(random(2))?.masterSecret?.length).toBe(48);
    expect(t.keys.get(random(3))).toBeDefined();
    expect(t.keys.lines).toBe(3);
    expect(t.keys.malformedLines).toBe(0);
  });

  it('looks at the file at most once per interval of wall time, unless forced', () => {
    const t = follow('throttle.log', '');
    t.file.refresh(true);
    appendFileSync(t.path, line(4));
    t.clock.ms += 50;
    expect(t.file.refresh()).toBe(false);
    expect(t.keys.get(random(4))).toBeUndefined();
    expect(t.file.refresh(true)).toBe(true);
    appendFileSync(t.path, line(5));
    t.clock.ms += 99;
    expect(t.file.refresh()).toBe(false);
    t.clock.ms += 1;
    expect(t.file.refresh()).toBe(true);
  });

  it('reads a truncated file, and one replaced by another (rotation), again from its start; keys read before stay', () => {
    const t = follow('rotate.log', line(6) + line(7));
    t.file.refresh(true);
    writeFileSync(t.path, line(8));
    expect(t.file.refresh(true)).toBe(true);
    expect(t.keys.get(random(8))).toBeDefined();
    expect(t.file.restarts).toBe(1);
    const next = join(tmp, 'rotate.log.new');
    writeFileSync(next, line(9) + line(10) + line(11));
    renameSync(next, t.path);
    expect(t.file.refresh(true)).toBe(true);
    expect(t.keys.get(random(11))).toBeDefined();
    expect(t.keys.get(random(6))).toBeDefined();
    expect(t.file.restarts).toBe(2);
  });

  it('a file gone for a while is counted, not thrown, and read again when it is back', () => {
    const t = follow('gone.log', line(12));
    rmSync(t.path);
    expect(t.file.refresh(true)).toBe(false);
    expect(t.file.errors).toBe(1);
    expect(t.file.lastError).toMatch(/ENOENT/);
    writeFileSync(t.path, line(13));
    expect(t.file.refresh(true)).toBe(true);
    expect(t.file.lastError).toBeNull();
    expect(t.keys.get(random(13))).toBeDefined();
  });

  it('keeps at most maxRandoms client randoms, the newest, counting the ones forgotten', () => {
    const keys = new TlsKeyLog(line(1) + line(2) + line(3), 2);
    expect(keys.size).toBe(2);
    expect(keys.evicted).toBe(1);
    expect(keys.get(random(1))).toBeUndefined();
    expect(keys.get(random(3))).toBeDefined();
  });
});
