import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Payload } from '../../src/decode/payload.js';
import { CL_INVALID, CL_MISSING, findHeaderEnd, parseContentLength } from '../../src/sip/sniff.js';
import { type FramedMessage, StreamFramer } from '../../src/sip/stream-framer.js';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array): string => String.fromCharCode(...b);
const A = { ip: '192.0.2.1', port: 5060 };
const B = { ip: '192.0.2.2', port: 5060 };

/** One TCP chunk as the decoder hands it over, arriving in frame `frame` at `frame/10` s. */
function seg(bytes: Uint8Array | string, frame: number, extra: Partial<Payload> = {}): Payload {
  const b = typeof bytes === 'string' ? enc(bytes) : bytes;
  return { transport: 'tcp', src: A, dst: B, bytes: b, frame, frames: [frame], ts: frame / 10, ...extra };
}

/** Feeds `chunks` as frames 1..n and returns everything framed, flush included. */
function frameAll(chunks: (Uint8Array | string)[], framer = new StreamFramer()): FramedMessage[] {
  const out: FramedMessage[] = [];
  chunks.forEach((c, k) => {
    framer.push(seg(c, k + 1), out);
  });
  framer.flush(out);
  return out;
}

const sdp =
  'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function invite(cseq = 1, body = sdp, clHeader = `Content-Length: ${body.length}`): string {
  return (
    'INVITE sip:bob@biloxi.example.com SIP/2.0\r\n' +
    'Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n' +
    'Max-Forwards: 70\r\n' +
    'To: Bob <sip:bob@biloxi.example.com>\r\n' +
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n' +
    `CSeq: ${cseq} INVITE\r\n` +
    'Contact: <sip:alice@192.0.2.1;transport=tcp>\r\n' +
    'Content-Type: application/sdp\r\n' +
    `${clHeader}\r\n` +
    '\r\n' +
    body
  );
}

const trying =
  'SIP/2.0 100 Trying\r\n' +
  'Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n' +
  'To: Bob <sip:bob@biloxi.example.com>\r\n' +
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n' +
  'CSeq: 1 INVITE\r\n' +
  'Content-Length: 0\r\n' +
  '\r\n';

