/**
 * LINKTYPE_* values: the link-layer header type recorded in a pcap file header
 * or a pcapng Interface Description Block.
 *
 * draft-ietf-opsawg-pcaplinktype: "a 16-bit value indicating link-layer type
 * for packets in the file; it is a value as defined in the PCAP LinkType list
 * registry". These are the LINKTYPE_ values (what files contain), not the
 * platform DLT_ values, except where files are known to carry the DLT value:
 * DLT_RAW is 12 on most BSDs and 14 on OpenBSD, and both appear in old files
 * as "raw IP" (libpcap maps them to LINKTYPE_RAW 101 when writing, but not
 * every writer is libpcap).
 */
export const LinkType = {
  /** BSD loopback: 4-byte address family in the host byte order of the writer. */
  NULL: 0,
  /** IEEE 802.3 Ethernet (10Mb, 100Mb, 1000Mb and up). */
  ETHERNET: 1,
  /** PPP in HDLC-like framing (RFC 1662) or PPP with only the protocol field. */
  PPP: 9,
  /** FDDI. */
  FDDI: 10,
  /** DLT_RAW on most BSDs: raw IPv4 or IPv6, no link-layer header. */
  RAW_BSD: 12,
  /** DLT_RAW on OpenBSD: raw IPv4 or IPv6, no link-layer header. */
  RAW_OPENBSD: 14,
  /** PPP in HDLC-like framing (RFC 1662). */
  PPP_HDLC: 50,
  /** PPPoE (RFC 2516). */
  PPP_ETHER: 51,
  /** Raw IPv4 or IPv6 (version nibble tells which). */
  RAW: 101,
  /** Cisco PPP with HDLC framing. */
  C_HDLC: 104,
  /** IEEE 802.11 without radio header. */
  IEEE802_11: 105,
  /** OpenBSD loopback: 4-byte address family in network byte order. */
  LOOP: 108,
  /** OpenBSD enc(4) encapsulating interface. */
  ENC: 109,
  /** Linux "cooked" capture, version 1 (16-byte header). */
  LINUX_SLL: 113,
  /** IEEE 802.11 with radiotap header. */
  IEEE802_11_RADIOTAP: 127,
  /** MTP2 with pseudo-header (SS7). */
  MTP2_WITH_PHDR: 139,
  /** Raw IPv4. */
  IPV4: 228,
  /** Raw IPv6. */
  IPV6: 229,
  /** Linux netfilter NFLOG messages. */
  NFLOG: 239,
  /** Ethernet with the 802.3 preamble and SFD (netANALYZER). */
  NETANALYZER: 240,
  /** Linux "cooked" capture, version 2 (20-byte header). */
  LINUX_SLL2: 276,
} as const;

export type KnownLinkType = (typeof LinkType)[keyof typeof LinkType];

const NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(LinkType)) {
  if (!NAMES.has(value)) NAMES.set(value, name);
}
// Both DLT_RAW variants read as RAW.
NAMES.set(LinkType.RAW_BSD, 'RAW');
NAMES.set(LinkType.RAW_OPENBSD, 'RAW');

/** The LINKTYPE_ name without its prefix (`ETHERNET`, `LINUX_SLL`), or `LINKTYPE_<n>` when unknown. */
export function linkTypeName(linkType: number): string {
  return NAMES.get(linkType) ?? `LINKTYPE_${linkType}`;
}

/** Link types whose frames start directly with an IPv4 or IPv6 header. */
export function isRawIpLinkType(linkType: number): boolean {
  return (
    linkType === LinkType.RAW ||
    linkType === LinkType.RAW_BSD ||
    linkType === LinkType.RAW_OPENBSD ||
    linkType === LinkType.IPV4 ||
    linkType === LinkType.IPV6
  );
}
