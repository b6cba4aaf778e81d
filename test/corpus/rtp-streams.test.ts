/**
 * RTP streams on real captures from the shared corpus (skipped when absent
 * or when tshark is not installed), against tshark's `-z rtp,streams`, which
 * also finds RTP from the SDP it sees (no heuristic by default). Every
 * stream tshark lists must be ours with the same SSRC, direction, packets
 * and loss (RFC 3550 A.1) and, to the microsecond, the same largest arrival
 * delta and interarrival jitter (RFC 3550 A.8); where we differ on purpose,
 * the capture says why below.
 */
import '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RtpStreamRecord } from '../../src/media/media-tracker.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent, hasTshark } from '../helpers/corpus.js';

interface TsharkStream {
  key: string;
  packets: number;
  lost: number;
  maxDeltaMs: number;
  maxJitterMs: number;
}

/** tshark's table: start end src sport dst dport ssrc payload… pkts lost (pct) 6 delta/jitter figures [X]. */
function tsharkStreams(file: string): TsharkStream[] {
  const out = execFileSync('tshark', ['-r', file, '-q', '-z', 'rtp,streams'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const rows: TsharkStream[] = [];
  for (const line of out.split('\n')) {
    const c = line.trim().split(/\s+/);
    const s = c.findIndex((x) => /^0x[0-9A-F]{8}$/.test(x));
    if (s < 0) continue;
    const rest = c.slice(s + 1);
    const j = rest.findIndex(
      (x, k) => /^\d+$/.test(x) && /^-?\d+$/.test(rest[k + 1]) && rest[k + 2]?.startsWith('('),
    );
    const n = rest.slice(j + 3).map(Number);
    rows.push({
      key: `${c[2]}:${c[3]} ${c[4]}:${c[5]} ${c[s]}`,
      packets: Number(rest[j]),
      lost: Number(rest[j + 1]),
      maxDeltaMs: n[2],
      maxJitterMs: n[5],
    });
  }
  return rows;
}

const bare = (e: string) => e.replace(/^\[(.*)\]:/, '$1:');
const keyOf = (s: RtpStreamRecord) => `${bare(s.src)} ${bare(s.dst)} ${s.ssrc}`;

/**
 * The captures with RTP, and where we differ from tshark on purpose: streams
 * it lists that we do not (`missing`), streams we list that it does not
 * (`extra`), and streams whose figures differ (`differs`).
 */
const CAPTURES: Record<string, { missing?: string[]; extra?: string[]; differs?: string[]; why?: string }> = {
  'arkime_volte-gtp-ipv6-sip-tcp-udp.pcap': {},
  'goffinet_asterisk-b2bua-2phones.pcapng': {},
  'goffinet_bye-retrans-408.pcapng': {},
  'goffinet_honeynet-forensic-challenge4-voip.pcap': {},
  'goffinet_invite-cancel-retrans-ata.pcap': {},
  'goffinet_loops-483-407-ipfrag.pcapng': {},
  'goffinet_prack-call-rtp.pcap': {},
  'goffinet_test-voip-tcp-udp.pcapng': {},
  'goffinet_voip-extension-refer-transfer.pcap': {
    differs: ['192.168.5.10:8000 192.168.5.11:25426 0x3EDD3882'],
    why: 'duplicated and reordered packets (lost -6): tshark leaves them out of its jitter, we run A.8 over every packet',
  },
  'heplify_fax-t38-reinvite-megaco.pcap': {
    differs: [
      '10.35.60.100:15580 10.23.1.52:16756 0x0EAF0EAF',
      '10.23.1.52:16756 10.35.60.100:15580 0x17D90134',
    ],
    why: 'after the T.38 re-INVITE (rejected with 488 on the SIP leg) tshark decodes the next 2,010 packets to 10.23.1.52:16756 as T.38; they are G.711 RTP (V=2, PT 8, the same SSRC and sequence): we count them. The other way, tshark says the largest delta is 9,199.8 ms, but no two packets in a row are more than 286 ms apart (frames 3099 and 3149): we say 286',
  },
  'heplify_rtp-rtcp-sip-mixed-traffic.pcap': {
    missing: ['200.57.7.202:30000 200.57.7.196:40362 0x00002E3D'],
    why: 'set up by SDP in MGCP (frame 2946), which sipscope does not read',
  },
  'heplify_sip-ipv4-tcp-call.pcap': {},
  'isa_asterisk-b2bua-call-reinvite-rtp.pcap': {
    extra: ['10.0.2.4:7078 10.0.2.5:7078 0x6FBB6264'],
    why: "tshark's STUN dissector takes the address over (ICE checks before the media); with -d udp.port==7078,rtp it lists this stream too, 744 packets",
  },
  'isa_invite-auth-call.pcapng': {
    extra: ['10.0.2.15:15264 10.0.2.4:7078 0x71EC036B'],
    why: 'the same STUN takeover; with -d udp.port==15264,rtp tshark lists it, 76 packets',
  },
  'isa_register-and-call-ipv6-noise.pcap': {},
  'ndpi_fuzzed-aaa-malformed-sip.pcap': {
    missing: ['192.168.1.2:30000 212.242.33.36:40392 0xAAAAAAAA'],
    why: 'a fuzzed datagram that fails the RFC 3550 A.1 header checks',
  },
  'pkts_call-with-rtp.pcap': {},
  'sngrep_aaa-wireshark-sample-auth-cancel.pcap': {},
};

describe.skipIf(!corpusPresent || !hasTshark)(
  'RTP streams on corpus captures, against tshark -z rtp,streams',
  () => {
    for (const [name, exp] of Object.entries(CAPTURES)) {
      it(`${name}${exp.why ? ` (${exp.why})` : ''}`, async () => {
        const file = `${CORPUS_DIR}pcap/${name}`;
        const theirs = tsharkStreams(file);
        const ours = new Map((await analyzeCapture(file)).streams.map((s) => [keyOf(s), s]));
        expect(theirs.length).toBeGreaterThan(0);
        for (const t of theirs) {
          const o = ours.get(t.key);
          if (exp.missing?.includes(t.key)) {
            expect(o, t.key).toBeUndefined();
            continue;
          }
          expect(o, `tshark's stream ${t.key}`).toBeDefined();
          if (o === undefined) continue;
          ours.delete(t.key);
          if (exp.differs?.includes(t.key)) {
            expect([o.packets, o.lost, o.maxDeltaMs, o.maxJitterMs], t.key).not.toEqual([
              t.packets,
              t.lost,
              t.maxDeltaMs,
              t.maxJitterMs,
            ]);
            continue;
          }
          expect([o.packets, o.lost], t.key).toEqual([t.packets, t.lost]);
          // A stream of one packet has no delta or jitter (tshark prints 0).
          if (o.packets > 1) {
            expect(o.maxDeltaMs, t.key).toBeCloseTo(t.maxDeltaMs, 2);
            if (o.maxJitterMs !== null) expect(o.maxJitterMs, t.key).toBeCloseTo(t.maxJitterMs, 2);
          }
        }
        expect([...ours.keys()]).toEqual(exp.extra ?? []);
      });
    }
  },
);
