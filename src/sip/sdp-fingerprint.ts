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
