/**
 * dtls.fingerprint-mismatch (RFC 5763 §5: "The certificate presented during
 * the DTLS handshake MUST match the fingerprint exchanged via the signaling
 * path in the SDP"), end to end from captures made by the DTLS-SRTP call's
 * generator (test/fixtures/dtls-srtp-call.ts), its real OpenSSL handshake
 * on the media addresses:
 *
 *   caller 10.0.0.1:49170 (DTLS server)       IVR 10.0.0.2:3456 (DTLS client)
 *     |--INVITE (a=fingerprint caller, actpass)-->|
 *     |<--200 OK (a=fingerprint: ivr, or sbc)-----|   message 3
 *     |==DTLS 1.2: Certificate (caller's)========>|
 *     |<==DTLS 1.2: Certificate (IVR's)===========|   checked against message 3
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import {
  dtlsSdp,
  dtlsSrtpCallFrames,
  fingerprintMismatchFrames,
  handshakeFrames,
} from '../fixtures/dtls-srtp-call.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/builder.js';
import { dtmfCall } from '../fixtures/flows/dtmf-flows.js';
import { byTime } from '../fixtures/rtp-frames.js';
import { captureWriter } from '../fixtures/srtp-call.js';

const write = captureWriter('sipscope-dtls-fingerprint-');
const RULE = 'dtls.fingerprint-mismatch';

describe('dtls.fingerprint-mismatch: RFC 5763 §5 the DTLS certificate must match the SDP fingerprint', () => {
  it('the answer carries another certificate fingerprint: one error on the 200 OK, in its call, without any SRTP', async () => {
    const r = await analyzeCapture(write('mismatch.pcap', fingerprintMismatchFrames()));
    expect(r.streams).toEqual([]);
    const fs = r.findings.filter((f) => f.rule === RULE);
    expect(fs.map((f) => [f.severity, f.messages, f.call])).toEqual([['error', [3], 0]]);
    expect(fs[0].text).toMatch(
      /^the DTLS client 10\.0\.0\.2:3456 presented a certificate \(frame \d+\) whose sha-256 fingerprint is 49:98:87:.*, but the SDP that announced that address says 19:BF:4A:/,
    );
  });

  it('must not: the bundled call, each side its own certificate (streams say match true both ways)', async () => {
    const r = await analyzeCapture(write('match.pcap', dtlsSrtpCallFrames()));
    expect(r.findings.filter((f) => f.rule === RULE)).toEqual([]);
    expect(
      r.streams.map((s) => [s.src, s.srtp?.dtls?.fingerprint?.side, s.srtp?.dtls?.fingerprint?.match]),
    ).toEqual([
      ['10.0.0.1:49170', 'server', true],
      ['10.0.0.2:3456', 'client', true],
    ]);
  });

  it('must not: an answer with no a=fingerprint is not checked (null, with the reason), not a mismatch', async () => {
    const noFingerprint: typeof dtlsSdp = (...args) => {
      const s = dtlsSdp(...args);
      return args[1] === 3456 ? s.replace(/a=fingerprint:[^\r]*\r\n/, '') : s;
    };
    const frames = byTime(flowToFrames(dtmfCall(T0, noFingerprint)), handshakeFrames());
    const r = await analyzeCapture(write('none.pcap', frames));
    expect(r.findings.filter((f) => f.rule === RULE)).toEqual([]);
    // The answer did lose its line, the offer kept its own.
    const carrying = (fs: typeof frames) =>
      fs.filter((f) => Buffer.from(f.data).includes('a=fingerprint')).length;
    expect([carrying(frames), carrying(flowToFrames(dtmfCall(T0, dtlsSdp)))]).toEqual([1, 2]);
  });
});