describe('StreamFramer: RFC 3261 §18.3 framing by Content-Length', () => {
  it('cuts several messages coalesced in one segment, each with its own body', () => {
    const out = frameAll([invite(1) + trying + invite(2)]);
    expect(out.map((m) => dec(m.bytes))).toEqual([invite(1), trying, invite(2)]);
    for (const m of out) {
      expect(m.source).toMatchObject({ transport: 'tcp', src: A, dst: B, frame: 1, frames: [1], ts: 0.1 });
      expect(m.framingIssue).toBeUndefined();
    }
  });

  it('reassembles one message split at every possible point, including inside CRLFCRLF and Content-Length', () => {
    const msg = invite();
    const splits = [
      msg.indexOf('\r\n\r\n') + 1, // between CR and LF of the first CRLF
      msg.indexOf('\r\n\r\n') + 2, // between the two CRLFs
      msg.indexOf('\r\n\r\n') + 3, // inside the second CRLF
      msg.indexOf('Content-Length') + 4, // inside the header name
      msg.indexOf('Content-Length') + 15, // between ":" and the value
      msg.indexOf('Content-Length') + 17, // inside the value digits
    ];
    for (let cut = 1; cut < msg.length; cut++) splits.push(cut);
    for (const cut of splits) {
      const out = frameAll([msg.slice(0, cut), msg.slice(cut)]);
      expect(out.length, `cut at ${cut}`).toBe(1);
      expect(dec(out[0].bytes)).toBe(msg);
      expect(out[0].source.frames).toEqual([1, 2]);
      expect(out[0].source.frame).toBe(2);
      expect(out[0].source.ts).toBe(0.2);
    }
  });

  it('reassembles a message delivered one byte per segment', () => {
    const msg = invite();
    const out = frameAll([...msg]);
    expect(out.length).toBe(1);
    expect(dec(out[0].bytes)).toBe(msg);
    expect(out[0].source.frames.length).toBe(msg.length);
    expect(out[0].source.frame).toBe(msg.length);
  });

  it('reassembles a 64 KiB body spread over 46 segments, naming every frame and completing on the last', () => {
    const body = 'x'.repeat(65536);
    const msg = enc(invite(1, body));
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < msg.length; o += 1448) chunks.push(msg.subarray(o, o + 1448));
    const out = frameAll([...chunks, trying]);
    expect(out.length).toBe(2);
    expect(out[0].bytes).toEqual(msg);
    expect(out[0].source.frames).toEqual(chunks.map((_, k) => k + 1));
    expect(out[0].source.frame).toBe(chunks.length);
    expect(dec(out[1].bytes)).toBe(trying);
    expect(out[1].source.frames).toEqual([chunks.length + 1]);
  });

  it('names, for a message ending inside a segment, the frames of both segments and keeps the rest for the next', () => {
    const a = invite(1);
    const b = trying;
    const out = frameAll([a.slice(0, 100), a.slice(100) + b.slice(0, 10), b.slice(10)]);
    expect(out.map((m) => m.source.frames)).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(out.map((m) => m.source.frame)).toEqual([2, 3]);
  });

  it('copies the message bytes (mutating the segment afterwards changes nothing)', () => {
    const seg1 = enc(trying + trying.slice(0, 20));
    const framer = new StreamFramer();
    const out = framer.push(seg(seg1, 1));
    seg1.fill(0x41);
    framer.push(seg(trying.slice(20), 2), out);
    expect(out.map((m) => dec(m.bytes))).toEqual([trying, trying]);
  });

  it('takes an IP-fragmented segment frames list as is and reports the highest frame as completing', () => {
    const framer = new StreamFramer();
    const out = framer.push({ ...seg(trying.slice(0, 50), 9), frames: [7, 9] });
    framer.push(seg(trying.slice(50), 8), out); // delivered late by the reassembler
    expect(out[0].source.frames).toEqual([7, 8, 9]);
    expect(out[0].source.frame).toBe(9);
    expect(out[0].source.ts).toBeCloseTo(0.9);
  });
});

describe('StreamFramer: Content-Length header forms', () => {
  it('reads the compact form "l" (RFC 3261 §7.3.3) and is case-insensitive (§7.3.1)', () => {
    for (const h of ['l: 5', 'L:5', 'content-length: 5', 'CONTENT-LENGTH  :  5', 'Content-Length:\t5 ']) {
      const msg = invite(1, 'hello', h);
      const out = frameAll([msg + trying]);
      expect(
        out.map((m) => dec(m.bytes)),
        h,
      ).toEqual([msg, trying]);
    }
  });

  it('only counts a Content-Length at a header line start (not X-Content-Length, not a folded line)', () => {
    const msg = invite(1, '', 'X-Content-Length: 99\r\nSubject: a\r\n l: 77\r\nContent-Length: 0');
    expect(frameAll([msg + trying]).map((m) => dec(m.bytes))).toEqual([msg, trying]);
  });

  it('parseContentLength: first occurrence, missing, invalid, folded value (SWS)', () => {
    const hb = (s: string) => {
      const b = enc(`${s}\r\n\r\n`);
      return parseContentLength(b, 0, b.length);
    };
    expect(hb('Via: x\r\nContent-Length: 12\r\nl: 3')).toBe(12);
    expect(hb('Via: x')).toBe(CL_MISSING);
    expect(hb('Content-Length: abc')).toBe(CL_INVALID);
    expect(hb('Content-Length: 12abc')).toBe(CL_INVALID);
    expect(hb('Content-Length:')).toBe(CL_INVALID);
    expect(hb('Content-Length:\r\n  42')).toBe(42);
    expect(hb('Lines: 4')).toBe(CL_MISSING);
  });

  it('findHeaderEnd: CRLFCRLF, LFLF and mixed forms; -1 while incomplete', () => {
    const f = (s: string) => findHeaderEnd(enc(s), 0, s.length);
    expect(f('A\r\nB: c\r\n\r\nbody')).toBe(11);
    expect(f('A\nB: c\n\nbody')).toBe(8);
    expect(f('A\r\nB: c\n\r\nbody')).toBe(10);
    expect(f('A\r\nB: c\r\n\r')).toBe(-1);
    expect(f('A\r\nB: c\r\n')).toBe(-1);
  });
});

