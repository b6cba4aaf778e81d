/**
 * Which TLS connections a live capture holds while it waits for their key
 * (src/tls/key-wait.ts `maySip`): those that may carry SIP, by the ports of
 * SIP over TLS (RFC 3261 §26.2: 5061) and by the ClientHello's ALPN offer
 * (RFC 7301 §3.1). An HTTPS connection is let go at once, counted `notSip`.
 */
import { describe, expect, it } from 'vitest';
import type { Payload } from '../../src/decode/payload.js';
import { parseClientHello } from '../../src/tls/hello.js';
import { maySip, TlsKeyWait } from '../../src/tls/key-wait.js';
import { TlsKeyLog } from '../../src/tls/keylog.js';

const SIP_PORTS = new Set([5061]);

/**
 * A ClientHello body (RFC 8446 §4.1.2) offering `alpn`:
 *   03 03              legacy_version TLS 1.2
 *   7a × 32            random
 *   00                 legacy_session_id <0>
 *   00 02 13 01        cipher_suites: TLS_AES_128_GCM_SHA256
 *   01 00              legacy_compression_methods: null
 *   LL LL              extensions
 *     00 10 LL LL      application_layer_protocol_negotiation (16)
 *       LL LL          protocol_name_list
 *         NN name…     each ProtocolName
 */
function helloBody(alpn: string[], listExtra = 0): Uint8Array {
  const names = alpn.flatMap((n) => [n.length, ...Buffer.from(n, 'latin1')]);
  const listLen = names.length + listExtra;
  const ext = [0, 16, (names.length + 2) >> 8, (names.length + 2) & 0xff, listLen >> 8, listLen & 0xff];
  const exts = alpn.length === 0 ? [] : [...ext, ...names];
  return Uint8Array.from([
    3,
    3,
    ...new Array(32).fill(0x7a),
    0,
    0,
    2,
    0x13,
    1,
    1,
    0,
    exts.length >> 8,
    exts.length & 0xff,
    ...exts,
  ]);
}

/** The body in a handshake message (type 1, ClientHello) in one handshake record. */
function helloRecord(alpn: string[]): Uint8Array {
  const body = helloBody(alpn);
  const hs = [1, 0, body.length >> 8, body.length & 0xff, ...body];
  return Uint8Array.from([22, 3, 1, hs.length >> 8, hs.length & 0xff, ...hs]);
}

const tcp = (bytes: Uint8Array, sport: number, dport: number, ts = 1): Payload => ({
  transport: 'tcp',
  src: { ip: '192.0.2.1', port: sport },
  dst: { ip: '192.0.2.2', port: dport },
  bytes,
  frame: 1,
  frames: [1],
  ts,
});

function waitFor(sipPorts?: number[]) {
  return new TlsKeyWait(new TlsKeyLog(), () => false, { sipPorts });
}

describe('ClientHello ALPN (RFC 7301 §3.1)', () => {
  it('the protocols offered are read in order; none without the extension', () => {
    expect(parseClientHello(helloBody(['h2', 'http/1.1']))?.alpn).toEqual(['h2', 'http/1.1']);
    expect(parseClientHello(helloBody([]))?.alpn).toEqual([]);
  });

  it('a protocol_name_list longer than its extension keeps only the names inside it', () => {
    // The list says 4 bytes more than the extension holds: h2 is whole, nothing past the end is read.
    expect(parseClientHello(helloBody(['h2'], 4))?.alpn).toEqual(['h2']);
  });
});

describe('maySip: the connections worth holding for their key', () => {
  it('RFC 3261 §26.2: port 5061 on either side is SIP over TLS, whatever the ALPN offer', () => {
    expect(maySip({ alpn: ['h2', 'http/1.1'] }, 40000, 5061, SIP_PORTS)).toBe(true);
    expect(maySip({ alpn: [] }, 5061, 40000, SIP_PORTS)).toBe(true);
  });

  it('an ALPN offer without a SIP protocol is another protocol (HTTPS: h2, http/1.1); one naming sip is SIP', () => {
    expect(maySip({ alpn: ['h2', 'http/1.1'] }, 40000, 15061, SIP_PORTS)).toBe(false);
    expect(maySip({ alpn: ['sip/2'] }, 40000, 443, SIP_PORTS)).toBe(true);
  });

  it('no ALPN: a port of another protocol over TLS (443, 853, 993) is not SIP; any other port may be', () => {
    for (const port of [443, 853, 993]) expect(maySip({ alpn: [] }, 40000, port, SIP_PORTS)).toBe(false);
    expect(maySip({ alpn: [] }, 40000, 15165, SIP_PORTS)).toBe(true);
  });

  it('a port given as SIP over TLS (SIP over WSS on 443) is held', () => {
    expect(maySip({ alpn: ['http/1.1'] }, 40000, 443, new Set([443, 5061]))).toBe(true);
  });
});

describe('TLS key wait: an HTTPS connection is not held', () => {
  it('a ClientHello offering h2 and http/1.1 is let go at once, counted notSip; the next records go on', () => {
    const wait = waitFor();
    const out: Payload[] = [];
    const hello = tcp(helloRecord(['h2', 'http/1.1']), 40000, 8080);
    expect(wait.push(hello, out)).toBe(true);
    expect(out).toEqual([hello]);
    expect(wait.stats).toMatchObject({ notSip: 1, waited: 0, heldConnections: 0, heldBytes: 0 });
    // The server's answer and the client's next record: no longer the wait's business.
    expect(wait.push(tcp(Uint8Array.of(22, 3, 3, 0, 1, 2), 8080, 40000), out)).toBe(false);
    expect(wait.push(tcp(Uint8Array.of(23, 3, 3, 0, 1, 0), 40000, 8080), out)).toBe(false);
  });

  it('the same ClientHello to port 5061 is held for its key', () => {
    const wait = waitFor();
    const out: Payload[] = [];
    expect(wait.push(tcp(helloRecord(['h2', 'http/1.1']), 40000, 5061), out)).toBe(true);
    expect(out).toEqual([]);
    expect(wait.stats).toMatchObject({ notSip: 0, waited: 1, heldConnections: 1 });
  });

  it('without ALPN, to 443 let go at once; to 443 given as a SIP port held', () => {
    const out: Payload[] = [];
    const plain = waitFor();
    plain.push(tcp(helloRecord([]), 40000, 443), out);
    expect(plain.stats).toMatchObject({ notSip: 1, waited: 0 });
    const wss = waitFor([5061, 443]);
    wss.push(tcp(helloRecord([]), 40001, 443), out);
    expect(wss.stats).toMatchObject({ notSip: 0, waited: 1 });
  });
});
