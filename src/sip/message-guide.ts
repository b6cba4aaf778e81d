/**
 * What a SIP message is, for the web inspector and the call story
 * (report/call-story.ts): a line on its method or status
 * code and the RFC section that defines it, for students reading a ladder
 * ("180 Ringing: RFC 3261 §21.1.2 …"). Static text, no analysis: the
 * findings say what is wrong, this says what the message is for.
 *
 * Status codes of RFC 3261 §21 are numbered in the order of their codes
 * within each class; test/web/message-guide.test.ts checks that order, so a
 * section typed wrong shows up there.
 */

export interface MessageGuide {
  /** `INVITE`, `183 Session Progress`. */
  title: string;
  /** `RFC 3261 §13`. */
  ref: string;
  text: string;
}

type Entry = readonly [ref: string, text: string];

const METHODS: Readonly<Record<string, Entry>> = {
  INVITE: [
    'RFC 3261 §13',
    'Invites the callee into a session; its body usually carries the SDP offer. Sent inside a dialog it is a re-INVITE (§14), which changes the session (hold, new codecs).',
  ],
  ACK: [
    'RFC 3261 §13.2.2.4, §17.1.1.3',
    'Confirms that the caller got the final response to its INVITE. After a 2xx it is a transaction of its own, sent end to end; after a 3xx–6xx it belongs to the INVITE transaction and is sent hop by hop.',
  ],
  BYE: ['RFC 3261 §15.1', 'Ends the session (the dialog) it is sent in; either side may send it.'],
  CANCEL: [
    'RFC 3261 §9',
    'Asks to stop an INVITE that has no final response yet. It is its own transaction with the same branch as the INVITE; the INVITE is then answered 487 Request Terminated.',
  ],
  REGISTER: [
    'RFC 3261 §10',
    'Binds an address of record (To) to the contact addresses where the user can be reached, for the time in Expires; Expires: 0 removes the binding.',
  ],
  OPTIONS: [
    'RFC 3261 §11',
    'Asks what a peer supports (methods, extensions, bodies); also used as a keep-alive ping between servers.',
  ],
  PRACK: [
    'RFC 3262',
    'Acknowledges a reliable provisional response (one with Require: 100rel and an RSeq): the sender of the 1xx retransmits it until the PRACK arrives.',
  ],
  UPDATE: [
    'RFC 3311',
    'Changes the session (a new SDP offer) without a re-INVITE, possibly before the call is answered.',
  ],
  INFO: [
    'RFC 6086',
    'Carries application information inside a dialog without changing the session, such as DTMF digits.',
  ],
  SUBSCRIBE: [
    'RFC 6665',
    'Asks to be notified of the state of a resource (the Event package: presence, dialog, message-summary…); Expires: 0 ends the subscription.',
  ],
  NOTIFY: [
    'RFC 6665',
    'Tells a subscriber the state of the resource; Subscription-State: terminated ends the subscription.',
  ],
  REFER: [
    'RFC 3515',
    'Asks the recipient to contact the URI in Refer-To (a call transfer); the outcome comes back in NOTIFYs with message/sipfrag bodies.',
  ],
  MESSAGE: ['RFC 3428', 'An instant message: the text is the body, outside any session.'],
  PUBLISH: [
    'RFC 3903',
    'Publishes the state of a resource (such as presence) to the server that tells subscribers.',
  ],
};

