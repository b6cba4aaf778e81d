/**
 * Dispatch tables (DESIGN.md convention 7): link type → decoder, ethertype →
 * decoder, IP protocol → handler, UDP port → tunnel decoder. The walk in
 * decoder.ts only looks things up here; adding an encapsulation is adding an
 * entry, not a branch.
 *
 * Two namespaces are enough for every layer we follow:
 * - "ethertype": link layers, VLAN tags, PPPoE, PPP, GRE, ERSPAN, VXLAN and
 *   GTP-U all say what they carry as an EtherType (GRE protocol types are
 *   EtherTypes; PPP and raw IP are mapped onto 0x0800 / 0x86dd);
 * - "IP protocol": IPv4 and IPv6 say what they carry as a protocol number;
 *   IP-in-IP (4, 41) maps back to an ethertype.
 */
import {
  ETHERTYPE_ERSPAN_II,
  ETHERTYPE_ERSPAN_III,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_PPP,
  ETHERTYPE_PPPOE_SESSION,
  ETHERTYPE_QINQ,
  ETHERTYPE_TEB,
  ETHERTYPE_VLAN,
  ETHERTYPE_VLAN_9100,
  IPPROTO_AH,
  IPPROTO_ESP,
  IPPROTO_GRE,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IPIP,
  IPPROTO_IPV6,
  IPPROTO_NONE,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_PPP,
  LINKTYPE_RAW,
  LINKTYPE_RAW_12,
  LINKTYPE_RAW_14,
  UDP_PORT_GTP_U,
  UDP_PORT_VXLAN,
} from './constants.js';
import { decodeErspanII, decodeErspanIII } from './erspan.js';
import { decodeEthernet } from './ethernet.js';
import { decodeGre } from './gre.js';
import { decodeGtpU } from './gtp-u.js';
import { decodeHep, HEP_PORT, hepNotSip, hepToPayload } from './hep.js';
import { decodeIcmp, decodeIcmpv6 } from './icmp.js';
import type { LayerResult } from './layer.js';
import { decodeNullLoopback } from './null-loopback.js';
import type { Payload } from './payload.js';
import { decodePpp } from './ppp.js';
import { decodePppoe } from './pppoe.js';
import { decodeRawIp, decodeRawIpv4, decodeRawIpv6 } from './raw-ip.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';
import { decodeVlan } from './vlan.js';
import { decodeVxlan } from './vxlan.js';

/** A pure layer decoder whose `next` is an ethertype. */
export type LayerDecoder = (bytes: Uint8Array, offset: number) => LayerResult<unknown>;

export interface NamedDecoder {
  /** Layer name used in issues and stats. */
  name: string;
  decode: LayerDecoder;
}

/** What an ethertype leads to. */
export type EtherHandler =
  | { kind: 'layer'; name: string; decode: LayerDecoder }
  | { kind: 'ipv4' }
  | { kind: 'ipv6' };

/** What an IP protocol number leads to. */
export type IpProtoHandler =
  /** IP-in-IP: the payload is an IP packet of the given ethertype. */
  | { kind: 'ip'; etherType: number }
  /** A layer whose `next` is an ethertype (GRE). */
  | { kind: 'layer'; name: string; decode: LayerDecoder }
  /** Recognised and deliberately not followed (ICMP errors quote datagrams; ESP is encrypted). */
  | { kind: 'terminal'; name: string; decode?: LayerDecoder }
  | { kind: 'udp' }
  | { kind: 'tcp' }
  | { kind: 'sctp' };

export const LINK_TYPES: ReadonlyMap<number, NamedDecoder> = new Map<number, NamedDecoder>([
  [LINKTYPE_NULL, { name: 'null', decode: decodeNullLoopback }],
  [LINKTYPE_ETHERNET, { name: 'ethernet', decode: decodeEthernet }],
  [LINKTYPE_PPP, { name: 'ppp', decode: decodePpp }],
  [LINKTYPE_RAW_12, { name: 'raw-ip', decode: decodeRawIp }],
  [LINKTYPE_RAW_14, { name: 'raw-ip', decode: decodeRawIp }],
  [LINKTYPE_RAW, { name: 'raw-ip', decode: decodeRawIp }],
  [LINKTYPE_LOOP, { name: 'loop', decode: decodeNullLoopback }],
  [LINKTYPE_LINUX_SLL, { name: 'sll', decode: decodeSll }],
  [LINKTYPE_IPV4, { name: 'raw-ipv4', decode: decodeRawIpv4 }],
  [LINKTYPE_IPV6, { name: 'raw-ipv6', decode: decodeRawIpv6 }],
  [LINKTYPE_LINUX_SLL2, { name: 'sll2', decode: decodeSll2 }],
]);

const vlan: EtherHandler = { kind: 'layer', name: 'vlan', decode: decodeVlan };

