/**
 * The TLS line of a live capture's status (captures view): how many TLS
 * connections, how many decrypted, how many held now waiting for their key
 * logged after the handshake, and the others' reasons when there are some;
 * its title tells how the waits ended. Numbers only, made with `h` like
 * every text of the page.
 */
import type { LiveTlsInfo } from '../api/types.js';
import { h } from '../dom.js';
import { bytesText, countOf, countText } from '../format.js';

/** `TLS: 12 connections, 11 decrypted, 1 waiting for key`, and what was not decrypted when some was not. */
export function liveTlsText(t: LiveTlsInfo): string {
  const w = t.keyWait;
  // The connections held for their key are counted by the decryption once let go: here they are counted now.
  const seen = t.connections + (w?.heldConnections ?? 0);
  const parts = [`TLS: ${countOf(seen, 'connection')}`, `${countText(t.decrypted)} decrypted`];
  if (w !== null) parts.push(`${countText(w.heldConnections)} waiting for key`);
  if (t.withoutKey > 0) parts.push(`${countText(t.withoutKey)} without key`);
  if (w !== null && w.notSip > 0) parts.push(`${countText(w.notSip)} not SIP`);
  if (t.unsupported > 0) parts.push(`${countText(t.unsupported)} unsupported`);
  return parts.join(', ');
}

function waitTitle(t: LiveTlsInfo): string {
  const w = t.keyWait;
  if (w === null) return 'SIP over TLS: no key log file followed (RSA keys only)';
  return (
    `Waited for their key: ${countText(w.waited)} (${countText(w.keyCame)} came, ` +
    `${countText(w.expired)} not in time, ${countText(w.overflow)} over the byte bounds); ` +
    `held now: ${bytesText(w.heldBytes)}; not SIP, not held: ${countText(w.notSip)}` +
    (t.sipPortNotDecrypted > 0 ? `; on port 5061 and not decrypted: ${countText(t.sipPortNotDecrypted)}` : '')
  );
}

export function liveTlsLine(t: LiveTlsInfo): HTMLElement {
  return h(
    'span',
    { class: 'live-counters live-tls', 'data-live-tls': '', title: waitTitle(t) },
    liveTlsText(t),
  );
}
