/**
 * TLS 1.2 RSA key exchange decrypted with the server's private key
 * (`--tls-key`, src/tls/rsa-key-exchange.ts), as Wireshark's RSA keys list
 * and sngrep's `-k` do, on captures of Node's TLS (OpenSSL 3, which
 * negotiates the extended master secret, RFC 7627) made by
 * test/fixtures/make-tls-captures.mjs.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { parseServerHello } from '../../src/tls/hello.js';
import { TlsKeyLog } from '../../src/tls/keylog.js';
import {
  handshakeMessage,
  masterSecret,
  preMasterSecret,
  rsaPrivateKey,
} from '../../src/tls/rsa-key-exchange.js';
import { newTlsStats, TlsConnection } from '../../src/tls/session.js';

const DIR = join(import.meta.dirname, '../fixtures/tls');
const KEY_FILE = join(DIR, 'rsa-server.key');
const KEY = readFileSync(KEY_FILE, 'latin1');
const CASES = [
  { name: 'tls12-rsa-aes128-sha', port: 15170 },
  { name: 'tls12-rsa-aes128gcm', port: 15171 },
];
const START = ['REGISTER', '200', 'INVITE', '200', 'ACK', 'BYE', '200'];
type Result = Awaited<ReturnType<typeof analyzeCapture>>;
const starts = (r: Result) =>
  Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i)).map(
    (m) => m.method ?? String(m.status),
  );

function tshark(file: string, port: number): string[] | null {
  try {
    const out = execFileSync(
      'tshark',
      [
        '-r',
        file,
        '-o',
        `uat:rsa_keys:"${KEY_FILE}",""`,
        '-d',
        `tcp.port==${port},tls`,
        '-d',
        `tls.port==${port},sip`,
      ].concat([
        '-Y',
        'sip',
        '-T',
        'fields',
        '-e',
        'frame.number',
        '-e',
        'sip.Method',
        '-e',
        'sip.Status-Code',
      ]),
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return out
      .split('\n')
      .filter((l) => l !== '')
      .flatMap((l) => {
        const [frame, m, c] = l.split('\t');
        return [...m.split(','), ...c.split(',')].filter((x) => x !== '').map((x) => `${frame} ${x}`);
      });
  } catch {
    return null;
  }
}

/** The TLS records' handshake messages of a capture, in order, by direction (the fixture has one TCP connection, no reordering). */
function handshakes(
  file: string,
  clientPort: number,
): Array<{ client: boolean; type: number; body: Uint8Array }> {
  const out: Array<{ client: boolean; type: number; body: Uint8Array }> = [];
  const encrypted = { client: false, server: false };
  for (const f of parseCaptureBytes(readFileSync(file), file).frames) {
    const d = f.data;
    // Ethernet (14) + IPv4 (20, no options on loopback) + TCP (its data offset).
    const tcp = 14 + 20;
    const payload = d.subarray(tcp + (d[tcp + 12] >> 4) * 4);
    const client = ((d[tcp] << 8) | d[tcp + 1]) === clientPort;
    for (let i = 0; i + 5 <= payload.length && !encrypted[client ? 'client' : 'server']; ) {
      const len = (payload[i + 3] << 8) | payload[i + 4];
      if (payload[i] === 22) {
        const rec = payload.subarray(i + 5, i + 5 + len);
        for (let j = 0; j + 4 <= rec.length; ) {
          const n = (rec[j + 1] << 16) | (rec[j + 2] << 8) | rec[j + 3];
          out.push({ client, type: rec[j], body: rec.subarray(j + 4, j + 4 + n) });
          j += 4 + n;
        }
      }
      // ChangeCipherSpec: what follows in this direction is encrypted.
      if (payload[i] === 20) encrypted[client ? 'client' : 'server'] = true;
      i += 5 + len;
    }
  }
  return out;
}