export const ETHER_TYPES: ReadonlyMap<number, EtherHandler> = new Map<number, EtherHandler>([
  [ETHERTYPE_IPV4, { kind: 'ipv4' }],
  [ETHERTYPE_IPV6, { kind: 'ipv6' }],
  [ETHERTYPE_VLAN, vlan],
  [ETHERTYPE_QINQ, vlan],
  [ETHERTYPE_VLAN_9100, vlan],
  [ETHERTYPE_PPPOE_SESSION, { kind: 'layer', name: 'pppoe', decode: decodePppoe }],
  [ETHERTYPE_PPP, { kind: 'layer', name: 'ppp', decode: decodePpp }],
  [ETHERTYPE_TEB, { kind: 'layer', name: 'ethernet', decode: decodeEthernet }],
  [ETHERTYPE_ERSPAN_II, { kind: 'layer', name: 'erspan', decode: decodeErspanII }],
  [ETHERTYPE_ERSPAN_III, { kind: 'layer', name: 'erspan', decode: decodeErspanIII }],
]);

export const IP_PROTOCOLS: ReadonlyMap<number, IpProtoHandler> = new Map<number, IpProtoHandler>([
  [IPPROTO_ICMP, { kind: 'terminal', name: 'icmp', decode: decodeIcmp }],
  [IPPROTO_IPIP, { kind: 'ip', etherType: ETHERTYPE_IPV4 }],
  [IPPROTO_TCP, { kind: 'tcp' }],
  [IPPROTO_UDP, { kind: 'udp' }],
  [IPPROTO_IPV6, { kind: 'ip', etherType: ETHERTYPE_IPV6 }],
  [IPPROTO_GRE, { kind: 'layer', name: 'gre', decode: decodeGre }],
  [IPPROTO_ESP, { kind: 'terminal', name: 'esp' }],
  [IPPROTO_AH, { kind: 'terminal', name: 'ah' }],
  [IPPROTO_ICMPV6, { kind: 'terminal', name: 'icmpv6', decode: decodeIcmpv6 }],
  [IPPROTO_NONE, { kind: 'terminal', name: 'no-next-header' }],
  [IPPROTO_SCTP, { kind: 'sctp' }],
]);

export interface UdpTunnel extends NamedDecoder {
  /** Also match the source port (GTP-U uses 2152 on both sides; VXLAN's source port is entropy). */
  eitherPort: boolean;
}

/**
 * UDP tunnels by port (destination port first, then source port where the
 * tunnel uses its port on both sides). A datagram on a tunnel port that does
 * not parse as the tunnel stays a plain UDP payload: that is the heuristic
 * half of "port/heuristic".
 *
 * RFC 7348 §5: "Destination Port: IANA has assigned the value 4789 for the
 * VXLAN UDP port". TS 29.281 §4.4.2.3: GTP-U uses 2152 as the UDP port.
 */
export const UDP_TUNNELS: ReadonlyMap<number, UdpTunnel> = new Map<number, UdpTunnel>([
  [UDP_PORT_GTP_U, { name: 'gtp-u', decode: decodeGtpU, eitherPort: true }],
  [UDP_PORT_VXLAN, { name: 'vxlan', decode: decodeVxlan, eitherPort: false }],
]);

/** What a carrier made of a datagram. */
export type CarrierResult =
  /** The message it carries, with the endpoints and time the carrier gives. */
  | { kind: 'payload'; payload: Payload; issue?: string }
  /** A packet of the carrier with nothing for us (another protocol type, …): counted as ignored. */
  | { kind: 'ignore'; reason: string }
  /** Not the carrier after all: the datagram stays a plain UDP payload. */
  | { kind: 'not'; issue: string };

export interface UdpCarrier {
  name: string;
  decode(bytes: Uint8Array, frame: number, frames: number[], ts: number): CarrierResult;
}

/**
 * UDP ports (destination) whose datagrams carry a message captured
 * elsewhere, with its own endpoints: HEP sent by an agent to a collector on
 * port 9060 (Homer, heplify-server). Unlike a tunnel, what comes out is not
 * a packet to walk but the transport payload itself.
 */
export const UDP_CARRIERS: ReadonlyMap<number, UdpCarrier> = new Map<number, UdpCarrier>([
  [
    HEP_PORT,
    {
      name: 'hep',
      decode(bytes, frame, frames, ts) {
        const r = decodeHep(bytes, 0);
        if (!r.ok) return { kind: 'not', issue: r.issue };
        const p = hepToPayload(r.fields, r.payload, frame, frames, ts);
        if (p === undefined) return { kind: 'ignore', reason: hepNotSip(r.fields) ?? 'hep' };
        return r.issue === undefined
          ? { kind: 'payload', payload: p }
          : { kind: 'payload', payload: p, issue: r.issue };
      },
    },
  ],
]);
