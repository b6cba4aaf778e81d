/**
 * Where SDP said media would flow: every `c=` address and `m=` port of an
 * RTP media description (RFC 8866 §5.7, §5.14; RFC 3264 §5) in the capture's
 * offers and answers, and the port above it for RTCP (RFC 3550 §11) or the
 * one `a=rtcp` names (RFC 3605). A UDP datagram to or from one of these is
 * taken as that media's RTP, as Wireshark sets up RTP conversations from
 * SDP rather than guessing from the bytes.
 *
 * Bounded: past `max` entries the oldest learned go first, so a live
 * capture of days holds the media of recent calls only.
 */
import { ipv6ToString } from '../decode/address.js';
import { endpointString } from '../decode/payload.js';
import { isIpv4, isIpv6 } from '../sip/ip-literal.js';
import type { Sdp, SdpDirection, SdpMedia, SdpRtpMap } from '../sip/sdp.js';
import { cryptoOf } from '../sip/sdp-crypto.js';
import { fingerprintsOf, setupOf } from '../sip/sdp-fingerprint.js';
import { isRtpProfile, STATIC_PAYLOAD_TYPES } from './payload-types.js';
import type { SdesSide } from './sdes.js';

export interface MediaEndpoint {
  /** Id of the message whose SDP announced this address and port (the last one to). */
  message: number;
  /** `audio`, `video`, … */
  media: string;
  /**
   * `rtp`: the port of an RTP description; `rtcp`: its RTCP port; `other`:
   * the address was last announced for something else (T.38 over udptl):
   * what arrives there is not RTP, whatever its source was announced for.
   */
  kind: 'rtp' | 'rtcp' | 'other';
  /** The description's a=rtpmap lines by payload type. */
  rtpmap: Readonly<Record<string, SdpRtpMap>>;
  /** Its direction attribute (RFC 3264 §5.1: sendrecv unless it says otherwise). */
  direction: SdpDirection;
  /** The SDP came in a 2xx to an INVITE: the call was answered with it. */
  answer: boolean;
  /** Its SRTP description (RTP/SAVP, or a=crypto lines, RFC 4568): absent for plain RTP. */
  sdes?: SdesSide;
}

export class MediaMap {
  /** address → port → endpoint (the decoder hands out one string per address: no key is built per packet). */
  private readonly byIp = new Map<string, Map<number, MediaEndpoint>>();
  /** Addresses in the order first learned, for eviction (an entry learned again is updated in place). */
  private readonly order: Array<{ ip: string; port: number }> = [];
  private head = 0;
  size = 0;

  constructor(private readonly max = 65536) {}

  /**
   * Files the RTP descriptions of `sdp`, announced by message `message`
   * (`answer`: a 2xx to an INVITE). Returns its SRTP descriptions (null when
   * none: plain RTP costs no more than before).
   */
  learn(sdp: Sdp, message: number, answer = false): SdesSide[] | null {
    let srtp: SdesSide[] | null = null;
    const list = sdp.media;
    for (let k = 0; k < list.length; k++) {
      const m = list[k];
      if (m.port === 0) continue;
      const ip = m.connection === undefined ? null : mediaAddress(m.connection.address);
      if (ip === null) continue;
      if (!isRtpProfile(m.proto)) {
        // The address now carries something else (a re-INVITE to T.38 fax over
        // udptl, RFC 3362): what arrives there from now on is not RTP.
        if (this.find(ip, m.port) !== undefined) this.set(ip, m.port, m, message, 'other', answer);
        continue;
      }
      const rtcpPort = rtcpPortOf(m);
      const savp = m.proto.includes('SAVP');
      let sdes: SdesSide | undefined;
      if (savp || sawCrypto) {
        sdes = { message, media: k, savp, crypto: cryptoOf(m), ip, port: m.port, callId: null };
        dtlsOf(sdp, m, sdes);
        srtp ??= [];
        srtp.push(sdes);
      }
      this.set(ip, m.port, m, message, 'rtp', answer, sdes);
      // RFC 5761 §5.1.3: a=rtcp-mux puts RTCP on the RTP port (told apart by packet type).
      if (Number.isInteger(rtcpPort) && rtcpPort > 0 && rtcpPort < 65536 && rtcpPort !== m.port)
        this.set(ip, rtcpPort, m, message, 'rtcp', answer, sdes);
    }
    return srtp;
  }

