/**
 * The captures of the browser benchmark (test/bench/bench-browser.mjs),
 * written with the project's pcap writer into .bench/ and reused:
 *
 * - `long-call-1000.pcap`: one call of exactly 1,000 messages: INVITE, 100,
 *   180, 200, ACK, then 496 INFO/200 pairs, BYE, 200 and one retransmitted
 *   200 of the BYE;
 * - `calls-100000.pcap`: 100,000 short calls (OPTIONS or MESSAGE, each
 *   answered 200), 10 ms apart, from 500 users.
 *
 *   node --import tsx test/bench/make-browser-captures.ts [dir]
 */

import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LinkType } from '../../src/capture/link-types.js';
import { encodePcapHeader, encodePcapRecord, writePcap } from '../../src/capture/pcap-writer.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import type { RequestSpec } from '../fixtures/flows/builder.js';
import {
  ALICE,
  BOB,
  Flow,
  nameAddr,
  request,
  response,
  SDP_HEADERS,
  sdp,
  via,
} from '../fixtures/flows/builder.js';
import { ethernetIpv4Udp } from '../helpers/packet-builders.js';

export const LONG_CALL = 'long-call-1000.pcap';
export const MANY_CALLS = 'calls-100000.pcap';
export const MANY = 100_000;

export function longCallBytes(): Uint8Array {
  const f = new Flow();
  const callId = 'long-1@10.0.0.1';
  const inv: RequestSpec = {
    method: 'INVITE',
    uri: 'sip:bob@10.0.0.2',
    via: [via(ALICE, 'z9hG4bKlong0')],
    from: nameAddr('sip:alice@example.com', 'la', 'Alice'),
    to: nameAddr('sip:bob@example.com'),
    callId,
    cseq: 1,
    headers: [['Contact', '<sip:alice@10.0.0.1>'], ['User-Agent', 'AliceUA/1.0'], ...SDP_HEADERS],
    body: sdp(ALICE, 49170),
  };
  const ans = {
    toTag: 'lb',
    headers: [['Contact', '<sip:bob@10.0.0.2>'] as const, ['Server', 'BobPhone/2.0'] as const],
  };
  let t = 0;
  f.add(t, ALICE, BOB, request(inv));
  f.add((t += 0.01), BOB, ALICE, response(inv, 100, 'Trying'));
  f.add((t += 0.05), BOB, ALICE, response(inv, 180, 'Ringing', ans));
  f.add(
    (t += 1),
    BOB,
    ALICE,
    response(inv, 200, 'OK', { ...ans, headers: [...ans.headers, ...SDP_HEADERS], body: sdp(BOB, 3456) }),
  );
  const d = { from: inv.from, to: nameAddr('sip:bob@example.com', 'lb'), callId };
  f.add(
    (t += 0.01),
    ALICE,
    BOB,
    request({ ...d, method: 'ACK', uri: 'sip:bob@10.0.0.2', via: [via(ALICE, 'z9hG4bKlongack')], cseq: 1 }),
  );
  for (let i = 0; i < 496; i++) {
    const info: RequestSpec = {
      ...d,
      method: 'INFO',
      uri: 'sip:bob@10.0.0.2',
      via: [via(ALICE, `z9hG4bKlonginfo${i}`)],
      cseq: 2 + i,
      headers: [['Content-Type', 'application/dtmf-relay']],
      body: `Signal=${i % 10}\r\nDuration=160\r\n`,
    };
    f.add((t += 0.2), ALICE, BOB, request(info));
    f.add((t += 0.01), BOB, ALICE, response(info, 200, 'OK'));
  }
  const bye: RequestSpec = {
    ...d,
    method: 'BYE',
    uri: 'sip:bob@10.0.0.2',
    via: [via(ALICE, 'z9hG4bKlongbye')],
    cseq: 600,
  };
  f.add((t += 1), ALICE, BOB, request(bye));
  const ok = response(bye, 200, 'OK');
  f.add((t += 0.01), BOB, ALICE, ok);
  f.add((t += 0.5), BOB, ALICE, ok);
  if (f.messages.length !== 1000) throw new Error(`long call has ${f.messages.length} messages, not 1000`);
  return writePcap(flowToFrames(f.messages), { linkType: LinkType.ETHERNET });
}

/** Streams `count` two-message calls to `file` (frames built directly: parsing 200k fixtures would be slow). */
export async function writeManyCalls(file: string, count = MANY): Promise<void> {
  const out = createWriteStream(file);
  const opts = { linkType: LinkType.ETHERNET };
  const put = async (b: Uint8Array) => {
    if (!out.write(b)) await once(out, 'drain');
  };
  await put(encodePcapHeader(opts));
  const t0 = 1_700_000_000;
  for (let i = 0; i < count; i++) {
    const method = i % 2 ? 'MESSAGE' : 'OPTIONS';
    const user = `user${i % 500}`;
    const ip = `10.1.${(i >> 8) & 255}.${i & 255}`;
    const callId = `bench-${i}@${ip}`;
    const common =
      `Via: SIP/2.0/UDP ${ip}:5060;branch=z9hG4bKb${i}\r\n` + `From: <sip:${user}@example.com>;tag=f${i}\r\n`;
    const tail = `Call-ID: ${callId}\r\nCSeq: 1 ${method}\r\n`;
    const req =
      `${method} sip:svc@10.0.0.2 SIP/2.0\r\n${common}Max-Forwards: 70\r\nTo: <sip:svc@example.com>\r\n${tail}` +
      `User-Agent: bench/${i % 7}\r\nContent-Length: 0\r\n\r\n`;
    const res = `SIP/2.0 200 OK\r\n${common}To: <sip:svc@example.com>;tag=t${i}\r\n${tail}Content-Length: 0\r\n\r\n`;
    const us = i * 10_000;
    const sec = t0 + Math.floor(us / 1e6);
    const nsec = (us % 1e6) * 1000;
    await put(
      encodePcapRecord(
        {
          sec,
          nsec,
          data: ethernetIpv4Udp({ src: ip, dst: '10.0.0.2', sport: 5060, dport: 5060, payload: req }),
        },
        opts,
      ),
    );
    await put(
      encodePcapRecord(
        {
          sec,
          nsec: nsec + 2_000_000,
          data: ethernetIpv4Udp({ src: '10.0.0.2', dst: ip, sport: 5060, dport: 5060, payload: res }),
        },
        opts,
      ),
    );
  }
  out.end();
  await once(out, 'finish');
}

/** Makes whichever of the two captures is missing in `dir`; returns their paths. */
export async function makeBrowserCaptures(dir: string): Promise<{ longCall: string; manyCalls: string }> {
  mkdirSync(dir, { recursive: true });
  const longCall = join(dir, LONG_CALL);
  const manyCalls = join(dir, MANY_CALLS);
  if (!existsSync(longCall)) writeFileSync(longCall, longCallBytes());
  if (!existsSync(manyCalls)) {
    // Written aside and renamed, so an interrupted run never leaves a short capture to reuse.
    await writeManyCalls(`${manyCalls}.tmp`);
    renameSync(`${manyCalls}.tmp`, manyCalls);
  }
  return { longCall, manyCalls };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const dir = resolve(process.argv[2] ?? '.bench');
  const made = await makeBrowserCaptures(dir);
  console.log(JSON.stringify(made));
}