/** RFC 3261 §21, in the order of the RFC (each class's codes ascending). */
const RFC3261_CODES: ReadonlyArray<readonly [number, string]> = [
  [
    100,
    'The request has been received and is being worked on; it stops the retransmissions of an INVITE. Sent hop by hop, without a To tag.',
  ],
  [180, 'The callee is being alerted (the phone rings).'],
  [181, 'The call is being forwarded to another destination.'],
  [182, 'The callee is busy and the call has been queued.'],
  [
    183,
    'The call is progressing; often carries SDP for early media (ringback, announcements) before the answer.',
  ],
  [
    200,
    'The request succeeded. To an INVITE it answers the call, usually with the SDP answer, and creates the dialog; the caller must ACK it.',
  ],
  [300, 'The address resolved to several locations, listed in Contact; the caller may try them.'],
  [
    301,
    'The user can no longer be found here; the Contact gives the new address, for this and future requests.',
  ],
  [302, 'The user is temporarily elsewhere: try the address in Contact (call forwarding).'],
  [305, 'The request must go through the proxy named in Contact.'],
  [380, 'The call failed, but alternative services are possible (described in the body).'],
  [400, 'The request could not be understood because of malformed syntax.'],
  [
    401,
    'The request needs user authentication: resend it with an Authorization header answering the WWW-Authenticate challenge (§22.2).',
  ],
  [402, 'Reserved for future use.'],
  [403, 'The server understood the request and refuses it; authenticating again will not help.'],
  [404, 'The user does not exist in the domain of the Request-URI.'],
  [405, 'The method is not allowed for this address; the Allow header lists those that are.'],
  [406, 'The resource cannot answer with what the Accept headers of the request allow.'],
  [
    407,
    'A proxy needs authentication: resend with a Proxy-Authorization header answering the Proxy-Authenticate challenge (§22.3).',
  ],
  [
    408,
    'No final response could be found in time (for example, the callee did not answer the forwarded request).',
  ],
  [410, 'The user existed here but is no longer available, and no forwarding address is known.'],
  [413, 'The request body is larger than the server will process.'],
  [414, 'The Request-URI is longer than the server will interpret.'],
  [415, 'The body format (Content-Type or Content-Encoding) is not supported.'],
  [416, 'The scheme of the Request-URI is not supported.'],
  [420, 'The server does not support an extension named in Proxy-Require or Require.'],
  [
    421,
    'The server needs an extension the request did not list in Supported (named in Require of the response).',
  ],
  [
    423,
    'The registration or subscription asked for too short an expiry; Min-Expires gives the least accepted.',
  ],
  [480, 'The callee was contacted but is not available right now (not logged in, do not disturb).'],
  [
    481,
    'The request does not match any dialog or transaction the server knows (a BYE or CANCEL for something already over).',
  ],
  [482, 'The server received the request once already through another path: a loop.'],
  [483, 'Max-Forwards reached zero before the request arrived: most often a routing loop.'],
  [484, 'The Request-URI is incomplete (more digits are needed).'],
  [485, 'The Request-URI is ambiguous; possible matches may be in Contact.'],
  [486, 'The callee is busy at this end system.'],
  [487, 'The request was ended by a CANCEL (or a BYE) before it got a final response; the caller ACKs it.'],
  [488, 'The session description is not acceptable here (no common codec or media); Warning may say why.'],
  [
    491,
    'The server has a request of its own pending in the same dialog (two re-INVITEs crossed): retry later.',
  ],
  [493, 'The request carried an S/MIME body the server cannot decrypt.'],
  [500, 'The server hit an unexpected condition; Retry-After may say when to try again.'],
  [501, 'The server does not implement the method.'],
  [502, 'A gateway or proxy got an invalid response from the next server.'],
  [503, 'The server is overloaded or in maintenance; Retry-After may say for how long.'],
  [504, 'A server downstream did not answer in time.'],
  [505, 'The server does not support the SIP version of the request.'],
  [513, 'The message is too long for the server to process.'],
  [600, 'The callee is busy everywhere: no other location will answer.'],
  [603, 'The callee explicitly declined the call.'],
  [604, 'The user does not exist anywhere.'],
  [
    606,
    'The callee was reached but does not accept the session as described (the body may say what would be).',
  ],
];

/** Codes defined after RFC 3261, with the RFC that defines each. */
const EXTENSION_CODES: Readonly<Record<number, Entry>> = {
  199: [
    'RFC 6228',
    'An early dialog has been terminated (a forked branch gave up before the call was answered).',
  ],
  202: [
    'RFC 3515, RFC 6665',
    'Accepted for processing; the outcome comes later in NOTIFYs. A REFER is answered so (RFC 3515); RFC 6665 deprecates it for SUBSCRIBE.',
  ],
  204: [
    'RFC 5839',
    'The subscription succeeded and no NOTIFY will be sent now (the subscriber already has the current state).',
  ],
  412: ['RFC 3903', 'The PUBLISH refers to an entity tag (SIP-If-Match) the server no longer has.'],
  422: [
    'RFC 4028',
    'The session timer interval (Session-Expires) is too small; Min-SE gives the least accepted.',
  ],
  489: ['RFC 6665', 'The Event package of the SUBSCRIBE or NOTIFY is not understood.'],
  494: ['RFC 3329', 'The server requires a security agreement (Security-Server) before it accepts requests.'],
  580: ['RFC 3312', 'The preconditions for the session (such as resource reservation) could not be met.'],
  607: ['RFC 8197', 'The callee rejected the call as unwanted (spam).'],
  608: ['RFC 8688', 'An intermediary rejected the call (for example, a call-blocking service).'],
};

const CLASSES: ReadonlyArray<readonly [string, string]> = [
  [
    'Provisional',
    'A provisional (1xx) response: the request is being processed; a final response will follow.',
  ],
  ['Successful', 'A success (2xx) response: the request was accepted.'],
  [
    'Redirection',
    'A redirection (3xx) response: the request should be tried at another address, given in Contact.',
  ],
  [
    'Request Failure',
    'A client error (4xx) response: the request cannot be fulfilled as it is; it may succeed changed.',
  ],
  [
    'Server Failure',
    'A server error (5xx) response: the server failed on an apparently valid request; another server may succeed.',
  ],
  [
    'Global Failure',
    'A global failure (6xx) response: no server will fulfil the request; do not try elsewhere.',
  ],
];

