/**
 * What dumpcap and tcpdump say on stderr, read as data: the line that says
 * the capture started, the running packet count, the per-interface
 * received/dropped counts at the end, and the error when they could not
 * start — turned into one clear line (the tools print several, and dumpcap a
 * whole page of advice about permissions).
 *
 * dumpcap (Wireshark 3.x/4.x):
 *   Capturing on 'Loopback: lo' and 'eth0'
 *   \rPackets: 12 \rPackets: 40            (running count, without -q)
 *   Packets captured: 40
 *   Packets received/dropped on interface 'Loopback: lo': 40/0 (pcap:0/dumpcap:0/flushed:0/ps_ifdrop:0) (100.0%)
 * tcpdump (4.99):
 *   tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes
 *   40 packets captured / 80 packets received by filter / 0 packets dropped by kernel
 *   (and "N packets dropped by interface" where the platform reports it)
 */

export type CaptureTool = 'dumpcap' | 'tcpdump';

/** One thing a stderr line said. */
export type StderrEvent =
  | { kind: 'started' }
  | { kind: 'count'; packets: number }
  | { kind: 'interface'; name: string; received: number; dropped: number }
  | { kind: 'total'; field: 'captured' | 'received' | 'dropped' | 'ifdropped'; value: number }
  | { kind: 'other'; text: string };

const DUMPCAP_IFACE =
  /^Packets received\/dropped on interface '(?:[^']*: )?([^']*)': (\d+)\/(\d+)(?: \(pcap:(\d+)\/dumpcap:(\d+)\/flushed:(\d+)(?:\/ps_ifdrop:(\d+))?\))?/;
const TCPDUMP_TOTAL = /^(\d+) packets? (captured|received by filter|dropped by kernel|dropped by interface)$/;

/**
 * Splits stderr text into lines the way a terminal shows them: dumpcap's
 * running count rewrites one line with carriage returns.
 */
export function stderrLines(text: string): string[] {
  return text.split(/\r\n|[\r\n]/);
}

/** What one stderr line of `tool` says. Blank lines are `other` with empty text. */
export function parseStderrLine(tool: CaptureTool, raw: string): StderrEvent {
  const line = raw.trim();
  if (tool === 'dumpcap') {
    if (line.startsWith('Capturing on ')) return { kind: 'started' };
    let m = /^Packets: (\d+)$/.exec(line);
    if (m !== null) return { kind: 'count', packets: Number(m[1]) };
    m = /^Packets captured: (\d+)$/.exec(line);
    if (m !== null) return { kind: 'total', field: 'captured', value: Number(m[1]) };
    m = DUMPCAP_IFACE.exec(line);
    if (m !== null) {
      // The first pair is what the interface received and what was lost on the way to the file in total.
      return { kind: 'interface', name: m[1], received: Number(m[2]), dropped: Number(m[3]) };
    }
    return { kind: 'other', text: line };
  }
  if (/^tcpdump: listening on /.test(line)) return { kind: 'started' };
  const m = TCPDUMP_TOTAL.exec(line);
  if (m !== null) {
    const field =
      m[2] === 'captured'
        ? 'captured'
        : m[2] === 'received by filter'
          ? 'received'
          : m[2] === 'dropped by kernel'
            ? 'dropped'
            : 'ifdropped';
    return { kind: 'total', field, value: Number(m[1]) };
  }
  return { kind: 'other', text: line };
}

/** Lines of a tool's error output that are information, not the error. */
const NOISE = [
  /^Capturing on /,
  /^File: /,
  /^Packets( captured)?: /,
  /^Packets received\/dropped/,
  /^tcpdump: listening on /,
  /^\d+ packets? /,
  /^tcpdump: verbose output suppressed/,
];

/**
 * One line for the user from a tool that failed: what went wrong, in our
 * words where we recognise it (no such interface, permission, bad filter),
 * else the tool's own first lines joined.
 */
export function describeFailure(
  tool: CaptureTool,
  stderr: string,
  opts: { interfaces: readonly string[]; filter?: string; exitCode?: number | null; signal?: string | null },
): string {
  const lines = stderrLines(stderr)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.some((re) => re.test(l)));
  const text = lines.join('\n');
  const ifaces = opts.interfaces.join(', ');
  let m =
    /There is no device named "([^"]*)"/.exec(text) ?? /^tcpdump: ([^:]+): No such device exists/m.exec(text);
  if (m !== null || /No such device exists/.test(text)) {
    const name = m?.[1] ?? ifaces;
    return `${tool}: interface "${name}" does not exist (list them with 'ip link' or 'dumpcap -D')`;
  }
  if (/permission|Operation not permitted/i.test(text)) {
    m = /device "([^"]*)"/.exec(text) ?? /^tcpdump: ([^:]+): You don't have permission/m.exec(text);
    const name = m?.[1] ?? ifaces;
    return tool === 'dumpcap'
      ? `dumpcap: permission denied capturing on "${name}": run as root, or add your user to the wireshark group (sudo dpkg-reconfigure wireshark-common; sudo usermod -a -G wireshark $USER) and log in again`
      : `tcpdump: permission denied capturing on "${name}": run as root, or give tcpdump CAP_NET_RAW (sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpdump))`;
  }
  if (/Invalid capture filter|syntax error|can't parse filter/i.test(text)) {
    const why =
      /\(can't parse filter expression: ([^)]*)\)/.exec(text)?.[1] ?? /syntax error[^\n]*/.exec(text)?.[0];
    return `${tool}: invalid capture filter "${opts.filter ?? ''}"${why !== undefined ? `: ${why}` : ''}`;
  }
  if (lines.length > 0) {
    // The tool's own words: the first line, and the parenthesised reason under it when there is one.
    const first = lines[0];
    const second = lines.length > 1 && /^\(.*\)$/.test(lines[1]) ? ` ${lines[1]}` : '';
    return `${first}${second}`;
  }
  const how =
    opts.signal != null ? `was killed by ${opts.signal}` : `exited with code ${opts.exitCode ?? 'unknown'}`;
  return `${tool} ${how} while capturing on ${ifaces}`;
}
