import { describe, expect, it } from 'vitest';
import { parseClientHello, parseServerHello, TLS12, TLS13 } from '../../src/tls/hello.js';
import { TlsKeyLog } from '../../src/tls/keylog.js';
import { HandshakeReader, RECORD_INVALID, RECORD_NEED_MORE, recordLength } from '../../src/tls/record.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('TLS record framing (RFC 8446 §5.1, RFC 5246 §6.2.1)', () => {
  it('RFC 8446 §5.1: a record is type, legacy_record_version and a 16-bit length, then the fragment', () => {
    // 16 (handshake) 03 01 (legacy version) 00 04 (length 4), 4 fragment bytes, then the next record's start.
    const b = hex('16 0301 0004 01000000 17 03');
    expect(recordLength(b, 0, b.length)).toBe(9);
    expect(recordLength(b, 9, b.length)).toBe(RECORD_NEED_MORE);
    expect(recordLength(b, 0, 8)).toBe(RECORD_NEED_MORE);
  });

  it('RFC 5246 §6.2.3: a length above 2^14 + 2048, or a byte that is no content type, is not a record', () => {
    expect(recordLength(hex('17 0303 4801'), 0, 5)).toBe(RECORD_INVALID); // 18433 > 18432
    expect(recordLength(hex('17 0303 4800'), 0, 5)).toBe(RECORD_NEED_MORE);
    expect(recordLength(hex('47 4554 2000'), 0, 5)).toBe(RECORD_INVALID); // "GET " (HTTP)
    expect(recordLength(hex('17 0303'), 0, 3)).toBe(RECORD_NEED_MORE);
  });

  it('RFC 8446 §5.1: handshake messages may span records and a record may hold several', () => {
    const r = new HandshakeReader();
    const seen: [number, string][] = [];
    const on = (t: number, body: Uint8Array) => seen.push([t, Buffer.from(body).toString('hex')]);
    // Finished (20) of 3 bytes split 2+4; then two messages in one piece.
    expect(r.push(hex('1400'), on)).toBe(true);
    expect(seen).toEqual([]);
    expect(r.push(hex('0003 aabb'), on)).toBe(true);
    expect(r.push(hex('cc 04000001 ff 18000001 00'), on)).toBe(true);
    expect(seen).toEqual([
      [20, 'aabbcc'],
      [4, 'ff'],
      [24, '00'],
    ]);
  });

  it('gives up on a handshake message longer than its bound', () => {
    expect(new HandshakeReader(1000).push(hex('0b 000fa1'), () => {})).toBe(false);
  });

  it('RFC 8446 §5.1: a message held across many tiny and zero-length fragments costs linear time, not a copy per fragment', () => {
    // A hostile stream: a Certificate claimed just under the bound, sent one byte per record, then
    // a flood of zero-length handshake records ("MUST NOT send zero-length fragments"). Copying the
    // held message for each fragment took minutes (256 Ki fragments x up to 256 KiB each).
    const r = new HandshakeReader();
    const size = 256 * 1024 - 1;
    const seen: number[] = [];
    const on = (t: number, body: Uint8Array) => {
      seen.push(t, body.length, body[0], body[size - 1]);
    };
    const t0 = performance.now();
    expect(r.push(Uint8Array.of(11, size >> 16, (size >> 8) & 0xff, size & 0xff), on)).toBe(true);
    const one = new Uint8Array(1);
    const empty = new Uint8Array(0);
    let ok = true;
    for (let k = 0; k < size; k++) {
      one[0] = k === 0 ? 0xaa : k === size - 1 ? 0xbb : 0;
      ok &&= r.push(one, on);
      if (k === size >> 1) for (let z = 0; z < 100_000; z++) ok &&= r.push(empty, on);
    }
    expect(ok).toBe(true);
    expect(seen).toEqual([11, size, 0xaa, 0xbb]);
    expect(performance.now() - t0).toBeLessThan(3000);
    // What follows is read as before.
    expect(r.push(hex('14000001 cc'), on)).toBe(true);
    expect(seen.slice(4)).toEqual([20, 1, 0xcc, undefined]);
  });
});

