/**
 * `sipscope audio`: a call's RTP as a stereo WAVE (the caller's host left) or
 * one stream as mono, the same bytes the web UI plays; exit 1 when there is
 * nothing to decode, 2 with one line on stderr for bad usage or a file that
 * is not a capture.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { runAudio } from '../../src/cli/audio-command.js';
import { callWav, streamWav } from '../../src/media/audio-files.js';
import { WAV_HEADER_BYTES } from '../../src/media/wav.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { opusCallFrames } from '../fixtures/opus-call.js';
import { clearCallFrames, clearMuxCallFrames } from '../fixtures/srtp-call.js';
import { power } from '../helpers/goertzel.js';
import { spyOutput } from '../helpers/spy-output.js';

let err = '';
beforeEach(() => {
  err = '';
});
spyOutput((s) => {
  err += s;
});

const sample = (f: string) => new URL(`../../samples/${f}`, import.meta.url).pathname;
const RTP = sample('call-with-rtp.pcap');
const dir = mkdtempSync(join(tmpdir(), 'sipscope-audio-'));

describe('sipscope audio', () => {
  it("writes a call's streams as stereo, the caller's side left, and says which went where", async () => {
    const out = join(dir, 'call0.wav');
    expect(await runAudio([RTP, '--call', '0', '-o', out])).toBe(0);
    expect(err).toBe(
      `sipscope audio: call 0, 9.99 s stereo at 8000 Hz: left stream 1, right stream 0, written to ${out}\n`,
    );
    const a = await analyzeCapture(RTP);
    const want = await callWav(
      RTP,
      a.streams.filter((s) => s.call === 0),
      '10.0.0.1',
    );
    expect(readFileSync(out).equals(Buffer.from(want.wav))).toBe(true);
  });

  it('writes one stream as mono', async () => {
    const out = join(dir, 'stream2.wav');
    expect(await runAudio([RTP, '--stream', '2', '-o', out])).toBe(0);
    expect(err).toBe(
      `sipscope audio: stream 2 (10.0.0.1:49170 → 10.0.0.2:3456, PCMU/8000), 9.98 s mono at 8000 Hz, written to ${out}\n`,
    );
    const wav = readFileSync(out);
    expect([wav.toString('latin1', 0, 4), wav.readUInt16LE(22), wav.readUInt32LE(40)]).toEqual([
      'RIFF',
      1,
      499 * 160 * 2,
    ]);
  });

  it('writes an SDES-SRTP call decrypted (RFC 3711, RFC 4568): the WAVE of the same call in clear', async () => {
    const out = join(dir, 'srtp.wav');
    expect(await runAudio([sample('srtp-call.pcap'), '--stream', '0', '-o', out])).toBe(0);
    expect(err).toBe(
      `sipscope audio: stream 0 (10.0.0.1:49170 → 10.0.0.2:3456, PCMU/8000 telephone-event/8000, SRTP AES_CM_128_HMAC_SHA1_80 decrypted), 0.98 s mono at 8000 Hz, written to ${out}\n`,
    );
    const clear = join(dir, 'clear.pcap');
    writeFileSync(clear, writePcap(clearCallFrames(), { linkType: LinkType.ETHERNET }));
    const a = await analyzeCapture(clear);
    expect(readFileSync(out).equals(Buffer.from((await streamWav(clear, a.streams[0])).wav))).toBe(true);
    const both = join(dir, 'srtp-call.wav');
    expect(await runAudio([sample('srtp-call.pcap'), '--call', '0', '-o', both])).toBe(0);
    const call = await callWav(clear, a.streams, '10.0.0.1');
    expect(readFileSync(both).equals(Buffer.from(call.wav))).toBe(true);
  });

  it('writes a DTLS-SRTP call decrypted with --tls-keylog (RFC 5764): the WAVE of the same call in clear', async () => {
    const out = join(dir, 'dtls.wav');
    const keys = sample('dtls-srtp-call.keys');
    expect(
      await runAudio([sample('dtls-srtp-call.pcap'), '--stream', '1', '-o', out, '--tls-keylog', keys]),
    ).toBe(0);
    expect(err).toBe(
      `sipscope audio: stream 1 (10.0.0.2:3456 → 10.0.0.1:49170, PCMU/8000 telephone-event/8000, SRTP AES_CM_128_HMAC_SHA1_80 decrypted with DTLS-SRTP keys (its sender the DTLS client; certificate matches its SDP's a=fingerprint)), 3.96 s mono at 8000 Hz, written to ${out}\n`,
    );
    const clear = join(dir, 'clear-mux.pcap');
    writeFileSync(clear, writePcap(clearMuxCallFrames(), { linkType: LinkType.ETHERNET }));
    const a = await analyzeCapture(clear);
    expect(readFileSync(out).equals(Buffer.from((await streamWav(clear, a.streams[1])).wav))).toBe(true);
    // Without the key log: the stream is written as it went (ciphertext), and the line says which key is missing.
    err = '';
    expect(await runAudio([sample('dtls-srtp-call.pcap'), '--stream', '1', '-o', out])).toBe(0);
    expect(err).toMatch(
      /SRTP not decrypted: no TLS key log \(--tls-keylog\): the DTLS handshake needs its CLIENT_RANDOM [0-9a-f]{64} line/,
    );
  });

  it.each([
    // 499 packets of 20 ms from the caller, 2.02 s to 12.00 s (the callee's start 10 ms later).
    ['opus-call.pcap', '9.98', 499 * 960],
    // 120 ms packets (RFC 6716 §3.2.5), more than the opusscript build decodes in one call: 83 from
    // the caller, and the callee's last ends 10 ms after the caller's.
    ['opus-120ms.pcap', '9.97', 83 * 5760 + 480],
  ])(
    'writes the Opus call (RFC 7587) of %s as stereo at 48,000 Hz: the caller 440 Hz left, the callee 660 Hz right, the call long',
    async (file, seconds, samples) => {
      const out = join(dir, 'opus.wav');
      expect(await runAudio([sample(file), '--call', '0', '-o', out])).toBe(0);
      expect(err).toBe(
        `sipscope audio: call 0, ${seconds} s stereo at 48000 Hz: left stream 0, right stream 1, written to ${out}\n`,
      );
      const wav = readFileSync(out);
      // Stereo, 48 kHz, 16-bit.
      expect([wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([2, 48_000, 16]);
      expect(wav.readUInt32LE(40)).toBe(samples * 2 * 2);
      const s = new Int16Array(
        wav.buffer.slice(wav.byteOffset + WAV_HEADER_BYTES, wav.byteOffset + wav.length),
      );
      // One second from 1 s in, each side: its tone 1000 times stronger than the other's.
      expect(power(s, 2, 0, 440, 48_000, 48_000, 48_000)).toBeGreaterThan(
        1000 * power(s, 2, 0, 660, 48_000, 48_000, 48_000),
      );
      expect(power(s, 2, 1, 660, 48_000, 48_000, 48_000)).toBeGreaterThan(
        1000 * power(s, 2, 1, 440, 48_000, 48_000, 48_000),
      );
    },
  );

  it('plays a corrupt Opus packet as silence and says how many there were', async () => {
    const file = join(dir, 'opus-corrupt.pcap');
    writeFileSync(file, writePcap(opusCallFrames(new Set([10, 20])), { linkType: LinkType.ETHERNET }));
    const out = join(dir, 'opus-corrupt.wav');
    expect(await runAudio([file, '--stream', '0', '-o', out])).toBe(0);
    expect(err).toBe(
      `sipscope audio: stream 0 (10.0.0.1:49170 → 10.0.0.2:3456, opus/48000/2), 9.98 s mono at 48000 Hz; 2 packets not decodable (corrupt), played as silence, written to ${out}\n`,
    );
  });

  it('plays a red stream (RFC 2198) as its PCMU blocks, the packet lost from the next packet copy, and says so', async () => {
    const out = join(dir, 'red.wav');
    expect(await runAudio([sample('dtmf-red-call.pcap'), '--stream', '1', '-o', out])).toBe(0);
    expect(err).toBe(
      `sipscope audio: stream 1 (10.0.0.2:3456 → 10.0.0.1:49170, red/8000 (PCMU/8000)), 3.00 s mono at 8000 Hz; 1 packet lost played from RFC 2198 redundancy, written to ${out}\n`,
    );
    // The 20 ms of packet 50 (lost) are the 440 Hz prompt, not silence.
    const wav = readFileSync(out);
    const pcm = new Int16Array(
      wav.buffer.slice(wav.byteOffset + WAV_HEADER_BYTES, wav.byteOffset + wav.length),
    );
    expect(power(pcm, 1, 0, 440, 8000, 50 * 160, 160)).toBeGreaterThan(
      100 * power(pcm, 1, 0, 1000, 8000, 50 * 160, 160),
    );
  });

  it('exits 1 when the call has no RTP to decode', async () => {
    expect(await runAudio([sample('basic-call.pcap'), '--call', '0', '-o', join(dir, 'none.wav')])).toBe(1);
    expect(err).toBe('sipscope audio: call 0 has no RTP streams\n');
  });

  it.each([
    [['--call', '0'], 'needs -o OUT, the WAVE file to write'],
    [['-o', 'x.wav'], 'needs --call ID or --stream ID (one of them)'],
    [['--call', '0', '--stream', '1', '-o', 'x.wav'], 'needs --call ID or --stream ID (one of them)'],
    [['--call', 'abc', '-o', 'x.wav'], '--call wants a call number, not "abc"'],
    [['--stream', '7', '-o', 'x.wav'], `no stream 7 in ${RTP} (it has 3: see sipscope analyze)`],
    [['--call', '5', '-o', 'x.wav'], `no call 5 in ${RTP}`],
  ])('exits 2 on bad usage: %j', async (args, line) => {
    expect(await runAudio([RTP, ...args])).toBe(2);
    expect(err).toBe(`sipscope audio: ${line}\n`);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'exits 2 naming the output, not the capture, when the disk is full (ENOSPC)',
    async () => {
      expect(await runAudio([RTP, '--call', '0', '-o', '/dev/full'])).toBe(2);
      expect(err).toBe('sipscope audio: /dev/full: ENOSPC: no space left on device, write\n');
    },
  );

  it('exits 2 naming a file that is not a capture', async () => {
    const bad = join(dir, 'not-a-capture.txt');
    writeFileSync(bad, 'hello, this is not a pcap file at all\n');
    expect(await runAudio([bad, '--call', '0', '-o', join(dir, 'x.wav')])).toBe(2);
    expect(err).toMatch(/^sipscope audio: .*not-a-capture\.txt.*\n$/);
  });
});
