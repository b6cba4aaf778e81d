import '../helpers/corpus.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  findSipStart,
  MAX_START_LINE,
  matchSipStartLine,
  START_LINE_NEED_MORE,
  sipMessageStart,
  sipStartLineEnd,
} from '../../src/sip/sniff.js';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const end = (s: string): number => {
  const b = enc(s);
  return sipStartLineEnd(b, 0, b.length);
};

describe('sipStartLineEnd: RFC 3261 §7.1 Request-Line', () => {
  it('recognises Method SP Request-URI SP SIP-Version CRLF and returns the CR index', () => {
    const line = 'INVITE sip:bob@biloxi.example.com SIP/2.0';
    expect(end(`${line}\r\nVia: x\r\n`)).toBe(line.length);
  });

  it('accepts a bare LF line end (RFC 5118 test files use LF)', () => {
    expect(end('BYE sip:user@host.example.net SIP/2.0\nVia: x\n')).toBe(37);
  });

  it('accepts a bare CR line end, as Wireshark does (nDPI fuzzed aaa.pcap frame 247)', () => {
    expect(end('CANCEL sip:a@b SIP/2.0\r7Via: x\r\n')).toBe(22);
  });

  it('accepts extension methods made of any RFC 3261 §25.1 token characters, case kept', () => {
    // RFC 4475 §3.1.1.4 (intmeth)
    const intmeth = "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure) SIP/2.0";
    expect(end(`${intmeth}\r\n`)).toBe(intmeth.length);
    expect(end('register sip:example.com SIP/2.0\r\n')).toBe(32);
    expect(end('RE%47IST%45R sip:registrar.example.com SIP/2.0\r\n')).toBeGreaterThan(0);
  });

  it('tolerates the whitespace RFC 4475 shows senders get wrong (lwsstart, lwsruri, trws)', () => {
    expect(end('INVITE  sip:user@example.com  SIP/2.0\r\n')).toBe(37);
    expect(end('INVITE sip:user@example.com; lr SIP/2.0\r\n')).toBe(39);
    expect(end('OPTIONS sip:remote-target@example.com SIP/2.0  \r\n')).toBe(47);
  });

  it('accepts any 1*DIGIT "." 1*DIGIT version and a lower-case "sip" literal (ABNF literals)', () => {
    expect(end('OPTIONS sip:t.watson@example.org SIP/7.0\r\n')).toBe(40);
    expect(end('OPTIONS sip:a@b sip/2.0\r\n')).toBe(23);
  });

  it('rejects lines that are not SIP request lines', () => {
    expect(end('GET / HTTP/1.1\r\n')).toBe(-1); // HTTP request
    expect(end('INVITE sip:alan@jasomi.com\r\n')).toBe(-1); // no version
    expect(end('INVITE SIP/2.0\r\n')).toBe(-1); // no Request-URI
    expect(end('INV(TE sip:a@b SIP/2.0\r\n')).toBe(-1); // "(" is not a token char
    expect(end(' INVITE sip:a@b SIP/2.0\r\n')).toBe(-1); // leading space
    expect(end('INVITE sip:a\x00@b SIP/2.0\r\n')).toBe(-1); // NUL in the URI: binary, not SIP (nor for Wireshark)
    expect(end('INVITE sip:a@b SIP/2.0x\r\n')).toBe(-1); // junk after the version
  });

  it('reads a start line with other control characters (ESC, BEL, DEL) as SIP, for the parser to flag (RFC 3261 §25.1)', () => {
    // One control byte must not hide a request or response from the analysis; Wireshark reads these as SIP too.
    expect(end('INVITE sip:\x1b[31mbob\x07@b SIP/2.0\r\n')).toBe(30);
    expect(end('SIP/2.0 180 Ring\x07ing\x7f\r\n')).toBe(21);
    expect(end('SIP/2.0 200 O\x00K\r\n')).toBe(-1);
  });
});

describe('sipStartLineEnd: RFC 3261 §7.2 Status-Line', () => {
  it('recognises SIP-Version SP 3DIGIT SP Reason-Phrase CRLF', () => {
    expect(end('SIP/2.0 200 OK\r\n')).toBe(14);
    expect(end('SIP/2.0 486 Busy Here\r\nVia: x\r\n\r\n')).toBe(21);
  });

  it('accepts an empty Reason-Phrase, with or without its SP (RFC 4475 noreason)', () => {
    expect(end('SIP/2.0 100 \r\n')).toBe(12);
    expect(end('SIP/2.0 100\r\n')).toBe(11);
  });

  it('accepts a UTF-8 Reason-Phrase (RFC 4475 unreason)', () => {
    const b = new Uint8Array([...enc('SIP/2.0 200 '), 0xd0, 0xbe, 0xd0, 0xba, 13, 10]);
    expect(sipStartLineEnd(b, 0, b.length)).toBe(16);
  });

  it('rejects HTTP status lines and malformed status codes', () => {
    expect(end('HTTP/1.1 200 OK\r\n')).toBe(-1);
    expect(end('HTTP/1.1 101 Switching Protocols\r\n')).toBe(-1);
    expect(end('SIP/2.0 20 OK\r\n')).toBe(-1); // Status-Code = 3DIGIT
    expect(end('SIP/2.0 4294967301 better not break the receiver\r\n')).toBe(-1); // RFC 4475 bigcode
    expect(end('SIP/2.0 2x0 OK\r\n')).toBe(-1);
    expect(end('SIP/2.0200 OK\r\n')).toBe(-1);
    expect(end('SIP/ 200 OK\r\n')).toBe(-1);
  });

  it('works at an offset inside a larger buffer and never reads past end', () => {
    const b = enc('xxSIP/2.0 200 OK\r\nyy');
    expect(sipStartLineEnd(b, 2, b.length)).toBe(16);
    // `end` cuts the line before its terminator: not (yet) a start line.
    expect(sipStartLineEnd(b, 2, 15)).toBe(-1);
    expect(matchSipStartLine(b, 2, 15)).toBe(START_LINE_NEED_MORE);
  });
});

