/**
 * One packet of a stream's analysis (stream-analysis.ts), as the API's
 * `…/streams/:streamId/packets` lists it (server/API.md "Calls"). Types only,
 * no code, so that the web UI's types (web/src/api/types.ts) name it without
 * pulling in the capture file reader.
 */
import type { RtpPacket } from './rtp-packet.js';

export type PacketStatus = 'ok' | 'sequence' | 'payload-type' | 'marker';

/** A packet (RtpPacket without its payload) with its figures. */
export interface AnalysedPacket extends Omit<RtpPacket, 'payload' | 'payloadLength'> {
  /** Arrival gap from the packet before, ms (0 for the first). */
  deltaMs: number;
  /** The running interarrival jitter after this packet, ms (null: no clock rate). */
  jitterMs: number | null;
  /** Arrival − where the RTP timestamp puts it, from the first packet, ms (null: no clock rate). */
  skewMs: number | null;
  /** Sequence numbers skipped just before it (a forward gap). */
  lostBefore: number;
  status: PacketStatus;
}
