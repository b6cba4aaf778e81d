/**
 * SIP over TLS end to end on real captures (test/fixtures/make-tls-captures.mjs):
 * a REGISTER/200 and an INVITE/200/ACK/BYE/200, the INVITE in two records and
 * the ACK and the BYE in one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaptureBytes } from '../../src/capture/capture-parser.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';

const DIR = join(import.meta.dirname, '../fixtures/tls');
const tmp = mkdtempSync(join(tmpdir(), 'sipscope-tls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Result = Awaited<ReturnType<typeof analyzeCapture>>;
const all = (r: Result) => Array.from({ length: r.messages.length }, (_, i) => r.messages.get(i));
const keylog = (name: string): string => readFileSync(join(DIR, `${name}.keylog`), 'latin1');

const CASES = [
  { name: 'tls13-aes128gcm', what: 'TLS 1.3 TLS_AES_128_GCM_SHA256', port: 15162 },
  { name: 'tls13-aes256gcm', what: 'TLS 1.3 TLS_AES_256_GCM_SHA384', port: 15161 },
  { name: 'tls13-chacha', what: 'TLS 1.3 TLS_CHACHA20_POLY1305_SHA256', port: 15163 },
  { name: 'tls12-aes128gcm', what: 'TLS 1.2 ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', port: 15164 },
  { name: 'tls12-aes256gcm', what: 'TLS 1.2 ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', port: 15165 },
  { name: 'tls12-chacha', what: 'TLS 1.2 ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', port: 15166 },
  {
    name: 'tls12-cbc',
    what: 'TLS 1.2 ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, encrypt-then-MAC (RFC 7366)',
    port: 15167,
  },
  {
    name: 'tls12-cbc-sha1-mte',
    what: 'TLS 1.2 ECDHE_ECDSA_WITH_AES_256_CBC_SHA, MAC-then-encrypt (RFC 5246 §6.2.3.2)',
    port: 15168,
  },
  {
    name: 'tls12-cbc-sha384-mte',
    what: 'TLS 1.2 ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 (RFC 5289: SHA-384 PRF and MAC), MAC-then-encrypt',
    port: 15169,
  },
  {
    name: 'tls12-rsa-aes128-sha',
    what: 'TLS 1.2 RSA_WITH_AES_128_CBC_SHA, the suite RFC 3261 §26.3.1 makes mandatory for SIP',
    port: 15170,
  },
  { name: 'tls12-rsa-aes128gcm', what: 'TLS 1.2 RSA_WITH_AES_128_GCM_SHA256', port: 15171 },
];

const START = ['REGISTER', '200', 'INVITE', '200', 'ACK', 'BYE', '200'];

/**
 * A copy of capture `name` whose INVITE 200 OK frame has its last byte XORed with `mask`
 * (the record's last byte: a tag, a MAC or a CBC block), written to the test's folder.
 */
async function invite200Damaged(name: string, mask: number): Promise<string> {
  const bytes = readFileSync(join(DIR, `${name}.pcap`));
  const good = await analyzeCapture(join(DIR, `${name}.pcap`), { tlsKeyLog: keylog(name) });
  const target = all(good)[3];
  expect(target.status).toBe(200);
  const frame = parseCaptureBytes(bytes, name).frames.find((f) => f.no === target.frame)!;
  const copy = Buffer.from(bytes);
  copy[frame.fileOffset + 16 + frame.data.length - 1] ^= mask; // a pcap record header is 16 bytes
  const file = join(tmp, `${name}-damaged.pcap`);
  writeFileSync(file, copy);
  return file;
}

function startOf(m: { method?: string; status?: number }): string {
  return m.method ?? String(m.status);
}

function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** tshark's SIP messages as `frame start` lines (a frame holding two messages lists both). */
function tsharkMessages(file: string, port: number, keys: string | null, rsaKey?: string): string[] {
  const args = ['-r', file, '-d', `tcp.port==${port},tls`, '-d', `tls.port==${port},sip`, '-Y', 'sip'];
  if (keys !== null) args.push('-o', `tls.keylog_file:${keys}`);
  if (rsaKey !== undefined) args.push('-o', `uat:rsa_keys:"${rsaKey}",""`);
  args.push('-T', 'fields', '-e', 'frame.number', '-e', 'sip.Method', '-e', 'sip.Status-Code');
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const lines: string[] = [];
  for (const line of out.split('\n').filter((l) => l !== '')) {
    const [frame, methods, codes] = line.split('\t');
    // One record with a request then a request: tshark lists the methods of the frame.
    for (const x of [...methods.split(','), ...codes.split(',')].filter((s) => s !== ''))
      lines.push(`${frame} ${x}`);
  }
  return lines;
}

