/**
 * A hand-rolled serializer for MessageRecord: a big capture has hundreds of
 * thousands of them and JSON.stringify's generic walk was a tenth of the run.
 * Produces exactly what JSON.stringify would (tested), strings escaped.
 */
import type { MessageRecord } from './message-record.js';

// Characters JSON must escape, and bytes ≥ 0x80 of latin1-decoded header text.
const SLOW_PATH = /["\\\u0000-\u001f\u0080-\uffff]/;
const HIGH_BYTES = /[\u0080-\u00ff]/;
const NOT_LATIN1 = /[^\u0000-\u00ff]/;
const utf8 = new TextDecoder('utf-8');

/**
 * A JSON string literal. Header text is decoded as latin1 (one char per byte,
 * so offsets are byte offsets); here, on the way out, its bytes are read as
 * the UTF-8 they should be (RFC 3261 §7.3.1), so a display name reads as its
 * sender wrote it, and a byte that is not valid UTF-8 becomes U+FFFD, as
 * Wireshark shows it. The raw bytes stay available in the message itself.
 */
export function jsonString(s: string): string {
  if (!SLOW_PATH.test(s)) return `"${s}"`;
  return JSON.stringify(HIGH_BYTES.test(s) && !NOT_LATIN1.test(s) ? fromUtf8Bytes(s) : s);
}

function fromUtf8Bytes(s: string): string {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return utf8.decode(bytes);
}

const str = (s: string | null): string => (s === null ? 'null' : jsonString(s));
const num = (n: number | null): string => (n === null || !Number.isFinite(n) ? 'null' : String(n));

export function messageRecordJson(r: MessageRecord): string {
  const origin = r.file === undefined ? '' : `,"file":${r.file},"fileFrame":${num(r.fileFrame ?? null)}`;
  let s = `{"id":${r.id},"frame":${r.frame}${origin},"ts":${num(r.ts)},"src":${jsonString(r.src)},"dst":${jsonString(r.dst)},"transport":${jsonString(r.transport)}`;
  if (r.method !== undefined) s += `,"method":${jsonString(r.method)}`;
  if (r.status !== undefined) s += `,"status":${num(r.status)}`;
  if (r.reason !== undefined) s += `,"reason":${jsonString(r.reason)}`;
  s += `,"callId":${str(r.callId)},"cseq":${num(r.cseq)},"cseqMethod":${str(r.cseqMethod)},"fromTag":${str(r.fromTag)},"toTag":${str(r.toTag)},"branch":${str(r.branch)}`;
  s += `,"transaction":${num(r.transaction)},"dialog":${num(r.dialog)},"call":${num(r.call)},"retransmission":${r.retransmission}`;
  // Extensions of the contract, written only when they say something.
  if (r.malformed) s += ',"malformed":true';
  if (r.frames.length !== 1 || r.frames[0] !== r.frame) s += `,"frames":[${r.frames.join(',')}]`;
  return `${s}}`;
}
