/**
 * The hover text of a stream's SRTP badge (web/src/media/srtp-title.ts):
 * where the key came from, SDES (RFC 4568) or DTLS-SRTP (RFC 5764), from
 * the summaries the analysis of the bundled samples gives; a reason quoted
 * from the capture stays the text it was (the badge sets it as an attribute).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { certificateMismatch, srtpTitle } from '../../web/src/media/srtp-title.js';

const sample = (f: string) => new URL(`../../samples/${f}`, import.meta.url).pathname;

describe('the SRTP badge title', () => {
  it('says a DTLS-SRTP stream was keyed by the handshake and the key log, and which end sent it', async () => {
    const r = await analyzeCapture(sample('dtls-srtp-call.pcap'), {
      tlsKeyLog: readFileSync(sample('dtls-srtp-call.keys'), 'latin1'),
    });
    expect(srtpTitle(r.streams[1].srtp!)).toBe(
      "SRTP decrypted with DTLS-SRTP keys (RFC 5764: the DTLS handshake of frame 8 and the TLS key log; its sender the DTLS client, SRTP_AES128_CM_HMAC_SHA1_80): 206 packets authenticated; SRTCP: 1 authenticated and read; DTLS certificate matches its SDP's a=fingerprint (RFC 5763 §5)",
    );
  });

  it('says an SDES stream was keyed by the sender SDP, as before', async () => {
    const r = await analyzeCapture(sample('srtp-call.pcap'));
    expect(srtpTitle(r.streams[0].srtp!)).toBe(
      "SRTP decrypted with the SDES key of the sender's SDP (AES_CM_128_HMAC_SHA1_80, RFC 4568): 89 packets authenticated; SRTCP: 1 authenticated and read",
    );
  });

  it('names the missing key log line, and keeps a hostile reason as plain text', async () => {
    const r = await analyzeCapture(sample('dtls-srtp-call.pcap'));
    expect(srtpTitle(r.streams[0].srtp!)).toMatch(
      /^SRTP not decrypted: no TLS key log \(--tls-keylog\): the DTLS handshake needs its CLIENT_RANDOM [0-9a-f]{64} line; DTLS certificate matches its SDP's a=fingerprint \(RFC 5763 §5\)$/,
    );
    const hostile = '<img src=x onerror=alert(1)>';
    expect(srtpTitle({ suite: null, decrypted: false, verified: 0, authFailures: 0, reason: hostile })).toBe(
      `SRTP not decrypted: ${hostile}`,
    );
  });

  it('says a certificate that does not match its SDP with both fingerprints, and flags the badge as an error (RFC 5763 §5)', () => {
    const x = {
      suite: null,
      decrypted: false,
      verified: 0,
      authFailures: 0,
      reason: 'no TLS key log',
      keying: 'dtls' as const,
      dtls: {
        role: 'client' as const,
        fingerprint: {
          side: 'client' as const,
          endpoint: '10.0.0.2:3456',
          hash: 'sha-256',
          certificate: 'AA:BB',
          sdp: 'CC:DD',
          match: false,
        },
      },
    };
    expect(srtpTitle(x)).toBe(
      "SRTP not decrypted: no TLS key log; DTLS certificate does NOT match its SDP's sha-256 a=fingerprint: it hashes to AA:BB, the SDP says CC:DD (RFC 5763 §5)",
    );
    expect([certificateMismatch(x), certificateMismatch({ ...x, dtls: { role: 'client' } })]).toEqual([
      true,
      false,
    ]);
  });
});
