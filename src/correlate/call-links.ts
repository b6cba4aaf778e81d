/**
 * What ties a call to other things (DESIGN.md "Model": Call): the legs linked
 * to it by evidence, the other calls it transferred or replaced, and the
 * endpoints it saw. Types only, no code, so that the web UI's types
 * (web/src/api/types.ts) name them without pulling in the correlator.
 */

export type CallEvidence = 'X-CID' | 'X-Call-ID' | 'Session-ID' | 'P-Charging-Vector icid';

export interface CallLink {
  /** The Call-ID joined to the call. */
  callId: string;
  /** The header that showed the two legs belong together. */
  evidence: CallEvidence;
}

/**
 * How another call relates to this one (transfers.ts): RFC 3515 REFER and
 * RFC 5589 transfer, RFC 3891 Replaces. Another call, not another leg of
 * this one: the legs are `links`.
 */
export type CallRelationKind = 'transferred-to' | 'transferred-from' | 'replaces' | 'replaced-by';
/** What matched: the INVITE's Replaces header, its Referred-By, or its target and sender. */
export type CallRelationEvidence = 'Replaces' | 'Referred-By' | 'Refer-To';

export interface CallRelation {
  /** The other call's id. */
  call: number;
  relation: CallRelationKind;
  evidence: CallRelationEvidence;
  /** The request that asked for it: the REFER of a transfer, the INVITE of a replacement. */
  message: number;
}

export interface CallEndpoint {
  /** `ip:port` (`[v6]:port`). */
  addr: string;
  /** User-Agent (or Server) header of a message it sent. */
  label: string | null;
}