describe('SIP over TLS decrypted with a key log (RFC 8446 §5.2, RFC 5246 §6.2.3.3)', () => {
  for (const c of CASES) {
    it(`${c.what}: every SIP message is found with transport tls, in its calls`, async () => {
      const r = await analyzeCapture(join(DIR, `${c.name}.pcap`), { tlsKeyLog: keylog(c.name) });
      const msgs = all(r);
      expect(msgs.map(startOf)).toEqual(START);
      expect(new Set(msgs.map((m) => m.transport))).toEqual(new Set(['tls']));
      // The ACK and the BYE came in one record, so in one frame.
      expect(msgs[4].frame).toBe(msgs[5].frame);
      expect(r.stats).toMatchObject({ calls: 2, dialogs: 1, transactions: 4, malformed: 0 });
      expect(r.calls.map((x) => [x.kind, x.state])).toEqual([
        ['registration', 'completed'],
        ['call', 'completed'],
      ]);
      expect(r.tls).toMatchObject({ tlsFlows: 1, tlsDecrypted: 1, tlsNoKey: 0, tlsBadRecords: 0 });
    });

    it.skipIf(!tsharkAvailable())(
      `${c.what}: the same messages in the same frames as tshark with tls.keylog_file`,
      async () => {
        const file = join(DIR, `${c.name}.pcap`);
        const r = await analyzeCapture(file, { tlsKeyLog: keylog(c.name) });
        const ours = all(r).map((m) => `${m.frame} ${startOf(m)}`);
        const theirs = tsharkMessages(file, c.port, join(DIR, `${c.name}.keylog`));
        expect(ours.sort()).toEqual(theirs.sort());
      },
    );
  }

  it('without the key log a TLS connection is counted tlsNoKey and no SIP is found', async () => {
    const r = await analyzeCapture(join(DIR, 'tls13-aes128gcm.pcap'));
    expect(r.messages.length).toBe(0);
    expect(r.tls).toMatchObject({ tlsFlows: 1, tlsDecrypted: 0, tlsNoKey: 1 });
    const r12 = await analyzeCapture(join(DIR, 'tls12-aes128gcm.pcap'), {
      tlsKeyLog: keylog('tls13-aes128gcm'),
    });
    expect(r12.messages.length).toBe(0);
    expect(r12.tls).toMatchObject({ tlsFlows: 1, tlsNoKey: 1 });
  });

  it('a suite not decrypted here (3DES, RFC 5246 §A.5) is counted tlsUnsupported and no SIP is found', async () => {
    const name = 'tls12-rsa-aes128-sha';
    const bytes = Buffer.from(readFileSync(join(DIR, `${name}.pcap`)));
    // The ServerHello's cipher suite (TLS_RSA_WITH_AES_128_CBC_SHA, 0x002f, the only one offered)
    // becomes TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000a): handshake type 2, then version 0x0303, the
    // 32-byte random, the session id, and the suite.
    let patched = 0;
    for (let i = 0; i + 40 < bytes.length; i++) {
      if (bytes[i] !== 0x02 || bytes[i + 4] !== 0x03 || bytes[i + 5] !== 0x03) continue;
      const at = i + 38 + 1 + bytes[i + 38];
      if (bytes[at] === 0x00 && bytes[at + 1] === 0x2f && bytes[at + 2] === 0x00) {
        bytes[at + 1] = 0x0a;
        patched++;
      }
    }
    expect(patched).toBe(1);
    const file = join(tmp, '3des.pcap');
    writeFileSync(file, bytes);
    const r = await analyzeCapture(file, { tlsKeyLog: keylog(name) });
    expect(r.messages.length).toBe(0);
    expect(r.tls).toMatchObject({ tlsFlows: 1, tlsDecrypted: 0, tlsUnsupported: 1, tlsNoKey: 0 });
  });

  it('RFC 7366 §3 / RFC 5246 §6.2.3.2: a CBC record whose MAC does not check is counted, the rest decrypts', async () => {
    for (const name of ['tls12-cbc', 'tls12-cbc-sha1-mte']) {
      // Encrypt-then-MAC: the last byte is the MAC's; MAC-then-encrypt: the last ciphertext block's
      // (the padding and the MAC under it no longer check).
      const r = await analyzeCapture(await invite200Damaged(name, 0x01), { tlsKeyLog: keylog(name) });
      expect(r.tls, name).toMatchObject({ tlsDecrypted: 1, tlsBadRecords: 1 });
      expect(all(r).map(startOf), name).toEqual(['REGISTER', '200', 'INVITE', 'ACK', 'BYE', '200']);
    }
  });

  it('pcapng Decryption Secrets Block (TLSK): the capture decrypts with its own keys, no key log given', async () => {
    const r = await analyzeCapture(join(DIR, 'tls13-aes128gcm-dsb.pcapng'));
    expect(all(r).map(startOf)).toEqual(START);
    expect(r.tls).toMatchObject({ tlsFlows: 1, tlsDecrypted: 1 });
  });

  it('RFC 8446 §5.2: a record that fails to authenticate is counted, its message lost, and the rest of the flow still decrypts', async () => {
    const name = 'tls13-aes128gcm';
    // The record's authentication tag is the frame's last byte.
    const r = await analyzeCapture(await invite200Damaged(name, 0xff), { tlsKeyLog: keylog(name) });
    expect(r.tls).toMatchObject({ tlsDecrypted: 1, tlsBadRecords: 1 });
    expect(all(r).map(startOf)).toEqual(['REGISTER', '200', 'INVITE', 'ACK', 'BYE', '200']);
  });

  /** The capture's records with `edit` applied to their order (a pcap: 24-byte header, 16 a record). */
  function reordered(
    name: string,
    edit: (records: Buffer[], hello: { client: number; server: number }) => Buffer[],
  ) {
    const bytes = readFileSync(join(DIR, `${name}.pcap`));
    const frames = parseCaptureBytes(bytes, name).frames;
    const records = frames.map((f) => bytes.subarray(f.fileOffset, f.fileOffset + 16 + f.data.length));
    // The hellos: the first TLS handshake record each way (content type 22, handshake type 1 / 2).
    const hs = (type: number) =>
      frames.findIndex((f) => {
        const d = f.data;
        for (let i = 54; i + 6 < d.length; i++)
          if (d[i] === 22 && d[i + 1] === 3 && d[i + 5] === type) return true;
        return false;
      });
    const file = join(tmp, `${name}-reordered.pcap`);
    writeFileSync(
      file,
      Buffer.concat([bytes.subarray(0, 24), ...edit(records, { client: hs(1), server: hs(2) })]),
    );
    return file;
  }

  for (const name of ['tls13-aes128gcm', 'tls12-aes128gcm'])
    it(`${name}: a ServerHello captured before its ClientHello (two interfaces merged) holds the server records until the ClientHello comes, then decrypts as in order`, async () => {
      const file = reordered(name, (rs, h) => {
        expect(h.client).toBeGreaterThanOrEqual(0);
        expect(h.server).toBeGreaterThan(h.client);
        const out = [...rs];
        [out[h.client], out[h.server]] = [out[h.server], out[h.client]];
        return out;
      });
      const r = await analyzeCapture(file, { tlsKeyLog: keylog(name) });
      expect(r.tls).toMatchObject({ tlsDecrypted: 1, tlsNoHandshake: 0 });
      expect(all(r).map(startOf)).toEqual(START);
    });

  it('a ServerHello whose ClientHello never comes: the connection counts as seen without its handshake, nothing held at the end', async () => {
    const name = 'tls13-aes128gcm';
    const file = reordered(name, (rs, h) => rs.filter((_, i) => i !== h.client));
    const r = await analyzeCapture(file, { tlsKeyLog: keylog(name) });
    expect(r.tls).toMatchObject({ tlsFlows: 1, tlsDecrypted: 0, tlsNoHandshake: 1 });
    expect(r.messages.length).toBe(0);
  });
});
