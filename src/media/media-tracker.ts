/**
 * RTP streams of the capture, as Wireshark's "RTP Streams" lists them: one
 * per SSRC and direction (RFC 3550 §3, §8), found on the addresses and
 * ports the SIP messages' SDP announced (media-map.ts), each with its
 * packets, loss, arrival deltas and interarrival jitter (rtp-stats.ts).
 *
 * The SIP stage hands each message with a body to `learn` and each UDP
 * datagram to `offer` before looking for SIP in it; a datagram taken as RTP
 * or RTCP goes no further. A stream idle for `idleSeconds` of capture time
 * is finished and handed to `onStream`, so a live capture holds only the
 * streams still flowing; `end` finishes the rest.
 */
import { type Endpoint, endpointString, type Payload } from '../decode/payload.js';
import { callId, cseq } from '../sip/accessors.js';
import type { SipMessage } from '../sip/message.js';
import { sdpOf } from '../sip/sdp.js';
import type { TlsKeyLog } from '../tls/keylog.js';
import { AmrWbModes } from './amr-wb-mode.js';
import type { FingerprintCheck } from './dtls-fingerprint.js';
import { isDtls } from './dtls-records.js';
import { type DtlsHello, DtlsSrtp } from './dtls-srtp.js';
import { DtmfEvents } from './dtmf-events.js';
import { clockRateOf, codecName, type MediaEndpoint, MediaMap, quietPayload } from './media-map.js';
import { PlayoutBuffer } from './playout-buffer.js';
import { parseRtcp } from './rtcp.js';
import { RtcpReports } from './rtcp-reports.js';
import type { RtcpXr } from './rtcp-xr.js';
import { isRtcp, parseRtp, type RtpHeader } from './rtp-header.js';
import { RtpStreamStats } from './rtp-stats.js';
import type { RtpStreamRecord } from './rtp-stream-record.js';
import type { SdesSide } from './sdes.js';
import { SdesPairs } from './sdes-pairs.js';
import { SrtcpFlows } from './srtcp-flows.js';
import type { SrtpSetup } from './srtp.js';
import { ssrcOf } from './srtp-fields.js';
import { streamQuality } from './stream-quality.js';
import { StreamRed } from './stream-red.js';
import { finishedSrtp, rekeyed, type StreamSrtp, streamSrtp } from './stream-srtp.js';
import { parseTelephoneEvent } from './telephone-event.js';

export type { RtpStreamRecord };

export interface MediaTrackerOptions {
  /** A stream with no packet for this long (capture time, seconds) is finished. Default 60. */
  idleSeconds?: number;
  /** Most SDP addresses remembered (oldest forgotten first). Default 65,536. */
  maxEndpoints?: number;
  /**
   * Called with each finished stream; `srtp`: the key its payloads decrypt
   * with, when it is SRTP with a usable key (what reads its packets back
   * needs it: stream-packets.ts; it is not in the record).
   */
  onStream?: (s: RtpStreamRecord, srtp?: SrtpSetup) => void;
  /**
   * The TLS key log (`--tls-keylog`): DTLS-SRTP's master secrets, by the
   * ClientHello random of the DTLS handshake on a media 5-tuple (RFC 5764,
   * dtls-srtp.ts). Without it such streams say which line they need.
   */
  tlsKeys?: TlsKeyLog;
  /**
   * Called with each DTLS side's certificate checked against the
   * a=fingerprint of its SDP (RFC 5763 §5, dtls-fingerprint.ts), once a
   * handshake, whether or not RTP follows.
   */
  onDtlsCheck?: (c: FingerprintCheck) => void;
  /** Called with each new DTLS ClientHello and ServerHello on a media address (dtls-srtp.ts): who acted as client. */
  onDtlsHello?: (h: DtlsHello) => void;
}

/** Seconds within which a packet the other way counts as RTP flowing both ways at once. */
const CONCURRENT = 5;

/** 1 when `rtcp` is the RTCP port of RTP port `rtp`: the port above it (RFC 3550 §11) or the same (RFC 5761). */
const rtcpOf = (rtp: number, rtcp: number): number => (rtcp === rtp || rtcp === rtp + 1 ? 1 : 0);

