/**
 * What one RTP stream's RFC 2198 packets carry (a payload type its SDP maps
 * to `red`, red.ts): the payload types of their blocks, for the record and
 * for the audio (rtp-audio.ts plays the blocks of the codecs it decodes),
 * and the RFC 4733 telephone events of blocks the SDP maps to
 * telephone-event, given to the stream's DTMF events (dtmf-events.ts): the
 * primary at the packet's RTP timestamp, a redundant block at that
 * timestamp minus its offset (RFC 2198 §3: "Unsigned offset of timestamp
 * of this block relative to timestamp given in RTP header").
 *
 * Gateways send DTMF so (`a=rtpmap:104 red/8000`, `a=fmtp:104 101/101/101`),
 * Chrome its Opus (`a=rtpmap:63 red/48000/2`, `a=fmtp:63 111/111`). Made
 * at a stream's first red packet: other streams pay nothing.
 *
 * Voice blocks (neither comfort noise nor telephone events) tell which codec
 * the primaries carry and which lost packets redundancy brought back
 * (red-recovery.ts), for the stream's estimated MOS (stream-quality.ts).
 * So do telephone-event blocks: an RFC 4733 packet is known by the end of
 * what it covers, its timestamp plus its duration (§2.3.5: the duration
 * grows in each packet of an event), so a copy whose end no packet that
 * came carried stands for a lost event packet the receiver still got. (An
 * event's end packet is sent three times with the same duration, §2.5.1.4:
 * losing one of the three is not counted recovered, it lost nothing.)
 */
import type { SdpRtpMap } from '../sip/sdp.js';
import { DtmfEvents } from './dtmf-events.js';
import { clockRateOf, codecName, quietPayload } from './media-map.js';
import { parseRed } from './red.js';
import { RedRecovery } from './red-recovery.js';
import type { RedSummary } from './rtp-stream-record.js';
import { parseTelephoneEvent } from './telephone-event.js';

/** Payload types listed at most (there are 128). */
const MAX_TYPES = 128;

export class StreamRed {
  /** Payloads red.ts refused. */
  malformed = 0;
  /** The payload type of the first voice primary block (null: none yet). */
  voicePayloadType: number | null = null;
  readonly recovery = new RedRecovery();
  /** The same for telephone-event blocks, known by timestamp + duration. */
  readonly eventRecovery = new RedRecovery();
  private readonly types: number[] = [];

  constructor(private readonly rtpmap: Readonly<Record<string, SdpRtpMap>>) {}

  /**
   * The red payload of `length` bytes at `offset` of `bytes` (a packet of
   * RTP `timestamp` and `marker`); its telephone-event blocks go to
   * `stream.dtmf`, made at the first. Returns what the primary block is
   * (media-map.ts quietPayload: comfort noise, a telephone event, else
   * null), null too for a payload that is not RFC 2198.
   */
  add(
    bytes: Uint8Array,
    offset: number,
    length: number,
    timestamp: number,
    marker: boolean,
    frame: number,
    ts: number,
    stream: { dtmf: DtmfEvents | null },
  ): 'cn' | 'event' | null {
    const red = parseRed(bytes, offset, length);
    if (red === null) {
      this.malformed++;
      return null;
    }
    this.recovery.packet(timestamp);
    const last = red.count - 1;
    const top = red.blocks[last];
    if (top.length > 0 && quietPayload(this.rtpmap, top.pt) === 'event') {
      const e = parseTelephoneEvent(bytes, top.start, top.length);
      if (e !== null) this.eventRecovery.packet((timestamp + e.duration) >>> 0);
    }
    for (let i = 0; i <= last; i++) {
      const b = red.blocks[i];
      if (this.types.length < MAX_TYPES && !this.types.includes(b.pt)) this.types.push(b.pt);
      // A zero-length block holds nothing to read (a sender's empty primary).
      if (b.length === 0) continue;
      const primary = i === last;
      const kind = quietPayload(this.rtpmap, b.pt);
      if (kind === null) {
        this.voiceBlock(b.pt, primary, (timestamp - b.offset) >>> 0);
        continue;
      }
      if (kind !== 'event') continue;
      stream.dtmf ??= new DtmfEvents(clockRateOf(this.rtpmap, b.pt));
      const at = (timestamp - b.offset) >>> 0;
      const event = parseTelephoneEvent(bytes, b.start, b.length);
      if (event !== null) {
        const covered = (at + event.duration) >>> 0;
        if (primary) this.eventRecovery.primary(covered);
        else this.eventRecovery.redundant(covered);
      }
      stream.dtmf.add(event, at, primary && marker, frame, ts, !primary);
    }
    const kind = quietPayload(this.rtpmap, red.blocks[last].pt);
    return kind === 'red' ? null : kind;
  }

  /** What its blocks showed, for the estimate: the voice primaries' codec (null: none), the packets recovered (voice and events). */
  voice(): { primary: string | null; recovered: number } {
    const pt = this.voicePayloadType;
    return {
      primary: pt === null ? null : (codecName(this.rtpmap, pt) ?? String(pt)),
      recovered: this.recovery.recovered + this.eventRecovery.recovered,
    };
  }

  /** A voice block for RTP timestamp `ts`: the stream's primary, or redundancy that may stand for a lost one. */
  private voiceBlock(pt: number, primary: boolean, ts: number): void {
    if (!primary) {
      this.recovery.redundant(ts);
      return;
    }
    this.voicePayloadType ??= pt;
    this.recovery.primary(ts);
  }

  summary(): RedSummary {
    return {
      payloadTypes: [...this.types],
      codecs: this.types.map((pt) => codecName(this.rtpmap, pt) ?? String(pt)),
      ...(this.malformed > 0 ? { malformed: this.malformed } : {}),
    };
  }
}
