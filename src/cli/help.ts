export const HELP = `sipscope: a packet-capture SIP analyzer and call-flow visualizer

Usage:
  sipscope analyze FILE...|- [--json | --csv] [--call ID | --stream ID] [--tls-keylog KEYLOG] [--tls-key KEY.pem]
                   [--time-shift FILE=SECONDS | --align]
                                     analyse a pcap or pcapng capture (several: merged by time)
  sipscope lint FILE|- [options]     check raw SIP messages pasted in a text file
  sipscope rules [ID|PREFIX] [--json]
                                     the rule catalogue, or one rule explained
  sipscope serve [FILE...] [options]
                                     the web UI and its API, FILEs or samples loaded
  sipscope live -i IFACE [-f BPF] [--hep PORT] [--json] [--tls-keylog KEYLOG [--tls-port PORT]] [--tls-key KEY.pem]
                                     watch live traffic: a capture, HEP, or both
  sipscope extract FILE... -o OUT [filters] [--tls-keylog KEYLOG] [--time-shift FILE=SECONDS]
                                     the frames of the calls the filters choose, as pcapng
  sipscope audio FILE... (--call ID | --stream ID) -o OUT.wav [--tls-keylog KEYLOG] [--tls-key KEY.pem]
                   [--time-shift FILE=SECONDS]
                                     a call's or a stream's RTP as sound (WAVE)
  sipscope --help                    this text

analyze
  Reads FILE (pcap or pcapng, gzip-compressed or not, format sniffed from
  its magic number; - for standard input), finds every SIP message (UDP,
  TCP, SCTP, WebSocket; IPv4/IPv6, fragments, tunnels) and prints one line
  per message, then the calls (start, from, to, kind, state, messages,
  duration), the RTP streams found on the addresses the SDP announced
  (packets, loss, delta, jitter), the findings grouped by call, and a
  summary.
  Several FILEs (rotated files, captures from two hosts or interfaces; any
  mix of pcap, pcapng and gzip) are analysed as one capture merged by time,
  as mergecap merges them: frames numbered as Wireshark numbers the output
  of mergecap -w OUT FILE..., each message's file and frame there in the
  JSON. The SIP messages two files both captured give their clocks' offset
  (as NTP: the mean of the two directions' median differences; the
  summary says it, a warning when it can show an answer before its
  request). A file that is not a capture, or corrupt, fails the command
  naming it; - (standard input) only alone.
    --json          print the analysis as one JSON document (see README)
    --csv           print the call list as CSV (RFC 4180), a line per call:
                    times, kind, state, From, To, Call-IDs, status, timings,
                    endpoints and findings, for a spreadsheet or a script
    --call ID       print one call as an ASCII ladder (a column per endpoint,
                    an arrow per message, retransmissions marked, its RTP
                    streams as rows) and its RTP streams, then the DTMF
                    digits it carried (RFC 4733 events, SIP INFO); ID is the call's id or one of its Call-IDs; with
                    --json, the call, its messages and streams as JSON
    --stream ID     print one RTP stream (its id in the streams list) packet
                    by packet, as Wireshark's RTP Stream Analysis: frame,
                    time, sequence, RTP timestamp, payload type, delta,
                    jitter, skew and status (wrong sequence, lost before it,
                    payload type change, marker), its DTMF events above
                    them; with --json, as JSON
    --tls-keylog KEYLOG
                    decrypt SIP over TLS with this NSS key log (what
                    SSLKEYLOGFILE makes a client write; Wireshark's
                    tls.keylog_file): TLS 1.3, and TLS 1.2 with AES-GCM,
                    ChaCha20-Poly1305 or AES-CBC (HMAC-SHA1/256/384,
                    RFC 7366 encrypt-then-MAC too); a pcapng's own Decryption
                    Secrets Blocks are used without it. The summary counts
                    the TLS connections decrypted and those without a key.
                    Its CLIENT_RANDOM lines also key DTLS-SRTP (RFC 5764):
                    SRTP without a=crypto whose DTLS 1.2 handshake is on the
                    SDP's media addresses (WebRTC) is decrypted
    --tls-key KEY.pem
                    the server's RSA private key (PEM; repeatable): decrypts
                    TLS 1.2 with RSA key exchange (TLS_RSA_WITH_*) without a
                    key log, as sngrep -k and Wireshark's RSA keys do; not
                    ECDHE/DHE suites (forward secrecy) nor resumed sessions
    --time-shift FILE=SECONDS
                    move the frame times of FILE (its path as given, or its
                    index among the FILEs from 0) by SECONDS (negative,
                    fractional: -2.315) before the merge, as editcap -t
                    does; repeatable, one per file
    --align         with several FILEs: a first pass measures each file's
                    clock against the first file's (from the SIP messages
                    both captured), then the analysis runs with each file
                    shifted back by it; the summary says the shifts applied
  Exit codes: 0 ok; 2 unreadable file, bad usage, no such call or stream,
  or an output that cannot be written (a full disk) (one line on stderr,
  nothing on stdout).

lint
  Parses one or more SIP messages as people paste them (CRLF or bare LF line
  ends; several messages one after the other) and prints each message and
  what is wrong with it, with the RFC section it breaks.
    --json          {messages, findings}
    --severity S    only findings of severity S or worse (error|warning|info)
    --rule PREFIX   only rules whose id starts with PREFIX (repeatable)
    --datagram      the whole file is one message (as one UDP datagram)
  Exit codes: 1 when an error-level finding remains, 0 otherwise, 2 on bad
  usage, an unreadable file or an output that cannot be written.

rules
  Lists every rule (id, severity, RFC, title); with an ID or a prefix, the
  full explanation and the RFC sentence it checks.
    --json          the catalogue as JSON

serve
  Starts the web UI and its HTTP API (server/API.md) with the bundled sample
  captures analysed and listed; upload more from the page. Ctrl-C stops it.
  Captures named as FILEs are analysed instead of the samples, read where
  they are (not copied), and their links printed; one already kept (same
  path and size) is not analysed again. Each FILE is a capture of its own,
  unless --merge.
    --host H             address to listen on (default 127.0.0.1: this
                         machine only)
    --port P             port (default $SIPSCOPE_PORT, else 8060; 0: any free)
    --data DIR           where uploads and analyses (sipscope.db) are kept
                         (default $SIPSCOPE_DATA, else ~/.local/share/sipscope)
    --upload-limit SIZE  largest upload, bytes or with k, M, G (default 1G)
    --no-samples         start with no captures
    --keep AGE           delete captures older than AGE (30d, 12h, 90m)
    --max-size SIZE      delete the oldest captures while the data directory
                         takes more than SIZE (k, M, G)
    --memory             keep analyses in memory only (lost when it stops)
    --merge              the FILEs are one capture merged by time, as
                         analyze A B reads them (rotated files, two hosts)
    --tls-keylog KEYLOG  decrypt SIP over TLS in every upload with this key
                         log (read again at each analysis: it may grow), and
                         in the live capture (followed as it grows)
    --tls-key KEY.pem    and with this server RSA key (repeatable), as for
                         analyze
    --tls-port PORT      with --tls-keylog and a live capture: a port of SIP
                         over TLS besides 5061 (repeatable); see live
    --live IFACE         also capture live on IFACE (repeatable): a capture
                         with status live whose calls appear as they happen
    --filter BPF         capture filter for --live, e.g. 'udp port 5060'
    --hep PORT           also collect HEP on UDP and TCP PORT into it, on
                         every interface (HEP comes from other hosts)
    --hep-key KEY        accept only HEP packets with this auth key
    --hep-host ADDR      listen for HEP on ADDR only (127.0.0.1: this host)
    --window-calls N     the live capture holds at most N calls (10000),
    --window-messages N  N messages (100000) and SIZE bytes of SIP text
    --window-bytes SIZE  (64M); the calls that ended first are evicted;
                         the window's ended calls are kept in the data
                         directory too (not with --memory): a restart keeps them
    --live-pcap DIR      also write the captured frames to a ring of pcapng
                         files in DIR (--live-pcap-size 64M, --live-pcap-files 10)
    --heap-growth PCT    the heap grows PCT% past what a full collection kept
                         before the next (default 50; 0: V8's own, up to 4x):
                         less memory for live windows and big uploads
    --heap-compact Y|N   compact the heap at every full collection: yes
                         or no (default yes with --live or --hep: ~90 MB
                         less for a window of 5,000 calls; no otherwise)

live
  Captures on one or more interfaces (dumpcap, else tcpdump: needs root or
  the wireshark group) and/or collects HEP, and prints each message, each
  finding, each finished call, each finished RTP stream (on the
  addresses the SDP announced; capture the RTP too) and each call's DTMF
  digits (once its streams are out) as a line. Ctrl-C (or SIGTERM) flushes the
  calls in progress and prints a summary (packets, messages, calls,
  findings, drops).
    -i, --interface IFACE  capture on IFACE (repeatable)
    -f, --filter BPF       capture filter, e.g. 'udp port 5060'
    --hep PORT             collect HEP v1/v2/v3 on UDP and TCP PORT (e.g. 9060)
    --hep-key KEY          accept only HEP packets with this auth key
    --hep-host ADDR        address for the HEP listeners (default all)
    --tool dumpcap|tcpdump which capture tool (default: dumpcap when found)
    -B, --buffer MiB       kernel capture buffer per interface (default 32)
    --json                 NDJSON events {"type":"message"|"call"|"finding"|
                           "stream"|"dtmf"|"stats", …}, shapes as in analyze
                           --json
    --stats SECONDS        with --json, a stats event this often (default 10;
                           0: only at the end)
    --tls-keylog KEYLOG    decrypt SIP over TLS with this NSS key log, as for
                           analyze, followed as the TLS library appends to it:
                           a connection whose key is not logged yet is held
                           (up to 10 s, 1 MiB) until it is, when it may be
                           SIP: on port 5061, or offering no ALPN (or a sip
                           one) on a port not of HTTPS, DNS or mail; others
                           (HTTPS: ALPN h2/http/1.1, port 443) go on at once
    --tls-port PORT        with --tls-keylog: a port of SIP over TLS besides
                           5061 (repeatable), whose connections always wait
                           (SIP over WSS on 443: --tls-port 443)
    --tls-key KEY.pem      and with this server RSA key (repeatable)
  Exit codes: 0 stopped; 1 the capture failed while running; 2 bad usage or
  the capture could not start (one line on stderr).

extract
  Analyses FILE (as analyze does; several FILEs merged by time) and writes
  the original frames of the calls the filters choose to OUT as pcapng, their RTP streams' packets
  included, in capture order with their timestamps: sngrep's save of the
  filtered dialogs, for a file small enough to share. The filters are the web UI's call list's; with none,
  every call. A line on stderr says how many calls and frames it wrote.
    -o, --out OUT        the pcapng file to write
    -q, --search TEXT    From, To, Call-ID or User-Agent containing TEXT
                         (case-insensitive), or matching /regex/
    --kind LIST          call, registration, subscription, message, options,
                         other; comma-separated, !kind excludes
    --state LIST         setup, ringing, in-call, completed, cancelled,
                         rejected, busy, redirected, failed (as --kind)
    --method LIST        calls with a request of one of these methods
    --with-findings      only calls with findings
    --without-findings   only calls without
    --tls-keylog KEYLOG, --tls-key KEY.pem
                         as analyze: SIP over TLS decrypted, so its calls
                         are chosen by what they carry; OUT gets their TLS
                         connections whole (handshake included) up to the
                         last chosen message, and the key log lines of
                         those connections only (Decryption Secrets Blocks,
                         as editcap --inject-secrets): it opens decrypted in
                         Wireshark; an RSA key is not written, the master
                         secret it opened is (a CLIENT_RANDOM line)
    --time-shift FILE=SECONDS
                         as analyze: FILE's frame times moved before the
                         merge, in OUT too (editcap -t, then mergecap)
  Exit codes: 0 written; 2 unreadable FILE, OUT that cannot be written
  (stderr names it), bad filter or usage (one line on stderr).

audio
  Analyses FILE (as analyze does; several FILEs merged by time) and writes
  the RTP of a call or of one stream (numbers as analyze lists them) as a 16-bit PCM WAVE file, as
  Wireshark's RTP Player exports it: each packet at its RTP timestamp, lost
  packets and silence suppression as silence, duplicates once, at most half
  an hour. PCMU, PCMA (G.711), G.722, L16 and Opus (RFC 7587, libopus)
  are decoded; comfort noise and DTMF events are silence; other codecs are
  not decoded; an Opus packet libopus refuses is silence, counted on the
  line. The file is at the highest rate of its streams: 16,000 Hz with
  G.722 (then at most 15 minutes), 48,000 when every stream is Opus (then
  at most 5 minutes), 8,000 with G.711 alone. SRTP (RFC 3711) is decrypted with the
  SDES keys of the SDP (a=crypto, RFC 4568: AES_CM_128_HMAC_SHA1_80/32 and
  the AES_192/256 suites of RFC 6188); packets whose tag does not verify are
  played as they are. A line on stderr says what went where.
    --call ID        the call's streams in stereo: left, what the caller's
                     host sent; right, the rest (what it heard)
    --stream ID      one stream, mono
    -o, --out OUT    the WAVE file to write
    --tls-keylog KEYLOG, --tls-key KEY.pem
                     as analyze: SIP over TLS decrypted, so the SDP (and
                     its SDES keys) of calls signalled over TLS is read;
                     DTLS-SRTP streams decrypted with the key log's keys
    --time-shift FILE=SECONDS
                     as analyze: FILE's frame times moved before the merge
  Exit codes: 0 written; 1 nothing to decode (no stream, or no codec
  decoded here: stderr names the codecs); 2 unreadable FILE, OUT that
  cannot be written (stderr names it) or usage.
`;

/** The commands, in the order HELP documents them; each section starts with its name alone on a line. */
export const COMMANDS = ['analyze', 'lint', 'rules', 'serve', 'live', 'extract', 'audio'] as const;

/**
 * `sipscope COMMAND --help`: the command's usage line and its section of
 * HELP, from its name alone on a line to the next command's; undefined for
 * an unknown command.
 */
export function commandHelp(command: string): string | undefined {
  if (!(COMMANDS as readonly string[]).includes(command)) return undefined;
  const lines = HELP.split('\n');
  const start = lines.indexOf(command);
  let end = start + 1;
  while (end < lines.length && !(COMMANDS as readonly string[]).includes(lines[end])) end++;
  while (end > start && lines[end - 1] === '') end--;
  // A usage line, without the description beside it (after two spaces or more).
  const usage = lines
    .filter((l) => l.startsWith(`  sipscope ${command} `))
    .map((l) => l.trim().split(/ {2,}/)[0]);
  return `usage: ${usage.join('\n       ')}\n\n${lines.slice(start, end).join('\n')}\n`;
}

/** Whether the arguments ask for help (`--help` or `-h` before any `--`). */
export function asksHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}