interface ActiveStream {
  id: number;
  src: string;
  dst: string;
  /** `srcIp dstIp`: the streams between two hosts one way. */
  hosts: string;
  srcPort: number;
  dstPort: number;
  ssrc: number;
  /**
   * What the SDP said when the stream started (a copy: the map updates its
   * entry in place when the address is announced again, by the next call).
   */
  setup: Readonly<Pick<MediaEndpoint, 'message' | 'media' | 'rtpmap' | 'direction'>>;
  answered: boolean;
  reverse: boolean;
  stats: RtpStreamStats;
  /** The packets a fixed jitter buffer would have dropped as late (for `quality`). */
  playout: PlayoutBuffer;
  /** Its telephone events, made at its first event packet (or red block of telephone-event). */
  dtmf: DtmfEvents | null;
  /** Its RFC 2198 blocks, made at its first red packet. */
  red: StreamRed | null;
  /** The AMR-WB modes its packets showed: made when its SDP maps a payload type to AMR-WB. */
  amrWb: AmrWbModes | null;
  /** Its SRTP (null for RTP). */
  srtp: StreamSrtp | null;
  firstFrame: number;
  lastFrame: number;
  last: number;
}

export class MediaTracker {
  private readonly map: MediaMap;
  private readonly active = new Map<string, ActiveStream>();
  /** Active streams by `srcIp dstIp`, to find RTP going the other way and the streams RTCP reports on. */
  private readonly byHosts = new Map<string, ActiveStream[]>();
  private readonly idle: number;
  private nextId = 0;
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** Datagrams taken as RTP / RTCP. */
  rtpPackets = 0;
  rtcpPackets = 0;
  /** The SR and RR report blocks of that RTCP, by stream. */
  private readonly rtcp = new RtcpReports();
  /** The SRTP descriptions of each Call-ID (filled only by SDP with SRTP media). */
  private readonly sdes = new SdesPairs();
  /** The SRTCP receivers of each flow (made only for RTCP on an address with SRTP media). */
  private readonly srtcp = new SrtcpFlows(this.sdes);
  /** The DTLS handshakes on media addresses (RFC 5764 §5.1.2: multiplexed with the RTP). */
  readonly dtls: DtlsSrtp;

  constructor(private readonly opts: MediaTrackerOptions = {}) {
    this.map = new MediaMap(opts.maxEndpoints);
    this.idle = opts.idleSeconds ?? 60;
    this.dtls = new DtlsSrtp(
      opts.tlsKeys,
      (from) => this.senderSdp(from),
      opts.onDtlsCheck,
      opts.onDtlsHello,
    );
  }

  /** Streams not yet finished. */
  get activeStreams(): number {
    return this.active.size;
  }

  /** Learns the media addresses in the SDP of message `id` (offers and answers alike). */
  learn(msg: SipMessage, id: number): void {
    if (msg.body.length === 0) return;
    const sdp = sdpOf(msg);
    if (sdp === undefined) return;
    const answer =
      msg.kind === 'response' && msg.status >= 200 && msg.status < 300 && cseq(msg)?.method === 'INVITE';
    const srtp = this.map.learn(sdp, id, answer);
    const call = srtp === null ? undefined : callId(msg);
    if (srtp !== null && call !== undefined) this.sdes.add(call, srtp);
  }

