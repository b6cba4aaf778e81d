/**
 * Real captures from the shared corpus (skipped when it is absent): every one
 * decodes without throwing, and for captures chosen for their encapsulation
 * the payloads that start with a SIP start line are counted (counts checked
 * against tshark's `sip,stat`, see the notes per file).
 */
import '../helpers/corpus.js';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/decode/decoder.js';
import type { Payload } from '../../src/decode/payload.js';
import { readCaptureFrames } from './read-capture.js';

const dir = fileURLToPath(new URL('../../../shared/corpus/pcap/', import.meta.url));

/** RFC 3261 §7.1 Request-Line / §7.2 Status-Line at the very start of the bytes. */
const START_LINE = /^(?:[A-Za-z]+ \S+ SIP\/2\.0\r?\n|SIP\/2\.0 \d{3} )/;

function decodeFile(name: string): { payloads: Payload[]; d: ReturnType<typeof createDecoder> } {
  const d = createDecoder();
  const payloads: Payload[] = [];
  for (const f of readCaptureFrames(dir + name)) {
    const out = d.push(f);
    for (let i = 0; i < out.length; i++) payloads.push(out[i]);
  }
  payloads.push(...d.flush());
  return { payloads, d };
}

const startsSip = (p: Payload) => START_LINE.test(Buffer.from(p.bytes.subarray(0, 256)).toString('latin1'));

describe.skipIf(!existsSync(dir))('corpus captures', () => {
  it('every capture decodes without throwing, with no payload outside its frame list', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const { payloads } = decodeFile(f);
      for (const p of payloads) expect(p.frames).toContain(p.frame);
    }
  });

  it.each([
    // IPv4-in-IPv4 tunnel, SIP over TCP: INVITE/183/200/BYE, two only inside the tunnel
    ['sngrep_ipip-tunnel-tcp-call.pcap', 4],
    // outer Ethernet/IPv4/GRE/ERSPAN, inner Ethernet/IPv4/UDP
    ['heplify_erspan-gre-sip-refer-subscribe.pcapng', 140],
    // Linux SLL, GTP-U carrying IPv6, SIP over TCP (segmented) and UDP
    ['arkime_volte-gtp-ipv6-sip-tcp-udp.pcap', 17],
    // Ethernet/802.1Q/IPv4/GRE v1/PPP/IPv4/UDP: one 100 Trying
    ['ndpi_vlan-gre-ppp-sip.pcapng', 1],
    // Linux SLL, IPv6 fragment headers on large INVITEs
    ['sngrep_ipv6-frag-forked-invite-sll.pcap', 32],
    // the file holds only the first of the INVITE's two fragments: it must not surface; 5 others remain
    ['pkts_fragmented-udp-ipv4-invite.pcap', 5],
    // 5 ICMP port-unreachable packets quote SIP datagrams: not messages (tshark sip,stat: 40)
    ['cesnet_register-scan-icmp-quoted.pcap', 40],
    // two requests inside PPPoE session/PPP
    ['pcpp_requests-pppoe-malformed.pcap', 4],
    // Linux SLL, SIP over SCTP
    ['heplify_sip-sctp-sll.pcap', 4],
    // NULL link type, 64 KiB body over ~14 TCP segments
    ['suricata_large-body-tcp-null-linktype.pcap', 2],
    // raw IP link type
    ['heplify_rawip-register-auth-invite-403.pcap', 8],
    // one INVITE IPv4-fragmented (1514 + 60 bytes) among 2004 frames (tshark sip,stat: 276)
    ['goffinet_loops-483-407-ipfrag.pcapng', 276],
  ])('%s yields %i payloads starting with a SIP start line', (name, expected) => {
    if (!existsSync(dir + name)) return;
    const { payloads, d } = decodeFile(name);
    expect(payloads.filter(startsSip)).toHaveLength(expected);
    expect(d.stats.undecodable).toBe(0);
  });

  it('IPv6 fragments in the sngrep capture come out with every fragment frame listed', () => {
    const name = 'sngrep_ipv6-frag-forked-invite-sll.pcap';
    if (!existsSync(dir + name)) return;
    const { payloads, d } = decodeFile(name);
    const reassembled = payloads.filter((p) => p.frames.length > 1);
    expect(reassembled.length).toBeGreaterThan(0);
    for (const p of reassembled) expect(p.frame).toBe(p.frames[p.frames.length - 1]);
    expect(d.stats.ipReassembled).toBe(reassembled.length);
    expect(d.stats.fragmentSetsDropped).toBe(0);
  });

  it('the TLS capture without keys yields TCP payloads but no SIP start line', () => {
    const name = 'sngrep_sip-tls-encrypted-nokeys.pcap';
    if (!existsSync(dir + name)) return;
    expect(decodeFile(name).payloads.filter(startsSip)).toHaveLength(0);
  });
});
