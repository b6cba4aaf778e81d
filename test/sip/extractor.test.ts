import { describe, expect, it } from 'vitest';
import type { Endpoint, Payload } from '../../src/decode/payload.js';
import { createSipExtractor, type FramedMessage } from '../../src/sip/extractor.js';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array): string => String.fromCharCode(...b);
const UA = { ip: '192.0.2.10', port: 5060 };
const PROXY = { ip: '192.0.2.20', port: 5060 };
const BROWSER = { ip: '2001:db8::7', port: 51000 };
const WSS = { ip: '2001:db8::1', port: 8080 };

function pl(
  transport: Payload['transport'],
  src: Endpoint,
  dst: Endpoint,
  bytes: Uint8Array | string,
  frame: number,
  extra: Partial<Payload> = {},
): Payload {
  const b = typeof bytes === 'string' ? enc(bytes) : bytes;
  return { transport, src, dst, bytes: b, frame, frames: [frame], ts: frame / 10, ...extra };
}

const options =
  'OPTIONS sip:proxy.example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKopt1\r\n' +
  'Max-Forwards: 70\r\n' +
  'To: <sip:proxy.example.com>\r\n' +
  'From: <sip:ua@example.com>;tag=1\r\n' +
  'Call-ID: opt-1@192.0.2.10\r\n' +
  'CSeq: 1 OPTIONS\r\n' +
  'Content-Length: 0\r\n' +
  '\r\n';
const ok =
  'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKopt1\r\nContent-Length: 0\r\n\r\n';

describe('createSipExtractor: datagram transports (UDP, SCTP)', () => {
  it('hands out a UDP datagram that begins with a start line, as a copy, with its frames', () => {
    const ex = createSipExtractor();
    const p = pl('udp', UA, PROXY, options, 4, { frames: [3, 4] }); // IP-reassembled from two fragments
    const out = ex.push(p);
    expect(out.length).toBe(1);
    expect(dec(out[0].bytes)).toBe(options);
    expect(out[0].bytes).not.toBe(p.bytes);
    expect(out[0].source).toEqual({
      transport: 'udp',
      src: UA,
      dst: PROXY,
      frame: 4,
      frames: [3, 4],
      ts: 0.4,
    });
    expect(ex.stats.udp).toBe(1);
  });

  it('with datagramViews, hands out views of the payload bytes (UDP and SCTP), still copying TCP', () => {
    const ex = createSipExtractor({ datagramViews: true });
    const whole = enc(`\r\n${options}`);
    const [udp] = ex.push(pl('udp', UA, PROXY, whole, 1));
    expect(dec(udp.bytes)).toBe(options);
    expect(udp.bytes.buffer).toBe(whole.buffer);
    expect(udp.bytes.byteOffset).toBe(whole.byteOffset + 2);
    const sctpBytes = enc(ok);
    const [sctp] = ex.push(pl('sctp', PROXY, UA, sctpBytes, 2));
    expect(sctp.bytes).toBe(sctpBytes);
    const tcpBytes = enc(options);
    const [tcp] = ex.push(pl('tcp', UA, PROXY, tcpBytes, 3));
    expect(dec(tcp.bytes)).toBe(options);
    expect(tcp.bytes.buffer).not.toBe(tcpBytes.buffer);
  });

  it('strips CRLF keep-alives before the start line', () => {
    const out = createSipExtractor().push(pl('udp', UA, PROXY, `\r\n${options}`, 1));
    expect(dec(out[0].bytes)).toBe(options);
  });

  it('gives nothing for keep-alive-only or junk datagrams (zeek GH-1507: junk before a request)', () => {
    const ex = createSipExtractor();
    expect(ex.push(pl('udp', UA, PROXY, '\r\n\r\n', 1))).toEqual([]);
    expect(ex.push(pl('udp', UA, PROXY, '\x00\x01\x00\x08\x21\x12\xa4\x42stun', 2))).toEqual([]);
    expect(ex.push(pl('udp', UA, PROXY, 'junk\r\nINVITE sip:a@b SIP/2.0\r\n\r\n', 3))).toEqual([]);
    expect(ex.push(pl('udp', UA, PROXY, 'HTTP/1.1 200 OK\r\n\r\n', 4))).toEqual([]);
    expect(ex.stats).toMatchObject({ keepAlives: 1, notSipDatagrams: 3, framed: 0 });
  });

  it('hands out SCTP user data as a whole message with transport sctp', () => {
    const out = createSipExtractor().push(pl('sctp', UA, PROXY, options, 2));
    expect(out.map((m) => m.source.transport)).toEqual(['sctp']);
  });
});

