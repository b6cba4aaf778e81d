/**
 * RTP streams on the ladder (web/src/ladder/layout.ts `streams`,
 * stream-arrows.ts), without a DOM: each stream a row of its own among the
 * messages in time order, between the columns of its hosts (the setup
 * message's column when a host has several, a column of its own when no
 * message came from its host), labelled as sngrep and Wireshark label RTP,
 * lossy and one-way streams flagged, labels cut, attacker text left as
 * plain data; the sample call-with-rtp.pcap through the real pipeline; the
 * text export with the stream rows.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callLadder } from '../../src/cli/text-report.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import type { CallDetail, MessageRow, RtpStream } from '../../web/src/api/types.js';
import { layoutLadder } from '../../web/src/ladder/layout.js';
import { withRelated } from '../../web/src/ladder/related-merge.js';
import { ladderText } from '../../web/src/ladder/text-export.js';
import { streamRows } from '../../web/src/media/rtp-streams.js';
import { type ContractDoc, contractOfFile, messagesOfCall } from './contract.js';
import { A, B, call, msg, rtp } from './ladder-fixtures.js';

/** The lines of a text from its ladder header (`time …`) to the blank line after it. */
function ladderLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('time '));
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

/** INVITE, 180, 200 OK, ACK between A and B, then BYE and its 200 ten seconds later. */
const basic = (): MessageRow[] => [
  msg(0, 100, A, B, 'INVITE'),
  msg(1, 100.1, B, A, 180),
  msg(2, 101, B, A, 200),
  msg(3, 101.05, A, B, 'ACK'),
  msg(4, 111, A, B, 'BYE'),
  msg(5, 111.01, B, A, 200),
];

