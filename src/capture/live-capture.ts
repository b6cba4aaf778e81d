/**
 * Live capture without privileges in Node: spawn dumpcap (Wireshark's
 * capture helper, which the `wireshark` group may run with CAP_NET_RAW) —
 * or tcpdump when dumpcap is missing — writing pcap/pcapng to stdout, and
 * read that stream with the same reader as files (read-file.ts
 * `readCaptureStream`). Frames come out as `frame` events, numbered from 1
 * across every interface, in the order they were read.
 *
 *   dumpcap -w - -i IFACE -f BPF [-i IFACE2 -f BPF …] [-s SNAPLEN] [-B MiB]
 *   tcpdump -U -w - -i IFACE [-s SNAPLEN] [-B KiB] BPF        (one per interface)
 *
 * dumpcap runs without -q so that it reports its running packet count on
 * stderr; at the end both tools print what each interface received and
 * dropped, which `stats` collects (`kernelDropped` is what the kernel and
 * the tool lost before the packets reached us). Reading is paced by the
 * consumer: while a `frame` listener works the pipe fills, and what the
 * kernel then drops is counted there — never an unbounded queue in Node.
 *
 * A tool that cannot start (no such interface, no permission, a bad
 * filter) rejects `start()` with one clear line (live-stderr.ts).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Frame } from './frame.js';
import { type CaptureTool, describeFailure, parseStderrLine, stderrLines } from './live-stderr.js';
import { readCaptureStream } from './read-file.js';

export interface LiveCaptureOptions {
  /** Interfaces to capture on (at least one). */
  interfaces: readonly string[];
  /** Capture filter in libpcap (BPF) syntax, applied on every interface. */
  filter?: string;
  /** Which tool (default `auto`: dumpcap when found, else tcpdump). */
  tool?: 'auto' | CaptureTool;
  /** Bytes kept per packet (default: the tool's, 262144). */
  snaplen?: number;
  /** Kernel capture buffer per interface in MiB (default: the tool's, 2 MiB). */
  bufferMiB?: number;
  /** Where to look for the tools (default: PATH, then /usr/sbin, /sbin, /usr/bin). */
  searchPath?: readonly string[];
}

export interface InterfaceStats {
  /** Packets the interface received (as the tool reports at the end). */
  received: number;
  /** Packets lost before they reached us (kernel and tool buffers). */
  dropped: number;
}

export interface LiveCaptureStats {
  tool: CaptureTool | null;
  interfaces: string[];
  /** Frames read from the tool. */
  frames: number;
  /** Captured bytes of those frames. */
  bytes: number;
  /** The tool's own running count of packets it wrote (dumpcap), or its final count. */
  toolPackets: number;
  /** Per interface, from the tool's summary when it stopped. */
  perInterface: Record<string, InterfaceStats>;
  /** Sum of the per-interface drops (plus tcpdump's "dropped by interface"). */
  kernelDropped: number;
}

export interface LiveCaptureEvents {
  frame: [Frame];
  /** Counters changed (the tool reported a count or its summary). */
  stats: [LiveCaptureStats];
  /** The tool failed after it had started (the interface went away, …). */
  error: [Error];
  /** Every tool exited and every frame was read. */
  end: [LiveCaptureStats];
}

export interface LiveCapture extends EventEmitter<LiveCaptureEvents> {
  /** Spawns the tool(s); resolves once each says it is capturing, rejects with one clear line if not. */
  start(): Promise<void>;
  /** Asks the tools to stop (SIGINT: they flush and print their summary); resolves after `end`. */
  stop(): Promise<void>;
  readonly stats: LiveCaptureStats;
  /** The last failure after start (also kept when nobody listens for `error`). */
  readonly lastError: Error | null;
}

