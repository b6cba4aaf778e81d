/** What the live server tests share: HEP3 sent over TCP, and waiting for the API to show something. */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { openCapture } from '../../src/capture/read-file.js';
import { createDecoder } from '../../src/decode/decoder.js';
import type { Payload } from '../../src/decode/payload.js';
import type { LivePipeline } from '../../src/live/live-pipeline.js';
import type { SipMessage } from '../../src/sip/message.js';
import { hep3 } from '../capture/hep-build.js';

export const TLS_FIXTURES = join(import.meta.dirname, '../fixtures/tls');

/** Sends the messages as HEP3 over one TCP connection (in order, nothing lost). */
export async function sendHep(port: number, msgs: SipMessage[]): Promise<void> {
  const sock = createConnection({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  for (const m of msgs) {
    const s = m.source!;
    sock.write(
      hep3({ src: s.src.ip, dst: s.dst.ip, sport: s.src.port, dport: s.dst.port, ts: s.ts, payload: m.raw }),
    );
  }
  await new Promise<void>((resolve) => sock.end(resolve));
}

/** Pushes a flow's messages into a live pipeline as UDP payloads (frames 1, 2, …), as a HEP collector hands them. */
export function pushFlow(live: LivePipeline, msgs: readonly SipMessage[]): void {
  msgs.forEach((m, i) => {
    const s = m.source;
    if (s !== null)
      live.pushPayload({
        transport: 'udp',
        src: s.src,
        dst: s.dst,
        bytes: m.raw,
        frame: i + 1,
        frames: [i + 1],
        ts: s.ts,
      });
  });
}

/** Sends packets (HEP3) over one TCP connection, in order. */
export async function sendPackets(port: number, packets: Uint8Array[]): Promise<void> {
  const sock = createConnection({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  for (const p of packets) sock.write(p);
  await new Promise<void>((resolve) => sock.end(resolve));
}

/** Asks `what` until `done` says yes (polling every 25 ms), or throws after `ms`. */
export async function until<T>(what: () => Promise<T>, done: (x: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const x = await what();
    if (done(x)) return x;
    if (Date.now() > end) throw new Error(`never got there: ${JSON.stringify(x).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The TCP payloads of a TLS fixture (test/fixtures/tls, make-tls-captures.mjs) that carry bytes, and each as a
 * HEP3 packet (the agent saw TCP: proto 6) with its own time; `serverPort` replaces the server's port.
 */
export async function tlsFixtureHep(
  name: string,
  serverPort?: number,
): Promise<{ sent: Payload[]; packets: Uint8Array[] }> {
  return tcpCaptureHep(join(TLS_FIXTURES, `${name}.pcap`), serverPort);
}

/** As `tlsFixtureHep`, for any capture of TCP (its first payload's destination is the server). */
export async function tcpCaptureHep(
  file: string,
  serverPort?: number,
): Promise<{ sent: Payload[]; packets: Uint8Array[] }> {
  const d = createDecoder();
  const payloads: Payload[] = [];
  for await (const f of openCapture(file)) payloads.push(...d.push(f));
  const sent = payloads.filter((p) => p.bytes.length > 0);
  const server = sent[0].dst.port;
  const port = (n: number) => (n === server && serverPort !== undefined ? serverPort : n);
  const packets = sent.map((p) =>
    hep3({
      src: p.src.ip,
      dst: p.dst.ip,
      sport: port(p.src.port),
      dport: port(p.dst.port),
      proto: 6,
      ts: p.ts,
      payload: p.bytes,
    }),
  );
  return { sent, packets };
}
