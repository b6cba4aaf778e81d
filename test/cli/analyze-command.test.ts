/**
 * `sipscope analyze`: the text report (messages, call list, findings,
 * summary), the JSON document of DESIGN.md, the --call ladder, and the exit
 * codes (2 with one line on stderr and nothing on stdout for a file that is
 * not a capture, a corrupt one, or bad usage).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { basicCall, parsed } from '../fixtures/flows/index.js';
import { analyzeCollected } from '../helpers/analyze-output.js';
import { damagedPcap } from '../helpers/damaged-pcap.js';

let out = '';
let err = '';
/** Runs the command with its output collected in `out`, stderr in `err`. */
const runAnalyze = analyzeCollected(
  (s) => {
    out += s;
  },
  (s) => {
    err += s;
  },
);
beforeEach(() => {
  out = '';
  err = '';
});

const sample = (f: string) => new URL(`../../samples/${f}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sipscope-analyze-'));

describe('sipscope analyze FILE (text)', () => {
  it('prints a line per message (frame, time, src -> dst, transport, start line, Call-ID), the call list and a summary', async () => {
    expect(await runAnalyze([sample('basic-call.pcap')])).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(
      /^\s+1\s+0\.000000\s+10\.0\.0\.1:5060 -> 10\.0\.0\.2:5060\s+UDP\s+INVITE sip:bob@10\.0\.0\.2 SIP\/2\.0\s+basic-1@10\.0\.0\.1$/,
    );
    expect(lines.filter((l) => /^\s+\d+\s+\d+\.\d{6}\s/.test(l))).toHaveLength(7);
    expect(out).toMatch(
      /^0\s+2023-11-14 22:13:20\.000\s+sip:alice@example\.com\s+sip:bob@example\.com\s+call\s+completed\s+7\s+9\.990\s+0$/m,
    );
    expect(out).toContain('SIP messages: 7 (0 malformed, 0 retransmissions), decode errors: 0');
    expect(out).toContain('transactions: 3, dialogs: 1, calls: 1, findings: 0');
    expect(err).toBe('');
  });

  it('splits the findings of the summary by severity (the RFC 2543 sample: a warning per request)', async () => {
    expect(await runAnalyze([sample('rfc2543-call.pcap')])).toBe(0);
    expect(out).toContain('transactions: 3, dialogs: 1, calls: 1, findings: 4 (4 warning)');
  });

  it('--call ID marks each finding beside the arrows of its messages and lists it under the ladder', async () => {
    expect(await runAnalyze([sample('rfc2543-call.pcap'), '--call', '0'])).toBe(0);
    // RFC 3261 §8.1.1.7: each request of the RFC 2543 peer has no branch; its responses are not marked.
    expect(out).toMatch(/^0\.000\s+│─+INVITE─+>│ {2}\[W\] via\.branch-no-cookie$/m);
    expect(out).toMatch(/^0\.500\s+│─+INVITE─+>│ {2}\(retrans\) \[W\] via\.branch-no-cookie$/m);
    expect(out).toMatch(/^2\.000\s+│<─+200 OK─+│$/m);
    expect(out).toContain('\nfindings: 4\n  warning via.branch-no-cookie  RFC 3261 §8.1.1.7  frames 1\n');
    out = '';
    expect(await runAnalyze([sample('basic-call.pcap'), '--call', '0'])).toBe(0);
    expect(out).not.toContain('[');
    expect(out).not.toContain('findings');
  });

  it('--tls-keylog decrypts DTLS-SRTP streams (RFC 5764): the ladder, --stream and --json say the keys came from the handshake', async () => {
    const keys = ['--tls-keylog', sample('dtls-srtp-call.keys')];
    expect(await runAnalyze([sample('dtls-srtp-call.pcap'), '--call', '0', ...keys])).toBe(0);
    expect(out).toMatch(
      /│ {2}206 pkts, MOS 4.41, DTMF 9, SRTP AES_CM_128_HMAC_SHA1_80 decrypted with DTLS-SRTP keys \(its sender the DTLS client; certificate matches its SDP's a=fingerprint\)$/m,
    );
    out = '';
    expect(await runAnalyze([sample('dtls-srtp-call.pcap'), '--stream', '0', ...keys])).toBe(0);
    expect(out).toContain(
      "\nSRTP AES_CM_128_HMAC_SHA1_80 decrypted with DTLS-SRTP keys (its sender the DTLS server; certificate matches its SDP's a=fingerprint)\n",
    );
    out = '';
    expect(await runAnalyze([sample('dtls-srtp-call.pcap'), '--json', ...keys])).toBe(0);
    const streams = JSON.parse(out).streams as Array<{ srtp: Record<string, unknown> }>;
    expect(
      streams.map((x) => [x.srtp.keying, x.srtp.verified, (x.srtp.dtls as { role: string }).role]),
    ).toEqual([
      ['dtls', 89, 'server'],
      ['dtls', 206, 'client'],
    ]);
    out = '';
    expect(await runAnalyze([sample('dtls-srtp-call.pcap'), '--stream', '0'])).toBe(0);
    expect(out).toMatch(
      /\nSRTP not decrypted: no TLS key log \(--tls-keylog\): the DTLS handshake needs its CLIENT_RANDOM [0-9a-f]{64} line; DTLS certificate matches its SDP's a=fingerprint\n/,
    );
  });

  it('--call ID prints the ASCII ladder of that call (our id or its Call-ID)', async () => {
    expect(await runAnalyze([sample('basic-call.pcap'), '--call', 'basic-1@10.0.0.1'])).toBe(0);
    expect(out).toContain('call 0: call, completed (200), Call-ID basic-1@10.0.0.1');
    expect(out).toMatch(/^0\.000\s+│─+INVITE─+>│$/m);
    expect(out).toMatch(/^12\.010\s+│<─+200 OK─+│$/m);
    out = '';
    expect(await runAnalyze([sample('basic-call.pcap'), '--call', '7'])).toBe(2);
    expect(err).toContain("no call '7'");
  });

  it('--call and --stream echo an unknown id with its control characters escaped (a Call-ID pasted from a capture)', async () => {
    expect(await runAnalyze([sample('basic-call.pcap'), '--call', '\x1b]0;pwn\x07'])).toBe(2);
    expect(err).toContain("no call '\\x1b]0;pwn\\x07'");
    expect(await runAnalyze([sample('basic-call.pcap'), '--stream', '\x1b[2J'])).toBe(2);
    expect(err).toContain("no stream '\\x1b[2J'");
    expect(err).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(out).toBe('');
  });

  it('a file whose name carries control characters is named escaped in the error line (names in a shared folder are untrusted text)', async () => {
    // `sipscope analyze *`: the error names the file and the byte offset (README "The CLI"), and a
    // terminal must not run the name: ESC ] 0 ; … BEL would retitle it, ESC [ 2 J clear it.
    const evil = join(dir, 'x\x1b]0;pwn\x07\x1b[2J.pcap');
    writeFileSync(evil, 'not a capture at all, just text\n');
    expect(await runAnalyze([evil])).toBe(2);
    expect(err).toContain('x\\x1b]0;pwn\\x07\\x1b[2J.pcap');
    expect(err).toContain('offset 0');
    expect(err).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    err = '';
    expect(await runAnalyze([join(dir, 'gone\x1b[2J.pcap')])).not.toBe(0);
    expect(err).toContain('gone\\x1b[2J.pcap');
    expect(err).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(out).toBe('');
  });

  it('--call ID tells the SDP offer and answer (RFC 3264 §6) and what a re-INVITE changed (RFC 3264 §8.4), read from the capture', async () => {
    // The story: the lines between the head line and the ladder, unwrapped.
    const story = () => out.split('\n\n')[0].split('\n').slice(1).join(' ');
    expect(await runAnalyze([sample('call-with-rtp.pcap'), '--call', '0'])).toBe(0);
    expect(story()).toContain(
      'BYE, Reason Q.850;cause=16;text="Normal call clearing"). The caller offered audio PCMU/8000, PCMA/8000 at 10.0.0.1:49170; the callee answered PCMU/8000, PCMA/8000 at 10.0.0.2:3456 (RFC 3264 §6). RTP flowed both ways',
    );
    out = '';
    expect(await runAnalyze([sample('reinvite-hold-info.pcap'), '--call', '0'])).toBe(0);
    expect(story()).toContain(
      'the callee answered PCMU/8000, PCMA/8000 at 10.0.0.2:3456 (RFC 3264 §6). At 5.00 s, 10.0.0.1:5060 sent a re-INVITE to put the call on hold (a=sendonly, RFC 3264 §8.4). No RTP',
    );
    expect(story()).not.toContain('hold, codecs or a new media address');
    out = '';
    expect(await runAnalyze([sample('prack-100rel.pcap'), '--call', '0'])).toBe(0);
    expect(story()).toContain(
      'the callee answered PCMU/8000, PCMA/8000 at 10.0.0.2:3456 early, in its 183 Session Progress after 100 ms (early media, RFC 3960; a reliable provisional response, acknowledged by PRACK, RFC 3262 §5).',
    );
    // --call --json stays the contract's messages: no SDP summary added to them.
    out = '';
    expect(await runAnalyze([sample('reinvite-hold-info.pcap'), '--call', '0', '--json'])).toBe(0);
    expect(JSON.parse(out).messages.some((m: object) => 'sdp' in m)).toBe(false);
  });

  it('RTP streams (RFC 3550): a table after the calls, the summary counts them, --call lists its own (text and JSON)', async () => {
    expect(await runAnalyze([sample('call-with-rtp.pcap')])).toBe(0);
    expect(out).toContain('\nRTP streams: 3\n');
    expect(out).toMatch(
      /^1 +0 +2\.020 +11\.980 +10\.0\.0\.1:49170 +10\.0\.0\.2:3456 +0x1A2B3C4D +PCMU\/8000 +496 +3 \(0\.6%\)/m,
    );
    // The last column, the E-model MOS (ITU-T G.107, stream-quality.test.ts works it out): 4.36 with 3 lost.
    expect(out).toMatch(/^stream +call .* rtt ms +mos$/m);
    expect(out).toMatch(/^1 +0 +2\.020 .* 4\.36$/m);
    expect(out).toContain('RTP streams: 3 (1494 RTP and 0 RTCP packets on the addresses the SDP announced)');
    expect(out).toContain('warning media.one-way  RFC 3264 §5.1');
    out = '';
    expect(await runAnalyze([sample('call-with-rtp.pcap'), '--call', '1'])).toBe(0);
    expect(out).toContain('\nRTP streams: 1\n');
    // The ladder draws the stream between the SIP columns of its hosts, as sngrep's call flow.
    expect(out).toContain('2.020          │══RTP PCMU/8000══>│  499 pkts, one-way, MOS 4.41\n');
    expect(out).toContain('0x22334455');
    expect(out).not.toContain('0x1A2B3C4D');
    out = '';
    expect(await runAnalyze([sample('call-with-rtp.pcap'), '--call', '0', '--json'])).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.streams.map((st: { ssrc: string }) => st.ssrc)).toEqual(['0x5E6F7081', '0x1A2B3C4D']);
    out = '';
    expect(await runAnalyze([sample('call-with-rtp.pcap'), '--call', '0'])).toBe(0);
    expect(out).toContain('2.010          │<═RTP PCMU/8000═══│  499 pkts, MOS 4.41\n');
    expect(out).toContain('2.020          │══RTP PCMU/8000══>│  496 pkts, lost 3 (0.6%), MOS 4.36\n');
    out = '';
    // No RTP, no RTP lines.
    expect(await runAnalyze([sample('basic-call.pcap')])).toBe(0);
    expect(out).not.toContain('RTP');
  });

  it('--call --json gives the messages of the call exactly as the full document does, their UTF-8 text decoded', async () => {
    // A reason phrase in UTF-8 (RFC 3261 §25.1: Reason-Phrase is UTF-8 text).
    const flow = basicCall({ n: 3 }).map((m) => {
      const c = parsed(
        Buffer.from(m.raw)
          .toString('latin1')
          .replace(
            'SIP/2.0 180 Ringing',
            `SIP/2.0 180 ${Buffer.from('Ça sonne', 'utf8').toString('latin1')}`,
          ),
      );
      c.source = m.source;
      return c;
    });
    const file = join(dir, 'utf8-reason.pcap');
    writeFileSync(file, writePcap(flowToFrames(flow), { linkType: LinkType.ETHERNET }));
    expect(await runAnalyze([file, '--json'])).toBe(0);
    const full = JSON.parse(out);
    out = '';
    expect(await runAnalyze([file, '--call', '0', '--json'])).toBe(0);
    const one = JSON.parse(out);
    expect(one.messages).toEqual(full.messages.filter((m: { call: number }) => m.call === 0));
    expect(one.messages[2].reason).toBe('Ça sonne');
  });

  it('--csv prints the call list as CSV (RFC 4180): a header, a CRLF line per call with its findings; not with --json', async () => {
    expect(await runAnalyze([sample('call-with-rtp.pcap'), '--csv'])).toBe(0);
    const lines = out.split('\r\n');
    expect(lines[0]).toBe(
      'id,start,end,kind,state,from,to,call_ids,final_status,reason,messages,retransmissions,pdd_ms,setup_ms,duration_ms,hangup_by,endpoints,findings,worst_severity',
    );
    expect(lines[2]).toBe(
      '1,2023-11-14T22:13:40.000Z,2023-11-14T22:13:52.010Z,call,completed,sip:alice@example.com,sip:bob@example.com,rtp-one-way@10.0.0.1,200,"Q.850;cause=16;text=""Normal call clearing""",7,0,20,2000,9990,caller,10.0.0.1:5060 (AliceUA/1.0); 10.0.0.2:5060 (BobPhone/2.0),1,warning',
    );
    expect(lines.slice(3)).toEqual(['']);
    // No per-message lines, no summary: only the CSV.
    expect(out).not.toContain('RTP streams');
    out = '';
    expect(await runAnalyze([sample('call-with-rtp.pcap'), '--csv', '--json'])).toBe(2);
    expect(out).toBe('');
  });

  it('--call ID names the calls a transfer relates it to (RFC 3515 REFER, Referred-By copied per RFC 3892)', async () => {
    expect(await runAnalyze([sample('refer-transfer.pcap'), '--call', '0'])).toBe(0);
    expect(out).toMatch(
      /^call 0: call, completed \(200\), Call-ID xfer-1@10\.0\.0\.1; transferred to call 1 \(Referred-By\)$/m,
    );
    out = '';
    expect(await runAnalyze([sample('refer-transfer.pcap'), '--call', '1'])).toBe(0);
    expect(out).toContain('; transferred from call 0 (Referred-By)\n');
  });
});

describe('sipscope analyze FILE --json (the DESIGN.md contract)', () => {
  it('prints one JSON document with every section, messages tied to their transaction, dialog and call', async () => {
    expect(await runAnalyze([sample('register-digest-auth.pcap'), '--json'])).toBe(0);
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual([
      'source',
      'stats',
      'messages',
      'transactions',
      'dialogs',
      'calls',
      'findings',
      'streams',
      'warnings',
    ]);
    expect(doc.source).toMatchObject({ format: 'pcap', linkTypes: ['ETHERNET'], frames: 4 });
    expect(doc.stats).toMatchObject({
      sipMessages: 4,
      requests: { REGISTER: 2 },
      responses: { 401: 1, 200: 1 },
      transactions: 2,
      calls: 1,
    });
    expect(doc.messages.map((m: { id: number }) => m.id)).toEqual([0, 1, 2, 3]);
    expect(doc.messages[1]).toMatchObject({
      frame: 2,
      status: 401,
      cseqMethod: 'REGISTER',
      transaction: 0,
      call: 0,
      retransmission: false,
    });
    expect(doc.calls[0]).toMatchObject({ kind: 'registration', state: 'completed', messages: [0, 1, 2, 3] });
    expect(doc.transactions[0]).toMatchObject({ kind: 'non-invite', method: 'REGISTER', finalStatus: 401 });
  });
});

describe('sipscope analyze: unreadable input exits 2, one line on stderr, nothing on stdout', () => {
  it('a file that is not a capture names the file and offset 0', async () => {
    const p = join(dir, 'notes.txt');
    writeFileSync(p, 'hello, this is text\n');
    expect(await runAnalyze([p, '--json'])).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`sipscope: ${p}: not a pcap or pcapng capture (magic 0x68656c6c) at byte offset 0\n`);
  });

  it('a record with an impossible length names its byte offset', async () => {
    const bytes = Buffer.alloc(24 + 16);
    bytes.writeUInt32LE(0xa1b2c3d4, 0);
    bytes.writeUInt16LE(2, 4);
    bytes.writeUInt16LE(4, 6);
    bytes.writeUInt32LE(65535, 16);
    bytes.writeUInt32LE(1, 20);
    bytes.writeUInt32LE(0x23010000, 24 + 8); // incl_len 587,268,096
    bytes.writeUInt32LE(0x23010000, 24 + 12);
    const p = join(dir, 'corrupt.pcap');
    writeFileSync(p, bytes);
    expect(await runAnalyze([p])).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/corrupt\.pcap: impossible record length \d+ .* at byte offset 24\n$/);
    expect(err.split('\n')).toHaveLength(2);
  });

  it('a record corrupt mid-file: the messages before it analysed and written, the error last, exit 2 (as tshark prints the packets before a damaged one)', async () => {
    // The fifth record's captured length set to 2^31 - 1.
    const { bytes, offset: at } = damagedPcap(
      writePcap(flowToFrames(basicCall()), { linkType: LinkType.ETHERNET }),
      4,
    );
    const p = join(dir, 'damaged.pcap');
    writeFileSync(p, bytes);
    expect(await runAnalyze([p, '--json'])).toBe(2);
    const doc = JSON.parse(out) as { messages: Array<{ frame: number }>; source: { frames: number } };
    expect(doc.messages.map((m) => m.frame)).toEqual([1, 2, 3, 4]);
    expect(doc.source.frames).toBe(4);
    expect(err).toBe(
      `sipscope: ${p}: impossible record length 2147483647 (snaplen 262144) at byte offset ${at}: the 4 frames before it analysed, the rest of the file not read\n`,
    );
    out = '';
    err = '';
    expect(await runAnalyze([p])).toBe(2);
    expect(out).toContain('SIP messages: 4');
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('bad usage', async () => {
    expect(await runAnalyze([])).toBe(2);
    expect(await runAnalyze(['a', 'b'])).toBe(2);
    expect(await runAnalyze(['--bogus', 'x'])).toBe(2);
    expect(out).toBe('');
  });

  it('an option value that starts with a dash: Node says the fix on three lines, the command on one', async () => {
    expect(await runAnalyze([sample('basic-call.pcap'), '--call', '-1'])).toBe(2);
    expect(err).toMatch(
      /^sipscope analyze: Option '--call' argument is ambiguous\. .* use '--call=-XYZ'\.\n$/,
    );
    expect(out).toBe('');
  });
});