describe('createSipExtractor: SIP over TCP', () => {
  it('frames each direction of a connection on its own, whatever the interleaving', () => {
    const ex = createSipExtractor();
    const tcpOptions = options.replace('UDP', 'TCP');
    const out: FramedMessage[] = [];
    out.push(...ex.push(pl('tcp', UA, PROXY, tcpOptions.slice(0, 70), 1)));
    out.push(...ex.push(pl('tcp', PROXY, UA, ok.slice(0, 10), 2)));
    out.push(...ex.push(pl('tcp', UA, PROXY, tcpOptions.slice(70), 3)));
    out.push(...ex.push(pl('tcp', PROXY, UA, ok.slice(10), 4)));
    expect(out.map((m) => [dec(m.bytes), m.source.transport, m.source.frames])).toEqual([
      [tcpOptions, 'tcp', [1, 3]],
      [ok, 'tcp', [2, 4]],
    ]);
    expect(ex.stats).toMatchObject({ tcp: 2, flows: 2, flowsCreated: 2 });
  });

  it('frames a connection on any port by content (no port registry needed)', () => {
    const ex = createSipExtractor();
    const a = { ip: '10.0.0.1', port: 40000 };
    const b = { ip: '10.0.0.2', port: 6060 };
    expect(ex.push(pl('tcp', a, b, options, 1)).length).toBe(1);
  });

  it('resyncs a connection joined mid-stream (first chunk flagged gap) at the next start line', () => {
    const ex = createSipExtractor();
    const out = ex.push(pl('tcp', UA, PROXY, `a=sendrecv\r\n${options}`, 1, { gap: true }));
    expect(out.map((m) => dec(m.bytes))).toEqual([options]);
    expect(ex.stats.skippedBytes).toBe(12);
  });

  it('yields nothing for HTTP on port 5060: an HTTP start line is not a SIP start line', () => {
    const ex = createSipExtractor();
    const client = { ip: '192.0.2.99', port: 43210 };
    const out = [
      ...ex.push(pl('tcp', client, PROXY, 'GET /index.html HTTP/1.1\r\nHost: 192.0.2.20:5060\r\n\r\n', 1)),
      ...ex.push(pl('tcp', PROXY, client, 'HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n', 2)),
      ...ex.push(pl('tcp', PROXY, client, `<html>${'x'.repeat(34)}`, 3)),
      // Even SIP-looking text later in an HTTP stream is not framed.
      ...ex.push(
        pl(
          'tcp',
          client,
          PROXY,
          `POST /x HTTP/1.1\r\nContent-Length: ${options.length}\r\n\r\n${options}`,
          4,
        ),
      ),
    ];
    expect(out).toEqual([]);
    expect(ex.stats.flowsNotSip).toBe(2);
    expect(ex.stats.framed).toBe(0);
  });

  it('ignores a TLS connection (SIP on 5061) from its first record', () => {
    const ex = createSipExtractor();
    const record = new Uint8Array(300).fill(0x41);
    record.set([0x17, 0x03, 0x03, 0x01, 0x27]); // application_data, TLS 1.2, length 295
    expect(ex.push(pl('tcp', UA, { ip: '192.0.2.20', port: 5061 }, record, 1))).toEqual([]);
    expect(ex.stats).toMatchObject({ flowsNotSip: 1, ignoredBytes: 300, skippedBytes: 0 });
  });

  it('ignores a direction that never shows a start line after giveUpBytes', () => {
    const ex = createSipExtractor({ giveUpBytes: 2000 });
    const junk = new Uint8Array(1400).fill(0x00);
    for (let k = 1; k <= 4; k++) expect(ex.push(pl('tcp', UA, PROXY, junk, k))).toEqual([]);
    expect(ex.stats.flowsNotSip).toBe(1);
    expect(ex.stats.skippedBytes).toBe(2800);
    expect(ex.stats.ignoredBytes).toBe(2800);
  });

  it('forgets a direction at FIN, handing out a message cut short as body-truncated', () => {
    const ex = createSipExtractor();
    const msg = options.replace('Content-Length: 0', 'Content-Length: 10') + 'abc';
    const out = ex.push(pl('tcp', UA, PROXY, msg, 1, { fin: true }));
    expect(out.map((m) => m.framingIssue)).toEqual(['body-truncated']);
    expect(ex.stats.flows).toBe(0);
  });

  it('flush() hands out what the flows still hold and forgets them', () => {
    const ex = createSipExtractor();
    const msg = options.replace('Content-Length: 0', 'Content-Length: 10') + 'abc';
    expect(ex.push(pl('tcp', UA, PROXY, msg, 1))).toEqual([]);
    const out = ex.flush();
    expect(out.map((m) => [dec(m.bytes), m.framingIssue])).toEqual([[msg, 'body-truncated']]);
    expect(ex.stats).toMatchObject({ flows: 0, truncated: 1, tcp: 1 });
  });
});