/** RFC 3261 §21 section of each code it defines: class index + 1, then its rank within the class. */
const RFC3261: ReadonlyMap<number, Entry> = (() => {
  const m = new Map<number, Entry>();
  const ranks = [0, 0, 0, 0, 0, 0];
  for (const [code, text] of RFC3261_CODES) {
    const cls = Math.floor(code / 100) - 1;
    ranks[cls]++;
    m.set(code, [`RFC 3261 §21.${cls + 1}.${ranks[cls]}`, text]);
  }
  return m;
})();

/** The guide for a request's method, or undefined for a method it does not know. */
export function methodGuide(method: string): MessageGuide | undefined {
  const e = METHODS[method.toUpperCase()];
  return e === undefined ? undefined : { title: method, ref: e[0], text: e[1] };
}

/**
 * The guide for a response: its code's own entry, else its class's
 * (RFC 3261 §8.1.3.2: an unknown code is treated as the x00 of its class);
 * undefined outside 100..699. `inReplyTo` is the CSeq method.
 */
export function statusGuide(
  status: number,
  reason: string | undefined,
  inReplyTo?: string | null,
): MessageGuide | undefined {
  if (!Number.isInteger(status) || status < 100 || status > 699) return undefined;
  const known = RFC3261.get(status) ?? EXTENSION_CODES[status];
  const cls = CLASSES[Math.floor(status / 100) - 1];
  const [ref, text] = known ?? [`RFC 3261 §21.${Math.floor(status / 100)}`, cls[1]];
  const to = inReplyTo ? ` Answers the ${inReplyTo}.` : '';
  return { title: reason ? `${status} ${reason}` : String(status), ref, text: text + to };
}

/** The guide for a message as the API lists it (method for requests, status and reason for responses). */
export function messageGuide(m: {
  method?: string;
  status?: number;
  reason?: string;
  cseqMethod?: string | null;
}): MessageGuide | undefined {
  if (m.method !== undefined) return methodGuide(m.method);
  if (m.status !== undefined) return statusGuide(m.status, m.reason, m.cseqMethod);
  return undefined;
}

/** What the correlator found about the message's transaction, as the API gives it. */
export interface GuideTransaction {
  id: number;
  method: string;
  finalStatus: number | null;
  upstream?: number;
  cancels?: number;
  acks?: number;
}

/**
 * A sentence on this message's place in its call, from its transaction: the
 * two kinds of ACK (RFC 3261 §17.1.1.3 and §13.2.2.4, the usual confusion),
 * what a CANCEL cancels, and the hop a proxied request came from. '' when
 * there is nothing to add.
 */
export function contextNote(m: { method?: string }, tx: GuideTransaction | undefined): string {
  if (tx === undefined || m.method === undefined) return '';
  const method = m.method.toUpperCase();
  const parts: string[] = [];
  if (method === 'ACK' && tx.acks !== undefined)
    parts.push(
      `Here it acknowledges a 2xx to the INVITE of transaction #${tx.acks}, in a transaction of its own (#${tx.id}).`,
    );
  else if (method === 'ACK' && tx.method === 'INVITE')
    parts.push(
      `Here it acknowledges the final response${tx.finalStatus !== null ? ` ${tx.finalStatus}` : ''} inside the INVITE transaction (#${tx.id}), hop by hop.`,
    );
  if (method === 'CANCEL' && tx.cancels !== undefined)
    parts.push(`Here it cancels the INVITE of transaction #${tx.cancels}.`);
  if (tx.upstream !== undefined && method === tx.method.toUpperCase())
    parts.push(`A proxy forwarded it: its second Via names the previous hop's transaction, #${tx.upstream}.`);
  return parts.join(' ');
}

/**
 * What a message did to the calls a transfer or replacement relates (the
 * call's `related` entries that name it as the request that asked): the
 * REFER that started another call, the INVITE that replaced one.
 */
export function relationNote(
  messageId: number,
  call: {
    id: number;
    related?: ReadonlyArray<{ call: number; relation: string; evidence: string; message: number }>;
  },
): string {
  const parts: string[] = [];
  for (const r of call.related ?? []) {
    if (r.message !== messageId) continue;
    if (r.relation === 'transferred-to')
      parts.push(
        `Here it transferred the call: the INVITE it asked for started call ${r.call} (matched by ${r.evidence}).`,
      );
    else if (r.relation === 'transferred-from')
      parts.push(`This REFER started call ${call.id}, the call shown (matched by ${r.evidence}).`);
    else if (r.relation === 'replaces')
      parts.push(`Here it replaces call ${r.call}, the dialog its Replaces header names (RFC 3891).`);
    else if (r.relation === 'replaced-by')
      parts.push(`This INVITE replaced call ${call.id}, the call shown (RFC 3891).`);
  }
  return parts.join(' ');
}
