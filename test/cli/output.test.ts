import { closeSync, existsSync, openSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { OutputError } from '../../src/cli/output-error.js';

describe('Output: buffered stdout writing', () => {
  it('gives the sink exactly the UTF-8 of what was written, across buffer boundaries and huge strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant('x'.repeat(3 << 20)))),
        (parts) => {
          const got: Buffer[] = [];
          const out = new Output((b) => got.push(Buffer.from(b)));
          for (const p of parts) out.write(p);
          out.line('end');
          out.flush();
          expect(Buffer.concat(got).toString('utf8')).toBe(`${parts.join('')}end\n`);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('writes nothing until flushed or full', () => {
    let calls = 0;
    const out = new Output(() => {
      calls++;
    });
    out.write('hello');
    expect(calls).toBe(0);
    out.flush();
    out.flush();
    expect(calls).toBe(1);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a full disk (ENOSPC) throws an OutputError: one line for the user, not a crash',
    () => {
      const fd = openSync('/dev/full', 'w');
      try {
        const out = new Output(null, fd);
        out.line('INVITE sip:bob@example.com SIP/2.0');
        let thrown: unknown;
        try {
          out.flush();
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(OutputError);
        expect((thrown as OutputError).code).toBe('ENOSPC');
        expect((thrown as OutputError).message).toBe(
          `cannot write to file descriptor ${fd}: ENOSPC: no space left on device, write`,
        );
      } finally {
        closeSync(fd);
      }
    },
  );
});
