/**
 * dtls.setup-role-mismatch (RFC 5763 §5: "Whichever party is active MUST
 * initiate a DTLS handshake by sending a ClientHello over each flow"), end
 * to end from captures of the DTLS-SRTP call's generator
 * (test/fixtures/dtls-role-calls.ts; ladders there): the INVITE (message 0)
 * offers a=setup:actpass from 10.0.0.1:49170, the 200 OK (message 3)
 * answers from 10.0.0.2:3456.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { bothClientsFrames, rolesSwappedFrames } from '../fixtures/dtls-role-calls.js';
import { dtlsSdp, dtlsSrtpCallFrames, handshakeFrames, sdpAnswering } from '../fixtures/dtls-srtp-call.js';
import { flowToFrames, type TimedFrame } from '../fixtures/flow-capture.js';
import { T0 } from '../fixtures/flows/builder.js';
import { dtmfCall } from '../fixtures/flows/dtmf-flows.js';
import { byTime } from '../fixtures/rtp-frames.js';
import { captureWriter } from '../fixtures/srtp-call.js';

const write = captureWriter('sipscope-dtls-roles-');
/** Bytes 14-25 Ethernet+IPv4 up to the addresses; 26-29 the source, 42 the first UDP payload byte. */
const isFromCaller = (f: TimedFrame) =>
  Buffer.from(f.data.subarray(26, 30)).equals(Buffer.from([10, 0, 0, 1]));
/** RFC 7983 §7: a first payload byte 20 to 63 is DTLS. */
const isDtls = (f: TimedFrame) => f.data.length > 42 && f.data[42] >= 20 && f.data[42] <= 63;
/** Capture time of the 200 OK (the answer) of the call. */
const answerAt = () => {
  const f = flowToFrames(dtmfCall(T0, dtlsSdp)).find((x) => Buffer.from(x.data).includes('SIP/2.0 200 OK'));
  if (f === undefined) throw new Error('no 200 OK in the call');
  return f.sec + f.nsec / 1e9;
};
const RULE = 'dtls.setup-role-mismatch';
const HEAD = 'm=audio (line 1, UDP/TLS/RTP/SAVP): the offer says a=setup:actpass and the answer a=setup:';
const PASSIVE = `${HEAD}passive, so the offerer 10.0.0.1:49170 is the DTLS client and the answerer 10.0.0.2:3456 the DTLS server, `;

/** The findings of the rule on a capture of `frames`. */
const roleFindings = async (name: string, frames: TimedFrame[]) =>
  (await analyzeCapture(write(name, frames))).findings.filter((f) => f.rule === RULE);

/** One error on the INVITE and the 200 OK, in call 0, saying `text`. */
function expectOne(fs: Awaited<ReturnType<typeof roleFindings>>, text: string): void {
  expect(fs.map((f) => [f.severity, f.messages, f.call, f.text])).toEqual([['error', [0, 3], 0, text]]);
}

/** The call answered a=setup:passive with the answer's SDP edited by `edit`, and the real handshake. */
const passiveAnswerEdited = (edit: (sdp: string) => string): TimedFrame[] => {
  const sdp: typeof dtlsSdp = (...args) => {
    const s = sdpAnswering('ivr', 'passive')(...args);
    return args[1] === 3456 ? edit(s) : s;
  };
  return byTime(flowToFrames(dtmfCall(T0, sdp)), handshakeFrames());
};

describe('dtls.setup-role-mismatch: RFC 5763 §5 whichever party is active sends the ClientHello', () => {
  it('answer passive, yet the answerer sends the ClientHello and the offerer answers as server: one error on offer and answer', async () => {
    // Frames 5 to 8: ClientHello, HelloVerifyRequest, ClientHello with the cookie, ServerHello.
    expectOne(
      await roleFindings('swapped.pcap', rolesSwappedFrames()),
      `${PASSIVE}but the answerer sent the ClientHello (frame 5) and the offerer sent a ServerHello (frame 8): the roles were taken the other way round`,
    );
  });

  it('answer active, and each side sends a ClientHello: both act as client, one error', async () => {
    expectOne(
      await roleFindings('both.pcap', bothClientsFrames()),
      `${HEAD}active, so the answerer 10.0.0.2:3456 is the DTLS client and the offerer 10.0.0.1:49170 the DTLS server, ` +
        'but both sent a ClientHello (the offerer in frame 6, the answerer in frame 5): both act as DTLS client and no key is agreed',
    );
  });

  it('answer passive, the answerer alone sends ClientHellos and the offerer nothing: one error', async () => {
    const ivrHellos = bothClientsFrames().filter((f) => isDtls(f) && !isFromCaller(f));
    const answered = byTime(flowToFrames(dtmfCall(T0, sdpAnswering('ivr', 'passive'))), ivrHellos);
    expectOne(
      await roleFindings('lone.pcap', answered),
      `${PASSIVE}but the answerer sent a ClientHello (frame 5) and the offerer sent no hello`,
    );
  });

  it('the ClientHello overtakes the 200 OK (an active answerer starts at once): still judged against that answer', async () => {
    const early = byTime(
      flowToFrames(dtmfCall(T0, sdpAnswering('ivr', 'passive'))),
      handshakeFrames(answerAt() - 0.05),
    );
    const fs = await roleFindings('early.pcap', early);
    expect(fs.map((f) => [f.messages, f.text.endsWith('the roles were taken the other way round')])).toEqual([
      [[0, 3], true],
    ]);
  });

  it('must not: the DTLS-SRTP call, answer active and the answerer sends the ClientHello', async () => {
    expect(await roleFindings('call.pcap', dtlsSrtpCallFrames())).toEqual([]);
  });

  it('must not: the answer without a=setup decides nothing said here, whoever sends the ClientHello', async () => {
    const frames = passiveAnswerEdited((s) => s.replace(/a=setup:[^\r]*\r\n/, ''));
    expect(await roleFindings('nosetup.pcap', frames)).toEqual([]);
  });

  it('must not: the answer declines the stream with port 0', async () => {
    const frames = passiveAnswerEdited((s) => s.replace(/m=audio 3456/, 'm=audio 0'));
    expect(await roleFindings('declined.pcap', frames)).toEqual([]);
  });

  it('must not: the answer passive and no hello at all on the media addresses', async () => {
    const frames = flowToFrames(dtmfCall(T0, sdpAnswering('ivr', 'passive')));
    expect(await roleFindings('silent.pcap', frames)).toEqual([]);
  });
});