  /**
   * Takes `p` when it is RTP or RTCP on an address SDP announced (to it, or
   * from it: symmetric RTP, RFC 4961); false leaves it to the SIP stage.
   */
  offer(p: Payload): boolean {
    const b = p.bytes;
    // Version 2 (RFC 3550 §5.1): 0x80–0xBF. A SIP start line or keep-alive begins otherwise.
    if (p.transport !== 'udp' || b.length < 8) return false;
    if ((b[0] & 0xc0) !== 0x80) return isDtls(b[0]) && this.dtlsOf(p);
    const toDst = this.map.find(p.dst.ip, p.dst.port);
    const endpoint = toDst ?? this.map.find(p.src.ip, p.src.port);
    if (endpoint === undefined) return this.continued(p);
    // An address now announced for something else (T.38 over udptl): a stream already flowing there goes on
    // counting (a gateway that keeps sending its audio through the fax), nothing new starts.
    if (endpoint.kind === 'other') return this.continued(p);
    if (isRtcp(b)) {
      this.rtcpPackets++;
      // SRTCP (RFC 3711 §3.4) encrypts all but the first 8 bytes: read once verified and decrypted.
      const clear = endpoint.sdes === undefined ? b : this.srtcpOf(p, toDst);
      // RTCP is a packet every few seconds a stream: the list of its Extended Reports (RFC 3611) costs nothing.
      const xr: RtcpXr[] = [];
      const reports = clear === null ? null : parseRtcp(clear, xr);
      if (reports !== null) {
        const streamOf = (ssrc: number, fromSource: boolean) =>
          idOf(fromSource ? this.rtcpStream(ssrc, p.src, p.dst) : this.rtcpStream(ssrc, p.dst, p.src));
        this.rtcp.add(reports, p.src.ip, p.dst.ip, p.ts, streamOf);
        if (xr.length > 0) this.rtcp.xr.add(xr, p.src.ip, p.dst.ip, p.ts, streamOf);
      }
      return true;
    }
    if (endpoint.kind === 'rtcp') return false;
    // With P set, an SRTP packet's padding count is encrypted (RFC 3711 §3.1): read once the stream is known clear.
    const padded = (b[0] & 0x20) !== 0;
    let h = parseRtp(b, padded);
    if (h === null) return false;
    const ts = p.ts;
    if (ts - this.lastSweep >= 1) this.sweep(ts);
    const src = endpointString(p.src);
    const dst = endpointString(p.dst);
    const key = `${src} ${dst} ${h.ssrc}`;
    let s = this.active.get(key);
    if (s === undefined) {
      const fromSrc = toDst === undefined ? endpoint : this.map.find(p.src.ip, p.src.port);
      const srtp =
        toDst?.sdes !== undefined || fromSrc?.sdes !== undefined
          ? streamSrtp(toDst, fromSrc, this.sdes, () => this.dtls.keyFor(src, dst))
          : null;
      if (padded && srtp === null && (h = parseRtp(b)) === null) return false;
      s = this.start(p, src, dst, endpoint, endpoint.answer || fromSrc?.answer === true, h);
      s.srtp = srtp;
      this.active.set(key, s);
    } else if (padded && s.srtp === null && (h = parseRtp(b)) === null) return false;
    this.count(s, h, p);
    return true;
  }

  /**
   * DTLS on a media address (RFC 7983 §7: first byte 20–63): its hellos
   * read for the DTLS-SRTP keys. Elsewhere it is left to the SIP stage.
   */
  private dtlsOf(p: Payload): boolean {
    const e = this.map.find(p.dst.ip, p.dst.port) ?? this.map.find(p.src.ip, p.src.port);
    if (e === undefined || e.kind === 'other') return false;
    this.dtls.offer(p);
    return true;
  }

  /**
   * The SRTP description of the SDP that announced `from`. Only that one: the
   * other description of the Call-ID (what keys use when a sender is behind
   * NAT) may be the same side's older offer, and a wrong SDP would make a
   * false mismatch.
   */
  private senderSdp(from: Endpoint): SdesSide | undefined {
    return this.map.find(from.ip, from.port)?.sdes;
  }

  /**
   * A datagram on an address the map no longer holds (it keeps the latest
   * `maxEndpoints`): RTP of a stream already flowing goes on counting there.
   */
  private continued(p: Payload): boolean {
    if (this.active.size === 0 || isRtcp(p.bytes)) return false;
    const padded = (p.bytes[0] & 0x20) !== 0;
    let h = parseRtp(p.bytes, padded);
    if (h === null) return false;
    const s = this.active.get(`${endpointString(p.src)} ${endpointString(p.dst)} ${h.ssrc}`);
    if (s === undefined || (padded && s.srtp === null && (h = parseRtp(p.bytes)) === null)) return false;
    this.count(s, h, p);
    return true;
  }

  /**
   * SRTCP `p` in clear, or null (no usable key, or its tag failed); counted
   * on the SRTP of the stream its sender sends with the packet's SSRC.
   */
  private srtcpOf(p: Payload, toDst: MediaEndpoint | undefined): Uint8Array | null {
    const b = p.bytes;
    const src = endpointString(p.src);
    const dst = endpointString(p.dst);
    const flow = `${src} ${dst}`;
    const read = this.srtcp.read(flow, b, toDst, this.map.find(p.src.ip, p.src.port), () =>
      this.dtls.keyFor(src, dst),
    );
    if (read === null) return null;
    const srtp = this.rtcpStream(ssrcOf(b, 4), p.src, p.dst)?.srtp;
    if (srtp != null) {
      if (read === 'failed') srtp.rtcpAuthFailures++;
      else srtp.rtcpVerified++;
    }
    return read === 'failed' ? null : read;
  }

