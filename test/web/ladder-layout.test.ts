/**
 * The ladder layout (web/src/ladder/layout.ts) without a DOM: columns,
 * arrow order, time gutter, retransmission marks, finding markers and
 * multi-leg calls, fed with the JSON contract the real pipeline gives for
 * bundled samples and named flows.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../web/src/api/types.js';
import { arrowClass, layoutLadder, messageLabel, sdpText } from '../../web/src/ladder/layout.js';
import { b2buaLegsLinkedByXcid, lostAckRetransmissions, rfc2543Call } from '../fixtures/flows/index.js';
import { contractOfFile, contractOfFlow, messagesOfCall } from './contract.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

describe('columns', () => {
  it('gives one column per endpoint in order of first appearance, labelled with User-Agent/Server', async () => {
    const doc = await contractOfFile(sample('proxied-call-two-interfaces.pcapng'));
    const call = doc.calls[0];
    const l = layoutLadder(call, messagesOfCall(doc, call.id), []);
    // The INVITE goes 10.0.0.1 → proxy 10.0.0.10, then proxy → 10.0.0.2.
    expect(l.columns.map((c) => c.title)).toEqual(['10.0.0.1:5060', '10.0.0.10:5060', '10.0.0.2:5060']);
    const labels = new Map(call.endpoints.map((e) => [e.addr, e.label ?? '']));
    for (const c of l.columns) expect(c.subtitle).toBe(labels.get(c.addrs[0]));
    const xs = l.columns.map((c) => c.x);
    expect(xs[1] - xs[0]).toBe(190);
    expect(xs[2] - xs[1]).toBe(190);
    expect(xs[0]).toBeGreaterThan(l.gutterWidth);
    expect(l.width).toBeGreaterThan(xs[2]);
  });

  it('renames a column with an alias and merges columns that share one (sngrep aliases)', async () => {
    const doc = await contractOfFile(sample('proxied-call-two-interfaces.pcapng'));
    const call = doc.calls[0];
    const msgs = messagesOfCall(doc, call.id);
    const renamed = layoutLadder(call, msgs, [], { aliases: { '10.0.0.10:5060': 'proxy' } });
    expect(renamed.columns.map((c) => c.title)).toEqual(['10.0.0.1:5060', 'proxy', '10.0.0.2:5060']);

    // A host alias (no port) applies to every port of that host; two hosts with one alias merge.
    const merged = layoutLadder(call, msgs, [], { aliases: { '10.0.0.10': 'core', '10.0.0.2': 'core' } });
    expect(merged.columns.map((c) => c.title)).toEqual(['10.0.0.1:5060', 'core']);
    expect(merged.columns[1].addrs.sort()).toEqual(['10.0.0.10:5060', '10.0.0.2:5060']);
    // Messages between the merged endpoints now start and end in the same column.
    const inner = merged.arrows.filter((a) => a.self);
    const expected = msgs.filter((m) => m.src !== '10.0.0.1:5060' && m.dst !== '10.0.0.1:5060');
    expect(inner.map((a) => a.messageId).sort((a, b) => a - b)).toEqual(expected.map((m) => m.id));
  });
});

describe('arrows', () => {
  it('draws one arrow per message in time order whatever order they arrive in', async () => {
    const doc = await contractOfFile(sample('proxied-call-two-interfaces.pcapng'));
    const call = doc.calls[0];
    const msgs = messagesOfCall(doc, call.id);
    const shuffled = [...msgs].reverse();
    const l = layoutLadder(call, shuffled, []);
    expect(l.arrows).toHaveLength(msgs.length);
    const inTime = [...msgs].sort((a, b) => a.ts - b.ts || a.id - b.id).map((m) => m.id);
    expect(l.arrows.map((a) => a.messageId)).toEqual(inTime);
    for (let i = 1; i < l.arrows.length; i++) expect(l.arrows[i].y).toBeGreaterThan(l.arrows[i - 1].y);
    const byId = new Map(msgs.map((m) => [m.id, m]));
    for (const a of l.arrows) {
      const m = byId.get(a.messageId)!;
      expect(l.columns[a.from].addrs).toContain(m.src);
      expect(l.columns[a.to].addrs).toContain(m.dst);
      expect(a.x1).toBe(l.columns[a.from].x);
      expect(a.x2).toBe(l.columns[a.to].x);
      expect(a.label).toBe(m.method ?? `${m.status} ${m.reason}`);
      expect(a.transaction).toBe(m.transaction);
      expect(a.dialog).toBe(m.dialog);
      expect(a.frame).toBe(m.frame);
    }
    expect(l.height).toBeGreaterThan(l.arrows[l.arrows.length - 1].y);
  });

  it('keeps the capture order for messages with the same timestamp', () => {
    const base = { src: 'a:1', dst: 'b:2', transport: 'udp', callId: 'x', retransmission: false } as const;
    const msgs = [3, 1, 2].map(
      (id) => ({ ...base, id, frame: id + 1, ts: 10, method: `M${id}` }) as unknown as MessageRow,
    );
    const l = layoutLadder({ callIds: ['x'], links: [], endpoints: [] }, msgs, []);
    expect(l.arrows.map((a) => a.label)).toEqual(['M1', 'M2', 'M3']);
  });

  it('colours by class: the first digit of the status code, 5xx and 6xx together', () => {
    expect(arrowClass({ method: 'INVITE' })).toBe('request');
    expect(
      [100, 180, 200, 202, 302, 400, 404, 486, 500, 503, 600, 603].map((s) => arrowClass({ status: s })),
    ).toEqual([
      'r1xx',
      'r1xx',
      'r2xx',
      'r2xx',
      'r3xx',
      'r4xx',
      'r4xx',
      'r4xx',
      'r56xx',
      'r56xx',
      'r56xx',
      'r56xx',
    ]);
    expect(arrowClass({})).toBe('other');
    expect(messageLabel({ status: 486, reason: 'Busy Here' })).toBe('486 Busy Here');
    expect(messageLabel({ method: 'OPTIONS' })).toBe('OPTIONS');
  });

  it('cuts a label longer than the space between two columns and keeps the full text', () => {
    const long = 'X'.repeat(80);
    const m = { id: 0, frame: 1, ts: 0, src: 'a:1', dst: 'b:2', method: long, callId: 'x' } as MessageRow;
    const l = layoutLadder({ callIds: ['x'], links: [], endpoints: [] }, [m], []);
    expect(l.arrows[0].label).toBe(long);
    expect(l.arrows[0].shortLabel.length).toBeLessThan(long.length);
    expect(l.arrows[0].shortLabel.endsWith('…')).toBe(true);
  });

  it('summarises SDP as media address and codecs', () => {
    expect(
      sdpText({
        addr: '10.0.0.1',
        media: [
          {
            media: 'audio',
            port: 4000,
            proto: 'RTP/AVP',
            addr: null,
            codecs: ['PCMU/8000', '101'],
            direction: null,
          },
          { media: 'video', port: 0, proto: 'RTP/AVP', addr: null, codecs: [], direction: 'inactive' },
        ],
      }),
    ).toBe('audio 10.0.0.1:4000 PCMU/8000 101 · video port 0 (disabled) inactive');
    // RFC 3986 §3.2.2: an IPv6 address in brackets before its port, or the port reads as a group.
    const v6 = { media: 'audio', port: 6000, proto: 'RTP/AVP', addr: null, codecs: [], direction: null };
    expect(sdpText({ addr: 'fd17::1521', media: [v6] })).toBe('audio [fd17::1521]:6000');
    expect(sdpText(null)).toBeNull();
  });
});

describe('time gutter', () => {
  it('gives the time since the first message and the delta to the previous one', async () => {
    const doc = await contractOfFile(sample('basic-call.pcap'));
    const call = doc.calls[0];
    const msgs = messagesOfCall(doc, call.id);
    const l = layoutLadder(call, msgs, []);
    const t0 = Math.min(...msgs.map((m) => m.ts));
    expect(l.start).toBe(t0);
    expect(l.arrows[0].delta).toBeNull();
    expect(l.arrows[0].timeText).toBe('0.000');
    expect(l.arrows[0].deltaText).toBe('');
    for (let i = 1; i < l.arrows.length; i++) {
      const m = msgs.find((x) => x.id === l.arrows[i].messageId)!;
      const prev = msgs.find((x) => x.id === l.arrows[i - 1].messageId)!;
      expect(l.arrows[i].time).toBeCloseTo(m.ts - t0, 9);
      expect(l.arrows[i].delta).toBeCloseTo(m.ts - prev.ts, 9);
      expect(l.arrows[i].timeText).toBe((m.ts - t0).toFixed(3));
    }
    // basic-call: 200 OK at 2.000 s after the 180 at 0.020 s; the ACK 10 ms later.
    const ok = l.arrows.find((a) => a.label === '200 OK')!;
    expect(ok.timeText).toBe('2.000');
    expect(ok.deltaText).toBe('+1.980 s');
    expect(l.arrows[ok.row + 1].deltaText).toBe('+10 ms');
  });
});

describe('retransmission marks', () => {
  it('marks exactly the messages the correlator called retransmissions', async () => {
    const doc = await contractOfFlow(lostAckRetransmissions());
    const call = doc.calls[0];
    const msgs = messagesOfCall(doc, call.id);
    const l = layoutLadder(call, msgs, doc.findings);
    const marked = l.arrows.filter((a) => a.retransmission).map((a) => a.messageId);
    expect(marked).toEqual(msgs.filter((m) => m.retransmission).map((m) => m.id));
    // The flow: three more copies each of the 200 OK and of the ACK.
    expect(marked).toHaveLength(6);
    expect(new Set(l.arrows.filter((a) => a.retransmission).map((a) => a.label))).toEqual(
      new Set(['200 OK', 'ACK']),
    );
  });
});

describe('finding markers', () => {
  it('puts one marker per finding on each message it names, with the rule', async () => {
    const doc = await contractOfFlow(rfc2543Call());
    const call = doc.calls[0];
    const l = layoutLadder(call, messagesOfCall(doc, call.id), doc.findings);
    const expected = doc.findings.flatMap((f) => f.messages.map((m) => `${m} ${f.rule}`)).sort();
    const drawn = l.arrows.flatMap((a) => a.markers.map((k) => `${a.messageId} ${k.rule}`)).sort();
    expect(drawn).toEqual(expected);
    expect(drawn.length).toBeGreaterThan(0);
    for (const a of l.arrows) {
      a.markers.forEach((k, i) => {
        expect(k.y).toBe(a.y);
        expect(k.x).toBeGreaterThanOrEqual(l.markerX);
        if (i > 0) expect(k.x).toBeGreaterThan(a.markers[i - 1].x);
      });
    }
    expect(l.width).toBeGreaterThan(Math.max(...l.arrows.flatMap((a) => a.markers.map((k) => k.x))));
    // Beside the markers, the rules they stand for, once each.
    for (const a of l.arrows) {
      const rules = [...new Set(a.markers.map((k) => k.rule))];
      expect(a.markerText).toBe(rules.join(', '));
      if (rules.length) expect(a.markerTextX).toBeGreaterThan(a.markers[a.markers.length - 1].x);
    }
  });
});

describe('multi-leg calls', () => {
  it('shows the linked legs together and names the link', async () => {
    const doc = await contractOfFlow(b2buaLegsLinkedByXcid());
    expect(doc.calls).toHaveLength(1);
    const call = doc.calls[0];
    const msgs = messagesOfCall(doc, call.id);
    const l = layoutLadder(call, msgs, []);
    expect(l.legs.map((g) => g.callId)).toEqual(call.callIds);
    expect(l.legs[0].evidence).toBeNull();
    expect(l.legs[1].evidence).toBe('X-CID');
    expect(l.legs[1].name).toBe(`leg 2: ${call.callIds[1]} (linked by X-CID)`);
    // Both legs' messages are on one ladder, each arrow tagged with its leg.
    expect(l.arrows).toHaveLength(msgs.length);
    for (const a of l.arrows) {
      const m = msgs.find((x) => x.id === a.messageId)!;
      expect(l.legs[a.leg].callId).toBe(m.callId);
    }
    expect(new Set(l.arrows.map((a) => a.leg))).toEqual(new Set([0, 1]));
    // Alice, the B2BUA and Bob: three columns.
    expect(l.columns).toHaveLength(3);
  });
});
