import { describe, expect, it } from 'vitest';
import {
  basicCall,
  copyOf,
  ep,
  lostAckRetransmissions,
  optionsUnanswered,
  parsed,
  prackCall,
  rfc2543Call,
} from '../fixtures/flows/index.js';
import { run } from './run.js';

describe('retransmissions (same transaction, same src→dst)', () => {
  it('retransmitted 2xx to INVITE and the ACKs they trigger are retransmissions, with T1 backoff intervals (§13.3.1.4)', () => {
    const r = run(lostAckRetransmissions());
    const ok = [2, 4, 6, 8].map((i) => r.out[i]);
    expect(ok.map((o) => o.retransmission)).toEqual([false, true, true, true]);
    expect(ok.slice(1).map((o) => o.interval)).toEqual([0.5, 1, 2]);
    // The 2xx ACKs form one ACK transaction; its copies are retransmissions too.
    const acks = [3, 5, 7, 9].map((i) => r.out[i]);
    expect(new Set(acks.map((o) => o.transaction)).size).toBe(1);
    expect(acks.map((o) => o.retransmission)).toEqual([false, true, true, true]);
    expect(r.txOf(3).retransmissions).toBe(3);
    expect(r.txOf(0).retransmissions).toBe(3);
    expect(r.calls[0].retransmissions).toBe(6);
    expect(r.c.stats().retransmissions).toBe(6);
  });

  it('request retransmissions double from T1 (Timer E, §17.1.2.2)', () => {
    const r = run(optionsUnanswered());
    expect(r.out.map((o) => o.retransmission)).toEqual([false, true, true, true]);
    expect(r.out.slice(1).map((o) => o.interval)).toEqual([0.5, 1, 2]);
  });

  it('a retransmitted reliable provisional response is a retransmission (RFC 3262 §3)', () => {
    const r = run(prackCall());
    expect(r.out[2].retransmission).toBe(true);
    expect(r.out[2].interval).toBe(0.5);
    expect(r.out[1].transaction).toBe(r.out[2].transaction);
  });

  it('an RFC 2543 INVITE retransmission groups by the fallback key', () => {
    const r = run(rfc2543Call());
    expect(r.out[1]).toMatchObject({ retransmission: true, duplicate: false, interval: 0.5 });
  });

  it('a byte-identical copy on the same src→dst within 5 ms is a mirror duplicate, not a retransmission', () => {
    const msgs = basicCall();
    const dup = copyOf(msgs[0], 0.001, 100);
    const r = run([msgs[0], dup, ...msgs.slice(1)]);
    expect(r.out[1]).toEqual({
      transaction: r.out[0].transaction,
      retransmission: false,
      duplicate: true,
      interval: 0.001,
      dialog: null,
      call: 0,
    });
    expect(r.txOf(0).duplicates).toBe(1);
    expect(r.txOf(0).retransmissions).toBe(0);
    expect(r.calls[0].duplicates).toBe(1);
  });

  it('a copy with other bytes within the window is not a duplicate', () => {
    const msgs = basicCall();
    const ok = msgs[3];
    const text = Buffer.from(ok.raw).toString('latin1').replace('m=audio 3456', 'm=audio 3458');
    const other = parsed(text);
    other.source = ok.source && { ...ok.source, ts: ok.source.ts + 0.002, frame: 99, frames: [99] };
    const r = run([...msgs.slice(0, 4), other]);
    expect(r.out[4]).toMatchObject({ duplicate: false, retransmission: true, interval: 0.002 });
  });

  it('the duplicate window is an option; beyond it an identical copy is a retransmission', () => {
    const msgs = basicCall();
    const copy = copyOf(msgs[0], 0.004, 100);
    expect(run([msgs[0], copy]).out[1].duplicate).toBe(true);
    expect(run([msgs[0], copy], { duplicateWindow: 0.002 }).out[1]).toMatchObject({
      duplicate: false,
      retransmission: true,
    });
  });

  it('a duplicate does not become the reference for the next interval', () => {
    const msgs = optionsUnanswered();
    const r = run([msgs[0], copyOf(msgs[0], 0.002, 90), msgs[1]]);
    expect(r.out[1].duplicate).toBe(true);
    expect(r.out[2]).toMatchObject({ retransmission: true, interval: 0.5 });
  });

  it('the same request on another src→dst pair is a copy on another hop, not a retransmission', () => {
    const msgs = basicCall();
    // Seen again behind a NAT: same bytes, other addresses.
    const natted = copyOf(msgs[0], 0.002, 100, ep('192.0.2.1', 40000), ep('10.0.0.2'));
    const r = run([msgs[0], natted]);
    expect(r.out[1]).toMatchObject({
      transaction: r.out[0].transaction,
      retransmission: false,
      duplicate: false,
    });
    expect(r.out[1].interval).toBeUndefined();
  });

  it('a SIP-level resend over TCP is still a retransmission (TCP retransmissions never reach SIP)', () => {
    const msgs = basicCall({ transport: 'tcp' });
    const r = run([msgs[0], copyOf(msgs[0], 0.5, 100), ...msgs.slice(1)]);
    expect(r.out[1]).toMatchObject({ retransmission: true, interval: 0.5 });
  });

  it('responses differing in status or To tag are not retransmissions of each other', () => {
    const r = run(basicCall());
    expect(r.out.every((o) => !o.retransmission && !o.duplicate)).toBe(true);
  });
});
