/**
 * RFC 3261 timer values (§17, Table 4 of Appendix A), in capture seconds.
 *
 * The correlator never arms a Node.js timer: every duration here is compared
 * with capture timestamps, so a file analyses the same way today and in a
 * year, and live traffic goes through the same code (DESIGN.md "Time is data").
 *
 * A passive observer sees both the client and the server transaction of a
 * hop. Where the two sides keep a transaction for different times, the
 * correlator keeps it for the longer one, so that every retransmission either
 * side may still legitimately send is matched to it.
 */
import type { Transport } from '../decode/payload.js';

export interface TimerOptions {
  /** RTT estimate, default 0.5 s. RFC 3261 §17.1.1.1: "T1 ... 500 ms default". */
  t1?: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  t2?: number;
  /** Maximum duration a message will remain in the network, default 5 s. */
  t4?: number;
  /**
   * Timer C, default 180 s. RFC 3261 §16.6 step 11: "Timer C MUST be set for
   * each client transaction when an INVITE request is proxied. The timer MUST
   * be larger than 3 minutes." Used here as the backstop for an INVITE
   * transaction left in Proceeding with no final response: without it, a lost
   * final response would keep the transaction (and its call) hot forever.
   */
  timerC?: number;
  /** Timer D for unreliable transports, default 32 s ("at least 32 seconds"). */
  timerD?: number;
  /** Byte-identical copies on the same src→dst within this many seconds are duplicates, default 0.005. */
  duplicateWindow?: number;
  /** A finished call (no live transaction or dialog) is finalised this long after its last message, default 32 s. */
  callLinger?: number;
  /** A terminated dialog stays matchable this long (late 200 to BYE, retransmitted BYE), default 32 s. */
  dialogLinger?: number;
  /** A confirmed dialog with no message for this long is released (BYE lost or outside the capture), default 3600 s. */
  dialogIdle?: number;
}

export interface TimerValues {
  t1: number;
  t2: number;
  t4: number;
  /** Timer B = F = H = J(unreliable) = L = M = 64·T1. */
  b: number;
  f: number;
  h: number;
  l: number;
  c: number;
  /** Timer D on unreliable transports. */
  d: number;
  duplicateWindow: number;
  callLinger: number;
  dialogLinger: number;
  dialogIdle: number;
}

export function resolveTimers(o: TimerOptions = {}): TimerValues {
  const t1 = o.t1 ?? 0.5;
  const t64 = 64 * t1;
  return {
    t1,
    t2: o.t2 ?? 4,
    t4: o.t4 ?? 5,
    b: t64,
    f: t64,
    h: t64,
    l: t64,
    c: o.timerC ?? 180,
    d: o.timerD ?? 32,
    duplicateWindow: o.duplicateWindow ?? 0.005,
    callLinger: o.callLinger ?? t64,
    dialogLinger: o.dialogLinger ?? t64,
    dialogIdle: o.dialogIdle ?? 3600,
  };
}

/**
 * RFC 3261 §18: UDP is the unreliable transport; TCP, TLS, SCTP and WebSocket
 * (RFC 7118 §5: "the WebSocket ... is a reliable transport") are reliable.
 */
export function isReliable(t: Transport | undefined): boolean {
  return t !== undefined && t !== 'udp';
}

/**
 * Timer D: "Timer D ... at least 32 seconds for unreliable transports, and a
 * value of zero seconds for reliable transports" (§17.1.1.2). Client side,
 * INVITE Completed.
 */
export const timerD = (v: TimerValues, reliable: boolean): number => (reliable ? 0 : v.d);

/**
 * Timer I: "Timer I is set to fire in T4 seconds for unreliable transports,
 * and zero seconds for reliable transports" (§17.2.1). Server side, INVITE Confirmed.
 */
export const timerI = (v: TimerValues, reliable: boolean): number => (reliable ? 0 : v.t4);

/**
 * Timer J: "Timer J ... 64*T1 seconds for unreliable transports, and zero
 * seconds for reliable transports" (§17.2.2). Server side, non-INVITE Completed.
 */
export const timerJ = (v: TimerValues, reliable: boolean): number => (reliable ? 0 : 64 * v.t1);

/**
 * Timer K: "T4 for unreliable transports, and zero seconds for reliable
 * transports" (§17.1.2.2). Client side, non-INVITE Completed. The passive
 * observer keeps the longer of J and K (see the module comment).
 */
export const timerK = (v: TimerValues, reliable: boolean): number => (reliable ? 0 : v.t4);
