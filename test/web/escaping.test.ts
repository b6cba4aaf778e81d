/**
 * Every value from a capture reaches the page as text: no source file of the
 * web UI may turn a string into markup. The browser suite
 * (test/e2e/xss.test.ts) shows the same end to end with a hostile capture.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const webSrc = fileURLToPath(new URL('../../web/src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Sinks that parse a string as HTML or script, and d3's `.html()`. */
const SINKS = [
  /\.innerHTML\b/,
  /\.outerHTML\b/,
  /insertAdjacentHTML/,
  /document\.write/,
  /\.html\(/,
  /createContextualFragment/,
  /DOMParser/,
  /\beval\(/,
  /new Function\(/,
  /setAttribute\(\s*['"]on/i,
  /\.srcdoc\b/,
];

describe('escaping', () => {
  const files = sources(webSrc);

  it('finds the web sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('no web source uses an HTML or script sink', () => {
    const hits: string[] = [];
    for (const f of files) {
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
          for (const re of SINKS) if (re.test(code)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });

  it('index.html has no inline script or style (the CSP forbids them)', () => {
    const html = readFileSync(fileURLToPath(new URL('../../web/index.html', import.meta.url)), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