describe('StreamFramer: tolerated deviations', () => {
  it('frames a message with LF-only line ends (LFLF ends the headers)', () => {
    const msg = 'OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h\nContent-Length: 2\n\nhi';
    expect(frameAll([msg + trying]).map((m) => dec(m.bytes))).toEqual([msg, trying]);
  });

  it('treats a missing Content-Length as an empty body and flags it (content-length-missing)', () => {
    const msg = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP h\r\nCSeq: 1 BYE\r\n\r\n';
    const out = frameAll([msg + trying]);
    expect(out.map((m) => dec(m.bytes))).toEqual([msg, trying]);
    expect(out.map((m) => m.framingIssue)).toEqual(['content-length-missing', undefined]);
  });

  it('treats a non-numeric Content-Length as an empty body, flags it, and resyncs past the body', () => {
    const framer = new StreamFramer();
    const msg = invite(1, 'v=0\r\n', 'Content-Length: three');
    const out = frameAll([msg + trying], framer);
    expect(out.map((m) => m.framingIssue)).toEqual(['content-length-invalid', undefined]);
    expect(dec(out[0].bytes)).toBe(msg.slice(0, -5));
    expect(dec(out[1].bytes)).toBe(trying);
    expect(framer.stats.skippedBytes).toBe(5);
  });
});

describe('StreamFramer: keep-alives, gaps and resynchronisation', () => {
  it('skips RFC 5626 §3.5.1 CRLF keep-alives (double-CRLF ping, single-CRLF pong) between messages', () => {
    const framer = new StreamFramer();
    const out = frameAll(['\r\n\r\n', trying, '\r\n', '\r\n\r\n' + trying + '\r\n'], framer);
    expect(out.map((m) => dec(m.bytes))).toEqual([trying, trying]);
    expect(out.map((m) => m.source.frame)).toEqual([2, 4]);
    expect(framer.stats.keepAlives).toBe(4);
    expect(framer.stats.skippedBytes).toBe(0);
  });

  it('drops garbage before a start line and counts the bytes', () => {
    const framer = new StreamFramer();
    const junk = '\x00\x01binary junk\r\nmore junk line\r\n';
    const out = frameAll([junk + trying], framer);
    expect(out.map((m) => dec(m.bytes))).toEqual([trying]);
    expect(framer.stats.skippedBytes).toBe(junk.length);
    expect(framer.stats.resyncs).toBe(1);
  });

  it('after a gap, drops a partial header block and resyncs at the next start line', () => {
    const framer = new StreamFramer();
    const a = invite(1);
    const out: FramedMessage[] = [];
    framer.push(seg(a.slice(0, 120), 1), out);
    // Bytes lost: the next chunk starts in the middle of some body, then a 100 Trying.
    const tail = 'rtpmap:0 PCMU/8000\r\n';
    framer.push(seg(tail + trying, 3, { gap: true }), out);
    expect(out.map((m) => dec(m.bytes))).toEqual([trying]);
    expect(out[0].source.frames).toEqual([3]);
    expect(framer.stats.skippedBytes).toBe(120 + tail.length);
  });

  it('after a gap inside a body, hands out the message with what arrived, flagged body-truncated', () => {
    const framer = new StreamFramer();
    const a = invite(1);
    const cut = a.length - 20;
    const out: FramedMessage[] = [];
    framer.push(seg(a.slice(0, cut), 1), out);
    framer.push(seg(trying, 2, { gap: true }), out);
    expect(out.map((m) => m.framingIssue)).toEqual(['body-truncated', undefined]);
    expect(dec(out[0].bytes)).toBe(a.slice(0, cut));
    expect(dec(out[1].bytes)).toBe(trying);
    expect(framer.stats.truncated).toBe(1);
  });

  it('a gap chunk that begins with a start line is framed from its first byte', () => {
    const out = new StreamFramer().push(seg(trying, 5, { gap: true }));
    expect(out.map((m) => dec(m.bytes))).toEqual([trying]);
  });

  it('keeps an incomplete start line at the end of a chunk instead of treating it as junk', () => {
    expect(frameAll(['junk\r\nSIP/2', '.0 100 Trying\r\nContent-Length: 0\r\n\r\n']).length).toBe(1);
  });

  it('on FIN, hands out a message whose body is cut short, drops a partial header block', () => {
    const framer = new StreamFramer();
    const a = invite(1);
    const out = framer.push(seg(a.slice(0, a.length - 5), 1, { fin: true }));
    expect(out.map((m) => m.framingIssue)).toEqual(['body-truncated']);
    const out2 = new StreamFramer().push(seg(a.slice(0, 40), 1, { fin: true }));
    expect(out2).toEqual([]);
  });
});

