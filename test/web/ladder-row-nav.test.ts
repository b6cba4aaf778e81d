/**
 * ↑/↓ in the call view (web/src/ladder/row-nav.ts), without a DOM: every
 * ladder row in time order, RTP streams' rows among the messages', stopping
 * at both ends, starting at the first row from none, following a row by its
 * identity when a redraw adds rows before it; the sample call-with-rtp.pcap
 * stepped from its ACK through its two streams to its BYE.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MessageRow, RtpStream } from '../../web/src/api/types.js';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import { type LadderRow, ladderRows, rowIndex, sameRow, stepRow } from '../../web/src/ladder/row-nav.js';
import { type ContractDoc, contractOfFile, messagesOfCall } from './contract.js';
import { A, B, call, msg, rtp } from './ladder-fixtures.js';

const m = (id: number): LadderRow => ({ kind: 'message', id });
const s = (id: number): LadderRow => ({ kind: 'stream', id });

/** INVITE, ACK, two streams (the second given first: the layout orders them by time), BYE. */
const layout = () =>
  layoutLadder(
    call,
    [msg(10, 100, A, B, 'INVITE'), msg(11, 101, A, B, 'ACK'), msg(12, 111, A, B, 'BYE')],
    [],
    {
      streams: [
        rtp(8, 101.2, '10.0.0.1:4000', '10.0.0.2:5000'),
        rtp(7, 101.1, '10.0.0.2:5000', '10.0.0.1:4000'),
      ],
    },
  );

describe('ladderRows', () => {
  it('lists every row, messages and streams, in time order', () => {
    expect(ladderRows(layout())).toEqual([m(10), m(11), s(7), s(8), m(12)]);
  });

  it('gives the messages alone for a call without streams, and nothing for an empty ladder', () => {
    const l = layoutLadder(call, [msg(1, 1, A, B, 'OPTIONS'), msg(2, 2, B, A, 'OPTIONS')], []);
    expect(ladderRows(l)).toEqual([m(1), m(2)]);
    expect(ladderRows(layoutLadder(call, [], []))).toEqual([]);
  });

  it('tells a message from a stream of the same id', () => {
    expect(sameRow(m(7), s(7))).toBe(false);
    expect(sameRow(s(7), s(7))).toBe(true);
    expect(sameRow(null, null)).toBe(false);
    const rows = ladderRows(layout());
    expect(rowIndex(rows, s(7))).toBe(2);
    expect(rowIndex(rows, m(7))).toBe(-1);
    expect(rowIndex(rows, null)).toBe(-1);
  });
});

describe('stepRow', () => {
  const rows = ladderRows(layout());

  it('goes down from the ACK through both streams to the BYE, and back up', () => {
    const down: LadderRow[] = [];
    let at: LadderRow | null = m(11);
    for (let i = 0; i < 3; i++) {
      at = stepRow(rows, at, 1);
      down.push(at as LadderRow);
    }
    expect(down).toEqual([s(7), s(8), m(12)]);
    expect(stepRow(rows, m(12), -1)).toEqual(s(8));
    expect(stepRow(rows, s(8), -1)).toEqual(s(7));
    expect(stepRow(rows, s(7), -1)).toEqual(m(11));
  });

  it('stops at the first and the last row', () => {
    expect(stepRow(rows, m(10), -1)).toEqual(m(10));
    expect(stepRow(rows, m(12), 1)).toEqual(m(12));
    expect(stepRow(rows, m(10), -100)).toEqual(m(10));
    expect(stepRow(rows, m(10), 100)).toEqual(m(12));
  });

  it('starts at the first row from none, or from one no longer drawn, whichever way', () => {
    expect(stepRow(rows, null, 1)).toEqual(m(10));
    expect(stepRow(rows, null, -1)).toEqual(m(10));
    expect(stepRow(rows, s(99), 1)).toEqual(m(10));
  });

  it('starts at a stream when the first row is one (RTP before the first message drawn)', () => {
    const l = layoutLadder(call, [msg(1, 10, A, B, 'BYE')], [], { streams: [rtp(3, 5, A, B)] });
    expect(stepRow(ladderRows(l), null, 1)).toEqual(s(3));
  });

  it('follows a row by what it is, not where it was, when a redraw adds rows before it', () => {
    const before = ladderRows(layoutLadder(call, [msg(11, 101, A, B, 'ACK'), msg(12, 111, A, B, 'BYE')], []));
    expect(stepRow(before, m(11), 1)).toEqual(m(12));
    // The streams came in (a live call): ↓ from the ACK is now the first stream.
    expect(stepRow(rows, m(11), 1)).toEqual(s(7));
  });

  it('has nowhere to go on an empty ladder', () => {
    expect(stepRow([], null, 1)).toBeNull();
    expect(stepRow([], m(1), -1)).toBeNull();
  });
});

describe('the sample call-with-rtp.pcap', () => {
  it('steps from the ACK of call 0 through its two streams, in the order of their first packet, to the BYE', async () => {
    const file = fileURLToPath(new URL('../../samples/call-with-rtp.pcap', import.meta.url));
    const doc = (await contractOfFile(file)) as ContractDoc & { streams: RtpStream[] };
    const c = doc.calls[0];
    const messages = messagesOfCall(doc, c.id);
    const streams = doc.streams.filter((x) => x.call === c.id);
    const rows = ladderRows(layoutLadder(c, messages, [], { streams }));
    expect(rows).toHaveLength(messages.length + 2);
    const ack = messages.find((x) => x.method === 'ACK') as MessageRow;
    const bye = messages.find((x) => x.method === 'BYE') as MessageRow;
    const [first, second] = [...streams].sort((p, q) => p.start - q.start);
    const one = stepRow(rows, m(ack.id), 1);
    const two = stepRow(rows, one, 1);
    expect([one, two, stepRow(rows, two, 1)]).toEqual([s(first.id), s(second.id), m(bye.id)]);
    // Bob's stream (2.010 s) before Alice's lossy one (2.020 s).
    expect([first.src, second.src]).toEqual(['10.0.0.2:3456', '10.0.0.1:49170']);
  });
});
