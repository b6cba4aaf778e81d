/**
 * What the decode stage gives the SIP stage: transport payload bytes with the
 * endpoints and the frames they came from.
 */
export type Transport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss' | 'sctp';

export interface Endpoint {
  /** Printable address: dotted IPv4 or RFC 5952 IPv6 (no brackets). */
  ip: string;
  port: number;
}

export function endpointString(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The host part of an endpoint string (`ip:port` / `[v6]:port`); the input when it has no port. */
export function hostOf(addr: string): string {
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    return close > 0 ? addr.slice(1, close) : addr;
  }
  const colon = addr.lastIndexOf(':');
  // More than one colon without brackets: a bare IPv6 address, no port.
  if (colon < 0 || addr.indexOf(':') !== colon) return addr;
  return addr.slice(0, colon);
}

export interface Payload {
  transport: 'udp' | 'tcp' | 'sctp';
  src: Endpoint;
  dst: Endpoint;
  /**
   * udp/sctp: one whole datagram / DATA chunk user data (after IP reassembly).
   * tcp: the next in-order bytes of the stream in this direction (a view).
   */
  bytes: Uint8Array;
  /** Frame that completed this payload (last fragment / the segment). */
  frame: number;
  /** Every frame that contributed bytes (all fragments), ascending. */
  frames: number[];
  /** Capture time (seconds, float) of the completing frame. */
  ts: number;
  /** tcp only: bytes are missing before this chunk (capture loss or mid-stream start). */
  gap?: boolean;
  /** tcp only: the connection was closed (FIN/RST) after this chunk. */
  fin?: boolean;
  /** Delivered by a HEP agent (collector or HEP inside a capture): what the agent said about it. */
  hep?: HepMeta;
}

/** What a HEP agent tells about a message besides its endpoints and time (HEP3 chunks 0x000c, 0x0011, 0x0013). */
export interface HepMeta {
  version: 1 | 2 | 3;
  /** Capture agent id. */
  agentId: number | null;
  /** Node name of the agent. */
  node: string | null;
  /** Correlation id the agent attached (often the Call-ID of the other leg, or a session id). */
  correlationId: string | null;
}

/** A frame the decoders could not take apart: kept as a counted issue, never a throw. */
export interface DecodeIssue {
  frame: number;
  layer: string;
  message: string;
}
