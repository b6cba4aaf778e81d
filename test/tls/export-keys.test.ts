/**
 * ExportKeys (export-keys.ts) reads the clear handshake of the connections a
 * pcapng export writes: a ClientHello's random (RFC 8446 §4.1.2, RFC 5246
 * §7.4.1.2; RFC 6347 §4.2.1 for DTLS) names the key log lines to write, the
 * ClientHello however the TCP stream cuts its record; bytes that are not TLS,
 * a gap, or a record cut short give no line and never throw.
 */
import { describe, expect, it } from 'vitest';
import type { Payload } from '../../src/decode/payload.js';
import { ExportKeys } from '../../src/tls/export-keys.js';

const R = 'c4'.repeat(32);
const OTHER = 'd5'.repeat(32);
const SECRET = '0e'.repeat(48);
const LOG = `CLIENT_RANDOM ${R} ${SECRET}\nCLIENT_RANDOM ${OTHER} ${SECRET}\n`;

/** A ClientHello body: legacy_version 0x0303, the random, no session id, one suite, null compression. */
function clientHelloBody(random = R): Uint8Array {
  return Uint8Array.from([0x03, 0x03, ...Buffer.from(random, 'hex'), 0, 0, 2, 0x13, 0x01, 1, 0]);
}

/** TLSPlaintext (RFC 8446 §5.1): handshake (22), version 0x0301, length, then the handshake message. */
function clientHelloRecord(random = R): Uint8Array {
  const body = clientHelloBody(random);
  const msg = Uint8Array.from([1, 0, 0, body.length, ...body]);
  return Uint8Array.from([22, 3, 1, 0, msg.length, ...msg]);
}

const tcp = (bytes: Uint8Array, extra: Partial<Payload> = {}): Payload => ({
  transport: 'tcp',
  src: { ip: '10.0.0.1', port: 40000 },
  dst: { ip: '10.0.0.2', port: 5061 },
  bytes,
  frame: 4,
  frames: [4],
  ts: 0,
  ...extra,
});
const PAIR = '10.0.0.1:40000 10.0.0.2:5061';

describe('ExportKeys', () => {
  it('names the key log lines of a ClientHello whose record is cut across three TCP payloads, and only those', () => {
    const keys = new ExportKeys(LOG);
    const rec = clientHelloRecord();
    keys.tcp(tcp(rec.subarray(0, 3)), PAIR);
    keys.tcp(tcp(rec.subarray(3, 20)), PAIR);
    expect(keys.take()).toBeNull();
    keys.tcp(tcp(rec.subarray(20)), PAIR);
    expect(keys.take()).toBe(`CLIENT_RANDOM ${R} ${SECRET}\n`);
    // A second ClientHello of the same random (RFC 8446 §4.1.2, after a HelloRetryRequest) adds nothing.
    keys.tcp(tcp(rec), PAIR);
    expect(keys.take()).toBeNull();
    expect(keys.lines).toBe(1);
  });

  it('gives the lines of a key log text read later (a capture block after the ClientHello) for a ClientHello already seen', () => {
    const keys = new ExportKeys(undefined);
    keys.tcp(tcp(clientHelloRecord()), PAIR);
    expect(keys.take()).toBeNull();
    keys.addText(LOG);
    expect(keys.take()).toBe(`CLIENT_RANDOM ${R} ${SECRET}\n`);
  });

  it('reads nothing from bytes that are not TLS, from a stream after a gap, nor from a record whose length runs past the bound', () => {
    const keys = new ExportKeys(LOG);
    keys.tcp(tcp(Buffer.from('INVITE sip:bob@example.com SIP/2.0\r\n')), PAIR);
    const gap = new ExportKeys(LOG);
    gap.tcp(tcp(clientHelloRecord(), { gap: true }), PAIR);
    const huge = new ExportKeys(LOG);
    huge.tcp(tcp(Uint8Array.from([22, 3, 1, 0xff, 0xff, 1, 0xff, 0xff, 0xff])), PAIR);
    for (const k of [keys, gap, huge]) expect(k.take()).toBeNull();
  });

  it('gives each TLS connection on a reused four-tuple the lines of its own ClientHello: after a FIN (RFC 9293 §3.6), and at a new ClientHello whose predecessor FIN was not captured', () => {
    // An application_data record (RFC 8446 §5.2): the first protected record ends the clear handshake.
    const protectedRecord = Uint8Array.from([23, 3, 3, 0, 4, 1, 2, 3, 4]);
    const closed = new ExportKeys(LOG);
    closed.tcp(tcp(clientHelloRecord()), PAIR);
    expect(closed.take()).toBe(`CLIENT_RANDOM ${R} ${SECRET}\n`);
    closed.tcp(tcp(protectedRecord, { fin: true }), PAIR);
    closed.tcp(tcp(clientHelloRecord(OTHER), { frame: 30, frames: [30] }), PAIR);
    expect(closed.take()).toBe(`CLIENT_RANDOM ${OTHER} ${SECRET}\n`);
    const unclosed = new ExportKeys(LOG);
    unclosed.tcp(tcp(clientHelloRecord()), PAIR);
    unclosed.tcp(tcp(protectedRecord), PAIR);
    expect(unclosed.take()).toBe(`CLIENT_RANDOM ${R} ${SECRET}\n`);
    unclosed.tcp(tcp(clientHelloRecord(OTHER)), PAIR);
    expect(unclosed.take()).toBe(`CLIENT_RANDOM ${OTHER} ${SECRET}\n`);
    expect(unclosed.lines).toBe(2);
    // Past the handshake, a chunk that is not a hello reads as nothing (protected bytes are never parsed).
    const after = new ExportKeys(`${LOG}CLIENT_RANDOM ${'00'.repeat(32)} ${SECRET}\n`);
    after.tcp(tcp(clientHelloRecord()), PAIR);
    after.tcp(tcp(protectedRecord), PAIR);
    after.take();
    after.tcp(tcp(Uint8Array.from([22, 3, 3, 0, 6, 0, 0, 0, 0, 0, 0])), PAIR);
    expect(after.take()).toBeNull();
  });

  it('names the lines of a DTLS ClientHello (RFC 6347 §4.2.1: the random at offset 2 of its first fragment), not of a later fragment', () => {
    const body = clientHelloBody();
    // DTLSPlaintext: type 22, version 0xfeff, epoch 0, sequence 0, length; handshake header with offset and fragment length.
    const fragment = (offset: number, bytes: Uint8Array) => {
      const hs = Uint8Array.from([1, 0, 0, body.length, 0, 0, 0, 0, offset, 0, 0, bytes.length, ...bytes]);
      return Uint8Array.from([22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, hs.length, ...hs]);
    };
    const keys = new ExportKeys(LOG);
    keys.dtls(fragment(40, body.subarray(40)));
    expect(keys.take()).toBeNull();
    keys.dtls(fragment(0, body.subarray(0, 40)));
    expect(keys.take()).toBe(`CLIENT_RANDOM ${R} ${SECRET}\n`);
    // A datagram cut short: nothing, no throw.
    keys.dtls(fragment(0, body).subarray(0, 20));
    expect(keys.take()).toBeNull();
  });
});
