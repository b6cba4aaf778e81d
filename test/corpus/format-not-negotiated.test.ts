/**
 * media.format-not-negotiated (RFC 3264 §6.1, §7) on the corpus captures
 * with RTP (skipped when the corpus is absent; the tshark cross-check also
 * when tshark is not installed). Each finding was checked by hand against
 * the SDP; its payload types and packet counts must be the ones tshark
 * decodes on that flow. Every other capture's streams used only formats
 * their offer/answer allowed (comfort noise 13 included where it was listed:
 * goffinet_prack-call-rtp, heplify_sip-ipv4-tcp-call).
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark } from '../helpers/corpus.js';

/** The captures with RTP streams, and the findings each must give (text: payload types and packets as tshark counts them). */
const CAPTURES: Record<
  string,
  Array<{ severity: string; flow: [string, number, string, number]; sent: string }>
> = {
  'arkime_volte-gtp-ipv6-sip-tcp-udp.pcap': [],
  'goffinet_asterisk-b2bua-2phones.pcapng': [],
  'goffinet_bye-retrans-408.pcapng': [],
  'goffinet_honeynet-forensic-challenge4-voip.pcap': [],
  'goffinet_invite-cancel-retrans-ata.pcap': [],
  'goffinet_loops-483-407-ipfrag.pcapng': [],
  'goffinet_prack-call-rtp.pcap': [],
  'goffinet_test-voip-tcp-udp.pcapng': [],
  'goffinet_voip-extension-refer-transfer.pcap': [],
  // The gateway at 10.23.1.52 offered 8 103 102 (INVITE), was answered 8 102, then answered a re-INVITE
  // offering 8 with 8: it sent comfort noise (13) and PT 100, which no SDP of the call lists.
  'heplify_fax-t38-reinvite-megaco.pcap': [
    {
      severity: 'warning',
      flow: ['10.23.1.52', 16756, '10.35.60.100', 15580],
      sent: 'payload types 100 (3 packets), 13 CN/8000 (163 packets)',
    },
  ],
  'heplify_rtp-rtcp-sip-mixed-traffic.pcap': [],
  'heplify_sip-ipv4-tcp-call.pcap': [],
  'isa_asterisk-b2bua-call-reinvite-rtp.pcap': [],
  'isa_invite-auth-call.pcapng': [],
  'isa_register-and-call-ipv6-noise.pcap': [],
  'ndpi_fuzzed-aaa-malformed-sip.pcap': [],
  'pkts_call-with-rtp.pcap': [],
  'sngrep_aaa-wireshark-sample-auth-cancel.pcap': [],
};

/** Packets of each payload type tshark decodes as RTP from `src` to `dst`, as `100 (3 packets)` parts keyed by type. */
function tsharkCounts(
  file: string,
  [sip, sport, dip, dport]: [string, number, string, number],
): Map<number, number> {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-d',
      `udp.port==${dport},rtp`,
      '-Y',
      `rtp && ip.src==${sip} && udp.srcport==${sport} && ip.dst==${dip} && udp.dstport==${dport}`,
      '-T',
      'fields',
      '-e',
      'rtp.p_type',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  ).toString();
  const counts = new Map<number, number>();
  for (const line of out.split('\n'))
    if (line !== '') counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
  return counts;
}

describe.skipIf(!corpusPresent)('media.format-not-negotiated on the corpus captures with RTP', () => {
  for (const [name, expected] of Object.entries(CAPTURES)) {
    it(`${name}: ${expected.length} finding(s)`, async () => {
      const file = `${CORPUS_DIR}pcap/${name}`;
      const r = await analyzeCapture(file);
      expect(r.streams.length).toBeGreaterThan(0);
      const found = r.findings.filter((f) => f.rule === 'media.format-not-negotiated');
      expect(found.map((f) => f.severity)).toEqual(expected.map((e) => e.severity));
      for (const [i, e] of expected.entries()) {
        const [sip, sport, dip, dport] = e.flow;
        expect(found[i].text).toContain(`RTP ${sip}:${sport} → ${dip}:${dport}`);
        expect(found[i].text).toContain(`carried ${e.sent} that`);
        if (!hasTshark) continue;
        const counts = tsharkCounts(file, e.flow);
        const parts = [...e.sent.matchAll(/(\d+)(?: [^ ]+)? \((\d+) packets?\)/g)];
        expect(parts.length).toBeGreaterThan(0);
        for (const m of parts) expect(counts.get(Number(m[1])), `PT ${m[1]} in tshark`).toBe(Number(m[2]));
      }
    });
  }
});
