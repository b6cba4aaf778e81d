/**
 * `sipscope extract`: the frames of the calls the call list's filters choose,
 * written as pcapng, which analyses again to exactly those calls' messages;
 * and its exit codes (2 with one line on stderr for bad usage, a bad filter,
 * or a file that is not a capture).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runExtract } from '../../src/cli/extract-command.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { hasTshark } from '../helpers/corpus.js';
import { damagedPcap } from '../helpers/damaged-pcap.js';
import { fileKeyLog, masterSecretLine, tsharkCSeqs } from '../helpers/exported-keys.js';
import { spyOutput } from '../helpers/spy-output.js';

let err = '';
beforeEach(() => {
  err = '';
});
spyOutput((s) => {
  err += s;
});

const sample = (f: string) => new URL(`../../samples/${f}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sipscope-extract-'));
const TLS = new URL('../fixtures/tls/', import.meta.url).pathname;

describe('sipscope extract', () => {
  it("writes the frames of the chosen calls as pcapng: the transfer's new call alone (state in-call)", async () => {
    const out = join(dir, 'in-call.pcapng');
    expect(await runExtract([sample('refer-transfer.pcap'), '--state', 'in-call', '-o', out])).toBe(0);
    expect(err).toBe(`sipscope extract: 1 of 2 calls, 3 frames, written to ${out}\n`);
    const bytes = readFileSync(out);
    expect(bytes.readUInt32LE(0)).toBe(0x0a0d0d0a);
    const original = await analyzeCapture(sample('refer-transfer.pcap'));
    const again = await analyzeCapture(out);
    const want = original.calls.find((c) => c.state === 'in-call')!;
    expect(again.calls.map((c) => c.callIds)).toEqual([want.callIds]);
    expect(again.messages.length).toBe(want.messages.length);
    for (let i = 0; i < again.messages.length; i++)
      expect(again.messages.get(i).ts).toBe(original.messages.get(want.messages[i]).ts);
  });

  it('--tls-keylog: SIP over TLS is chosen by what it carries, written with its connection from the handshake on and the key log (a Decryption Secrets Block)', async () => {
    const file = join(TLS, 'tls13-aes128gcm.pcap');
    const keys = join(TLS, 'tls13-aes128gcm.keylog');
    const out = join(dir, 'tls-call.pcapng');
    // Without the key the INVITE's To is not readable: nothing found.
    expect(await runExtract([file, '-q', 'sips:bob', '-o', out])).toBe(0);
    expect(err).toBe(`sipscope extract: 0 of 0 calls, 0 frames, written to ${out}\n`);
    err = '';
    expect(await runExtract([file, '--tls-keylog', keys, '-q', 'sips:bob', '-o', out])).toBe(0);
    expect(err).toBe(
      // The key log holds this connection's five lines only (CLIENT_RANDOM-keyed TLS 1.3 secrets): all go in.
      `sipscope extract: 1 of 2 calls, 16 frames, 1 TLS connection whole and 5 key log lines, written to ${out}\n`,
    );
    // Read alone, with no key given: the call, and the REGISTER the connection carried before it.
    const again = await analyzeCapture(out);
    expect(again.calls.map((c) => [c.kind, c.state])).toEqual([
      ['registration', 'completed'],
      ['call', 'completed'],
    ]);
    if (hasTshark) {
      // Wireshark reads the file's keys too (the port is not 5061: told to read TLS and SIP on it).
      const sip = tsharkCSeqs(out, 15162).join('\n');
      expect(sip).toContain('INVITE');
      expect(sip).toContain('BYE');
    }
  });

  it("--tls-keylog of two connections: the file of one call holds that connection's key log lines only, the other session's secrets nowhere", async () => {
    const mine = join(TLS, 'tls13-aes128gcm.pcap');
    const other = join(TLS, 'tls13-aes256gcm.pcap');
    // A key log of many sessions (every TLS fixture's: 25 lines), as an SBC's would be.
    const names = readdirSync(TLS).filter((f) => f.endsWith('.keylog'));
    const log = names.map((f) => readFileSync(join(TLS, f), 'latin1')).join('');
    const keys = join(dir, 'many.keylog');
    writeFileSync(keys, log);
    const lines = (t: string) => t.split('\n').filter((l) => l !== '');
    expect(lines(log).length).toBe(25);
    const out = join(dir, 'one-of-two.pcapng');
    // The two captures read as one (merged by time): the calls of port 15162 are chosen.
    expect(await runExtract([mine, other, '--tls-keylog', keys, '-q', '15162', '-o', out])).toBe(0);
    expect(err).toBe(
      `sipscope extract: 2 of 4 calls, 16 frames, 1 TLS connection whole and 5 key log lines, written to ${out}\n`,
    );
    // RFC 8446 §7.1 secrets named by the exported ClientHello's random, and no other line.
    const own = lines(readFileSync(mine.replace(/\.pcap$/, '.keylog'), 'latin1'));
    expect(lines((await fileKeyLog(out)).join('')).sort()).toEqual(own.sort());
    const bytes = readFileSync(out);
    for (const l of lines(readFileSync(other.replace(/\.pcap$/, '.keylog'), 'latin1')))
      expect(bytes.includes(l.split(' ')[2])).toBe(false);
    // Read alone with no key: the REGISTER and the call of that connection, nothing of the other.
    const again = await analyzeCapture(out);
    expect(again.stats.sipMessages).toBe(7);
    for (let i = 0; i < again.messages.length; i++)
      expect(again.messages.get(i).dst).toMatch(/^127\.0\.0\.1:/);
    expect(again.calls.map((c) => c.to)).toEqual([
      expect.stringContaining(':15162'),
      expect.stringContaining(':15162'),
    ]);
    // Wireshark too (the ACK and the BYE share a record: one frame).
    if (hasTshark)
      expect(tsharkCSeqs(out, 15162)).toEqual([
        '1 REGISTER',
        '1 REGISTER',
        '1 INVITE',
        '1 INVITE',
        '1 ACK,2 BYE',
        '2 BYE',
      ]);
  });

  it('--tls-key (RSA key exchange, RFC 5246 §7.4.7.1): the file carries the CLIENT_RANDOM line of the master secret the key opened, never the key, and reads decrypted with no key', async () => {
    const file = join(TLS, 'tls12-rsa-aes128-sha.pcap');
    const key = join(TLS, 'rsa-server.key');
    const out = join(dir, 'rsa-call.pcapng');
    expect(await runExtract([file, '--tls-key', key, '-o', out])).toBe(0);
    expect(err).toBe(
      `sipscope extract: 2 of 2 calls, 18 frames, 1 TLS connection whole and 1 key log line (1 from the RSA key), written to ${out}\n`,
    );
    // What the client's own key log (Node's keylog event) says of that session: the same master secret.
    const logged = masterSecretLine(join(TLS, 'tls12-rsa-aes128-sha.keylog'));
    expect(await fileKeyLog(out)).toEqual([`${logged}\n`]);
    const bytes = readFileSync(out);
    expect(bytes.includes('PRIVATE KEY')).toBe(false);
    expect(await analyzeCapture(out)).toMatchObject({ stats: { sipMessages: 7, calls: 2 } });
    if (hasTshark) expect(tsharkCSeqs(out, 15170)).toContain('1 INVITE');
  });

  it('a DTLS-SRTP call (RFC 5764) goes with its DTLS handshake, and with --tls-keylog the key log: its SRTP decrypts from the file alone', async () => {
    const file = sample('dtls-srtp-call.pcap');
    const keys = sample('dtls-srtp-call.keys');
    const decrypted = (r: Awaited<ReturnType<typeof analyzeCapture>>) =>
      r.streams.map((st) => [st.packets, st.srtp?.keying, st.srtp?.decrypted]);
    const original = await analyzeCapture(file, { tlsKeyLog: readFileSync(keys, 'latin1') });
    expect(decrypted(original)).toEqual([
      [89, 'dtls', true],
      [206, 'dtls', true],
    ]);
    const bare = join(dir, 'dtls-bare.pcapng');
    expect(await runExtract([file, '--kind', 'call', '-o', bare])).toBe(0);
    // The handshake is in the file: the key log given afterwards decrypts it.
    expect(decrypted(await analyzeCapture(bare, { tlsKeyLog: readFileSync(keys, 'latin1') }))).toEqual(
      decrypted(original),
    );
    err = '';
    const keyed = join(dir, 'dtls-keyed.pcapng');
    expect(await runExtract([file, '--tls-keylog', keys, '--kind', 'call', '-o', keyed])).toBe(0);
    // The one CLIENT_RANDOM line of its DTLS handshake (the key log holds no other).
    expect(err).toMatch(/ \(with 2 RTP streams\), 1 key log line, written to /);
    expect(decrypted(await analyzeCapture(keyed))).toEqual(decrypted(original));
  });

  it('with no filter keeps every call; a search keeps the calls it finds', async () => {
    const all = join(dir, 'all.pcapng');
    expect(await runExtract([sample('sipp-10-calls.pcap'), '-o', all])).toBe(0);
    const original = await analyzeCapture(sample('sipp-10-calls.pcap'));
    expect((await analyzeCapture(all)).stats.sipMessages).toBe(original.stats.sipMessages);
    const one = join(dir, 'one.pcapng');
    const callId = original.calls[3].callIds[0];
    expect(await runExtract([sample('sipp-10-calls.pcap'), '-q', callId, '--out', one])).toBe(0);
    const again = await analyzeCapture(one);
    expect(again.calls.map((c) => c.callIds[0])).toEqual([callId]);
  });

  it('a record corrupt mid-file: the calls before it are written, the error comes last with exit 2', async () => {
    const { bytes, offset: at } = damagedPcap(readFileSync(sample('sipp-10-calls.pcap')), 40);
    const damaged = join(dir, 'damaged.pcap');
    writeFileSync(damaged, bytes);
    const out = join(dir, 'damaged-out.pcapng');
    expect(await runExtract([damaged, '-o', out])).toBe(2);
    const before = await analyzeCapture(damaged);
    expect(before.errors).toHaveLength(1);
    expect((await analyzeCapture(out)).stats.sipMessages).toBe(before.stats.sipMessages);
    expect(err.split('\n').filter(Boolean).at(-1)).toBe(
      `sipscope extract: ${damaged}: impossible record length 2147483647 (snaplen 262144) at byte offset ${at}: the 40 frames before it analysed, the rest of the file not read`,
    );
  });

  it("keeps the chosen calls' RTP (as sngrep saves a dialog with its RTP): analysed again, the same streams and finding", async () => {
    const out = join(dir, 'one-way.pcapng');
    expect(await runExtract([sample('call-with-rtp.pcap'), '-q', 'rtp-one-way', '-o', out])).toBe(0);
    // Call 1: 7 SIP messages, and its one stream of 499 packets; the other call's 995 RTP packets stay out.
    expect(err).toBe(`sipscope extract: 1 of 2 calls, 506 frames (with 1 RTP streams), written to ${out}\n`);
    const original = await analyzeCapture(sample('call-with-rtp.pcap'));
    const again = await analyzeCapture(out);
    const key = (st: { src: string; dst: string; ssrc: string; packets: number; lost: number }) =>
      [st.src, st.dst, st.ssrc, st.packets, st.lost].join(' ');
    expect(again.streams.map(key)).toEqual(original.streams.filter((st) => st.call === 1).map(key));
    expect(again.findings.map((f) => f.rule)).toEqual(['media.one-way']);
  });

  it('refuses bad usage and bad filters with exit 2 and one line, writing nothing', async () => {
    const out = join(dir, 'never.pcapng');
    expect(await runExtract([sample('basic-call.pcap')])).toBe(2);
    expect(err).toBe('sipscope extract: needs -o OUT, the pcapng file to write\n');
    err = '';
    expect(
      await runExtract([
        sample('basic-call.pcap'),
        '--state',
        'x',
        '--with-findings',
        '--without-findings',
        '-o',
        out,
      ]),
    ).toBe(2);
    expect(err).toMatch(/^sipscope extract: --with-findings and --without-findings exclude each other\n$/);
    err = '';
    expect(await runExtract([sample('basic-call.pcap'), '-q', '/[/', '-o', out])).toBe(2);
    expect(err.split('\n')).toHaveLength(2);
    err = '';
    // A kind that is none of the kinds is a typo, not a filter that keeps no call (and an empty file).
    expect(await runExtract([sample('basic-call.pcap'), '--kind', 'calls', '-o', out])).toBe(2);
    expect(err).toMatch(/^sipscope extract: kind "calls" is none of call, registration, .*\n$/);
    err = '';
    expect(await runExtract(['-', '-o', out])).toBe(2);
    err = '';
    const notCapture = join(dir, 'notes.txt');
    writeFileSync(notCapture, 'not a capture at all\n');
    expect(await runExtract([notCapture, '-o', out])).toBe(2);
    expect(err).toMatch(/^sipscope extract: .*notes\.txt.*\n$/);
    expect(() => readFileSync(out)).toThrow();
  });

  it.skipIf(!existsSync('/dev/full'))(
    'exits 2 naming the output, not the capture, when the disk is full (ENOSPC)',
    async () => {
      expect(await runExtract([sample('basic-call.pcap'), '-o', '/dev/full'])).toBe(2);
      expect(err).toBe('sipscope extract: /dev/full: ENOSPC: no space left on device, write\n');
    },
  );
});