describe('RTP stream rows', () => {
  it('puts each stream on the columns of its hosts, in time order among the messages', () => {
    const streams = [
      rtp(7, 101.02, '10.0.0.1:4000', '10.0.0.2:6000'),
      rtp(8, 101.01, '10.0.0.2:6000', '10.0.0.1:4000'),
    ];
    const l = layoutLadder(call, basic(), [], { streams });
    expect(l.columns.map((c) => c.title)).toEqual([A, B]);
    // 200 OK at 101, then B→A's first packet at 101.01, A→B's at 101.02, then the ACK at 101.05.
    expect(l.streams.map((s) => [s.streamId, s.row])).toEqual([
      [8, 3],
      [7, 4],
    ]);
    expect(l.arrows.map((a) => a.row)).toEqual([0, 1, 2, 5, 6, 7]);
    expect(l.rowCount).toBe(8);
    const [back, forth] = l.streams;
    expect([back.from, back.to, back.x1, back.x2]).toEqual([1, 0, l.columns[1].x, l.columns[0].x]);
    expect([forth.from, forth.to, forth.x1, forth.x2]).toEqual([0, 1, l.columns[0].x, l.columns[1].x]);
    expect(back.self || forth.self).toBe(false);
    // Rows evenly spaced whatever their kind; the ladder is as long as all of them.
    const ys = [...l.arrows, ...l.streams].sort((p, q) => p.row - q.row).map((r) => r.y);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBe(l.rowHeight);
    expect(l.height).toBe(l.headerHeight + l.rowHeight * 9);
    // Gutter: seconds since the first message, and the last packet's time under it.
    expect([forth.timeText, forth.endText]).toEqual(['1.020', 'to 11.260']);
    expect(forth.label).toBe('RTP PCMA/8000 · 512 pkts');
    expect([forth.lossy, forth.oneWay, forth.note]).toEqual([false, false, '']);
    // The messages' own deltas still run from message to message.
    expect(l.arrows.find((a) => a.messageId === 3)?.deltaText).toBe('+50 ms');
  });

  it('lays a call out as before when it has no streams', () => {
    const msgs = basic();
    const without = layoutLadder(call, msgs, []);
    expect(layoutLadder(call, msgs, [], { streams: [] })).toEqual(without);
    expect(without.streams).toEqual([]);
    expect(without.rowCount).toBe(msgs.length);
    expect(without.arrows.map((a) => a.row)).toEqual([0, 1, 2, 3, 4, 5]);
    // Streams move the messages' rows, never their columns, labels or times.
    const withStreams = layoutLadder(call, msgs, [], {
      streams: [rtp(1, 101.02, '10.0.0.1:4000', '10.0.0.2:6000')],
    });
    const strip = (a: (typeof without.arrows)[number]) => ({ ...a, row: 0, y: 0 });
    expect(withStreams.arrows.map(strip)).toEqual(without.arrows.map(strip));
    expect(withStreams.columns).toEqual(without.columns);
  });

  it('draws one media address in one column: that of the SIP endpoint whose SDP announced it (RFC 4566 c=/m=)', () => {
    // Host 10.0.0.2 speaks SIP from two ports; its SDP, sent from :5080, announced 10.0.0.2:25426.
    const sdp = (addr: string, port: number) => ({
      addr,
      media: [{ media: 'audio', port, proto: 'RTP/AVP', addr: null, codecs: ['PCMU/8000'], direction: null }],
    });
    const msgs = [
      msg(0, 0, '10.0.0.2:5080', '10.0.0.3:5060', 'INVITE'),
      msg(1, 0.5, '10.0.0.2:5060', A, 'NOTIFY'),
      msg(2, 1, '10.0.0.3:5060', '10.0.0.2:5080', 200),
      msg(3, 2, A, '10.0.0.2:5060', 'INVITE'),
    ];
    msgs[0].sdp = sdp('10.0.0.2', 25426);
    msgs[2].sdp = sdp('10.0.0.3', 7000);
    msgs[3].sdp = sdp('10.0.0.1', 4000);
    const streams = [
      // Each stream set up by a message on another of the host's ports: both ends still on :5080.
      rtp(0, 3, '10.0.0.1:4000', '10.0.0.2:25426', { setup: 3 }),
      rtp(1, 3, '10.0.0.2:25426', '10.0.0.3:7000', { setup: 2 }),
      rtp(2, 3, '10.0.0.3:7000', '10.0.0.2:25426', { setup: 1 }),
    ];
    const l = layoutLadder(call, msgs, [], { streams });
    const title = (i: number) => l.columns[i].title;
    expect(l.streams.map((s) => [s.streamId, title(s.from), title(s.to)])).toEqual([
      [0, A, '10.0.0.2:5080'],
      [1, '10.0.0.2:5080', '10.0.0.3:5060'],
      [2, '10.0.0.3:5060', '10.0.0.2:5080'],
    ]);
  });

  it('prefers the column that sent or got the setup message when a host has several', () => {
    // A B2BUA on 10.0.0.2 with one port towards each side.
    const msgs = [
      msg(0, 0, A, B, 'INVITE'),
      msg(1, 0.01, '10.0.0.2:5080', '10.0.0.3:5060', 'INVITE'),
      msg(2, 1, '10.0.0.3:5060', '10.0.0.2:5080', 200),
      msg(3, 1.01, B, A, 200),
    ];
    const streams = [
      rtp(0, 2, '10.0.0.3:7000', '10.0.0.2:30000', { setup: 2 }),
      rtp(1, 2, '10.0.0.1:4000', '10.0.0.2:20000', { setup: 0 }),
      // A setup message the call does not have: the host's first column.
      rtp(2, 3, '10.0.0.2:20002', '10.0.0.1:4000', { setup: 99 }),
    ];
    const l = layoutLadder(call, msgs, [], { streams });
    const title = (i: number) => l.columns[i].title;
    const ends = l.streams.map((s) => [s.streamId, title(s.from), title(s.to)]);
    expect(ends).toEqual([
      [0, '10.0.0.3:5060', '10.0.0.2:5080'],
      [1, A, B],
      [2, B, A],
    ]);
    expect(l.columns).toHaveLength(4);
  });

  it('adds a column at the right for a media host no message came from', () => {
    const msgs = basic();
    const before = layoutLadder(call, msgs, []);
    // Media anchored on a separate media server (c= names another host than the SIP one).
    const streams = [
      rtp(0, 101.01, '10.9.9.9:40000', '10.0.0.1:4000'),
      rtp(1, 101.02, '10.0.0.1:4000', '10.9.9.9:40002'),
    ];
    const l = layoutLadder(call, msgs, [], { streams });
    expect(l.columns.map((c) => [c.title, c.subtitle])).toEqual([
      [A, ''],
      [B, ''],
      ['10.9.9.9:40000', 'RTP'],
    ]);
    // Both streams use that one column (same host, another port).
    expect(l.streams.map((s) => [s.from, s.to])).toEqual([
      [2, 0],
      [0, 2],
    ]);
    expect(l.columns[2].x - l.columns[1].x).toBe(190);
    expect(l.markerX).toBe(before.markerX + 190);
    expect(l.width).toBe(before.width + 190);
  });

  it('follows the aliases: a named host takes its streams, and two ends in one merged column loop', () => {
    const streams = [rtp(0, 101.01, '10.0.0.1:4000', '10.0.0.2:6000')];
    const named = layoutLadder(call, basic(), [], { streams, aliases: { '10.0.0.2': 'bob' } });
    expect(named.columns[named.streams[0].to].title).toBe('bob');
    const merged = layoutLadder(call, basic(), [], {
      streams,
      aliases: { '10.0.0.1': 'lan', '10.0.0.2': 'lan' },
    });
    expect(merged.columns).toHaveLength(1);
    expect(merged.streams[0].self).toBe(true);
  });

  it('flags a lossy stream and a one-way one, and says so under the line', () => {
    const streams = [
      rtp(0, 101.01, '10.0.0.1:4000', '10.0.0.2:6000', {
        packets: 496,
        expected: 499,
        lost: 3,
        lostPercent: 0.6012,
      }),
      rtp(1, 101.02, '10.0.0.2:6000', '10.0.0.1:4000', { reverse: false }),
      // Duplicates: more received than expected is no loss.
      rtp(2, 101.03, '10.0.0.2:6000', '10.0.0.1:4000', { packets: 514, lost: -2, lostPercent: -0.4 }),
    ];
    const l = layoutLadder(call, basic(), [], { streams });
    const [lossy, oneWay, dup] = l.streams;
    expect(lossy.label).toBe('RTP PCMA/8000 · 496 pkts · lost 3 (0.6 %)');
    expect([lossy.lossy, lossy.oneWay, lossy.note]).toEqual([true, false, 'lost 3 (0.6 %)']);
    expect(lossy.shortLabel).toBe('RTP PCMA/8000 · 496 pkts');
    expect(lossy.title).toContain('496 pkts of 499 expected · lost 3 (0.6 %)');
    expect(lossy.title).toContain('SSRC 0x00000000');
    expect(lossy.title).toContain('max Δ 20.000 ms · max jitter 0.500 ms · mean jitter 0.100 ms');
    expect(lossy.title).toContain('time 1.010–11.250 s (10.24 s)');
    expect([oneWay.lossy, oneWay.oneWay]).toEqual([false, true]);
    expect(oneWay.note).toContain('one-way');
    expect(oneWay.title).toContain('one-way');
    expect([dup.lossy, dup.label, dup.note]).toEqual([false, 'RTP PCMA/8000 · 514 pkts', '']);
  });

  it('cuts a label to the space between the columns and keeps the whole of it', () => {
    const codecs = ['opus/48000/2', 'telephone-event/48000', 'PCMA/8000', 'PCMU/8000', 'G722/8000'];
    const near = layoutLadder(call, basic(), [], {
      streams: [rtp(0, 101.01, '10.0.0.1:4000', '10.0.0.2:6000', { codecs, lost: 9, lostPercent: 1.7 })],
    });
    const s = near.streams[0];
    expect(s.label).toBe(`RTP ${codecs.join(', ')} · 512 pkts · lost 9 (1.7 %)`);
    expect(s.shortLabel.endsWith('…')).toBe(true);
    // 190 px between the columns, less the heads, at 7 px a character.
    expect(s.shortLabel.length).toBe(Math.floor((190 - 16) / 7));
    expect(s.label.startsWith(s.shortLabel.slice(0, -1))).toBe(true);
    // A stream across three columns has room for more.
    const wide = layoutLadder(call, [...basic(), msg(6, 112, B, '10.0.0.3:5060', 'OPTIONS')], [], {
      streams: [rtp(0, 101.01, '10.0.0.1:4000', '10.0.0.3:6000', { codecs })],
    });
    expect(wide.streams[0].shortLabel.length).toBeGreaterThan(s.shortLabel.length);
  });

  it("draws a related call's streams with its messages (related-merge.ts)", () => {
    const detail = (id: number, streams?: RtpStream[]) =>
      ({
        call: { id, callIds: [`c${id}`], links: [], endpoints: [], related: [] },
        messages: [msg(id, id, A, B, 'INVITE')],
        transactions: [],
        dialogs: [],
        findings: [],
        ...(streams ? { streams } : {}),
      }) as unknown as CallDetail;
    const own = rtp(1, 1, '10.0.0.1:4000', '10.0.0.2:6000');
    const theirs = rtp(2, 2, '10.0.0.2:6000', '10.0.0.1:4000');
    const merged = withRelated(detail(0, [own]), [detail(5, [theirs, own])]);
    expect(merged.streams?.map((s) => s.id)).toEqual([1, 2]);
    // A server without streams gives none, merged or not.
    expect('streams' in withRelated(detail(0), [detail(5)])).toBe(false);
    expect(withRelated(detail(0), [detail(5, [theirs])]).streams?.map((s) => s.id)).toEqual([2]);
  });

  it('keeps markup in a stream as plain text', () => {
    const img = '<img src=x onerror=alert(1)>';
    const streams = [
      rtp(0, 101.01, '10.0.0.1:4000', '10.0.0.2:6000', {
        codecs: [img],
        ssrc: '<b>0x1</b>',
        media: '<script>',
      }),
    ];
    const l = layoutLadder(call, basic(), [], { streams });
    const s = l.streams[0];
    expect(s.codecs).toBe(img);
    expect(s.label).toBe(`RTP ${img} · 512 pkts`);
    expect(s.title).toContain(`SSRC <b>0x1</b> · <script> · ${img}`);
    expect(s.label).not.toContain('&lt;');
    // Not a number where one is due: no NaN in the words.
    const odd = layoutLadder(call, basic(), [], {
      streams: [rtp(1, 101.01, '10.0.0.1:4000', '10.0.0.2:6000', { lost: Number.NaN, maxJitterMs: null })],
    });
    expect(odd.streams[0].label).toBe('RTP PCMA/8000 · 512 pkts');
    expect(odd.streams[0].title).not.toContain('NaN');
    expect(odd.streams[0].title).toContain('max jitter –');
  });
});