describe('hellos (RFC 8446 §4.1.2, §4.1.3, §4.2.1)', () => {
  const random = 'aa'.repeat(32);
  it('RFC 8446 §4.1.2: the ClientHello gives its random and the supported_versions offered', () => {
    const body = hex(
      `0303 ${random} 00 0002 1301 01 00 ` + // version, random, no session id, one suite, null compression
        '0007 002b 0003 02 0304', // extensions: supported_versions [TLS 1.3]
    );
    const ch = parseClientHello(body)!;
    expect(Buffer.from(ch.random).toString('hex')).toBe(random);
    expect(ch.versions).toEqual([TLS13]);
  });

  it('RFC 8446 §4.2.1: a ServerHello with supported_versions 0x0304 negotiates TLS 1.3, without it its legacy_version', () => {
    const sh13 = parseServerHello(hex(`0303 ${random} 00 1302 00 0006 002b 0002 0304`))!;
    expect(sh13).toMatchObject({ version: TLS13, cipherSuite: 0x1302, helloRetryRequest: false });
    const sh12 = parseServerHello(hex(`0303 ${random} 00 c02f 00`))!;
    expect(sh12).toMatchObject({ version: TLS12, cipherSuite: 0xc02f });
  });

  it('RFC 8446 §4.1.3: a ServerHello whose random is SHA-256 of HelloRetryRequest is a HelloRetryRequest', () => {
    const hrr = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
    expect(parseServerHello(hex(`0303 ${hrr} 00 1301 00`))!.helloRetryRequest).toBe(true);
  });

  it('a hello cut short is no hello', () => {
    expect(parseClientHello(hex('0303 aabb'))).toBeNull();
    expect(parseServerHello(hex(`0303 ${random}`))).toBeNull();
  });
});

describe('NSS key log', () => {
  const cr = '0b'.repeat(32);
  it('takes CLIENT_RANDOM and the TLS 1.3 traffic secrets by client random, skips comments and other labels', () => {
    const log = new TlsKeyLog(
      [
        '# SSL/TLS secrets log file',
        `CLIENT_RANDOM ${cr} ${'01'.repeat(48)}`,
        `SERVER_HANDSHAKE_TRAFFIC_SECRET ${cr.toUpperCase()} ${'02'.repeat(32)}\r`,
        `EXPORTER_SECRET ${cr} ${'03'.repeat(32)}`,
        'CLIENT_TRAFFIC_SECRET_0 not-hex 00',
        '',
      ].join('\n'),
    );
    const s = log.get(hex(cr))!;
    expect(s.masterSecret?.length).toBe(48);
    expect(s.serverHandshake?.[0]).toBe(2);
    expect(s.clientTraffic0).toBeUndefined();
    expect(log.lines).toBe(2);
    expect(log.malformedLines).toBe(1);
    expect(log.get(hex('0c'.repeat(32)))).toBeUndefined();
  });

  it('a hostile label such as __proto__ or constructor names no secret and is not counted', () => {
    const log = new TlsKeyLog(
      [
        `__proto__ ${cr} ${'05'.repeat(32)}`,
        `constructor ${cr} ${'06'.repeat(32)}`,
        `toString ${cr} 00`,
      ].join('\n'),
    );
    expect(log.lines).toBe(0);
    expect(log.get(hex(cr))).toBeUndefined();
  });

  it('follows the key log text a capture reader gathers (pcapng Decryption Secrets Blocks) as it grows', () => {
    const info: { tlsKeyLog?: string[] } = {};
    const log = new TlsKeyLog();
    log.follow(info);
    expect(log.get(hex(cr))).toBeUndefined();
    info.tlsKeyLog = [`CLIENT_TRAFFIC_SECRET_0 ${cr} ${'04'.repeat(32)}`];
    expect(log.get(hex(cr))?.clientTraffic0?.[0]).toBe(4);
  });
});
