/**
 * Frames of a capture file written again as pcapng while the file is read:
 * what `GET /api/captures/:id/calls/pcap` and `sipscope extract` write, for
 * any number of frames (nothing is held per frame).
 * pcapng because its interface blocks may come just before the first frame
 * of their link type, so the file is written in one pass whatever link
 * types the frames turn out to have.
 */
import { createDecoder } from '../decode/decoder.js';
import { endpointString } from '../decode/payload.js';
import { isDtls } from '../media/dtls-records.js';
import { ExportKeys } from '../tls/export-keys.js';
import { connectionIndex, pairKey } from './export-connections.js';
import type { Frame } from './frame.js';
import { type FrameSource, framesFrom } from './frame-source.js';
import { encodeDsb, encodeEpb, encodeIdb, encodeShb, type PcapngInterface } from './pcapng-writer.js';
import type { CaptureReader } from './read-file.js';
import { rsaMasterSecrets } from './rsa-look-ahead.js';

/** UDP datagrams `src` → `dst` (endpoint strings) from frame `firstFrame` to `lastFrame`: an RTP stream. */
export interface FrameSpan {
  src: string;
  dst: string;
  firstFrame: number;
  lastFrame: number;
  /** Keyed by DTLS-SRTP (RFC 5764): its handshake, on the same 5-tuple before the first packet, goes with it. */
  dtls?: boolean;
}

/**
 * How far back from a frame that completes a datagram its earlier IP
 * fragments are looked for (they are sent back to back): frames decoded
 * before a stream's first, and frames of its range that carried nothing
 * whole kept in case a later frame completes them. stream-packets.ts reads
 * streams back with the same lead.
 */
export const FRAGMENT_LEAD = 64;

/**
 * Writes the frames numbered in `wanted` (ascending) of `source` as pcapng
 * while reading it: the section header, each link type's interface block
 * before its first frame, each frame as it comes (`write` resolves when the
 * reader may go on). With `spans`, the frames of those RTP streams too:
 * each frame in their range is decoded and kept when it carries a datagram
 * of one of them — an IP-fragmented one with all its fragments, the earlier
 * ones written just before the one that completed it (they were read while
 * it was not yet known whose they were). With `tls.connections`, every
 * frame of those TCP connections up to their last chosen one, handshakes
 * included, and the lines of `tls.keyLog` and of the files' own Decryption
 * Secrets Blocks that belong to those connections (their ClientHellos'
 * randoms), in such blocks before the records they decrypt, with a
 * CLIENT_RANDOM line for each connection `tls.rsaKeys` opened (export-keys.ts):
 * Wireshark (or sipscope) reads the file's SIP over TLS decrypted, and no
 * other session's secret is in it. A DTLS-SRTP stream's span brings its
 * handshake (the DTLS datagrams between its two ends before its last
 * packet) and its key log lines likewise: its SRTP reads decrypted. Returns
 * how many frames it wrote.
 */