describe('createSipExtractor: bounded flow table', () => {
  it('evicts the oldest direction when maxFlows is reached, counting it', () => {
    const ex = createSipExtractor({ maxFlows: 2 });
    for (let k = 0; k < 3; k++)
      ex.push(pl('tcp', { ip: '10.0.0.1', port: 40000 + k }, PROXY, 'OPTIONS sip:', k + 1));
    expect(ex.stats).toMatchObject({ flows: 2, flowsCreated: 3, flowsEvictedFull: 1 });
  });

  it('evicts directions idle for idleSeconds of capture time (not wall-clock time)', () => {
    const ex = createSipExtractor({ idleSeconds: 60 });
    ex.push(pl('tcp', UA, PROXY, 'OPTIONS sip:', 1, { ts: 1000 }));
    ex.push(pl('tcp', PROXY, UA, 'SIP/2.0 ', 2, { ts: 1050 }));
    ex.push(pl('udp', UA, PROXY, options, 3, { ts: 1070 }));
    ex.push(pl('tcp', { ip: '10.9.9.9', port: 1 }, PROXY, 'x', 4, { ts: 1070 }));
    expect(ex.stats).toMatchObject({ flowsEvictedIdle: 1, flows: 2 });
    // The evicted direction starts over: its old partial start line is gone.
    const out = ex.push(
      pl('tcp', UA, PROXY, 'proxy.example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n', 5, { ts: 1071 }),
    );
    expect(out).toEqual([]);
  });
});

describe('createSipExtractor: SIP over WebSocket (RFC 7118)', () => {
  const upgrade =
    'GET / HTTP/1.1\r\n' +
    'Host: [2001:db8::1]:8080\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
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
  const key = [0x0a, 0xb1, 0x5c, 0x33];
  /** RFC 6455 §5.2 text frame, FIN set; masked (client → server) when `masked`. */
  const frame = (s: string, masked: boolean): Uint8Array => {
    const p = enc(s);
    const head = p.length < 126 ? [0x81, p.length] : [0x81, 126, p.length >> 8, p.length & 0xff];
    if (masked) head[1] |= 0x80;
    const hl = head.length + (masked ? 4 : 0);
    const out = new Uint8Array(hl + p.length);
    out.set(head);
    if (masked) out.set(key, head.length);
    for (let k = 0; k < p.length; k++) out[hl + k] = masked ? p[k] ^ key[k & 3] : p[k];
    return out;
  };
  const wsInvite = options
    .replace('OPTIONS', 'MESSAGE')
    .replace('SIP/2.0/UDP 192.0.2.10:5060', 'SIP/2.0/WS a.invalid');

  it('switches both directions to WebSocket after the Upgrade / 101 handshake, transport ws', () => {
    const ex = createSipExtractor();
    const out = [
      ...ex.push(pl('tcp', BROWSER, WSS, upgrade, 4)),
      ...ex.push(pl('tcp', WSS, BROWSER, accept, 6)),
      ...ex.push(pl('tcp', BROWSER, WSS, frame(wsInvite, true).subarray(0, 60), 8)),
      ...ex.push(pl('tcp', BROWSER, WSS, frame(wsInvite, true).subarray(60), 9)),
      ...ex.push(pl('tcp', WSS, BROWSER, frame(ok, false), 10)),
    ];
    expect(out.map((m) => [dec(m.bytes), m.source.transport, m.source.frame, m.source.frames])).toEqual([
      [wsInvite, 'ws', 9, [8, 9]],
      [ok, 'ws', 10, [10]],
    ]);
    expect(ex.stats).toMatchObject({ flowsWebSocket: 2, ws: 2, tcp: 0 });
  });

  it('takes frames that share the segment of the handshake, and a handshake split over segments', () => {
    const ex = createSipExtractor();
    const first = enc(upgrade.slice(0, 30));
    const rest = new Uint8Array([...enc(upgrade.slice(30)), ...frame(wsInvite, true)]);
    expect(ex.push(pl('tcp', BROWSER, WSS, first, 1))).toEqual([]);
    const out = ex.push(pl('tcp', BROWSER, WSS, rest, 2));
    expect(out.map((m) => [dec(m.bytes), m.source.frames])).toEqual([[wsInvite, [2]]]);
  });

  it('recognises a WebSocket flow whose handshake was not captured by a SIP-carrying first frame', () => {
    const ex = createSipExtractor();
    const out = ex.push(pl('tcp', BROWSER, WSS, frame(wsInvite, true), 1, { gap: true }));
    expect(out.map((m) => m.source.transport)).toEqual(['ws']);
  });

  it('a refused upgrade (HTTP 400) leaves the server direction as plain HTTP: nothing framed', () => {
    const ex = createSipExtractor();
    ex.push(pl('tcp', BROWSER, WSS, upgrade, 1));
    const out = ex.push(
      pl('tcp', WSS, BROWSER, `HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n${ok}`, 2),
    );
    expect(out).toEqual([]);
  });
});
