/**
 * Packed rows (row-pack.ts), what the writer thread receives instead of
 * cloned parameter arrays: every value must come back exactly as it went,
 * after a real trip through a MessageChannel with the buffers transferred,
 * so that the database rows stay those of the unpacked path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { createCorrelator } from '../../src/correlate/correlator.js';
import { createPipeline } from '../../src/pipeline.js';
import { messageFields } from '../../src/store/message-fields.js';
import { type PackedRows, type PackValue, RowPacker, unpackRows } from '../../src/store/row-pack.js';
import { MESSAGE_COLUMNS, messageParams, putMessage } from '../../src/store/sqlite-rows.js';
import type { MessageInput } from '../../src/store/store.js';
import { SAMPLES_DIR } from './store-suite.js';

/** The batch as the writer thread sees it: posted with its buffers transferred, received on the other port. */
function carried(p: RowPacker): { rows: PackValue[][]; transferred: ArrayBuffer[] } {
  const { packed, transfer } = p.take();
  const { port1, port2 } = new MessageChannel();
  port1.postMessage({ packed }, transfer);
  const got = receiveMessageOnPort(port2)?.message as { packed: PackedRows };
  port1.close();
  return { rows: unpackRows(got.packed), transferred: transfer };
}

function pack(width: number, rows: PackValue[][]): RowPacker {
  const p = new RowPacker(width, 1);
  for (const r of rows) for (const v of r) p.put(v);
  return p;
}

describe('RowPacker: SQL parameters packed for the writer thread come back unchanged', () => {
  it('keeps every value type: numbers (integers, floats, -0, NaN, huge), text, null and bytes', () => {
    const rows: PackValue[][] = [
      [0, 1, -1, 2 ** 53, -0, Number.NaN, 1.5e-300, Number.POSITIVE_INFINITY],
      [
        '',
        'INVITE',
        'z9hG4bK-1-0',
        '127.0.0.1:5060',
        null,
        new Uint8Array([0, 255, 13, 10]),
        new Uint8Array(0),
        'x',
      ],
    ];
    const { rows: got, transferred } = carried(pack(8, rows));
    expect(got).toEqual(rows);
    expect(Object.is(got[0][4], -0)).toBe(true);
    expect(got[1][5]).toBeInstanceOf(Uint8Array);
    // Transferred, not copied: the packing side no longer holds them.
    expect(transferred.every((b) => b.byteLength === 0)).toBe(true);
  });

  it('keeps non-ASCII text exactly, UTF-16 unit for unit (accents, CJK, emoji, a lone surrogate)', () => {
    const texts = ['Zoë Müller', '日本語の表示名', 'call 📞 ok', 'lone \ud800 half', 'é', '', '\u0000nul'];
    const { rows } = carried(
      pack(
        1,
        texts.map((t) => [t]),
      ),
    );
    expect(rows.map((r) => r[0])).toEqual(texts);
  });

  it('reads text that comes after a non-ASCII one at its right place', () => {
    const rows: PackValue[][] = [
      ['😀', 'after', 1],
      ['ü', '', 2],
      ['plain', 'ß', 3],
    ];
    expect(carried(pack(3, rows)).rows).toEqual(rows);
  });

  it('packs a large batch past its first buffers (100,000 rows, text and bytes on every row)', () => {
    const rows: PackValue[][] = [];
    for (let i = 0; i < 100_000; i++)
      rows.push([i, `tag-${i}`, i % 3 === 0 ? null : i / 7, new Uint8Array([i & 255, (i >> 8) & 255])]);
    const p = pack(4, rows);
    expect(p.rows).toBe(100_000);
    expect(carried(p).rows).toEqual(rows);
  });

  it('starts afresh after each batch, and refuses to hand out a row not ended', () => {
    const p = new RowPacker(2);
    p.put('a');
    p.put(1);
    expect(carried(p).rows).toEqual([['a', 1]]);
    p.put('b');
    p.put(null);
    expect(carried(p).rows).toEqual([['b', null]]);
    expect(carried(p).rows).toEqual([]);
    p.put('half');
    expect(() => p.take()).toThrow(/not ended/);
  });

  it('binds undefined as null, as better-sqlite3 does', () => {
    const p = new RowPacker(1);
    p.put(undefined as unknown as null);
    expect(carried(p).rows).toEqual([[null]]);
  });

  it('refuses a batch whose text does not add up', () => {
    const { packed } = pack(1, [['abc']]).take();
    expect(() => unpackRows({ ...packed, text: 'abcdef' })).toThrow(/left over/);
  });
});

describe('putMessage: the message columns packed are those of messageParams', () => {
  /** Every message of a capture as the store takes it, bytes given (not placed) so that BLOBs go too. */
  function inputs(file: string): MessageInput[] {
    const out: MessageInput[] = [];
    const correlator = createCorrelator();
    const pipeline = createPipeline({
      onMessage(msg, id) {
        const m = messageFields(msg, id, correlator.push(msg, id));
        m.raw = msg.raw.slice();
        if (id % 2 === 1) m.fileRange = { offset: id * 1000, length: msg.raw.length };
        out.push(m);
      },
    });
    for (const f of parseCaptureBytes(readFileSync(file), file).frames) pipeline.push(f);
    pipeline.end();
    return out;
  }

  it('gives the same 26 parameters for every message of samples with SDP, TCP, fragments and forks', () => {
    const files = ['call-with-rtp.pcap', 'tcp-call.pcap', 'fragmented-invite.pcap', 'forked-invite.pcap'];
    for (const file of files) {
      const ms = inputs(join(SAMPLES_DIR, file));
      expect(ms.length).toBeGreaterThan(0);
      const p = new RowPacker(MESSAGE_COLUMNS.length);
      for (const m of ms) putMessage(p, 7, m);
      expect(carried(p).rows).toEqual(ms.map((m) => messageParams(7, m)));
    }
  });
});