  find(ip: string, port: number): MediaEndpoint | undefined {
    return this.byIp.get(ip)?.get(port);
  }

  private set(
    ip: string,
    port: number,
    m: SdpMedia,
    message: number,
    kind: MediaEndpoint['kind'],
    answer: boolean,
    sdes?: SdesSide,
  ): void {
    let ports = this.byIp.get(ip);
    if (ports === undefined) {
      ports = new Map();
      this.byIp.set(ip, ports);
    }
    const e = ports.get(port);
    if (e !== undefined) {
      // Announced again (the next call of a phone, a re-INVITE): the latest SDP is the setup.
      e.message = message;
      e.media = m.media;
      e.kind = kind;
      e.rtpmap = m.rtpmap;
      e.direction = m.direction;
      e.answer = answer;
      e.sdes = sdes;
      return;
    }
    const added: MediaEndpoint = {
      message,
      media: m.media,
      kind,
      rtpmap: m.rtpmap,
      direction: m.direction,
      answer,
    };
    if (sdes !== undefined) added.sdes = sdes;
    ports.set(port, added);
    this.order.push({ ip, port });
    this.size++;
    while (this.size > this.max) this.evictOldest();
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  private evictOldest(): void {
    const o = this.order[this.head++];
    const ports = this.byIp.get(o.ip);
    if (ports === undefined || !ports.delete(o.port)) return;
    if (ports.size === 0) this.byIp.delete(o.ip);
    this.size--;
  }
}

/**
 * DTLS-SRTP's a=fingerprint and a=setup of an SRTP description (RFC 5763
 * §5), media-level else session-level: read for SRTP media only, kept when
 * there is a fingerprint.
 */
function dtlsOf(sdp: Sdp, m: SdpMedia, sdes: SdesSide): void {
  const fingerprints = fingerprintsOf(sdp, m);
  if (fingerprints.length === 0) return;
  sdes.fingerprints = fingerprints;
  const setup = setupOf(sdp, m);
  if (setup !== undefined) sdes.setup = setup;
}

/** Set by `rtcpPortOf`: the media it read has an a=crypto (a flag, not a result object: no allocation per media). */
let sawCrypto = false;

/**
 * RFC 3605 a=rtcp names the RTCP port; else the RTP port + 1 (RFC 3550 §11).
 * The same pass notes whether an a=crypto is there (RFC 4568 SDES keys, read only then) in `sawCrypto`.
 */
function rtcpPortOf(m: SdpMedia): number {
  sawCrypto = false;
  let port: number | undefined;
  for (const a of m.attributes) {
    if (a.name === 'rtcp') {
      if (a.value !== undefined) port ??= Number.parseInt(a.value, 10);
    } else if (a.name === 'crypto') sawCrypto = true;
  }
  return port ?? m.port + 1;
}

/**
 * `ip:port` of an m= line as the decoder prints a datagram's endpoint (what
 * stream records and DTLS hellos name), or null for no usable address (no
 * c= line, hold's 0.0.0.0, an FQDN).
 */
export function mediaEndpoint(m: SdpMedia): string | null {
  const ip = m.connection === undefined ? null : mediaAddress(m.connection.address);
  return ip === null ? null : endpointString({ ip, port: m.port });
}

/**
 * The address as the decoder prints it (dotted IPv4, RFC 5952 IPv6), or
 * null for none: an FQDN, or 0.0.0.0, which RFC 3264 §8.4 lets an offer
 * use to put the stream on hold (RFC 2543 style).
 */
export function mediaAddress(address: string): string | null {
  // The same address comes again and again (a phone's, an SBC's): the last answer is kept.
  if (address === lastAddress) return lastMedia;
  const a = mediaAddressOf(address);
  lastAddress = address;
  lastMedia = a;
  return a;
}

let lastAddress = '';
let lastMedia: string | null = null;

function mediaAddressOf(address: string): string | null {
  if (isIpv4(address)) return address === '0.0.0.0' ? null : address;
  if (!isIpv6(address)) return null;
  const bytes = ipv6Bytes(address);
  if (bytes === null) return null;
  const text = ipv6ToString(bytes, 0);
  return text === '::' ? null : text;
}

/** RFC 4291 §2.2 text (already checked by `isIpv6`) → 16 bytes. */
function ipv6Bytes(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  const dbl = s.indexOf('::');
  const parts = (p: string): string[] => (p === '' ? [] : p.split(':'));
  const head = parts(dbl < 0 ? s : s.slice(0, dbl));
  const tail = dbl < 0 ? [] : parts(s.slice(dbl + 2));
  const words = (list: string[]): number[] | null => {
    const w: number[] = [];
    for (const g of list) {
      if (g.includes('.')) {
        const o = g.split('.').map(Number);
        w.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
      } else w.push(Number.parseInt(g, 16));
    }
    return w.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? w : null;
  };
  const h = words(head);
  const t = words(tail);
  if (h === null || t === null || h.length + t.length > 8) return null;
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = all[i] >> 8;
    out[2 * i + 1] = all[i] & 0xff;
  }
  return out;
}

