/**
 * dtls.fingerprint-mismatch, dtls.setup-role-mismatch and
 * sdp.dtls-fingerprint-missing (RFC 5763 §5) on the real captures of the
 * shared corpus (skipped when absent): none of them breaks these rules, so
 * none may get the findings. Every capture whose bytes hold an a=fingerprint
 * line (WebRTC SDP) is analysed; what the analysis says of each DTLS side it
 * checked must not be a mismatch either.
 */
import '../helpers/corpus.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

const WITH_FINGERPRINT = corpusPresent
  ? readdirSync(join(CORPUS_DIR, 'pcap'))
      .map((f) => join(CORPUS_DIR, 'pcap', f))
      .filter((f) => statSync(f).size < 16 << 20 && readFileSync(f).includes('a=fingerprint:'))
  : [];

describe.skipIf(!corpusPresent)('corpus: DTLS certificates against a=fingerprint', () => {
  it('the corpus has WebRTC SDP with a=fingerprint to look at', () => {
    expect(WITH_FINGERPRINT.length).toBeGreaterThan(0);
  });

  it.each(WITH_FINGERPRINT.map((f) => [f.slice(f.lastIndexOf('/') + 1), f]))(
    '%s: no dtls.fingerprint-mismatch, dtls.setup-role-mismatch nor sdp.dtls-fingerprint-missing, no stream whose certificate is called a mismatch',
    async (_, file) => {
      const r = await analyzeCapture(file);
      expect(r.findings.filter((f) => f.rule === 'dtls.fingerprint-mismatch')).toEqual([]);
      // RFC 5763 §5 roles: its WebRTC capture has no DTLS datagram (tshark finds none), nothing to judge.
      expect(r.findings.filter((f) => f.rule === 'dtls.setup-role-mismatch')).toEqual([]);
      expect(r.streams.filter((s) => s.srtp?.dtls?.fingerprint?.match === false)).toEqual([]);
      // Its UDP/TLS/RTP/SAVPF m= lines all carry an a=fingerprint (tshark: the websocket capture's 5 DTLS SDPs).
      expect(r.findings.filter((f) => f.rule === 'sdp.dtls-fingerprint-missing')).toEqual([]);
    },
  );
});
