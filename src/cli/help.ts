export const HELP = `sipscope: a packet-capture SIP analyzer and call-flow visualizer

Usage:
  sipscope analyze FILE [--json]     analyse a pcap or pcapng capture
  sipscope lint FILE|- [options]     check raw SIP messages pasted in a text file
  sipscope rules [ID|PREFIX] [--json]
                                     the rule catalogue, or one rule explained
  sipscope serve [options]           the web UI and its API, samples loaded
  sipscope --help                    this text

analyze
  Reads FILE (pcap or pcapng, format sniffed from its magic number), finds
  every SIP message (UDP, TCP, SCTP, WebSocket; IPv4/IPv6, fragments,
  tunnels) and prints one line per message and a summary.
    --json          print the analysis as one JSON document (see README)
  Exit codes: 0 ok; 2 unreadable file or bad usage (one line on stderr,
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
  usage or an unreadable file.

rules
  Lists every rule (id, severity, RFC, title); with an ID or a prefix, the
  full explanation and the RFC sentence it checks.
    --json          the catalogue as JSON

serve
  Starts the web UI and its HTTP API (server/API.md) with the bundled sample
  captures analysed and listed; upload more from the page. Ctrl-C stops it.
    --host H             address to listen on (default 127.0.0.1: this
                         machine only)
    --port P             port (default $SIPSCOPE_PORT, else 8060; 0: any free)
    --data DIR           where uploads are kept (default $SIPSCOPE_DATA, else
                         ~/.local/share/sipscope)
    --upload-limit SIZE  largest upload, bytes or with k, M, G (default 1G)
    --no-samples         start with no captures
`;
