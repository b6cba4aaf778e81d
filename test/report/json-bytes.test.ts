/**
 * The byte writer behind the JSON output writes exactly what the string
 * serializers write: JSON string literals as `jsonString` (attacker text
 * escaped, latin1 header bytes read as UTF-8), numbers as `String(n)` or
 * `null`, across buffer boundaries and for pieces larger than the buffer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes, JsonText, renderJson } from '../../src/report/json-bytes.js';
import { jsonString } from '../../src/report/message-json.js';

/** A writer with a tiny buffer, so every piece crosses a boundary somewhere. */
class Tiny extends JsonBytes {
  readonly parts: Buffer[] = [];
  constructor() {
    super(16);
  }
  protected drain(bytes: Uint8Array): void {
    this.parts.push(Buffer.from(bytes));
  }
  done(): string {
    this.flush();
    return Buffer.concat(this.parts).toString('utf8');
  }
}

const latin1Text = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) });
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  latin1Text,
  fc.constant('x'.repeat(70)),
);

describe('JsonBytes', () => {
  it('writes string literals byte for byte as jsonString, whatever the buffer size', () => {
    fc.assert(
      fc.property(fc.array(anyText), (parts) => {
        const w = new Tiny();
        for (const p of parts) w.str(p);
        expect(w.done()).toBe(parts.map(jsonString).join(''));
        expect(
          renderJson(parts, (x, ps) => {
            for (const p of ps) x.str(p);
          }),
        ).toBe(parts.map(jsonString).join(''));
      }),
      { numRuns: 200 },
    );
  });

  it('writes latin1 bytes as the literal of their latin1 text', () => {
    fc.assert(
      fc.property(latin1Text, (s) => {
        const bytes = Buffer.from(`..${s}..`, 'latin1');
        const w = new Tiny();
        w.latin1Str(bytes, 2, bytes.length - 2);
        expect(w.done()).toBe(jsonString(s));
      }),
      { numRuns: 200 },
    );
  });

  it('writes a key with latin1 bytes or an id after it as raw(key) and the value (keyLatin1Str, keyUint, rawLong)', () => {
    const key = fc.string({ maxLength: 30 }).map((k) => `,"${k}":`);
    fc.assert(
      fc.property(fc.array(fc.tuple(key, latin1Text, fc.nat({ max: 2 ** 31 - 1 }))), (items) => {
        const w = new Tiny();
        let want = '';
        for (const [k, l, n] of items) {
          const kb = new Uint8Array(Buffer.from(k, 'utf8'));
          const lb = Buffer.from(`.${l}.`, 'latin1');
          w.keyLatin1Str(kb, lb, 1, lb.length - 1);
          w.keyUint(kb, n);
          w.rawLong(kb);
          want += `${k}${jsonString(l)}${k}${n}${k}`;
        }
        expect(w.done()).toBe(want);
      }),
      { numRuns: 200 },
    );
  });

  it('writes numbers as String(n) (plain) and as JSON (num: null when not finite)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.double(), fc.integer(), fc.nat(), fc.constantFrom(0, -0, 9, 10, 2 ** 31 - 1, 2 ** 31)),
        ),
        (ns) => {
          const w = new Tiny();
          for (const n of ns) {
            w.plain(n);
            w.ascii(',');
            w.num(n);
            w.ascii(';');
          }
          w.num(null);
          w.num(undefined);
          const want = ns.map((n) => `${String(n)},${Number.isFinite(n) ? String(n) : 'null'};`).join('');
          expect(w.done()).toBe(`${want}nullnull`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes arrays of ids as a.join(",") in brackets, other numbers included, and single bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(fc.nat(), fc.constantFrom(0, 9, 10, 2 ** 31 - 1, 2 ** 31, -1, 1.5)))),
        (lists) => {
          const w = new Tiny();
          for (const a of lists) {
            w.uints(a);
            w.byte(0x3b);
          }
          w.bool(true);
          w.bool(false);
          w.strOrNull(null);
          expect(w.done()).toBe(`${lists.map((a) => `[${a.join(',')}];`).join('')}truefalsenull`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes capture times and milliseconds (whole numbers of millionths) as String(n), without calling it', () => {
    const micros = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 52 }).map((us) => us / 1e6),
      fc.integer({ min: 1_600_000_000_000_000, max: 2_000_000_000_000_000 }).map((us) => us / 1e6),
      fc.integer({ min: 0, max: 10_000_000 }).map((us) => Math.round(us) / 1e3),
      fc.double({ min: 0, max: 2 ** 33, noNaN: true }),
      fc.constantFrom(1e-6, 9.99e-7, 0.1 + 0.2, 2 ** 32 - 1e-6, 2 ** 32, 4294967295.999999, 1795468660.91866),
    );
    fc.assert(
      fc.property(fc.array(micros), (ns) => {
        const want = ns.map((n) => `${String(n)} `).join('');
        const write = (w: JsonBytes, xs: number[]): void => {
          for (const n of xs) {
            w.plain(n);
            w.ascii(' ');
          }
        };
        const tiny = new Tiny();
        write(tiny, ns);
        expect(tiny.done()).toBe(want);
        expect(renderJson(ns, write)).toBe(want);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back the text written so far and starts afresh (JsonText)', () => {
    const t = new JsonText();
    t.text('é'.repeat(40000));
    t.strOrNull(null);
    expect(t.take()).toBe(`${'é'.repeat(40000)}null`);
    t.bool(true);
    expect(t.take()).toBe('true');
  });
});
