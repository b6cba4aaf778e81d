/**
 * The wait for a TLS key in a live capture (src/tls/key-wait.ts) on bad or
 * foreign input: what is not a TLS connection's first flight goes on at
 * once, a first flight that only looks like a ClientHello (RFC 8446 §4.1.2)
 * is let go as soon as it proves not to be one, and a ClientHello split
 * over two segments is read whole before its random is looked up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/read-file.js';
import { createDecoder } from '../../src/decode/decoder.js';
import type { Payload } from '../../src/decode/payload.js';
import { TlsKeyWait } from '../../src/tls/key-wait.js';
import { TlsKeyLog } from '../../src/tls/keylog.js';

const DIR = join(import.meta.dirname, '../fixtures/tls');
const ep = (port: number) => ({ ip: '192.0.2.1', port });

function tcp(bytes: Uint8Array, ts = 1, frame = 1): Payload {
  return { transport: 'tcp', src: ep(40000), dst: ep(5061), bytes, frame, frames: [frame], ts };
}

/** The TCP payloads of a fixture, as the decode stage gives them. */
async function payloadsOf(name: string): Promise<Payload[]> {
  const d = createDecoder();
  const out: Payload[] = [];
  for await (const f of openCapture(join(DIR, `${name}.pcap`))) out.push(...d.push(f));
  return out.filter((p) => p.bytes.length > 0);
}

/** A wait whose key log is `keys`, re-read by hand (`logged` appends to it). */
function waitOn(keys = new TlsKeyLog()) {
  let pending = '';
  const wait = new TlsKeyWait(keys, () => {
    if (pending === '') return false;
    keys.addText(pending);
    pending = '';
    return true;
  });
  return { wait, keys, logged: (text: string) => (pending += text) };
}

describe('TLS key wait on input that is not a waiting connection', () => {
  it('SIP over TCP, UDP and TLS records that are not a ClientHello go on at once', () => {
    const { wait } = waitOn();
    const out: Payload[] = [];
    expect(wait.push(tcp(new TextEncoder().encode('OPTIONS sip:a SIP/2.0\r\n\r\n')), out)).toBe(false);
    expect(wait.push({ ...tcp(Uint8Array.of(22, 3, 3, 0, 4, 1, 0, 0, 0)), transport: 'udp' }, out)).toBe(
      false,
    );
    // An application data record, and a ServerHello (handshake type 2).
    expect(wait.push(tcp(Uint8Array.of(23, 3, 3, 0, 2, 9, 9)), out)).toBe(false);
    expect(wait.push(tcp(Uint8Array.of(22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3)), out)).toBe(false);
    expect(out).toHaveLength(0);
    expect(wait.stats).toMatchObject({ waited: 0, heldConnections: 0, heldBytes: 0 });
  });

  it('a record that looks like a ClientHello but holds none is let go at once, uncounted', () => {
    const { wait } = waitOn();
    const out: Payload[] = [];
    // The handshake header says ClientHello, of 2 bytes: too short for one (34 at least); garbage follows.
    const fake = Uint8Array.of(22, 3, 3, 0, 6, 1, 0, 0, 2, 3, 3, 0xff, 0xff, 0xff, 0xff, 0xff);
    expect(wait.push(tcp(fake), out)).toBe(true);
    expect(out).toHaveLength(1);
    expect(out[0].bytes).toEqual(fake);
    expect(wait.stats).toMatchObject({ waited: 0, heldConnections: 0, heldBytes: 0 });
  });

  it('a ClientHello split over two segments is read whole; its key logged later lets both go in order', async () => {
    const ps = await payloadsOf('tls13-aes128gcm');
    const hello = ps[0];
    const { wait, logged } = waitOn();
    const out: Payload[] = [];
    const a = { ...hello, bytes: hello.bytes.subarray(0, 60), frames: [4], frame: 4 };
    const b = { ...hello, bytes: hello.bytes.subarray(60), frames: [5], frame: 5 };
    expect(wait.push(a, out)).toBe(true);
    expect(wait.stats).toMatchObject({ waited: 0, heldConnections: 1 });
    expect(wait.push(b, out)).toBe(true);
    expect(wait.stats).toMatchObject({ waited: 1, heldConnections: 1, heldBytes: hello.bytes.length });
    expect(out).toHaveLength(0);
    logged(readFileSync(join(DIR, 'tls13-aes128gcm.keylog'), 'latin1'));
    wait.poll(out);
    expect(out.map((p) => p.frame)).toEqual([4, 5]);
    expect(wait.stats).toMatchObject({ waited: 1, keyCame: 1, heldConnections: 0, heldBytes: 0 });
  });

  it('TLS 1.3: the handshake secrets alone do not open the connection; both application secrets do', async () => {
    const ps = await payloadsOf('tls13-aes128gcm');
    const { wait, logged } = waitOn();
    const out: Payload[] = [];
    wait.push(ps[0], out);
    const lines = readFileSync(join(DIR, 'tls13-aes128gcm.keylog'), 'latin1').split('\n');
    const of = (label: string) => `${lines.find((l) => l.startsWith(`${label} `))}\n`;
    logged(of('CLIENT_HANDSHAKE_TRAFFIC_SECRET') + of('SERVER_HANDSHAKE_TRAFFIC_SECRET'));
    wait.poll(out);
    logged(of('SERVER_TRAFFIC_SECRET_0'));
    wait.poll(out);
    expect(out).toHaveLength(0);
    logged(of('CLIENT_TRAFFIC_SECRET_0'));
    wait.poll(out);
    expect(out).toHaveLength(1);
  });
});
