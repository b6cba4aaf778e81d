/**
 * The key log lines a pcapng export writes (keylog-filter.ts): NSS key log
 * lines (the "NSS Key Log Format", draft-ietf-tls-keylogfile §3) are kept by
 * the ClientHello random in their second field (RFC 8446 §4.1.2, RFC 5246
 * §7.4.1.2), Wireshark's `RSA` lines by the first 8 bytes of the
 * EncryptedPreMasterSecret (RFC 5246 §7.4.7.1); anything else is never written.
 */
import { describe, expect, it } from 'vitest';
import { KeyLogIndex, keyLogFor } from '../../src/tls/keylog-filter.js';

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);
const S = (n: number) => n.toString(16).padStart(2, '0').repeat(48);

describe('keyLogFor', () => {
  it('keeps each client-random label of the session named (TLS 1.2 CLIENT_RANDOM, the TLS 1.3 secrets, the exporter ones) and none of another session', () => {
    const labels = [
      'CLIENT_RANDOM',
      'CLIENT_EARLY_TRAFFIC_SECRET',
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'SERVER_TRAFFIC_SECRET_0',
      'EARLY_EXPORTER_SECRET',
      'EXPORTER_SECRET',
    ];
    const ofA = labels.map((l, i) => `${l} ${A} ${S(i)}`);
    const ofB = labels.map((l, i) => `${l} ${B} ${S(i + 20)}`);
    const text = ofA.flatMap((l, i) => [l, ofB[i]]).join('\n');
    expect(keyLogFor(text, [A])).toEqual(ofA);
    expect(keyLogFor(text, [B])).toEqual(ofB);
    expect(keyLogFor(text, [])).toEqual([]);
    expect(keyLogFor(text, ['c3'.repeat(32)])).toEqual([]);
  });

  it('reads CRLF lines, and matches the client random whatever its hex case (lines kept as written)', () => {
    const line = `CLIENT_RANDOM ${A.toUpperCase()} ${S(1)}`;
    expect(keyLogFor(`${line}\r\nCLIENT_RANDOM ${B} ${S(2)}\r\n`, [A])).toEqual([line]);
  });

  it('drops comments, blank lines, and lines that name no session it can tell (a short random, odd hex, four fields, the old RSA Session-ID form)', () => {
    const text = [
      `# CLIENT_RANDOM ${A} ${S(1)}`,
      '',
      `CLIENT_RANDOM ${A.slice(2)} ${S(2)}`,
      `CLIENT_RANDOM ${A} ${S(3)}0`,
      `CLIENT_RANDOM ${A} ${S(4)} extra`,
      `CLIENT_RANDOM ${A} not-hex`,
      `RSA Session-ID:${A} Master-Key:${S(5)}`,
      'garbage',
    ].join('\n');
    expect(keyLogFor(text, [A])).toEqual([]);
  });

  it('keeps a line of another label keyed by the client random (ECH_SECRET): the second field names the session', () => {
    expect(keyLogFor(`ECH_SECRET ${A} ${S(1)}\nECH_SECRET ${B} ${S(2)}`, [A])).toEqual([
      `ECH_SECRET ${A} ${S(1)}`,
    ]);
  });

  it('keeps an RSA line (Wireshark: first 8 bytes of the encrypted pre-master secret, then the pre-master secret) only for the ClientKeyExchange named', () => {
    const mine = `RSA 0011223344556677 03${'ab'.repeat(47)}`;
    const other = `RSA 8899aabbccddeeff 03${'cd'.repeat(47)}`;
    const text = `${mine}\n${other}\n`;
    expect(keyLogFor(text, [], ['0011223344556677'])).toEqual([mine]);
    // An RSA line is not a client random's: naming the prefix as a random keeps nothing.
    expect(keyLogFor(text, ['0011223344556677'])).toEqual([]);
  });

  it('gives a line once however often the log repeats it', () => {
    const line = `CLIENT_RANDOM ${A} ${S(1)}`;
    expect(keyLogFor(`${line}\n${line}\n`, [A, A])).toEqual([line]);
  });
});

describe('KeyLogIndex', () => {
  it('says which client randoms have a master secret (a CLIENT_RANDOM line), not TLS 1.3 secrets', () => {
    const index = new KeyLogIndex(`CLIENT_TRAFFIC_SECRET_0 ${B} ${S(1)}`);
    index.add(`CLIENT_RANDOM ${A.toUpperCase()} ${S(2)}`);
    expect(index.hasMasterSecret(A)).toBe(true);
    expect(index.hasMasterSecret(B)).toBe(false);
    expect(index.linesOf(B)).toEqual([`CLIENT_TRAFFIC_SECRET_0 ${B} ${S(1)}`]);
  });
});
