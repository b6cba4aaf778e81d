/** What the live server tests share: HEP3 sent over TCP, and waiting for the API to show something. */
import { createConnection } from 'node:net';
import type { SipMessage } from '../../src/sip/message.js';
import { hep3 } from '../capture/hep-build.js';

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
