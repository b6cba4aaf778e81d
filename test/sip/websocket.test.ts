import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Payload } from '../../src/decode/payload.js';
import { sniffHttpHead } from '../../src/sip/extractor.js';
import type { FramedMessage } from '../../src/sip/stream-framer.js';
import { sniffWsFrame, WsFramer } from '../../src/sip/websocket.js';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array): string => String.fromCharCode(...b);
const C = { ip: '198.51.100.7', port: 50412 };
const S = { ip: '203.0.113.5', port: 80 };

function seg(bytes: Uint8Array | string, frame: number, extra: Partial<Payload> = {}): Payload {
  const b = typeof bytes === 'string' ? enc(bytes) : bytes;
  return { transport: 'tcp', src: C, dst: S, bytes: b, frame, frames: [frame], ts: frame / 10, ...extra };
}

interface WsFrameSpec {
  fin?: boolean;
  opcode: number;
  payload: Uint8Array | string;
  /** Masking key (client → server frames MUST be masked, RFC 6455 §5.3). */
  mask?: [number, number, number, number];
  /** Force the 16- or 64-bit length form. */
  lenForm?: 7 | 16 | 64;
  rsv?: number;
}

/**
 * Builds one RFC 6455 §5.2 frame:
 *   byte 0: FIN(1) RSV1-3(3) opcode(4)
 *   byte 1: MASK(1) payload len(7): 0-125, 126 → 16-bit length follows, 127 → 64-bit length follows
 *   [2 or 8 bytes extended length, network order] [4 bytes masking key] payload (XOR key[i % 4] when masked)
 */
