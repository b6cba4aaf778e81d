/**
 * The certificate fingerprint and the connection role of an SDP (RFC 8122
 * §5, RFC 4145 §4), as DTLS-SRTP uses them (RFC 5763 §5):
 *
 * ```
 * fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
 * hash-func             = "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" / "md5" / "md2" / token
 * fingerprint           = 2UHEX *(":" 2UHEX)
 * setup-attr            = "a=setup:" role
 * role                  = "active" / "passive" / "actpass" / "holdconn"
 * ```
 *
 * Both may be session-level or media-level; RFC 8122 §5: "If it is a
 * session-level attribute, it applies to all TLS sessions for which no
 * media-level fingerprint attribute is defined" (and a=setup the same).
 * Read only when asked (`fingerprintsOf`, `setupOf`): the SDP parser keeps
 * every a= line as it is, so an SDP without them costs nothing here. The
 * hex is read case-insensitively (the ABNF says upper case; lower case is
 * seen in the field). A malformed line is kept with `error`; it never throws.
 */
import type { Sdp, SdpAttribute, SdpMedia } from './sdp-model.js';

export interface SdpFingerprint {
  /** The hash function as written, lower-cased (`sha-256`). */
  hash: string;
  /** The fingerprint in upper-case hex pairs separated by ':' (empty when `error`). */
  value: string;
  /** Message offset of its a= line. */
  offset: number;
  /** What was wrong with the line, when something was. */
  error?: string;
}

export type SdpSetupRole = 'active' | 'passive' | 'actpass' | 'holdconn';

/** RFC 8122 §5 `2UHEX *(":" 2UHEX)`, either case. */
const FINGERPRINT = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/;
/** RFC 8866 §9 token: what an unknown hash function name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;

/** The a=fingerprint of one attribute, or undefined when it is not one. */
export function parseFingerprint(a: SdpAttribute): SdpFingerprint | undefined {
  if (a.name !== 'fingerprint') return undefined;
  const fields = (a.value ?? '').trim().split(/[ \t]+/);
  const [hash = '', hex = ''] = fields;
  const f: SdpFingerprint = { hash: hash.toLowerCase(), value: '', offset: a.offset };
  if (fields.length !== 2 || !TOKEN.test(hash))
    f.error = 'a=fingerprint is not "<hash-func> <fingerprint>" (RFC 8122 §5)';
  else if (!FINGERPRINT.test(hex))
    f.error = `"${hex.slice(0, 24)}" is not hex pairs separated by ":" (RFC 8122 §5)`;
  else f.value = hex.toUpperCase();
  return f;
}

/** The a=fingerprint lines of a list of attributes, in order. */
function fingerprintLines(attributes: readonly SdpAttribute[]): SdpFingerprint[] {
  const out: SdpFingerprint[] = [];
  for (const a of attributes) {
    const f = parseFingerprint(a);
    if (f !== undefined) out.push(f);
  }
  return out;
}

/** The fingerprints that apply to media `m` of `sdp`: its own, else the session's (RFC 8122 §5). */
export function fingerprintsOf(
  sdp: Pick<Sdp, 'attributes'>,
  m: Pick<SdpMedia, 'attributes'>,
): SdpFingerprint[] {
  const own = fingerprintLines(m.attributes);
  return own.length > 0 ? own : fingerprintLines(sdp.attributes);
}

/**
 * An m= line whose transport is DTLS, which a=fingerprint authenticates:
 * RFC 5764 §8's UDP/TLS/RTP/SAVP(F) and DCCP/TLS/RTP/SAVP(F) ("TLS" over a
 * datagram transport is DTLS there), RFC 7850's TCP/DTLS/RTP/SAVP(F), RFC
 * 8841's UDP/DTLS/SCTP and TCP/DTLS/SCTP, RFC 7345's UDP/TLS/UDPTL. Not
 * TLS over TCP (TCP/TLS/..., RFC 8122 §4), whose certificate may be checked
 * by other means. Matched case-insensitively; RTP/AVP is turned away by
 * the first test.
 */
export function isDtlsProto(proto: string): boolean {
  if (!/tls/i.test(proto)) return false;
  const p = proto.toUpperCase();
  return p.startsWith('UDP/TLS/') || p.startsWith('DCCP/TLS/') || p.includes('DTLS/');
}

/**
 * Does media `i` of `sdp` have an a=fingerprint: its own, the session's
 * (RFC 8122 §5), or, for a media in an a=group:BUNDLE, that of another
 * media of the group? RFC 8859 puts fingerprint in the TRANSPORT category,
 * and RFC 9143 §7.1.3 (RFC 8843 before it): "In a subsequent offer or in
 * an answer (initial or subsequent), the offerer and answerer MUST include
 * IDENTICAL and TRANSPORT multiplexing category SDP attributes (BUNDLE
 * attributes) only in the tagged "m=" section".
 */
export function hasFingerprint(sdp: Pick<Sdp, 'attributes' | 'media'>, i: number): boolean {
  const m = sdp.media[i];
  if (hasAttribute(m.attributes, 'fingerprint') || hasAttribute(sdp.attributes, 'fingerprint')) return true;
  const mid = attributeValue(m.attributes, 'mid');
  if (mid === undefined) return false;
  for (const a of sdp.attributes) {
    if (a.name !== 'group' || a.value === undefined) continue;
    const [semantics, ...mids] = a.value.trim().split(/[ \t]+/);
    if (semantics.toUpperCase() !== 'BUNDLE' || !mids.includes(mid)) continue;
    for (const other of sdp.media) {
      const om = attributeValue(other.attributes, 'mid');
      if (om !== undefined && mids.includes(om) && hasAttribute(other.attributes, 'fingerprint')) return true;
    }
  }
  return false;
}

function hasAttribute(attributes: readonly SdpAttribute[], name: string): boolean {
  for (const a of attributes) if (a.name === name) return true;
  return false;
}

function attributeValue(attributes: readonly SdpAttribute[], name: string): string | undefined {
  for (const a of attributes) if (a.name === name) return a.value?.trim();
  return undefined;
}

const ROLES: ReadonlySet<string> = new Set(['active', 'passive', 'actpass', 'holdconn']);

/** The a=setup value of a list of attributes (the first), `invalid` for one outside RFC 4145 §4's roles. */
function setupLine(attributes: readonly SdpAttribute[]): SdpSetupRole | 'invalid' | undefined {
  for (const a of attributes) {
    if (a.name !== 'setup') continue;
    const v = (a.value ?? '').trim().toLowerCase();
    return ROLES.has(v) ? (v as SdpSetupRole) : 'invalid';
  }
  return undefined;
}

/** The a=setup role that applies to media `m`: its own, else the session's; undefined when neither says. */
export function setupOf(
  sdp: Pick<Sdp, 'attributes'>,
  m: Pick<SdpMedia, 'attributes'>,
): SdpSetupRole | 'invalid' | undefined {
  return setupLine(m.attributes) ?? setupLine(sdp.attributes);
}