/** Finds an executable by name on the search path. */
export function findTool(name: string, searchPath?: readonly string[]): string | null {
  const dirs = searchPath ?? [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/sbin',
    '/sbin',
    '/usr/bin',
  ];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The command lines for `tool`: one for dumpcap (all interfaces), one per interface for tcpdump. */
export function captureCommands(tool: CaptureTool, o: LiveCaptureOptions): string[][] {
  if (tool === 'dumpcap') {
    const args = ['-w', '-'];
    // A filter given after an -i applies to that interface: repeat it for each.
    for (const i of o.interfaces) {
      args.push('-i', i);
      if (o.filter !== undefined && o.filter !== '') args.push('-f', o.filter);
    }
    if (o.snaplen !== undefined) args.push('-s', String(o.snaplen));
    if (o.bufferMiB !== undefined) args.push('-B', String(o.bufferMiB));
    return [args];
  }
  return o.interfaces.map((i) => {
    const args = ['-U', '-w', '-', '-i', i];
    if (o.snaplen !== undefined) args.push('-s', String(o.snaplen));
    if (o.bufferMiB !== undefined) args.push('-B', String(o.bufferMiB * 1024));
    if (o.filter !== undefined && o.filter !== '') args.push(o.filter);
    return args;
  });
}

export function createLiveCapture(opts: LiveCaptureOptions): LiveCapture {
  return new Capture(opts);
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

class Capture extends EventEmitter<LiveCaptureEvents> implements LiveCapture {
  readonly stats: LiveCaptureStats;
  private children: Child[] = [];
  /** The last failure after start, also when nobody listens for `error`. */
  lastError: Error | null = null;
  private stopping = false;
  private frameNo = 0;
  private ended: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LiveCaptureOptions) {
    super();
    if (opts.interfaces.length === 0) throw new Error('live capture: name at least one interface');
    this.stats = {
      tool: null,
      interfaces: [...opts.interfaces],
      frames: 0,
      bytes: 0,
      toolPackets: 0,
      perInterface: {},
      kernelDropped: 0,
    };
  }

  async start(): Promise<void> {
    const want = this.opts.tool ?? 'auto';
    let tool: CaptureTool | null = null;
    let path: string | null = null;
    for (const t of want === 'auto' ? (['dumpcap', 'tcpdump'] as const) : [want]) {
      path = findTool(t, this.opts.searchPath);
      if (path !== null) {
        tool = t;
        break;
      }
    }
    if (tool === null || path === null) {
      throw new Error(
        want === 'auto'
          ? 'live capture needs dumpcap (Debian package wireshark-common or tshark) or tcpdump; neither was found'
          : `live capture: ${want} not found`,
      );
    }
    this.stats.tool = tool;
    const cmds = captureCommands(tool, this.opts);
    const runs = cmds.map((args, i) => this.run(tool, path, args, i));
    this.ended = Promise.all(runs.map((r) => r.done)).then(() => {
      this.emit('end', this.stats);
    });
    try {
      await Promise.all(runs.map((r) => r.started));
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const kills: NodeJS.Timeout[] = [];
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGINT');
        // A tool that does not stop on SIGINT is killed.
        kills.push(setTimeout(() => c.kill('SIGKILL'), 5000).unref());
      }
    }
    await this.ended;
    for (const k of kills) clearTimeout(k);
  }

  /** One tool process: its frames, its stderr, its exit. */
  private run(
    tool: CaptureTool,
    path: string,
    args: string[],
    iface: number,
  ): { started: Promise<void>; done: Promise<void> } {
    const child: Child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let stderr = '';
    let partial = '';
    let startedOk = false;
    let resolveStarted!: () => void;
    let rejectStarted!: (e: Error) => void;
    const started = new Promise<void>((res, rej) => {
      resolveStarted = res;
      rejectStarted = rej;
    });
    const begin = () => {
      if (startedOk) return;
      startedOk = true;
      resolveStarted();
    };
    // Only the first few KiB of stderr matter for an error message.
    const keep = (s: string) => {
      if (stderr.length < 16384) stderr += s;
    };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      keep(s);
      const lines = stderrLines(partial + s);
      partial = lines.pop() ?? '';
      // dumpcap's running count ends with a space and no newline: read it as soon as it is there.
      if (/^\s*Packets: \d+\s*$/.test(partial)) {
        lines.push(partial);
        partial = '';
      }
      for (const l of lines) {
        // tcpdump says "listening on" once the interface is open (its file header may wait in a buffer).
        const said = this.onStderr(tool, l, tool === 'tcpdump' ? this.opts.interfaces[iface] : null);
        if (said === 'started' && tool === 'tcpdump') begin();
      }
    });
    const exited = new Promise<{ code: number | null; signal: string | null; error?: Error }>((res) => {
      child.once('error', (e) => res({ code: null, signal: null, error: e }));
      child.once('close', (code, signal) => res({ code, signal }));
    });
    const name = tool === 'tcpdump' ? this.opts.interfaces[iface] : null;
    // dumpcap prints "Capturing on" before it opens the interfaces; its pcapng header comes once they are open.
    const reading = this.read(
      tool === 'dumpcap' ? onFirst(child.stdout, begin) : child.stdout,
      `${tool} on ${name ?? this.opts.interfaces.join(', ')}`,
      name === null ? -1 : iface,
    );
    const done = (async () => {
      const [exit, readError] = await Promise.all([exited, reading]);
      if (partial !== '') this.onStderr(tool, partial, name);
      const failure = () =>
        describeFailure(tool, stderr, {
          interfaces: name === null ? this.opts.interfaces : [name],
          filter: this.opts.filter,
          exitCode: exit.code,
          signal: exit.signal,
        });
      if (exit.error !== undefined) {
        const e = new Error(`${tool}: cannot run ${path}: ${exit.error.message}`);
        if (startedOk) this.fail(e);
        else rejectStarted(e);
      } else if (!startedOk) {
        rejectStarted(new Error(failure()));
      } else if (!this.stopping) {
        // Ended on its own: Ctrl-C in a terminal reaches the tool too (a clean exit); anything else is a failure.
        const clean = exit.code === 0 || exit.signal === 'SIGINT' || exit.signal === 'SIGTERM';
        if (!clean) this.fail(new Error(failure()));
        else if (readError !== null) this.fail(readError);
      }
      this.emit('stats', this.stats);
    })();
    return { started, done };
  }

  /** Reads a tool's stdout as a capture stream; resolves with the read error, if any. */
  private async read(stdout: AsyncIterable<Uint8Array>, name: string, iface: number): Promise<Error | null> {
    const s = this.stats;
    try {
      // A chunk's frames at once, not an await per frame (as the CLI and analyze-to-store read files).
      for await (const frames of readCaptureStream(stdout, name).batches()) {
        for (const f of frames) {
          f.no = ++this.frameNo;
          if (iface >= 0) f.iface = iface;
          s.frames++;
          s.bytes += f.data.length;
          this.emit('frame', f);
        }
      }
      return null;
    } catch (e) {
      // A tool that failed before writing a header leaves an empty stream: its stderr says why (see `run`).
      return e instanceof Error ? e : new Error(String(e));
    }
  }

  private fail(e: Error): void {
    this.lastError = e;
    // An 'error' event nobody listens to would throw: the failure is kept in `lastError` then.
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  /** `iface`: the interface of a tcpdump process (dumpcap names interfaces in its lines). */
  private onStderr(tool: CaptureTool, line: string, iface: string | null): 'started' | undefined {
    const ev = parseStderrLine(tool, line);
    const s = this.stats;
    const per = (n: string): InterfaceStats => {
      let x = s.perInterface[n];
      if (x === undefined) {
        x = { received: 0, dropped: 0 };
        s.perInterface[n] = x;
      }
      return x;
    };
    switch (ev.kind) {
      case 'started':
        return 'started';
      case 'count':
        s.toolPackets = ev.packets;
        this.emit('stats', s);
        return;
      case 'interface':
        s.perInterface[ev.name] = { received: ev.received, dropped: ev.dropped };
        break;
      case 'total':
        if (ev.field === 'captured') {
          // dumpcap's total covers every interface; tcpdump prints one per process.
          if (tool === 'dumpcap') s.toolPackets = ev.value;
          else s.toolPackets += ev.value;
        } else if (iface !== null) {
          if (ev.field === 'received') per(iface).received = ev.value;
          else per(iface).dropped += ev.value;
        }
        break;
      default:
        return;
    }
    s.kernelDropped = Object.values(s.perInterface).reduce((n, x) => n + x.dropped, 0);
    return;
  }
}

/** The chunks of `src`, calling `first` when the first one arrives. */
async function* onFirst(src: AsyncIterable<Uint8Array>, first: () => void): AsyncGenerator<Uint8Array> {
  let seen = false;
  for await (const chunk of src) {
    if (!seen) {
      seen = true;
      first();
    }
    yield chunk;
  }
}
