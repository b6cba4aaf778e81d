/**
 * SIP over TLS in a live capture (`sipscope live --tls-keylog FILE --tls-key
 * KEY.pem`, and `serve --live` with the same options): the key log file is
 * followed as the TLS library appends to it (src/tls/keylog-file.ts), and
 * the connections whose key is not logged yet when their handshake passes
 * are held until it is (src/tls/key-wait.ts). The servers' RSA keys need no
 * waiting: the ClientKeyExchange they open is in the traffic.
 */

import { type KeyWaitOptions, TlsKeyWait } from '../tls/key-wait.js';
import { TlsKeyLog } from '../tls/keylog.js';
import { KeyLogFile, type KeyLogFileOptions } from '../tls/keylog-file.js';
import type { TlsStats } from '../tls/session.js';
import type { LiveTlsStats } from '../tls/tls-counts.js';
import { tlsCounts } from '../tls/tls-json.js';

export type { LiveTlsStats } from '../tls/tls-counts.js';

export interface LiveTlsOptions {
  /** The NSS key log the TLS library writes (SSLKEYLOGFILE), read from its start and followed. */
  keyLogFile?: string;
  /** Servers' RSA private keys (PEM texts). */
  rsaKeys?: readonly string[];
  /** Bounds of the wait for a key (key-wait.ts defaults: 1 MiB per connection, 16 MiB in all, 10 s). */
  wait?: KeyWaitOptions;
  /** How often the key log is looked at (keylog-file.ts defaults: every 100 ms at most). */
  keyLog?: KeyLogFileOptions;
  /** Client randoms whose secrets are kept (default 10,000, the newest): a live key log grows for days. */
  maxRandoms?: number;
}

export interface LiveTls {
  keys: TlsKeyLog;
  wait: TlsKeyWait | undefined;
  file: KeyLogFile | null;
}

export function liveTls(o: LiveTlsOptions): LiveTls {
  const keys = new TlsKeyLog(undefined, o.maxRandoms ?? 10_000);
  for (const pem of o.rsaKeys ?? []) keys.addRsaKey(pem);
  if (o.keyLogFile === undefined) return { keys, wait: undefined, file: null };
  const file = new KeyLogFile(o.keyLogFile, keys, o.keyLog);
  file.refresh(true);
  const wait = new TlsKeyWait(keys, (force) => file.refresh(force), o.wait);
  return { keys, wait, file };
}

/**
 * `--tls-port PORT` (repeatable, `live` and `serve`): more ports of SIP over TLS, whose
 * connections wait for their key whatever their ClientHello offers (key-wait.ts `maySip`),
 * beside 5061; or the one line saying which value is wrong.
 */
export function readTlsPorts(values: readonly string[] | undefined): number[] | string {
  const ports = [5061];
  for (const v of values ?? []) {
    if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535)
      return `--tls-port must be a port number from 1 to 65535, got '${v}'`;
    if (!ports.includes(Number(v))) ports.push(Number(v));
  }
  return ports;
}

/**
 * The counters, or null when no TLS connection was seen (nor held, nor let go as not SIP);
 * `always`: zeros then (a source given keys, whose counters a dashboard follows from the start).
 */
export function liveTlsStats(s: TlsStats, t: LiveTls | null, always = false): LiveTlsStats | null {
  const w = t?.wait?.stats ?? null;
  const none =
    s.tlsFlows === 0 && (w === null || (w.waited === 0 && w.heldConnections === 0 && w.notSip === 0));
  if (none && !always) return null;
  const f = t?.file ?? null;
  return {
    ...tlsCounts(s),
    keyWait: w === null ? null : { ...w },
    keyLog: f === null ? null : { lines: t!.keys.lines, restarts: f.restarts, errors: f.errors },
  };
}
