import { describe, expect, it } from 'vitest';
import { createCorrelator, ladderLabel, ladderMessage, renderLadder } from '../../src/correlate/index.js';
import type { SipMessage } from '../../src/sip/message.js';
import { basicCall, lostAckRetransmissions, parsed, proxiedCall } from '../fixtures/flows/index.js';

/** Ladder input with the correlator's retransmission marks. */
function correlated(msgs: SipMessage[]) {
  const c = createCorrelator();
  return msgs.map((m, i) => {
    const r = c.push(m, i);
    return ladderMessage(m, { id: i, retransmission: r.retransmission, duplicate: r.duplicate });
  });
}

describe('ASCII ladder', () => {
  it('draws a column per endpoint, one arrow per message with its label, relative time in the gutter', () => {
    expect(renderLadder(basicCall().map((m) => ladderMessage(m)))).toBe(
      [
        'time     10.0.0.1:5060    10.0.0.2:5060',
        '               │                │',
        '0.000          │─────INVITE────>│',
        '0.010          │<──100 Trying───│',
        '0.020          │<─180 Ringing───│',
        '2.000          │<────200 OK─────│',
        '2.010          │──────ACK──────>│',
        '12.000         │──────BYE──────>│',
        '12.010         │<────200 OK─────│',
        '',
      ].join('\n'),
    );
  });

  it('marks retransmissions and shows message ids; plain ASCII on request', () => {
    const out = renderLadder(correlated(lostAckRetransmissions()), { ascii: true, showIds: true });
    const lines = out.split('\n');
    expect(lines[1]).toBe('               |                |');
    expect(lines[4]).toBe('1.000          |<----200 OK-----|  #2');
    expect(lines[6]).toBe('1.500          |<----200 OK-----|  (retrans) #4');
    expect(lines[7]).toBe('1.510          |------ACK------>|  (retrans) #5');
    expect(out).not.toMatch(/[│─]/);
    expect(lines.filter((l) => l.includes('(retrans)'))).toHaveLength(6);
  });

  it('draws an RTP stream (RFC 3550) as a double-line row at its first packet, as sngrep does', () => {
    const sip = basicCall().map((m) => ladderMessage(m));
    const rows = [
      ...sip,
      {
        ts: sip[0].ts + 2.02,
        src: '10.0.0.2:5060',
        dst: '10.0.0.1:5060',
        label: 'RTP PCMA/8000',
        media: true,
        notes: ['50 pkts'],
      },
    ];
    const lines = renderLadder(rows).split('\n');
    expect(lines[7]).toBe('2.020          │<═RTP PCMA/8000═══│  50 pkts');
    // Between the ACK and the BYE; SIP arrows keep their single line.
    expect(lines[6]).toContain('──ACK──');
    expect(lines[8]).toContain('──BYE──');
    expect(renderLadder(rows, { ascii: true }).split('\n')[7]).toBe(
      '2.020          |<=RTP PCMA/8000===|  50 pkts',
    );
  });

  it('draws arrows between non-neighbouring columns across the lifelines in between', () => {
    const msgs = [
      { ts: 10, src: 'A', dst: 'C', label: 'INVITE' },
      { ts: 10.25, src: 'C', dst: 'A', label: '486 Busy Here' },
      { ts: 10, src: 'A', dst: 'B', label: 'OPTIONS' },
    ];
    expect(renderLadder(msgs, { columns: ['A', 'B', 'C'] })).toBe(
      [
        'time    A            B           C',
        '        │            │           │',
        '0.000   │─────────INVITE────────>│',
        '0.000   │──OPTIONS──>│           │',
        '0.250   │<────486 Busy Here──────│',
        '',
      ].join('\n'),
    );
  });

  it('widens a gap for a long label and cuts labels beyond maxLabel', () => {
    const out = renderLadder(
      [{ ts: 0, src: 'a', dst: 'b', label: '183 Session Progress with a long reason' }],
      {
        maxLabel: 20,
      },
    );
    expect(out.split('\n')[2]).toBe('0.000   │──183 Session Progres…──>│');
  });

  it('keeps the time origin given and the input order for equal times', () => {
    const out = renderLadder(
      [
        { ts: 5, src: 'x', dst: 'y', label: 'first' },
        { ts: 5, src: 'y', dst: 'x', label: 'second' },
      ],
      { t0: 4 },
    );
    expect(out.split('\n').slice(2, 4)).toEqual(['1.000   │───first──>│', '1.000   │<─second───│']);
  });

  it('labels are the method, or the status code and reason', () => {
    const [inv, , ringing] = basicCall();
    expect(ladderLabel(inv)).toBe('INVITE');
    expect(ladderLabel(ringing)).toBe('180 Ringing');
    expect(ladderLabel(parsed('SIP/2.0 200 \r\nContent-Length: 0\r\n\r\n'))).toBe('200');
  });

  it('a proxied call has three columns in order of appearance', () => {
    const header = renderLadder(correlated(proxiedCall())).split('\n')[0];
    expect(header.split(/\s+/)).toEqual(['time', '10.0.0.1:5060', '10.0.0.10:5060', '10.0.0.2:5060']);
  });

  it('an empty list is an empty string', () => {
    expect(renderLadder([])).toBe('');
  });
});
