/**
 * The warning of a capture whose SIP over TLS could not be read (RFC 3261
 * §26.2: port 5061), in both analysis paths (the CLI's and the store's an
 * upload takes), so that the web page says why a TLS capture shows no call;
 * TLS on other ports (HTTPS) is only counted. The corpus part skips when
 * ../shared/corpus is absent.
 */
import '../helpers/corpus.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { isTlsWarning, tlsWarning, withGiveKeys } from '../../src/tls/tls-warning.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

describe('the warning of SIP over TLS not decrypted', () => {
  it('RFC 3261 §26.2: connections on port 5061 not decrypted are named, with how to give the keys', () => {
    expect(tlsWarning('a.pcap', { tlsSipPortNotDecrypted: 0 })).toBeNull();
    expect(tlsWarning('a.pcap', { tlsSipPortNotDecrypted: 1 })).toBe(
      'a.pcap: a TLS connection on port 5061 (SIP over TLS) not decrypted, its SIP not read: no key for it (give the key log: sipscope analyze --tls-keylog FILE, or a pcapng with the keys embedded: editcap --inject-secrets tls,KEYLOG), a cipher suite not decrypted here (TLS 1.0/1.1, 3DES, RC4), or a handshake before the capture began',
    );
    expect(tlsWarning('a.pcap', { tlsSipPortNotDecrypted: 3 })).toMatch(
      /^a\.pcap: 3 TLS connections on port 5061 \(SIP over TLS\) not decrypted, their SIP not read: no key for them /,
    );
  });

  it('an upload to the server names its own way to give the keys; the web UI knows the warning by its words', () => {
    const w = tlsWarning('a.pcap', { tlsSipPortNotDecrypted: 2 })!;
    const up = withGiveKeys(w, 'POST /api/captures/c1/keys');
    expect(up).toContain('(give the key log: POST /api/captures/c1/keys), a cipher suite');
    expect(up).not.toContain('sipscope analyze');
    expect([isTlsWarning(w), isTlsWarning(up)]).toEqual([true, true]);
    // Other warnings, and a capture name that only looks like the warning, are left as they are.
    const cut = 'on port 5061 (SIP over TLS) not decrypted.pcap: the last record is cut short';
    expect(withGiveKeys(cut, 'x')).toBe(cut);
    expect(isTlsWarning(cut)).toBe(false);
  });

  it.skipIf(!corpusPresent)(
    'on a real capture of SIP over TLS without keys, in the CLI and the store alike; HTTPS gets none',
    async () => {
      const tls = join(CORPUS_DIR, 'pcap/sngrep_sip-tls-encrypted-nokeys.pcap');
      const cli = await analyzeCapture(tls);
      expect(cli.tls.tlsSipPortNotDecrypted).toBe(2);
      expect(cli.warnings).toEqual([
        expect.stringContaining(': 2 TLS connections on port 5061 (SIP over TLS) not decrypted'),
      ]);
      const store = createMemoryStore();
      const rec = await store.createCapture({ name: 'tls.pcap', size: 0, path: tls });
      const r = await analyzeToStore(tls, await store.openWriter(rec.id), { name: 'tls.pcap' });
      expect(r.warnings).toEqual([expect.stringMatching(/^tls\.pcap: 2 TLS connections on port 5061 /)]);
      // What the API gives the web page under the capture's row.
      expect((await store.getCapture(rec.id))?.warnings).toEqual(r.warnings);
      // HTTPS on 443 beside SIP: counted, no warning.
      const https = await analyzeCapture(join(CORPUS_DIR, 'pcap/ndpi_webex-register-retransmissions.pcap'));
      expect(https.tls.tlsFlows).toBeGreaterThan(0);
      expect(https.warnings.filter((w) => w.includes('TLS'))).toEqual([]);
    },
  );
});
