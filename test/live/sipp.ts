/**
 * Test helpers for the live tests: whether this machine can capture and run
 * SIPp, a free UDP port, and a SIPp run (built-in `uas` and `uac` on
 * loopback: INVITE, 180, 200, ACK, BYE, 200 per call). Test-only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { findTool } from '../../src/capture/live-capture.js';

export const sippPath = findTool('sipp');
export const captureTool = findTool('dumpcap') ?? findTool('tcpdump');
/** Capturing needs root here (or dumpcap with capabilities: say so with SIPSCOPE_LIVE_TESTS=1). */
export const canCapture =
  captureTool !== null && (process.getuid?.() === 0 || process.env.SIPSCOPE_LIVE_TESTS === '1');

/** Why the live tests are skipped, or null when they run. */
export function liveSkipReason(needSipp: boolean): string | null {
  if (captureTool === null) return 'neither dumpcap nor tcpdump is installed';
  if (!canCapture) return 'capturing needs root (or SIPSCOPE_LIVE_TESTS=1 when dumpcap has capabilities)';
  if (needSipp && sippPath === null) return 'SIPp is not installed (Debian package sip-tester)';
  return null;
}

/** A UDP port nobody uses right now (and the next one, for the UAC). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (port < 65000) return port;
  }
}

export interface SippRun {
  /** Resolves when the UAC has placed every call (and exited). */
  done: Promise<void>;
  stop(): void;
}

/** Starts a SIPp UAS on `port` and a UAC placing `calls` calls at `rate` per second to it. */
export function runSipp(o: { port: number; calls: number; rate: number }): SippRun {
  if (sippPath === null) throw new Error('sipp not installed');
  const sipp = sippPath;
  const uas = spawn(sipp, ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(o.port), '-nostdin'], {
    stdio: 'ignore',
  });
  let uac: ChildProcess | null = null;
  const done = new Promise<void>((resolve, reject) => {
    // Give the UAS a moment to bind before the first INVITE.
    setTimeout(() => {
      uac = spawn(
        sipp,
        [
          '-sn',
          'uac',
          `127.0.0.1:${o.port}`,
          '-i',
          '127.0.0.1',
          '-p',
          String(o.port + 1),
          '-m',
          String(o.calls),
          '-r',
          String(o.rate),
          '-nostdin',
        ],
        { stdio: 'ignore' },
      );
      uac.once('error', reject);
      uac.once('exit', () => resolve());
    }, 300);
  });
  return {
    done,
    stop() {
      uas.kill('SIGKILL');
      (uac as ChildProcess | null)?.kill('SIGKILL');
    },
  };
}