  /**
   * The stream an RTCP report is about (its id is rtcp-reports.ts
   * `StreamKeyOf`'s key): SSRC `ssrc` flowing from the host of `from` to the host
   * of `to`, whose RTCP ports these are. Of two such streams (two calls
   * between the same hosts whose device uses one SSRC for all), the one on
   * the RTP ports the RTCP ports go with (the port above, RFC 3550 §11, or
   * the same, RFC 5761), else the latest to send; none flowing, null.
   */
  private rtcpStream(ssrc: number, from: Endpoint, to: Endpoint): ActiveStream | null {
    let best: ActiveStream | null = null;
    let bestScore = -1;
    for (const s of this.byHosts.get(`${from.ip} ${to.ip}`) ?? []) {
      if (s.ssrc !== ssrc) continue;
      const score = rtcpOf(s.srcPort, from.port) + rtcpOf(s.dstPort, to.port);
      if (best === null || score > bestScore || (score === bestScore && s.last > best.last)) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  private start(
    p: Payload,
    src: string,
    dst: string,
    endpoint: MediaEndpoint,
    answered: boolean,
    h: RtpHeader,
  ): ActiveStream {
    const ts = p.ts;
    const hosts = `${p.src.ip} ${p.dst.ip}`;
    // RTP the other way now (a packet in the last few seconds): both streams are two-way.
    let reverse = false;
    const back = this.byHosts.get(`${p.dst.ip} ${p.src.ip}`);
    if (back !== undefined)
      for (const r of back)
        if (ts - r.last <= CONCURRENT) {
          r.reverse = true;
          reverse = true;
        }
    const s: ActiveStream = {
      id: this.nextId++,
      src,
      dst,
      hosts,
      srcPort: p.src.port,
      dstPort: p.dst.port,
      ssrc: h.ssrc,
      setup: {
        message: endpoint.message,
        media: endpoint.media,
        rtpmap: endpoint.rtpmap,
        direction: endpoint.direction,
      },
      answered,
      reverse,
      stats: new RtpStreamStats(clockRateOf(endpoint.rtpmap, h.payloadType)),
      playout: new PlayoutBuffer(),
      dtmf: null,
      red: null,
      amrWb: AmrWbModes.forSdp(endpoint.rtpmap),
      srtp: null,
      firstFrame: p.frame,
      lastFrame: p.frame,
      last: ts,
    };
    const same = this.byHosts.get(hosts);
    if (same === undefined) this.byHosts.set(hosts, [s]);
    else same.push(s);
    return s;
  }

  private count(s: ActiveStream, h: RtpHeader, p: Payload): void {
    this.rtpPackets++;
    const kind = quietPayload(s.setup.rtpmap, h.payloadType);
    const srtp = s.srtp;
    // No key yet (SRTP before its DTLS handshake, RFC 5764 §5.1.2 robustness): keyed once the handshake on
    // its 5-tuple gives one; until then its packets are counted, not verified.
    if (srtp !== null && srtp.receiver === null && srtp.summary.keying !== 'sdes' && !this.keyLate(s, srtp))
      srtp.unkeyed++;
    // RFC 2198: a red packet is what its primary block is (a gateway's telephone event, voice…).
    const quiet = kind === 'red' ? this.redOf(s, h, p, srtp) : kind;
    s.stats.add(h, p.ts, quiet === 'cn', quiet === 'event');
    if (quiet !== 'event') s.playout.add(h.timestamp, p.ts, s.stats.rate, h.marker);
    // A voice packet outside RFC 2198 in a stream that has some: its timestamp came, nothing to recover.
    if (kind === null && s.red !== null) s.red.recovery.primary(h.timestamp);
    if (s.amrWb !== null && srtp === null)
      s.amrWb.add(h.payloadType, p.bytes, h.headerLength, h.payloadLength);
    // Only a payload type the SDP mapped to telephone-event gets here: other streams pay nothing.
    if (kind === 'event') {
      s.dtmf ??= new DtmfEvents(clockRateOf(s.setup.rtpmap, h.payloadType));
      if (srtp === null) {
        const e = parseTelephoneEvent(p.bytes, h.headerLength, h.payloadLength);
        s.dtmf.add(e, h.timestamp, h.marker, p.frame, p.ts);
      } else {
        // SRTP: the event in clear, when the packet authenticated; else it is not read (ciphertext is no digit).
        const clear = srtp.receiver?.unprotect(p.bytes, h.headerLength, true) ?? null;
        if (clear !== null)
          s.dtmf.add(parseTelephoneEvent(clear, 0, clear.length), h.timestamp, h.marker, p.frame, p.ts);
      }
    } else if (srtp !== null && kind !== 'red') {
      // Every packet is verified, so the ROC is followed (RFC 3711 §3.3.1); voice is decrypted when read back.
      srtp.receiver?.unprotect(p.bytes, h.headerLength, false);
    }
    s.lastFrame = p.frame;
    s.last = p.ts;
  }

  /**
   * A packet of a payload type the SDP mapped to red (RFC 2198, stream-red.ts):
   * its blocks read, in clear when SRTP and the packet authenticated; what its
   * primary block is, null when it could not be read (counted as voice, as before).
   */
  private redOf(s: ActiveStream, h: RtpHeader, p: Payload, srtp: StreamSrtp | null): 'cn' | 'event' | null {
    s.red ??= new StreamRed(s.setup.rtpmap);
    if (srtp === null)
      return s.red.add(p.bytes, h.headerLength, h.payloadLength, h.timestamp, h.marker, p.frame, p.ts, s);
    const clear = srtp.receiver?.unprotect(p.bytes, h.headerLength, true) ?? null;
    return clear === null ? null : s.red.add(clear, 0, clear.length, h.timestamp, h.marker, p.frame, p.ts, s);
  }

  /** Whether stream `s` without a key has one now from the DTLS handshake of its 5-tuple. */
  private keyLate(s: ActiveStream, srtp: StreamSrtp): boolean {
    return rekeyed(srtp, this.dtls.keyFor(s.src, s.dst));
  }

  /**
   * Capture time reached `ts` without a datagram (a quiet live link): the
   * streams idle for `idleSeconds` by then are finished.
   */
  advance(ts: number): void {
    if (ts - this.lastSweep >= 1) this.sweep(ts);
  }

  /** Finishes every stream (end of input). */
  end(): void {
    for (const s of this.active.values()) this.finish(s);
    this.active.clear();
    this.byHosts.clear();
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [k, s] of this.active) {
      if (now - s.last < this.idle) continue;
      this.active.delete(k);
      this.finish(s);
    }
  }

  private finish(s: ActiveStream): void {
    const same = this.byHosts.get(s.hosts);
    if (same !== undefined) {
      const at = same.indexOf(s);
      if (at >= 0) same.splice(at, 1);
      if (same.length === 0) this.byHosts.delete(s.hosts);
    }
    const { ssrc, ...summary } = s.stats.summary();
    const e = s.setup;
    const rtcp = this.rtcp.takeKey(String(s.id), s.stats.rate ?? 0);
    const srtp = s.srtp;
    const codecs = summary.payloadTypes.map((pt) => codecName(e.rtpmap, pt) ?? String(pt));
    const loss = { lossRuns: s.stats.lossRuns, late: s.playout.late, lateRuns: s.playout.lateRuns };
    const quality = streamQuality(
      {
        ...summary,
        media: e.media,
        codecs,
        ...(rtcp === null ? {} : { rtcp }),
        ...(s.red === null ? {} : { red: s.red.voice() }),
        ...(s.amrWb === null ? {} : { amrWb: s.amrWb.mode() }),
      },
      loss,
    );
    this.opts.onStream?.(
      {
        id: s.id,
        ssrc,
        src: s.src,
        dst: s.dst,
        media: e.media,
        codecs,
        setup: e.message,
        setupDirection: e.direction,
        answered: s.answered,
        reverse: s.reverse,
        call: null,
        firstFrame: s.firstFrame,
        lastFrame: s.lastFrame,
        ...summary,
        ...(rtcp === null ? {} : { rtcp }),
        ...(s.dtmf === null ? {} : dtmfFields(s.dtmf)),
        ...(s.red === null ? {} : { red: s.red.summary() }),
        ...(srtp === null ? {} : { srtp: finishedSrtp(srtp, this.dtls.fingerprintFor(s.src, s.dst)) }),
        quality,
      },
      srtp?.setup ?? undefined,
    );
  }
}

const idOf = (s: ActiveStream | null): string | null => (s === null ? null : String(s.id));

/** A stream's digits and, when any, its packets flagged and events not kept. */
function dtmfFields(d: DtmfEvents): Pick<RtpStreamRecord, 'dtmf' | 'dtmfMalformed' | 'dtmfDropped'> {
  return {
    dtmf: d.events(),
    ...(d.malformed > 0 ? { dtmfMalformed: d.malformed } : {}),
    ...(d.dropped > 0 ? { dtmfDropped: d.dropped } : {}),
  };
}