describe('matchSipStartLine: incomplete input', () => {
  it('says NEED_MORE for every proper prefix of a start line and -1 for non-SIP prefixes', () => {
    for (const line of ['INVITE sip:bob@b.example SIP/2.0\r\n', 'SIP/2.0 180 Ringing\r\n']) {
      const b = enc(line);
      for (let n = 1; n < b.length; n++) expect(matchSipStartLine(b, 0, n)).toBe(START_LINE_NEED_MORE);
      expect(matchSipStartLine(b, 0, b.length)).toBe(line.length - 2);
    }
    expect(matchSipStartLine(enc('HTTP/1.'), 0, 7)).toBe(-1);
    expect(matchSipStartLine(enc('\x16\x03\x01'), 0, 3)).toBe(-1); // TLS record
    expect(matchSipStartLine(enc('GET / HTTP/1.1\r'), 0, 15)).toBe(-1);
  });

  it('gives up on a line longer than MAX_START_LINE', () => {
    const b = enc(`INVITE sip:${'a'.repeat(MAX_START_LINE)} SIP/2.0\r\n`);
    expect(matchSipStartLine(b, 0, b.length)).toBe(-1);
    expect(matchSipStartLine(b, 0, MAX_START_LINE + 10)).toBe(-1);
  });
});

describe('findSipStart (resynchronisation)', () => {
  it('finds the next start line at a line beginning, skipping junk lines', () => {
    const s = 'a=rtpmap:0 PCMU/8000\r\nbinary\x00junk\nSIP/2.0 200 OK\r\n';
    const b = enc(s);
    expect(findSipStart(b, 0, b.length)).toBe(s.indexOf('SIP/2.0'));
  });

  it('does not match a start line that begins in the middle of a line', () => {
    const b = enc('x: INVITE sip:a@b SIP/2.0\r\nmore\r\n');
    expect(findSipStart(b, 0, b.length)).toBe(-1);
    expect(findSipStart(b, 3, b.length)).toBe(3); // `from` itself counts as a line beginning
  });

  it('returns a last line that may still become a start line, -1 when none may', () => {
    const b = enc('junk\r\nINVITE sip:bob@');
    expect(findSipStart(b, 0, b.length)).toBe(6);
    const c = enc('junk\r\nHTTP/1.1 200 OK\r\n\r\n');
    expect(findSipStart(c, 0, c.length)).toBe(-1);
  });
});

describe('sipMessageStart (datagrams and WebSocket messages)', () => {
  it('skips leading CRLF keep-alives (RFC 5626 §3.5.1) before the start line', () => {
    const b = enc('\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n\r\n');
    expect(sipMessageStart(b, 0, b.length)).toBe(4);
  });

  it('returns -1 for a keep-alive alone, junk, or a start line without its line end', () => {
    expect(sipMessageStart(enc('\r\n\r\n'), 0, 4)).toBe(-1);
    expect(sipMessageStart(enc('hello world'), 0, 11)).toBe(-1);
    const cut = enc('OPTIONS sip:a@b SIP/2.0');
    expect(sipMessageStart(cut, 0, cut.length)).toBe(-1);
  });
});

const torture = fileURLToPath(new URL('../../../shared/corpus/torture/', import.meta.url));

describe.skipIf(!existsSync(torture))('corpus: RFC 4475 / RFC 5118 torture messages', () => {
  // Not start lines on purpose: test.sip has no SIP-Version, bigcode a 10-digit Status-Code.
  const notStart = new Set(['rfc4475_test.sip', 'rfc4475_bigcode.sip']);
  const files = existsSync(torture) ? readdirSync(torture).filter((f) => f.endsWith('.sip')) : [];

  it.each(files)('%s: the first line is recognised exactly when it is a start line', (f) => {
    const b = new Uint8Array(readFileSync(torture + f));
    const lf = b.indexOf(10);
    const eol = b[lf - 1] === 13 ? lf - 1 : lf;
    expect(sipStartLineEnd(b, 0, b.length)).toBe(notStart.has(f) ? -1 : eol);
  });
});