/** `PCMA/8000` for a payload type of a description: its rtpmap, else RFC 3551's static table. */
export function codecName(rtpmap: Readonly<Record<string, SdpRtpMap>>, payloadType: number): string | null {
  const key = String(payloadType);
  return (
    rtpmapName(rtpmap, key) ?? (Object.hasOwn(STATIC_PAYLOAD_TYPES, key) ? STATIC_PAYLOAD_TYPES[key] : null)
  );
}

/** `PCMA/8000` (`opus/48000/2`: channels when not 1) for a format the SDP's a=rtpmap names; null otherwise. */
export function rtpmapName(rtpmap: Readonly<Record<string, SdpRtpMap>>, format: string): string | null {
  if (!Object.hasOwn(rtpmap, format)) return null;
  const map = rtpmap[format];
  const ch = map.channels !== undefined && map.channels !== 1 ? `/${map.channels}` : '';
  return `${map.encoding}/${map.clockRate}${ch}`;
}

/** The RTP clock of a payload type: its rtpmap's, else the static table's. */
export function clockRateOf(rtpmap: Readonly<Record<string, SdpRtpMap>>, payloadType: number): number | null {
  const map = Object.hasOwn(rtpmap, String(payloadType)) ? rtpmap[String(payloadType)] : undefined;
  if (map !== undefined) return map.clockRate > 0 ? map.clockRate : null;
  const name = codecName(rtpmap, payloadType);
  return name === null ? null : Number(name.split('/')[1]);
}

/**
 * What a payload type carries besides voice: RFC 3389 comfort noise (static
 * type 13, or a dynamic one the SDP maps to CN), RFC 4733 telephone events
 * (dynamic, `telephone-event`) or RFC 2198 redundancy (dynamic, `red`:
 * blocks of other payload types, red.ts); null for anything else.
 */
export function quietPayload(
  rtpmap: Readonly<Record<string, SdpRtpMap>>,
  pt: number,
): 'cn' | 'event' | 'red' | null {
  if (pt === 13) return 'cn';
  if (pt < 96) return null;
  const key = String(pt);
  if (!Object.hasOwn(rtpmap, key)) return null;
  const e = rtpmap[key].encoding.toUpperCase();
  return e === 'CN' ? 'cn' : e === 'TELEPHONE-EVENT' ? 'event' : e === 'RED' ? 'red' : null;
}