export async function streamFrames(
  source: FrameSource,
  wanted: readonly number[],
  write: (block: Uint8Array) => Promise<void>,
  spans: readonly FrameSpan[] = [],
  tls: TlsExport = {},
): Promise<number> {
  await write(encodeShb());
  const lastWanted = wanted.length === 0 ? 0 : wanted[wanted.length - 1];
  const media = spanIndex(spans);
  const conns = connectionIndex(tls.connections ?? []);
  // A DTLS-SRTP stream's handshake datagrams (RFC 7983: first byte 20 to 63), either way, up to its last packet.
  const dtls = connectionIndex(
    spans.filter((x) => x.dtls === true).map((x) => ({ a: x.src, b: x.dst, lastFrame: x.lastFrame })),
  );
  const last = Math.max(lastWanted, media.last, conns.last);
  if (last === 0) return 0;
  // The keys go in only with (D)TLS to decrypt, and only those of the sessions written: a file of
  // plain SIP and RTP gives away no key, one call over TLS no other connection's (export-keys.ts).
  const keyed = conns.last > 0 || dtls.last > 0;
  const keys = keyed ? new ExportKeys(tls.keyLog, tls.rsaKeys) : null;
  // What is written while an RSA-keyed connection waits for its ClientKeyExchange (export-keys.ts).
  let waiting: Uint8Array[] | null = null;
  let waitingBytes = 0;
  const emit = async (block: Uint8Array) => {
    if (waiting === null) await write(block);
    else {
      waiting.push(block);
      waitingBytes += block.length;
    }
  };
  const maxHeld = tls.maxHeldBytes ?? MAX_HELD_BYTES;
  let lookedAhead = false;
  /** The key log lines due before the frame read, the waiting blocks once no connection waits. */
  const settleKeys = async (end: boolean) => {
    if (keys === null) return;
    if (!end && waitingBytes > maxHeld && !lookedAhead && tls.rsaKeys !== undefined) {
      // Too much to hold: the RSA-opened secrets read ahead, once for the whole export (rsa-look-ahead.ts).
      lookedAhead = true;
      keys.addDerived(await rsaMasterSecrets(source, conns, tls.rsaKeys));
    }
    // What the look-ahead did not find (no ClientKeyExchange to come) is waited for no more.
    if (end || waitingBytes > maxHeld) keys.release();
    const text = keys.take();
    const dsb = text === null ? null : encodeDsb(text);
    if (waiting === null) {
      if (dsb !== null) await write(dsb);
    } else {
      // Before every frame waiting: the ServerHello of the connection the line keys is among them.
      if (dsb !== null) waiting.unshift(dsb);
      if (!keys.holding) {
        const blocks = waiting;
        waiting = null;
        waitingBytes = 0;
        for (const b of blocks) await write(b);
      }
    }
    if (waiting === null && keys.holding) waiting = [];
  };
  // The frames come in ascending order, as `wanted` is: a cursor walks it (nothing held per frame
  // number — a live capture's numbers pass 4.3 billion in a few days, past any typed array).
  let next = 0;
  // The frames of a TCP segment of a chosen TLS connection, told by the decoder as it reads the frame.
  let segment: readonly number[] | null = null;
  const decoder =
    media.last > 0 || conns.last > 0
      ? createDecoder({
          onTcpSegment:
            conns.last === 0
              ? undefined
              : (src, dst, frames) => {
                  const lastFrame = conns.byPair.get(pairKey(endpointString(src), endpointString(dst)));
                  if (lastFrame !== undefined && frames[frames.length - 1] <= lastFrame) segment = frames;
                },
        })
      : null;
  // Decoded from a little before the streams' first frame (the fragments of a first packet come
  // before it), and from the file's first frame for a TLS connection (its handshake, wherever it is).
  const decodeFirst = keyed ? 0 : media.first - FRAGMENT_LEAD;
  const decodeLast = Math.max(media.last, conns.last);
  const ifaces = new Map<number, { index: number; iface: PcapngInterface }>();
  const held = new Map<number, Frame>();
  let written = 0;
  const frames = framesFrom(source, Math.min(wanted.length === 0 ? last : wanted[0], decodeFirst));
  // A file reader says which Decryption Secrets Blocks it has read: their lines of the sessions written go out.
  const secrets = 'info' in frames ? (frames as CaptureReader).info : undefined;
  let secretsRead = 0;
  const put = async (f: Frame) => {
    let i = ifaces.get(f.linkType);
    if (i === undefined) {
      i = { index: ifaces.size, iface: { linkType: f.linkType, tsresol: 9 } };
      ifaces.set(f.linkType, i);
      await emit(encodeIdb(i.iface));
    }
    await emit(
      encodeEpb({ iface: i.index, sec: f.sec, nsec: f.nsec, data: f.data, origLen: f.origLen }, i.iface),
    );
    written++;
  };
  for await (const f of frames) {
    // The file's own secrets, as read: only the lines of the sessions written go out (export-keys.ts).
    const logs = secrets?.tlsKeyLog;
    if (logs !== undefined && keys !== null)
      while (secretsRead < logs.length) keys.addText(logs[secretsRead++]);
    while (next < wanted.length && wanted[next] < f.no) next++;
    let take = next < wanted.length && wanted[next] === f.no;
    if (decoder !== null && f.no >= decodeFirst && f.no <= decodeLast) {
      segment = null;
      const payloads = decoder.push(f);
      let fragments: readonly number[] | undefined;
      if (segment !== null) {
        take = true;
        if ((segment as readonly number[]).length > 1) fragments = segment;
      }
      for (const p of payloads) {
        if (keys !== null && p.transport === 'tcp' && conns.last > 0) {
          const pair = pairKey(endpointString(p.src), endpointString(p.dst));
          const lastFrame = conns.byPair.get(pair);
          if (lastFrame !== undefined && p.frame <= lastFrame) keys.tcp(p, pair);
        }
        if (take || p.transport !== 'udp') continue;
        if (dtls.last > 0 && p.bytes.length > 0 && isDtls(p.bytes[0])) {
          const lastFrame = dtls.byPair.get(pairKey(endpointString(p.src), endpointString(p.dst)));
          if (lastFrame !== undefined && p.frame <= lastFrame) {
            take = true;
            if (p.frames.length > 1) fragments = p.frames;
            keys?.dtls(p.bytes);
          }
          continue;
        }
        if (p.frame < media.first || p.frame > media.last) continue;
        const list = media.byFlow.get(`${endpointString(p.src)} ${endpointString(p.dst)}`);
        if (list?.some((i) => p.frame >= spans[i].firstFrame && p.frame <= spans[i].lastFrame)) {
          take = true;
          if (p.frames.length > 1) fragments = p.frames;
        }
      }
      if (fragments !== undefined)
        for (const no of fragments) {
          const g = held.get(no);
          if (g === undefined || no === f.no) continue;
          held.delete(no);
          // Not written already as a SIP frame (a wanted frame is never held).
          await put(g);
        }
      if (!take && payloads.length === 0) {
        // Perhaps a fragment of a datagram to come: a copy (its bytes are a view of the file's chunk).
        held.set(f.no, { ...f, data: f.data.slice() });
        if (held.size > FRAGMENT_LEAD) held.delete(held.keys().next().value as number);
      }
    }
    if (take) {
      await settleKeys(false);
      await put(f);
    }
    if (f.no >= last) break;
  }
  await settleKeys(true);
  if (keys !== null && tls.counts !== undefined) {
    tls.counts.keyLines = keys.lines;
    tls.counts.derived = keys.derived;
  }
  return written;
}