function wsFrame(f: WsFrameSpec): Uint8Array {
  const p = typeof f.payload === 'string' ? enc(f.payload) : f.payload;
  const form = f.lenForm ?? (p.length < 126 ? 7 : p.length < 65536 ? 16 : 64);
  const head: number[] = [((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | f.opcode];
  const m = f.mask ? 0x80 : 0;
  if (form === 7) head.push(m | p.length);
  else if (form === 16) head.push(m | 126, p.length >> 8, p.length & 0xff);
  else {
    const hi = Math.floor(p.length / 2 ** 32);
    head.push(m | 127, hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff);
    head.push(p.length >>> 24, (p.length >>> 16) & 0xff, (p.length >>> 8) & 0xff, p.length & 0xff);
  }
  if (f.mask) head.push(...f.mask);
  const out = new Uint8Array(head.length + p.length);
  out.set(head);
  for (let k = 0; k < p.length; k++) out[head.length + k] = f.mask ? p[k] ^ f.mask[k & 3] : p[k];
  return out;
}

const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const register =
  'REGISTER sip:example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKasudf3696\r\n' +
  'From: sip:alice@example.com;tag=65bnmj.34asd\r\n' +
  'To: sip:alice@example.com\r\n' +
  'Call-ID: aiuy7k9njasd\r\n' +
  'CSeq: 1 REGISTER\r\n' +
  'Max-Forwards: 70\r\n' +
  'Supported: path, outbound, gruu\r\n' +
  'Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;reg-id=1;+sip.instance="<urn:uuid:f8>"\r\n' +
  'Content-Length: 0\r\n' +
  '\r\n';
const ok = 'SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n';
const KEY: [number, number, number, number] = [0x37, 0xfa, 0x21, 0x3d];

function run(chunks: Uint8Array[], framer = new WsFramer()): FramedMessage[] {
  const out: FramedMessage[] = [];
  chunks.forEach((c, k) => {
    framer.push(seg(c, k + 1), out);
  });
  framer.flush();
  return out;
}

describe('WsFramer: RFC 6455 §5 frames carrying RFC 7118 SIP messages', () => {
  it('unmasks a masked client → server text frame into a copy (RFC 6455 §5.3)', () => {
    const frame = wsFrame({ opcode: 1, payload: register, mask: KEY });
    const out = run([frame]);
    expect(out.map((m) => dec(m.bytes))).toEqual([register]);
    expect(out[0].source).toMatchObject({ transport: 'ws', src: C, dst: S, frame: 1, frames: [1] });
    // The input frame is untouched (still masked).
    expect(frame[frame.length - 1]).toBe(
      register.charCodeAt(register.length - 1) ^ KEY[(register.length - 1) & 3],
    );
  });

  it('reads an unmasked server → client frame and a binary frame as SIP too', () => {
    const out = run([cat(wsFrame({ opcode: 1, payload: ok }), wsFrame({ opcode: 2, payload: ok }))]);
    expect(out.map((m) => dec(m.bytes))).toEqual([ok, ok]);
  });

  it('reads the 16-bit length form (126 + 2 bytes) and the 64-bit form (127 + 8 bytes)', () => {
    expect(register.length).toBeGreaterThan(125);
    const body = 'x'.repeat(70000);
    const big = `MESSAGE sip:bob@example.com SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const out = run([
      wsFrame({ opcode: 1, payload: register, mask: KEY, lenForm: 16 }),
      wsFrame({ opcode: 1, payload: big, mask: KEY, lenForm: 64 }),
      // Non-minimal 64-bit length for a short payload: accepted.
      wsFrame({ opcode: 1, payload: ok, lenForm: 64 }),
    ]);
    expect(out.map((m) => m.bytes.length)).toEqual([register.length, big.length, ok.length]);
    expect(dec(out[1].bytes)).toBe(big);
  });

  it('reassembles continuation frames into one message (RFC 6455 §5.4), with a ping interleaved', () => {
    const frames = [
      wsFrame({ fin: false, opcode: 1, payload: register.slice(0, 50), mask: KEY }),
      wsFrame({ opcode: 9, payload: 'ping', mask: KEY }), // control frame between fragments
      wsFrame({ fin: false, opcode: 0, payload: register.slice(50, 200), mask: KEY }),
      wsFrame({ opcode: 0, payload: register.slice(200), mask: KEY }),
    ];
    const framer = new WsFramer();
    const out = run(frames, framer);
    expect(out.map((m) => dec(m.bytes))).toEqual([register]);
    expect(out[0].source.frames).toEqual([1, 3, 4]);
    expect(out[0].source.frame).toBe(4);
    expect(framer.stats.wsControlFrames).toBe(1);
    expect(framer.stats.wsMessages).toBe(1);
  });

  it('ignores ping, pong and close frames', () => {
    const framer = new WsFramer();
    const out = run(
      [
        cat(
          wsFrame({ opcode: 9, payload: '' }),
          wsFrame({ opcode: 10, payload: 'x' }),
          wsFrame({ opcode: 1, payload: ok }),
          wsFrame({ opcode: 8, payload: '\x03\xe8' }),
        ),
      ],
      framer,
    );
    expect(out.map((m) => dec(m.bytes))).toEqual([ok]);
    expect(framer.stats.wsControlFrames).toBe(3);
  });

  it('reassembles a frame split over TCP segments, at every cut, completing on the last segment', () => {
    const frame = wsFrame({ opcode: 1, payload: register, mask: KEY, lenForm: 16 });
    for (let cut = 1; cut < frame.length; cut++) {
      const out = run([frame.subarray(0, cut), frame.subarray(cut)]);
      expect(out.length, `cut ${cut}`).toBe(1);
      expect(dec(out[0].bytes)).toBe(register);
      expect(out[0].source.frames).toEqual([1, 2]);
      expect(out[0].source.frame).toBe(2);
    }
  });

  it('names only the segments of each message when several frames share segments', () => {
    const a = wsFrame({ opcode: 1, payload: register, mask: KEY });
    const b = wsFrame({ opcode: 1, payload: ok, mask: KEY });
    const all = cat(a, b);
    const out = run([all.subarray(0, 10), all.subarray(10, a.length + 5), all.subarray(a.length + 5)]);
    expect(out.map((m) => m.source.frames)).toEqual([
      [1, 2],
      [2, 3],
    ]);
  });

  it('drops WebSocket messages that are not SIP, and counts CRLF keep-alive messages', () => {
    const framer = new WsFramer();
    const out = run(
      [
        cat(
          wsFrame({ opcode: 1, payload: '{"json":"not sip"}' }),
          wsFrame({ opcode: 1, payload: '\r\n\r\n' }),
          wsFrame({ opcode: 1, payload: `\r\n${ok}` }),
        ),
      ],
      framer,
    );
    expect(out.map((m) => dec(m.bytes))).toEqual([ok]);
    expect(framer.stats.wsNotSip).toBe(1);
    expect(framer.stats.keepAlives).toBe(1);
  });

  it('skips permessage-deflate (RSV1) messages and counts them', () => {
    const framer = new WsFramer();
    const out = run(
      [cat(wsFrame({ opcode: 1, rsv: 4, payload: 'compressed' }), wsFrame({ opcode: 1, payload: ok }))],
      framer,
    );
    expect(out.map((m) => dec(m.bytes))).toEqual([ok]);
    expect(framer.stats.wsCompressed).toBe(1);
  });

  it('skips a message larger than maxMessageBytes, fragments included, and frames the next one', () => {
    const framer = new WsFramer({ maxMessageBytes: 100 });
    const out = run(
      [
        wsFrame({ fin: false, opcode: 1, payload: register.slice(0, 60) }),
        wsFrame({ opcode: 0, payload: register.slice(60) }),
        wsFrame({ opcode: 1, payload: ok }),
      ],
      framer,
    );
    expect(out.map((m) => dec(m.bytes))).toEqual([ok]);
    expect(framer.stats.oversize).toBe(1);
  });

  it('after a gap, drops the partial frame and resumes at a chunk that begins with a SIP frame', () => {
    const framer = new WsFramer();
    const a = wsFrame({ opcode: 1, payload: register, mask: KEY });
    const out: FramedMessage[] = [];
    framer.push(seg(a.subarray(0, 100), 1), out);
    framer.push(seg(a.subarray(150), 3, { gap: true }), out); // lost 100..150: the rest is not a frame start
    framer.push(seg(wsFrame({ opcode: 1, payload: ok, mask: KEY }), 4), out);
    expect(out.map((m) => dec(m.bytes))).toEqual([ok]);
    expect(out[0].source.frames).toEqual([4]);
    expect(framer.stats.skippedBytes).toBe(a.length - 50);
  });

  it('a reserved opcode is a protocol error: counted, then resynchronised', () => {
    const framer = new WsFramer();
    const out = run([wsFrame({ opcode: 3, payload: 'x' }), wsFrame({ opcode: 1, payload: ok })], framer);
    expect(out.map((m) => dec(m.bytes))).toEqual([ok]);
    expect(framer.stats.wsProtocolErrors).toBe(1);
  });

  it('any chunking of a frame stream gives the same messages; random bytes never throw', () => {
    const stream = cat(
      wsFrame({ opcode: 1, payload: register, mask: KEY }),
      wsFrame({ opcode: 9, payload: 'p', mask: KEY }),
      wsFrame({ fin: false, opcode: 1, payload: ok.slice(0, 7), mask: KEY }),
      wsFrame({ opcode: 0, payload: ok.slice(7), mask: KEY, lenForm: 64 }),
      wsFrame({ opcode: 2, payload: register, lenForm: 16 }),
    );
    const expected = [register, ok, register];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 30 }), (cuts) => {
        const points = [...new Set(cuts)].sort((x, y) => x - y);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          chunks.push(stream.subarray(prev, p));
          prev = p;
        }
        expect(run(chunks).map((m) => dec(m.bytes))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean()), { maxLength: 20 }),
        (ps) => {
          const framer = new WsFramer({ maxMessageBytes: 1000 });
          const out: FramedMessage[] = [];
          ps.forEach(([b, gap], k) => {
            framer.push(seg(b, k + 1, { gap }), out);
          });
          framer.flush();
          for (const m of out) expect(m.source.frames.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('sniffHttpHead: the RFC 6455 §4 opening handshake', () => {
  const upgrade =
    'GET /ws HTTP/1.1\r\n' +
    'Host: proxy.example.com\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
    'Origin: http://www.example.com\r\n' +
    'Sec-WebSocket-Protocol: sip\r\n' +
    'Sec-WebSocket-Version: 13\r\n' +
    '\r\n';
  const accept =
    'HTTP/1.1 101 Switching Protocols\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
    'Sec-WebSocket-Protocol: sip\r\n' +
    '\r\n';
  const h = (s: string) => sniffHttpHead(enc(s), 0, s.length);

  it('recognises a GET with Upgrade: websocket and Sec-WebSocket-Protocol: sip (RFC 7118 §4)', () => {
    expect(h(upgrade)).toEqual({ kind: 'ws-upgrade', end: upgrade.length, sipProtocol: true });
    expect(h(upgrade.replace('Upgrade: websocket', 'upgrade:WebSocket')).kind).toBe('ws-upgrade');
  });

  it('recognises the 101 Switching Protocols answer', () => {
    expect(h(accept)).toEqual({ kind: 'ws-accept', end: accept.length, sipProtocol: true });
  });

  it('classifies plain HTTP as http, other bytes as not-http, partial heads as need-more', () => {
    expect(h('GET / HTTP/1.1\r\nHost: a\r\n\r\n').kind).toBe('http');
    expect(h('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi').kind).toBe('http');
    expect(h('INVITE sip:a@b SIP/2.0\r\n\r\n').kind).toBe('not-http');
    expect(h('\x16\x03\x01\x02\x00').kind).toBe('not-http');
    expect(h(upgrade.slice(0, 40)).kind).toBe('need-more');
    expect(h('GET /w').kind).toBe('need-more');
    expect(h('HTTP/1').kind).toBe('need-more');
  });
});

describe('sniffWsFrame: WebSocket without a captured handshake', () => {
  it('accepts a data frame whose unmasked payload begins like SIP, or a control frame', () => {
    const f = wsFrame({ opcode: 1, payload: register, mask: KEY });
    expect(sniffWsFrame(f, 0, f.length)).toBe(1);
    const p = wsFrame({ opcode: 9, payload: '' });
    expect(sniffWsFrame(p, 0, p.length)).toBe(1);
  });

  it('rejects text that is not a frame and frames that do not carry SIP', () => {
    const sip = enc(register);
    expect(sniffWsFrame(sip, 0, sip.length)).toBe(0);
    const j = wsFrame({ opcode: 1, payload: '{"type":"hello","data":[1,2,3]}' });
    expect(sniffWsFrame(j, 0, j.length)).toBe(0);
  });

  it('asks for more bytes when the frame head or the payload start is cut', () => {
    const f = wsFrame({ opcode: 1, payload: register, mask: KEY });
    expect(sniffWsFrame(f, 0, 3)).toBe(-2);
    expect(sniffWsFrame(f, 0, 10)).toBe(-2);
  });
});
