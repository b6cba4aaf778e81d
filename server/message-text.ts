/**
 * A stored message as text for `GET /api/captures/:id/calls/:callId/messages.txt`:
 * a line saying which message it is, when and where it went (as sngrep's raw
 * view heads each message), then its bytes as UTF-8 (an invalid byte becomes
 * U+FFFD), ending with a line break.
 */
import type { MessageRow } from '../src/store/rows.js';

const utf8 = new TextDecoder();

/** `2023-11-14 22:13:20.000000` (UTC) from capture seconds, to the microsecond. */
export function utcMicros(ts: number): string {
  const whole = Math.floor(ts);
  const micros = Math.round((ts - whole) * 1e6);
  const [sec, us] = micros === 1e6 ? [whole + 1, 0] : [whole, micros];
  const iso = new Date(sec * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(us).padStart(6, '0')}`;
}

export function messageText(row: MessageRow, raw: Uint8Array): string {
  const head = `#${row.id}  ${utcMicros(row.ts)} UTC  ${row.src} -> ${row.dst}  ${row.transport.toUpperCase()}  frame ${row.frame}${row.retransmission ? '  (retransmission)' : ''}`;
  const text = utf8.decode(raw);
  return `${head}\n${text}${text.endsWith('\n') ? '' : '\n'}`;
}
