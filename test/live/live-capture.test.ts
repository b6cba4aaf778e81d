import { createSocket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { captureCommands, createLiveCapture, findTool } from '../../src/capture/live-capture.js';
import { describeFailure, parseStderrLine, stderrLines } from '../../src/capture/live-stderr.js';
import type { CallRecord } from '../../src/correlate/model.js';
import { createLivePipeline } from '../../src/live/live-pipeline.js';
import { freePort, liveSkipReason, runSipp } from './sipp.js';

describe('dumpcap and tcpdump stderr, read as data', () => {
  // As dumpcap 4.0 writes it when stopped with SIGINT after 5 packets.
  const DUMPCAP =
    "Capturing on 'Loopback: lo' and 'eth0'\nFile: -\n\rPackets: 1 \rPackets: 2 \rPackets: 4 \rPackets: 5 \rPackets captured: 5\n" +
    "Packets received/dropped on interface 'Loopback: lo': 5/0 (pcap:0/dumpcap:0/flushed:0/ps_ifdrop:0) (100.0%)\n" +
    "Packets received/dropped on interface 'eth0': 1200/37 (pcap:30/dumpcap:7/flushed:0/ps_ifdrop:0) (97.0%)\n";

  it('dumpcap: the start, the running count, the total and each interface’s received/dropped', () => {
    expect(stderrLines(DUMPCAP).map((l) => parseStderrLine('dumpcap', l))).toEqual([
      { kind: 'started' },
      { kind: 'other', text: 'File: -' },
      { kind: 'other', text: '' },
      { kind: 'count', packets: 1 },
      { kind: 'count', packets: 2 },
      { kind: 'count', packets: 4 },
      { kind: 'count', packets: 5 },
      { kind: 'total', field: 'captured', value: 5 },
      { kind: 'interface', name: 'lo', received: 5, dropped: 0 },
      { kind: 'interface', name: 'eth0', received: 1200, dropped: 37 },
      { kind: 'other', text: '' },
    ]);
  });

  it('tcpdump: the start and its three totals', () => {
    const text =
      'tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n' +
      '3 packets captured\n6 packets received by filter\n2 packets dropped by kernel\n';
    expect(stderrLines(text).map((l) => parseStderrLine('tcpdump', l))).toEqual([
      { kind: 'started' },
      { kind: 'total', field: 'captured', value: 3 },
      { kind: 'total', field: 'received', value: 6 },
      { kind: 'total', field: 'dropped', value: 2 },
      { kind: 'other', text: '' },
    ]);
  });

  it('turns each tool’s failures into one clear line', () => {
    const o = { interfaces: ['nosuch'], filter: 'udp port (' };
    expect(
      describeFailure(
        'dumpcap',
        'Capturing on \'nosuch\'\ndumpcap: There is no device named "nosuch".\n(No such device exists)\n',
        o,
      ),
    ).toBe(`dumpcap: interface "nosuch" does not exist (list them with 'ip link' or 'dumpcap -D')`);
    expect(
      describeFailure('tcpdump', 'tcpdump: nosuch: No such device exists\n(No such device exists)\n', o),
    ).toBe(`tcpdump: interface "nosuch" does not exist (list them with 'ip link' or 'dumpcap -D')`);
    // dumpcap 4.0 as a user outside the wireshark group: a page of advice, one line from us.
    const denied =
      'Capturing on \'Loopback: lo\'\ndumpcap: You do not have permission to capture on device "lo".\n(socket: Operation not permitted)\n' +
      'Please check to make sure you have sufficient permissions.\n\nOn Debian and Debian derivatives such as Ubuntu, …\n';
    expect(describeFailure('dumpcap', denied, { interfaces: ['lo'] })).toMatch(
      /^dumpcap: permission denied capturing on "lo": run as root, or add your user to the wireshark group/,
    );
    expect(
      describeFailure(
        'tcpdump',
        "tcpdump: lo: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n",
        { interfaces: ['lo'] },
      ),
    ).toMatch(/^tcpdump: permission denied capturing on "lo": run as root/);
    expect(
      describeFailure(
        'dumpcap',
        "Capturing on 'Loopback: lo'\ndumpcap: Invalid capture filter \"udp port (\" for interface 'lo'.\n\n" +
          "That string isn't a valid capture filter (can't parse filter expression: syntax error).\n",
        o,
      ),
    ).toBe('dumpcap: invalid capture filter "udp port (": syntax error');
    expect(describeFailure('tcpdump', "tcpdump: can't parse filter expression: syntax error\n", o)).toBe(
      'tcpdump: invalid capture filter "udp port (": syntax error',
    );
    expect(describeFailure('dumpcap', 'dumpcap: something new\n(why)\nmore\n', o)).toBe(
      'dumpcap: something new (why)',
    );
    expect(describeFailure('tcpdump', '', { interfaces: ['lo'], exitCode: 3 })).toBe(
      'tcpdump exited with code 3 while capturing on lo',
    );
  });
});

describe('live capture commands', () => {
  it('dumpcap takes every interface with the filter repeated for each; tcpdump runs once per interface', () => {
    const o = { interfaces: ['lo', 'eth0'], filter: 'udp port 5060', snaplen: 65535, bufferMiB: 8 };
    expect(captureCommands('dumpcap', o)).toEqual([
      [
        '-w',
        '-',
        '-i',
        'lo',
        '-f',
        'udp port 5060',
        '-i',
        'eth0',
        '-f',
        'udp port 5060',
        '-s',
        '65535',
        '-B',
        '8',
      ],
    ]);
    expect(captureCommands('tcpdump', o)).toEqual([
      ['-U', '-w', '-', '-i', 'lo', '-s', '65535', '-B', '8192', 'udp port 5060'],
      ['-U', '-w', '-', '-i', 'eth0', '-s', '65535', '-B', '8192', 'udp port 5060'],
    ]);
  });

  it('says so when neither tool can be found', async () => {
    expect(findTool('dumpcap', ['/nonexistent'])).toBeNull();
    await expect(
      createLiveCapture({ interfaces: ['lo'], searchPath: ['/nonexistent'] }).start(),
    ).rejects.toThrow(
      'live capture needs dumpcap (Debian package wireshark-common or tshark) or tcpdump; neither was found',
    );
  });
});

const skip = liveSkipReason(false);
const skipSipp = liveSkipReason(true);
if (skip !== null) console.warn(`live capture tests skipped: ${skip}`);
else if (skipSipp !== null) console.warn(`live SIPp test skipped: ${skipSipp}`);

const tools = (['dumpcap', 'tcpdump'] as const).filter((t) => findTool(t) !== null);

describe.skipIf(skip !== null)('live capture on lo (needs root)', () => {
  const open: Array<{ stop(): Promise<void> }> = [];
  afterAll(async () => {
    for (const c of open) await c.stop();
  });

  it.each(tools)(
    '%s: frames sent to a filtered port are read, numbered from 1, and counted',
    async (tool) => {
      const port = await freePort();
      const cap = createLiveCapture({ interfaces: ['lo'], filter: `udp port ${port}`, tool });
      open.push(cap);
      const frames: Frame[] = [];
      cap.on('frame', (f) => frames.push({ ...f, data: f.data.slice() }));
      await cap.start();
      const sock = createSocket('udp4');
      for (let i = 0; i < 5; i++)
        await new Promise<void>((r) => sock.send(`ping ${i}`, port, '127.0.0.1', () => r()));
      // A datagram to another port is filtered out.
      await new Promise<void>((r) => sock.send('other', port + 1, '127.0.0.1', () => r()));
      sock.close();
      await new Promise<void>((resolve) => {
        const check = () => (frames.length >= 5 ? resolve() : setTimeout(check, 20));
        check();
      });
      await cap.stop();
      expect(frames.map((f) => f.no)).toEqual([1, 2, 3, 4, 5]);
      const text = frames.map((f) => new TextDecoder().decode(f.data.subarray(f.data.length - 6)));
      expect(text).toEqual(['ping 0', 'ping 1', 'ping 2', 'ping 3', 'ping 4']);
      expect(cap.stats).toMatchObject({ tool, frames: 5, kernelDropped: 0 });
      expect(cap.stats.perInterface.lo?.received).toBeGreaterThanOrEqual(5);
      expect(cap.lastError).toBeNull();
    },
  );

  it.each(tools)(
    '%s: an interface that does not exist and a bad filter are one clear error',
    async (tool) => {
      await expect(createLiveCapture({ interfaces: ['nosuch0'], tool }).start()).rejects.toThrow(
        `${tool}: interface "nosuch0" does not exist`,
      );
      await expect(
        createLiveCapture({ interfaces: ['lo'], filter: 'udp port (', tool }).start(),
      ).rejects.toThrow(`${tool}: invalid capture filter "udp port ("`);
    },
  );

  it.skipIf(skipSipp !== null)(
    'SIPp calls on a filtered port: every call and message arrives, completed',
    async () => {
      const port = await freePort();
      const cap = createLiveCapture({ interfaces: ['lo'], filter: `udp port ${port}` });
      open.push(cap);
      const live = createLivePipeline();
      const calls: CallRecord[] = [];
      live.on('call', (c) => calls.push(c));
      cap.on('frame', (f) => live.pushFrame(f));
      await cap.start();
      const sipp = runSipp({ port, calls: 20, rate: 20 });
      try {
        await sipp.done;
      } finally {
        sipp.stop();
      }
      // The last BYE's 200 may still be in the pipe: wait until it is read.
      await new Promise<void>((resolve) => {
        const check = () => (live.stats().messages >= 120 ? resolve() : setTimeout(check, 20));
        check();
      });
      await cap.stop();
      live.end();
      const s = live.stats();
      expect(s.messages).toBe(120);
      expect(s.requests).toBe(60);
      expect(calls).toHaveLength(20);
      expect(calls.every((c) => c.state === 'completed' && c.messages.length === 6)).toBe(true);
      expect(s.retransmissions).toBe(0);
      expect(cap.stats.kernelDropped).toBe(0);
    },
    60_000,
  );
});
