/**
 * The rule registry (DESIGN.md convention 7): every rule, one file each under
 * `rules/`, listed once here. The catalogue (`sipscope rules`, `GET
 * /api/rules`, the README table) is generated from this list, so it cannot
 * drift from the code.
 */
import type { Rule } from './rule.js';
import type { RuleInfo } from './rule-info.js';
import { ack2xxNotAcked } from './rules/ack-2xx-not-acked.js';
import { ackAnswered } from './rules/ack-answered.js';
import { ackNon2xxNotAcked } from './rules/ack-non-2xx-not-acked.js';
import { ackReusesInviteBranch } from './rules/ack-reuses-invite-branch.js';
import { authFailed } from './rules/auth-failed.js';
import { bodyMultipartMalformed } from './rules/body-multipart-malformed.js';
import { cancelAfterFinal } from './rules/cancel-after-final.js';
import { contactMissing } from './rules/contact-missing.js';
import { contentLengthInvalid } from './rules/content-length-invalid.js';
import { contentLengthMismatch } from './rules/content-length-mismatch.js';
import { contentLengthMissingOnStream } from './rules/content-length-missing-on-stream.js';
import { contentTypeMissing } from './rules/content-type-missing.js';
import { cseqAckMismatch } from './rules/cseq-ack-mismatch.js';
import { cseqCancelMismatch } from './rules/cseq-cancel-mismatch.js';
import { cseqMethodMismatch } from './rules/cseq-method-mismatch.js';
import { cseqNotIncreasing } from './rules/cseq-not-increasing.js';
import { cseqResponseMismatch } from './rules/cseq-response-mismatch.js';
import { dialogRequestAfterEnd } from './rules/dialog-request-after-end.js';
import { dialogToTagChanged } from './rules/dialog-to-tag-changed.js';
import { dialogUnknownRequest } from './rules/dialog-unknown-request.js';
import { dtlsFingerprintMismatch } from './rules/dtls-fingerprint-mismatch.js';
import { dtlsSetupRoleMismatch } from './rules/dtls-setup-role-mismatch.js';
import { framingBareLf } from './rules/framing-bare-lf.js';
import { framingNoEmptyLine } from './rules/framing-no-empty-line.js';
import { fromTagMissing } from './rules/from-tag-missing.js';
import { headerDateInvalid } from './rules/header-date-invalid.js';
import { headerDuplicate } from './rules/header-duplicate.js';
import { headerEmptyListElement } from './rules/header-empty-list-element.js';
import { headerLineMalformed } from './rules/header-line-malformed.js';
import { headerMandatoryMissing } from './rules/header-mandatory-missing.js';
import { headerParamMalformed } from './rules/header-param-malformed.js';
import { headerValueInvalid } from './rules/header-value-invalid.js';
import { headerWithoutColon } from './rules/header-without-colon.js';
import { ipv6Invalid } from './rules/ipv6-invalid.js';
import { ipv6Unbracketed } from './rules/ipv6-unbracketed.js';
import { loop482Returned } from './rules/loop-482-returned.js';
import { loop483Returned } from './rules/loop-483-returned.js';
import { loopHopRepeated } from './rules/loop-hop-repeated.js';
import { loopMaxForwardsNotDecremented } from './rules/loop-max-forwards-not-decremented.js';
import { loopMaxForwardsZeroForwarded } from './rules/loop-max-forwards-zero-forwarded.js';
import { loopViaRepeated } from './rules/loop-via-repeated.js';
import { mediaFormatNotNegotiated } from './rules/media-format-not-negotiated.js';
import { mediaJitter } from './rules/media-jitter.js';
import { mediaOneWay } from './rules/media-one-way.js';
import { mediaPacketLoss } from './rules/media-packet-loss.js';
import { mediaPoorQuality } from './rules/media-poor-quality.js';
import { mediaRtcpLoss } from './rules/media-rtcp-loss.js';
import { nameAddrMalformed } from './rules/name-addr-malformed.js';
import { nameAddrUriNotEnclosed } from './rules/name-addr-uri-not-enclosed.js';
import { prackMissing } from './rules/prack-missing.js';
import { quotedStringUnterminated } from './rules/quoted-string-unterminated.js';
import { registerFlood } from './rules/register-flood.js';
import { requestUriHeaders } from './rules/request-uri-headers.js';
import { requestUriMalformed } from './rules/request-uri-malformed.js';
import { retransmissionBeyondTimerB } from './rules/retransmission-beyond-timer-b.js';
import { retransmissionInterval } from './rules/retransmission-interval.js';
import { retransmissionOverReliableTransport } from './rules/retransmission-over-reliable-transport.js';
import { routeSetMissing } from './rules/route-set-missing.js';
import { routeStrictRouting } from './rules/route-strict-routing.js';
import { scanSweep } from './rules/scan-sweep.js';
import { scanUserAgent } from './rules/scan-user-agent.js';
import { sdpAnswerCodecNotOffered } from './rules/sdp-answer-codec-not-offered.js';
import { sdpAnswerDtlsSetup } from './rules/sdp-answer-dtls-setup.js';
import { sdpAnswerMissing } from './rules/sdp-answer-missing.js';
import { sdpAnswerMlinesMismatch } from './rules/sdp-answer-mlines-mismatch.js';
import { sdpDtlsFingerprintMissing } from './rules/sdp-dtls-fingerprint-missing.js';
import { sdpMalformed } from './rules/sdp-malformed.js';
import { sdpPortZeroMisuse } from './rules/sdp-port-zero-misuse.js';
import { sdpPrivateAddress } from './rules/sdp-private-address.js';
import { sessionTimerNotRefreshed } from './rules/session-timer-not-refreshed.js';
import { sipVersionUnsupported } from './rules/sip-version-unsupported.js';
import { startLineMalformed } from './rules/start-line-malformed.js';
import { statusCodeInvalid } from './rules/status-code-invalid.js';
import { toTagMissing } from './rules/to-tag-missing.js';
import { transactionNoFinalResponse } from './rules/transaction-no-final-response.js';
import { uriMalformed } from './rules/uri-malformed.js';
import { viaBranchNoCookie } from './rules/via-branch-no-cookie.js';
import { viaMalformed } from './rules/via-malformed.js';

