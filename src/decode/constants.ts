/**
 * Numbers the registries dispatch on: LINKTYPE_* (tcpdump.org link-layer
 * header types), ethertypes (IEEE registry, plus the GRE protocol types that
 * share that space) and IP protocol numbers (IANA).
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
/** DLT_RAW as OpenBSD numbers it in the pcap header. */
export const LINKTYPE_RAW_12 = 12;
/** DLT_RAW as BSD/OS numbers it in the pcap header. */
export const LINKTYPE_RAW_14 = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
/** ERSPAN type III (GRE protocol type). */
export const ETHERTYPE_ERSPAN_III = 0x22eb;
/** Transparent Ethernet bridging (GRE protocol type): an Ethernet frame follows. */
export const ETHERTYPE_TEB = 0x6558;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;
/** PPP (GRE protocol type, RFC 2637); also what PPPoE and PPP links hand on. */
export const ETHERTYPE_PPP = 0x880b;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;
export const ETHERTYPE_QINQ = 0x88a8;
/** ERSPAN type II (type I when the GRE header has no sequence number). */
export const ETHERTYPE_ERSPAN_II = 0x88be;
/** Pre-standard QinQ outer tag. */
export const ETHERTYPE_VLAN_9100 = 0x9100;

export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_GRE = 47;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_SCTP = 132;

export const UDP_PORT_GTP_U = 2152;
export const UDP_PORT_VXLAN = 4789;