/**
 * Bytes held while an RSA-keyed connection waits for its ClientKeyExchange (one round trip, usually
 * a few kB); past them the file is read ahead for the secrets instead (rsa-look-ahead.ts).
 */
const MAX_HELD_BYTES = 8 << 20;

/** What a pcapng of calls over TLS needs to be read decrypted (store.ts CallsFrames). */
export interface TlsExport {
  /** The TLS connections whose every frame, up to `lastFrame`, is written (handshake and earlier records). */
  connections?: readonly { a: string; b: string; lastFrame: number }[];
  /**
   * The key log the analysis was given: its lines of the sessions written go in Decryption
   * Secrets Blocks, each before the frame of its ClientHello (keylog-filter.ts says which lines).
   */
  keyLog?: string;
  /** Servers' RSA private keys (PEM): a connection they open gets its CLIENT_RANDOM line (never the key). */
  rsaKeys?: readonly string[];
  /**
   * Bytes held while an RSA-keyed connection waits for its ClientKeyExchange before the source is
   * read ahead for the secrets instead (default 8 MiB; 0 reads ahead at once).
   */
  maxHeldBytes?: number;
  /** Filled in: the key log lines written, and of them those derived with an RSA key. */
  counts?: { keyLines: number; derived: number };
}

/**
 * The places of `spans` by `src dst` (endpoint strings, as a decoded
 * datagram's are written), and the frames they cover from `first` to `last`
 * (Infinity and 0 for none).
 */
export function spanIndex(spans: readonly FrameSpan[]): {
  byFlow: Map<string, number[]>;
  first: number;
  last: number;
} {
  const byFlow = new Map<string, number[]>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  spans.forEach((s, i) => {
    const k = `${s.src} ${s.dst}`;
    const list = byFlow.get(k);
    if (list === undefined) byFlow.set(k, [i]);
    else list.push(i);
    if (s.firstFrame < first) first = s.firstFrame;
    if (s.lastFrame > last) last = s.lastFrame;
  });
  return { byFlow, first, last };
}
