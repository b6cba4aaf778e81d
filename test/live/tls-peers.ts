/**
 * Test helper: a Node TLS client and server on 127.0.0.1 that play a SIP
 * flow over one TLS connection (each side sends its messages in turn and
 * reads the other's, framed by Content-Length), the client writing its NSS
 * key log lines (`tlsSocket.on('keylog')`) to a file `keyLogDelayMs` after
 * the TLS library gives them: a TLS stack that writes its SSLKEYLOGFILE
 * late, after the capture saw the handshake. Needs openssl (a throwaway
 * certificate). Test-only.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { SipMessage } from '../../src/sip/message.js';

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function certificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'sipscope-tls-peers-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=sip.test',
      ]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads whole SIP messages (Content-Length framing, RFC 3261 §18.3) from a socket. */
function reader(sock: tls.TLSSocket): () => Promise<string> {
  let buf = '';
  const ready: string[] = [];
  const waiting: Array<(m: string) => void> = [];
  sock.setEncoding('latin1');
  sock.on('data', (d: string) => {
    buf += d;
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) break;
      const end = h + 4 + Number(/Content-Length: *(\d+)/i.exec(buf.slice(0, h))?.[1] ?? 0);
      if (buf.length < end) break;
      ready.push(buf.slice(0, end));
      buf = buf.slice(end);
    }
    while (ready.length > 0 && waiting.length > 0) waiting.shift()!(ready.shift()!);
  });
  return () => new Promise((r) => (ready.length > 0 ? r(ready.shift()!) : waiting.push(r)));
}

/** One side's part of the flow: its own messages sent, the other side's read, in the flow's order. */
async function play(
  sock: tls.TLSSocket,
  msgs: SipMessage[],
  mine: (m: SipMessage) => boolean,
): Promise<void> {
  const next = reader(sock);
  for (const m of msgs) {
    if (mine(m)) sock.write(m.raw);
    else await next();
  }
}

/**
 * Plays `msgs` (the client is the first message's sender) over TLS on `port`;
 * resolves with the protocol and cipher negotiated once both sides are done.
 */
export async function tlsSipExchange(o: {
  port: number;
  msgs: SipMessage[];
  keyLog: string;
  keyLogDelayMs: number;
  maxVersion?: tls.SecureVersion;
}): Promise<string> {
  const { key, cert } = certificate();
  const client = o.msgs[0].source!.src;
  const fromClient = (m: SipMessage) => m.source!.src.ip === client.ip && m.source!.src.port === client.port;
  let served: Promise<void> = Promise.resolve();
  const server = tls.createServer({ key, cert, maxVersion: o.maxVersion }, (sock) => {
    sock.setNoDelay(true);
    served = play(sock, o.msgs, (m) => !fromClient(m));
  });
  await new Promise<void>((r) => server.listen(o.port, '127.0.0.1', r));
  const pending: Array<Promise<void>> = [];
  const sock = tls.connect({
    host: '127.0.0.1',
    port: o.port,
    rejectUnauthorized: false,
    maxVersion: o.maxVersion,
  });
  sock.on('keylog', (line: Buffer) => {
    pending.push(
      new Promise((r) =>
        setTimeout(() => {
          appendFileSync(o.keyLog, line);
          r();
        }, o.keyLogDelayMs),
      ),
    );
  });
  sock.setNoDelay(true);
  await new Promise<void>((r) => sock.once('secureConnect', () => r()));
  await play(sock, o.msgs, fromClient);
  await served;
  const what = `${sock.getProtocol()} ${sock.getCipher().standardName}`;
  sock.end();
  await Promise.all(pending);
  await new Promise<void>((r) => server.close(() => r()));
  return what;
}