describe('the sample call-with-rtp.pcap', () => {
  type Doc = ContractDoc & { streams: RtpStream[] };

  it('draws the two streams of call 0 after the ACK, as the streams table numbers them', async () => {
    const doc = (await contractOfFile(sample('call-with-rtp.pcap'))) as Doc;
    const c = doc.calls[0];
    const messages = messagesOfCall(doc, c.id);
    const streams = doc.streams.filter((s) => s.call === c.id);
    const l = layoutLadder(c, messages, [], { streams });
    expect(l.columns.map((x) => x.title)).toEqual(['10.0.0.1:5060', '10.0.0.2:5060']);
    // INVITE 100 180 200 ACK, then Bob's RTP (2.010, the ACK's time: the message first), Alice's (2.020), BYE 200.
    const order = [...l.arrows.map((a) => [a.row, a.label]), ...l.streams.map((s) => [s.row, s.label])]
      .sort((p, q) => (p[0] as number) - (q[0] as number))
      .map((r) => r[1]);
    expect(order).toEqual([
      'INVITE',
      '100 Trying',
      '180 Ringing',
      '200 OK',
      'ACK',
      'RTP PCMU/8000 · 499 pkts',
      'RTP PCMU/8000 · 496 pkts · lost 3 (0.6 %)',
      'BYE',
      '200 OK',
    ]);
    const table = streamRows(streams, { t0: l.start as number, messages });
    for (const s of l.streams) {
      const row = table.find((r) => r.id === s.streamId)!;
      // Packets and loss as the table writes them.
      expect(s.label).toContain(`${row.packets} pkts`);
      if (row.lossy) expect(s.label).toContain(`lost ${row.lost}`);
      expect(s.lossy).toBe(row.lossy);
      expect(s.timeText).toBe(row.time.split('–')[0]);
      expect(l.columns[s.from].title.split(':')[0]).toBe(row.src.addr.split(':')[0]);
      expect(l.columns[s.to].title.split(':')[0]).toBe(row.dst.addr.split(':')[0]);
    }

    // Call 1: the caller's RTP only, one-way.
    const c1 = doc.calls[1];
    const one = layoutLadder(c1, messagesOfCall(doc, c1.id), [], {
      streams: doc.streams.filter((s) => s.call === c1.id),
    });
    expect(one.streams.map((s) => [s.oneWay, one.columns[s.from].title, one.columns[s.to].title])).toEqual([
      [true, '10.0.0.1:5060', '10.0.0.2:5060'],
    ]);
  });

  it('writes the stream rows in the text export as sipscope analyze --call does', async () => {
    const file = sample('call-with-rtp.pcap');
    const doc = (await contractOfFile(file)) as Doc;
    const r = await analyzeCapture(file);
    for (const c of doc.calls) {
      const messages = messagesOfCall(doc, c.id);
      const streams = doc.streams.filter((s) => s.call === c.id);
      const findings = doc.findings.filter((f) => f.call === c.id);
      const l = layoutLadder(c, messages, findings, { streams });
      const text = ladderText(c, messages, findings, l, streams);
      const cli = callLadder(r, r.calls[c.id]);
      expect(ladderLines(text)).toEqual(ladderLines(cli));
      expect(ladderLines(text)).toHaveLength(2 + messages.length + streams.length);
    }
    const c = doc.calls[0];
    const messages = messagesOfCall(doc, c.id);
    const streams = doc.streams.filter((s) => s.call === c.id);
    const lines = ladderText(c, messages, [], layoutLadder(c, messages, [], { streams }), streams).split(
      '\n',
    );
    const rtpLines = lines.filter((x) => x.includes('RTP PCMU/8000'));
    expect(rtpLines).toHaveLength(2);
    // With the E-model MOS of each (test/media/stream-quality.test.ts works it out), as the CLI writes it.
    expect(rtpLines[0]).toMatch(/^2\.010 .*<.*RTP PCMU\/8000.*│ {2}499 pkts, MOS 4\.41$/);
    expect(rtpLines[1]).toMatch(/^2\.020 .*RTP PCMU\/8000.*>│ {2}496 pkts, lost 3 \(0\.6%\), MOS 4\.36$/);
    // Between the ACK and the BYE, in time order.
    const at = (re: RegExp) => lines.findIndex((x) => re.test(x));
    expect(at(/ACK/)).toBeLessThan(lines.indexOf(rtpLines[0]));
    expect(at(/BYE/)).toBeGreaterThan(lines.indexOf(rtpLines[1]));
    // Without the streams' figures (an older caller), the messages alone.
    const bare = ladderText(c, messages, [], layoutLadder(c, messages, [], { streams }));
    expect(bare).not.toContain('RTP');
  });
});
