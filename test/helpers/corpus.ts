/**
 * The optional corpus suites read real captures from ../shared/corpus (beside
 * the checkout) and skip when it is absent: the project's own tests pass on a
 * fresh clone. Importing this says so once when they are skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const corpusPresent = existsSync(CORPUS_DIR);

if (!corpusPresent) {
  console.warn(
    `optional corpus suite skipped: ${CORPUS_DIR} not found (real captures are not part of the repo)`,
  );
}

/** tshark is installed (the suites that compare with it skip that part without it). */
export const hasTshark = (() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Captures with RTP (test/corpus/rtp-streams.test.ts lists why each differs from tshark, if it does). */
export const RTP_CAPTURES: readonly string[] = [
  'arkime_volte-gtp-ipv6-sip-tcp-udp.pcap',
  'goffinet_asterisk-b2bua-2phones.pcapng',
  'goffinet_bye-retrans-408.pcapng',
  'goffinet_honeynet-forensic-challenge4-voip.pcap',
  'goffinet_invite-cancel-retrans-ata.pcap',
  'goffinet_loops-483-407-ipfrag.pcapng',
  'goffinet_prack-call-rtp.pcap',
  'goffinet_test-voip-tcp-udp.pcapng',
  'goffinet_voip-extension-refer-transfer.pcap',
  'heplify_fax-t38-reinvite-megaco.pcap',
  'heplify_rtp-rtcp-sip-mixed-traffic.pcap',
  'heplify_sip-ipv4-tcp-call.pcap',
  'isa_asterisk-b2bua-call-reinvite-rtp.pcap',
  'isa_invite-auth-call.pcapng',
  'isa_register-and-call-ipv6-noise.pcap',
  'ndpi_fuzzed-aaa-malformed-sip.pcap',
  'pkts_call-with-rtp.pcap',
  'sngrep_aaa-wireshark-sample-auth-cancel.pcap',
];
