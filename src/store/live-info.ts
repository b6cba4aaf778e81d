/**
 * What a live capture reports besides its stats (server/API.md "Captures":
 * `LiveInfo`): its traffic as its owner tells it, the rolling window's
 * limits and counters (window.ts) and the write-through to disk
 * (live-persist.ts). Types only, no code, so that the web UI's types
 * (web/src/api/types.ts) name them without pulling in the window or SQLite.
 */
import type { LiveTlsStats } from '../tls/tls-counts.js';

export interface WindowLimits {
  /** Calls held (default 10,000). */
  maxCalls: number;
  /** Messages held (default 100,000). */
  maxMessages: number;
  /** Bytes of SIP message text held (default 64 MiB). */
  maxBytes: number;
}

export interface WindowCounters extends WindowLimits {
  /** Held now. */
  calls: number;
  messages: number;
  bytes: number;
  findings: number;
  transactions: number;
  dialogs: number;
  /** Calls evicted to stay within the limits since the window opened, ended ones first. */
  evictedCalls: number;
  /** Of `evictedCalls`, those still in progress (evicted because no ended call was left). */
  evictedActiveCalls: number;
  evictedMessages: number;
  evictedBytes: number;
  evictedFindings: number;
  /** Messages and findings that came for a call already evicted (before it was handed out): dropped. */
  dropped: number;
}

export interface PersistCounters {
  /** Call writes done (a call written again counts again). */
  writtenCalls: number;
  /** Calls deleted from disk because the window evicted them. */
  deletedCalls: number;
  /** Ended calls not written because the queue was full (they stay in the window only). */
  droppedCalls: number;
  /** Evicted calls whose disk copy could not be queued for deletion (the queue was full). */
  droppedDeletes: number;
  /** Calls waiting to be written or deleted now. */
  queued: number;
  /** Calls on disk now (as far as this writer knows). */
  onDisk: number;
  batches: number;
  /** ISO 8601 of the last batch on disk. */
  lastWrite: string | null;
  /** Why writing stopped (the capture was deleted, the disk failed); null while it works. */
  error: string | null;
}

/** What the owner of a live capture reports about its traffic. */
export interface LiveTraffic {
  /** What is watched, for people: `lo (udp port 5060)`, `HEP on 9060`. */
  sources: string[];
  /** False once the capture stopped. */
  running: boolean;
  /** Packets taken: captured frames plus HEP packets. */
  packets: number;
  bytes: number;
  /** Packets lost before they reached us: kernel and capture tool drops, HEP packets that did not decode or failed auth. */
  droppedPackets: number;
  /** Seconds since the capture started. */
  uptime: number;
  /**
   * Its frames are written to disk (`serve --live-pcap`): a call's pcap and
   * its RTP (audio, packets) can be read back while the server runs.
   */
  framesKept?: boolean;
  /**
   * SIP over TLS (`serve --live … --tls-keylog/--tls-key`, or TLS seen without keys): the
   * connections decrypted and why the others were not, the wait for keys logged late.
   */
  tls?: LiveTlsStats;
}

export interface LiveInfo extends LiveTraffic {
  window: WindowCounters;
  /** The write-through to disk, when there is one. */
  persist?: PersistCounters;
}