describe('StreamFramer: bounds (drop and count)', () => {
  it('skips a message whose Content-Length exceeds maxMessageBytes and frames the next one', () => {
    const framer = new StreamFramer({ maxMessageBytes: 2000 });
    const big = invite(1, 'y'.repeat(5000));
    const chunks: string[] = [];
    const all = big + trying;
    for (let o = 0; o < all.length; o += 700) chunks.push(all.slice(o, o + 700));
    const out = frameAll(chunks, framer);
    expect(out.map((m) => dec(m.bytes))).toEqual([trying]);
    expect(framer.stats.oversize).toBe(1);
    expect(framer.stats.skippedBytes).toBe(big.length);
  });

  it('drops a header block that never ends within maxHeaderBytes', () => {
    const framer = new StreamFramer({ maxHeaderBytes: 1000 });
    const endless = `OPTIONS sip:a@b SIP/2.0\r\n${'X-Filler: zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\r\n'.repeat(40)}`;
    const out = frameAll([endless.slice(0, 900), endless.slice(900), '\r\n', trying], framer);
    expect(out.map((m) => dec(m.bytes))).toEqual([trying]);
    expect(framer.stats.oversize).toBe(1);
  });

  it('gives up on a stream with no SIP start line after giveUpBytes (e.g. TLS)', () => {
    const framer = new StreamFramer({ giveUpBytes: 4096 });
    const tls = new Uint8Array(1400).fill(0x17);
    for (let k = 1; k <= 5; k++) framer.push(seg(tls, k));
    expect(framer.dead).toBe(true);
    framer.push(seg(trying, 6));
    expect(framer.stats.framed).toBe(0);
    expect(framer.stats.ignoredBytes).toBeGreaterThan(0);
  });
});

describe('StreamFramer: properties', () => {
  const stream = invite(1) + '\r\n\r\n' + trying + invite(2, 'z'.repeat(3000)) + '\r\n' + trying;
  const bytes = enc(stream);
  const expected = frameAll([stream]).map((m) => dec(m.bytes));

  it('any chunking of a valid stream gives the same messages', () => {
    expect(expected.length).toBe(4);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((x, y) => x - y);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          chunks.push(bytes.subarray(prev, p));
          prev = p;
        }
        const out = frameAll(chunks);
        expect(out.map((m) => dec(m.bytes))).toEqual(expected);
        // Each message names a contiguous run of frames, completing on the last.
        for (const m of out) expect(m.source.frame).toBe(m.source.frames[m.source.frames.length - 1]);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes, chunks and gaps never throw, and every framed message begins with a start line', () => {
    const alphabet = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom(enc('\r\n'), enc('\r\n\r\n'), enc(trying), enc('Content-Length: 99999999999\r\n')),
      fc.constantFrom(enc('INVITE sip:a@b SIP/2.0\r\n'), enc('l: 3\r\n\r\n'), enc('SIP/2.0 200 OK\r\n')),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(alphabet, fc.boolean(), fc.boolean()), { maxLength: 30 }), (pieces) => {
        const framer = new StreamFramer({ maxMessageBytes: 4096, maxHeaderBytes: 1024, giveUpBytes: 0 });
        const out: FramedMessage[] = [];
        pieces.forEach(([b, gap, fin], k) => {
          framer.push(seg(b, k + 1, { gap, fin }), out);
        });
        framer.flush(out);
        for (const m of out) {
          expect(/^[!-~]+ /.test(dec(m.bytes.subarray(0, 30)))).toBe(true);
          expect(m.source.frames.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
