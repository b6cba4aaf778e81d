/**
 * What identifies a transaction (RFC 3261 §17.1.3, §17.2.3), as a tuple
 * compared field by field: no key string is built per packet.
 *
 * RFC 3261 §17.2.3: "the branch parameter in the request is equal to the one
 * in the top Via header field of the request that created the transaction,
 * the sent-by value in the top Via of the request is equal to the one in the
 * request that created the transaction, and the method of the request matches
 * the one that created the transaction, except for ACK, where the method of
 * the request that created the transaction is INVITE."
 *
 * RFC 3261 §17.1.3: a response matches a client transaction "If the response
 * has the same value of the branch parameter in the top Via header field as
 * the branch parameter in the top Via header field of the request that
 * created the transaction" and "If the method parameter in the CSeq header
 * field matches the method of the request that created the transaction."
 * The sent-by is compared too: a response carries the request's top Via.
 *
 * The Call-ID is compared too, a departure for broken peers: a UA that
 * reuses one branch for every request (§8.1.1.7 wants it "unique across
 * space and time") would otherwise merge its calls into one transaction,
 * each new INVITE taken for a retransmission of the first. No message of a
 * transaction has another Call-ID (§8.2.6.2 responses, §9.1 CANCEL,
 * §17.1.1.3 ACK), so this only tells such requests apart.
 *
 * RFC 3261 §17.2.3, last paragraph: for a branch without the magic cookie
 * (RFC 2543 peers) "the INVITE request matches a transaction if the
 * Request-URI, To tag, From tag, Call-ID, CSeq, and top Via header field
 * match those of the INVITE request which created the transaction." The To
 * tag of a request that creates a transaction is empty, so it is left out;
 * responses carry no Request-URI, so they match on the rest.
 */
import type { SipMessage } from '../sip/message.js';

/** RFC 3261 §8.1.1.7: "The branch parameter value MUST start with the magic cookie "z9hG4bK"". */
export const MAGIC_COOKIE = 'z9hG4bK';

/** The branch carries the RFC 3261 magic cookie (compared without case: some stacks lowercase it). */
export function isRfc3261Branch(branch: string | undefined | null): branch is string {
  if (!branch || branch.length < 7) return false;
  if (branch.startsWith(MAGIC_COOKIE)) return true;
  return branch.slice(0, 7).toLowerCase() === 'z9hg4bk';
}

export interface TransactionKey {
  rfc2543: boolean;
  /** Top Via branch (for RFC 2543: whatever branch there was, or null). */
  branch: string | null;
  sentBy: string;
  /** Request method, or the CSeq method of a response. */
  method: string;
  callId: string;
  cseq: number;
  fromTag: string;
  /** Request-URI of a request; null for responses. */
  uri: string | null;
}

/** Fields of the message the key is made of (the caller has them from the accessors already). */
export interface KeyFields {
  branch: string | undefined;
  sentBy: string | undefined;
  callId: string | undefined;
  cseq: number | undefined;
  fromTag: string | undefined;
}

/** An empty key, to be filled by `fillKey` (one per correlator: no allocation per message). */
export function emptyKey(): TransactionKey {
  return {
    rfc2543: false,
    branch: null,
    sentBy: '',
    method: '',
    callId: '',
    cseq: -1,
    fromTag: '',
    uri: null,
  };
}

/**
 * Fills `k` with the transaction key of a message. `method` is the request
 * method or the CSeq method of a response. A message without a top Via
 * cannot be matched: `sentBy` stays empty and the caller gives it a
 * transaction of its own.
 */
export function fillKey(k: TransactionKey, m: SipMessage, f: KeyFields, method: string): TransactionKey {
  k.rfc2543 = !isRfc3261Branch(f.branch);
  k.branch = f.branch ?? null;
  k.sentBy = f.sentBy ?? '';
  k.method = method;
  k.callId = f.callId ?? '';
  k.cseq = f.cseq ?? -1;
  k.fromTag = f.fromTag ?? '';
  k.uri = m.kind === 'request' ? m.uri : null;
  return k;
}

/** The index a key is filed under in the transaction table. */
export function indexOf(k: TransactionKey): string {
  return k.rfc2543 ? k.callId : (k.branch as string);
}

/**
 * Does a message key match the key of the request that created a
 * transaction? `k.uri` null (a response) skips the Request-URI of RFC 2543.
 */
export function keyMatches(tx: TransactionKey, k: TransactionKey): boolean {
  if (tx.rfc2543 !== k.rfc2543 || tx.method !== k.method || tx.sentBy !== k.sentBy) return false;
  if (!k.rfc2543) return tx.branch === k.branch && tx.callId === k.callId;
  return (
    tx.branch === k.branch &&
    tx.callId === k.callId &&
    tx.cseq === k.cseq &&
    tx.fromTag === k.fromTag &&
    (k.uri === null || tx.uri === k.uri)
  );
}

/**
 * `keyMatches` for a transaction found under the key's own index entry
 * (`indexOf`, compared by the index already): the branch, or for RFC 2543
 * the Call-ID, is not compared a second time.
 */
export function keyMatchesInIndex(tx: TransactionKey, k: TransactionKey): boolean {
  if (tx.rfc2543 !== k.rfc2543 || tx.method !== k.method || tx.sentBy !== k.sentBy) return false;
  if (!k.rfc2543) return tx.callId === k.callId;
  return (
    tx.branch === k.branch &&
    tx.cseq === k.cseq &&
    tx.fromTag === k.fromTag &&
    (k.uri === null || tx.uri === k.uri)
  );
}