export type { RuleInfo };

/** Every rule, in catalogue order (grouped by what they look at, start line first). */
export const RULES: readonly Rule[] = [
  // The start line
  startLineMalformed,
  sipVersionUnsupported,
  statusCodeInvalid,
  requestUriMalformed,
  requestUriHeaders,
  // Framing and body
  framingBareLf,
  framingNoEmptyLine,
  contentLengthInvalid,
  contentLengthMismatch,
  contentLengthMissingOnStream,
  contentTypeMissing,
  bodyMultipartMalformed,
  sdpMalformed,
  // Header lines and values
  headerWithoutColon,
  headerLineMalformed,
  headerMandatoryMissing,
  headerDuplicate,
  headerValueInvalid,
  headerEmptyListElement,
  headerParamMalformed,
  headerDateInvalid,
  quotedStringUnterminated,
  nameAddrMalformed,
  nameAddrUriNotEnclosed,
  uriMalformed,
  ipv6Unbracketed,
  ipv6Invalid,
  // Specific headers
  viaMalformed,
  viaBranchNoCookie,
  cseqMethodMismatch,
  fromTagMissing,
  toTagMissing,
  contactMissing,
  // Loops (RFC 3261 §16.3, §16.6)
  loopViaRepeated,
  loopHopRepeated,
  loop482Returned,
  loop483Returned,
  loopMaxForwardsNotDecremented,
  loopMaxForwardsZeroForwarded,
  // CSeq across messages
  cseqResponseMismatch,
  cseqNotIncreasing,
  cseqAckMismatch,
  cseqCancelMismatch,
  // Dialogs and tags
  dialogToTagChanged,
  dialogUnknownRequest,
  dialogRequestAfterEnd,
  sessionTimerNotRefreshed,
  // ACK, CANCEL and completion
  ack2xxNotAcked,
  ackNon2xxNotAcked,
  ackReusesInviteBranch,
  ackAnswered,
  cancelAfterFinal,
  prackMissing,
  transactionNoFinalResponse,
  // Retransmissions
  retransmissionInterval,
  retransmissionOverReliableTransport,
  retransmissionBeyondTimerB,
  // Routing
  routeSetMissing,
  routeStrictRouting,
  // SDP offer/answer (RFC 3264)
  sdpAnswerMissing,
  sdpAnswerMlinesMismatch,
  sdpAnswerCodecNotOffered,
  sdpAnswerDtlsSetup,
  sdpDtlsFingerprintMissing,
  sdpPortZeroMisuse,
  sdpPrivateAddress,
  mediaOneWay,
  mediaPacketLoss,
  mediaJitter,
  mediaRtcpLoss,
  mediaPoorQuality,
  mediaFormatNotNegotiated,
  dtlsFingerprintMismatch,
  dtlsSetupRoleMismatch,
  // Registration and security
  authFailed,
  registerFlood,
  scanSweep,
  scanUserAgent,
];

const BY_ID = new Map<string, Rule>();
for (const r of RULES) {
  if (BY_ID.has(r.id)) throw new Error(`rule registry: duplicate id ${r.id}`);
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/.test(r.id)) {
    throw new Error(`rule registry: id ${r.id} is not dotted kebab-case`);
  }
  BY_ID.set(r.id, r);
}

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/**
 * Rules whose id starts with one of `prefixes` (`cseq.` selects every CSeq
 * rule; a full id selects that rule). An empty list selects every rule.
 */
export function selectRules(prefixes: readonly string[], rules: readonly Rule[] = RULES): Rule[] {
  if (prefixes.length === 0) return rules.slice();
  return rules.filter((r) => prefixes.some((p) => r.id.startsWith(p)));
}

export function ruleInfo(r: Rule): RuleInfo {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    scope: r.scope,
    rfc: { ref: r.rfc.ref, text: r.rfc.text },
    explanation: r.explanation,
  };
}

/** The catalogue (`sipscope rules --json`, `GET /api/rules`). */
export function catalogue(rules: readonly Rule[] = RULES): RuleInfo[] {
  return rules.map(ruleInfo);
}