describe('TLS 1.2 RSA key exchange with the server key (RFC 5246 §7.4.7.1, RFC 7627)', () => {
  for (const c of CASES) {
    it(`${c.name}: every SIP message is found, as tshark finds them with the same key`, async () => {
      const file = join(DIR, `${c.name}.pcap`);
      const r = await analyzeCapture(file, { tlsRsaKeys: [KEY] });
      expect(starts(r)).toEqual(START);
      expect(r.tls).toMatchObject({ tlsFlows: 1, tlsDecrypted: 1, tlsNoKey: 0, tlsBadRecords: 0 });
      const theirs = tshark(file, c.port);
      if (theirs === null) return; // tshark absent: the count above still holds
      const msgs = Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i));
      expect(msgs.map((m) => `${m.frame} ${m.method ?? m.status}`).sort()).toEqual(theirs.sort());
    });
  }

  it('RFC 7627 §4: the extended master secret from the ClientKeyExchange equals the one the client logged', () => {
    const name = 'tls12-rsa-aes128gcm';
    const hs = handshakes(join(DIR, `${name}.pcap`), 15171 + 1000);
    const ch = hs.find((h) => h.client && h.type === 1)!;
    const sh = hs.find((h) => !h.client && h.type === 2)!;
    const cke = hs.find((h) => h.client && h.type === 16)!;
    // The session hash: every handshake message as sent, from the ClientHello to the ClientKeyExchange.
    const transcript = hs.slice(0, hs.indexOf(cke) + 1).map((h) => handshakeMessage(h.type, h.body));
    const pms = preMasterSecret([rsaPrivateKey(KEY)], cke.body)!;
    expect(pms.length).toBe(48);
    expect(pms[0]).toBe(3);
    const master = masterSecret('sha256', pms, ch.body.subarray(2, 34), sh.body.subarray(2, 34), transcript);
    // OpenSSL logs `RSA <first 8 bytes of the encrypted secret> <pre-master secret>` and `CLIENT_RANDOM <random> <master>`.
    const lines = readFileSync(join(DIR, `${name}.keylog`), 'latin1')
      .trim()
      .split('\n');
    const field = (label: string) => lines.find((l) => l.startsWith(`${label} `))!.split(' ')[2];
    expect(Buffer.from(pms).toString('hex')).toBe(field('RSA'));
    const logged = field('CLIENT_RANDOM');
    expect(Buffer.from(master).toString('hex')).toBe(logged);
    // Without the session hash (RFC 5246 §8.1) the secret differs: the extension matters.
    const plain = masterSecret('sha256', pms, ch.body.subarray(2, 34), sh.body.subarray(2, 34), null);
    expect(Buffer.from(plain).toString('hex')).not.toBe(logged);
  });

  it('another RSA key does not open the ClientKeyExchange: the connection counts as without a key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const r = await analyzeCapture(join(DIR, 'tls12-rsa-aes128gcm.pcap'), { tlsRsaKeys: [other] });
    expect(r.messages.length).toBe(0);
    expect(r.tls).toMatchObject({ tlsFlows: 1, tlsDecrypted: 0, tlsNoKey: 1 });
    // With both keys, the right one is found.
    const both = await analyzeCapture(join(DIR, 'tls12-rsa-aes128gcm.pcap'), { tlsRsaKeys: [other, KEY] });
    expect(both.tls).toMatchObject({ tlsDecrypted: 1, tlsNoKey: 0 });
  });

  it('an ECDHE suite is not opened by the server key (forward secrecy): without a key', async () => {
    const r = await analyzeCapture(join(DIR, 'tls12-aes128gcm.pcap'), { tlsRsaKeys: [KEY] });
    expect(r.messages.length).toBe(0);
    expect(r.tls).toMatchObject({ tlsFlows: 1, tlsNoKey: 1 });
  });

  it('the key log still wins when it has the client random (the RSA key unused)', async () => {
    const name = 'tls12-rsa-aes128-sha';
    const r = await analyzeCapture(join(DIR, `${name}.pcap`), {
      tlsKeyLog: readFileSync(join(DIR, `${name}.keylog`), 'latin1'),
      tlsRsaKeys: [KEY],
    });
    expect(starts(r)).toEqual(START);
  });

  it('a key that is not an RSA private key is refused with a reason', () => {
    expect(() => rsaPrivateKey('not a key')).toThrow(/not a private key in PEM/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => rsaPrivateKey(ec as string)).toThrow(/a ec key, not an RSA one/);
  });

  it('garbage in the ClientKeyExchange never throws', () => {
    const k = [rsaPrivateKey(KEY)];
    for (const n of [0, 1, 2, 48, 255, 256, 258, 300]) {
      const b = new Uint8Array(n).fill(0xff);
      expect(preMasterSecret(k, b)).toBeNull();
      b.fill(0);
      expect(preMasterSecret(k, b)).toBeNull();
    }
  });

  it('the transcript kept for the session hash is bounded: past 256 KiB of handshake messages the secret is not derived', () => {
    const hs = handshakes(join(DIR, 'tls12-rsa-aes128gcm.pcap'), 15171 + 1000);
    const ch = hs.find((h) => h.client && h.type === 1)!;
    const cke = hs.find((h) => h.client && h.type === 16)!;
    const server = hs.filter((h) => !h.client && hs.indexOf(h) < hs.indexOf(cke));
    const keys = new TlsKeyLog();
    keys.addRsaKey(KEY);
    const handshake = (junk: number): TlsConnection => {
      const conn = new TlsConnection(keys, newTlsStats());
      conn.clientHello(ch.body.subarray(2, 34));
      conn.keepHandshake('client', 1, ch.body);
      // Certificate-like messages of 4 KiB before the real flight (a hostile or broken server).
      for (let i = 0; i < junk; i++) conn.keepHandshake('server', 11, new Uint8Array(4096));
      for (const h of server) {
        conn.keepHandshake('server', h.type, h.body);
        if (h.type === 2) conn.serverHello(parseServerHello(h.body)!);
      }
      conn.keepHandshake('client', 16, cke.body);
      conn.clientKeyExchange(cke.body);
      return conn;
    };
    // The junk is in the session hash too, so even a small amount changes the secret; the
    // point here is that a long stream of it is not kept (status, not the key, tells).
    expect(handshake(0).status).toBe('keys');
    expect(handshake(70).status).toBe('no-key');
  });
});
