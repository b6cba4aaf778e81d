/**
 * Headers that show two Call-IDs are legs of one call (a B2BUA, an SBC or an
 * IMS core changes the Call-ID but leaves these).
 *
 * - `X-CID` / `X-Call-ID` (vendor practice, e.g. Kamailio/OpenSIPS topology
 *   hiding, Asterisk, many SBCs): the value is the other leg's Call-ID.
 * - `Session-ID` (RFC 7989, ABNF in §8): "session-id-value = local-uuid
 *   *(SEMI sess-id-param)". Intermediaries (B2BUAs included) pass the
 *   identifier on unchanged (paraphrase of RFC 7989 §7), so both legs carry
 *   the same uuid. The null uuid (32 zeros) links nothing: it only says the
 *   sender does not know the value yet.
 * - `P-Charging-Vector` (RFC 7315 §4.6): the `icid-value` identifies one
 *   session for charging across the IMS network (paraphrase), so every leg
 *   of it carries the same value.
 *
 * One pass over the header list, first-character filtered: this runs for
 * every first copy of a message.
 */
import type { SipMessage } from '../sip/message.js';
import type { CallEvidence } from './model.js';

export interface Evidence {
  evidence: CallEvidence;
  /** Which index the value belongs to. */
  index: 'call-id' | 'session' | 'icid';
  value: string;
}

const NULL_UUID = '00000000000000000000000000000000';

export function linkEvidence(m: SipMessage): Evidence[] | null {
  let out: Evidence[] | null = null;
  const hs = m.headers;
  for (let i = 0; i < hs.length; i++) {
    const key = hs[i].key;
    const c = key.charCodeAt(0);
    let ev: Evidence | null = null;
    if (c === 120 /* x */) {
      if (key === 'x-cid') ev = callIdEvidence('X-CID', hs[i].value);
      else if (key === 'x-call-id') ev = callIdEvidence('X-Call-ID', hs[i].value);
    } else if (c === 115 /* s */) {
      if (key === 'session-id') ev = sessionEvidence(hs[i].value);
    } else if (c === 112 /* p */) {
      if (key === 'p-charging-vector') ev = icidEvidence(hs[i].value);
    }
    if (ev !== null) (out ??= []).push(ev);
  }
  return out;
}

function callIdEvidence(evidence: CallEvidence, value: string): Evidence | null {
  const v = value.trim();
  return v ? { evidence, index: 'call-id', value: v } : null;
}

/** RFC 7989 §8: the local uuid before the first `;`, compared in lowercase. */
export function sessionUuid(value: string): string | null {
  const semi = value.indexOf(';');
  const uuid = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  return uuid && uuid !== NULL_UUID ? uuid : null;
}

function sessionEvidence(value: string): Evidence | null {
  const uuid = sessionUuid(value);
  return uuid ? { evidence: 'Session-ID', index: 'session', value: uuid } : null;
}

/** RFC 7315 §4.6: `icid-value = "icid-value" EQUAL gen-value` (a token or a quoted string). */
export function icidValue(value: string): string | null {
  const at = value.toLowerCase().indexOf('icid-value');
  if (at < 0) return null;
  let i = at + 10;
  while (i < value.length && (value[i] === ' ' || value[i] === '\t')) i++;
  if (value[i] !== '=') return null;
  const semi = value.indexOf(';', i + 1);
  let v = (semi < 0 ? value.slice(i + 1) : value.slice(i + 1, semi)).trim();
  if (v.length >= 2 && v[0] === '"' && v[v.length - 1] === '"') v = v.slice(1, -1);
  return v || null;
}

function icidEvidence(value: string): Evidence | null {
  const v = icidValue(value);
  return v ? { evidence: 'P-Charging-Vector icid', index: 'icid', value: v } : null;
}
