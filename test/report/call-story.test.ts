/**
 * "What happened" (src/report/call-story.ts): a call told in sentences from
 * its JSON contract fields, checked on named flows analysed end to end, one
 * per call state of README "Correlation" (RFC 3261: §13 INVITE, §9 CANCEL,
 * §8.1.3.4 redirection, §22 authentication, §14 re-INVITE, §15 BYE), and on
 * the sentences that must not be said (a 487 of a losing fork is not how the
 * call ended; the INVITE after a 302 is not a re-INVITE).
 *
 *   alice 10.0.0.1                          bob 10.0.0.2
 *     |--INVITE------------------------------>|   "AliceUA/1.0 (10.0.0.1:5060) called …"
 *     |<-----------------100 Trying / 180-----|   "rang after 20 ms (180 Ringing …)"
 *     |<-----------------200 OK | 486 | 403---|   the outcome, by the call's state
 *     |--ACK--------------------------------->|
 *     |--BYE--------------------------------->|   "the caller hung up after 9.99 s …"
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callStory, type StoryCall, type StoryStream, spanText } from '../../src/report/call-story.js';
import type { SipMessage } from '../../src/sip/message.js';
import {
  basicCall,
  cancelledCall,
  forkedInvite,
  parsed,
  redirect302,
  registerWithChallenge,
  reinviteHoldAndInfo,
} from '../fixtures/flows/index.js';
import { contractOfFile, contractOfFlow, detailOf } from '../web/contract.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

async function storyOf(flow: SipMessage[], call = 0) {
  const d = detailOf(await contractOfFlow(flow), call);
  return { call: d.call, story: callStory(d.call, d.messages, d.streams ?? [], d.findings) };
}

/** The basic call with its 200 OK turned into another final response (no SDP, no ACK, no BYE). */
function answeredWith(status: string): SipMessage[] {
  const [invite, trying, ringing, ok] = basicCall();
  const text = Buffer.from(ok.raw)
    .toString('latin1')
    .replace('SIP/2.0 200 OK', `SIP/2.0 ${status}`)
    .replace(/Content-Type: application\/sdp\r\n/, '')
    .replace(/Content-Length: \d+\r\n\r\n[\s\S]*$/, 'Content-Length: 0\r\n\r\n');
  const final = parsed(text);
  final.source = ok.source;
  return [invite, trying, ringing, final];
}

describe('what happened in a call: one sentence a step, from the contract fields', () => {
  it('RFC 3261 §13, §15: a basic call, answered and hung up by the caller', async () => {
    const { story } = await storyOf(basicCall());
    expect(story.sentences).toEqual([
      'AliceUA/1.0 (10.0.0.1:5060) called sip:bob@example.com, sending its INVITE to BobPhone/2.0 (10.0.0.2:5060).',
      "The callee's side rang after 20 ms (180 Ringing: the post-dial delay).",
      'It was answered after 2.00 s (200 OK from BobPhone/2.0 (10.0.0.2:5060)) and confirmed by ACK; the caller hung up after 9.99 s of conversation (BYE, Reason Q.850;cause=16;text="Normal call clearing").',
      'No RTP of this call is in the capture (the capture point may not see the media path).',
      'sipscope found no protocol violation in it.',
    ]);
    expect(story.sentences[story.outcome]).toMatch(/^It was answered after 2\.00 s/);
  });

  it('the callee hangs up: said so', async () => {
    const { story } = await storyOf(basicCall({ hangup: 'callee' }));
    expect(story.sentences[story.outcome]).toContain('; the callee hung up after');
  });

  it('RFC 3261 §21.4.24: 486 Busy Here is refused as busy, explained with its section', async () => {
    const { call, story } = await storyOf(answeredWith('486 Busy Here'));
    expect(call.state).toBe('busy');
    expect(story.sentences[story.outcome]).toBe(
      'The call was refused as busy: 486 Busy Here from BobPhone/2.0 (10.0.0.2:5060) after 2.00 s. The callee is busy at this end system. (RFC 3261 §21.4.24)',
    );
  });

  it('RFC 3261 §21.4.4: 403 Forbidden is a rejection', async () => {
    const { call, story } = await storyOf(answeredWith('403 Forbidden'));
    expect(call.state).toBe('rejected');
    expect(story.sentences[story.outcome]).toMatch(
      /^The call was rejected: 403 Forbidden from BobPhone\/2\.0 .*\(RFC 3261 §21\.4\.4\)$/,
    );
  });

  it('RFC 3261 §9: a CANCEL before the answer, ended 487', async () => {
    const { call, story } = await storyOf(cancelledCall());
    expect(call.state).toBe('cancelled');
    expect(story.sentences[story.outcome]).toMatch(
      /^The caller gave up before an answer \(CANCEL, RFC 3261 §9\): the INVITE was ended with 487 Request Terminated\./,
    );
  });

  it('a call still ringing, still being set up, or still up when the capture ends', async () => {
    const flow = basicCall();
    expect((await storyOf(flow.slice(0, 3))).story.sentences).toContain(
      'The capture ends while it is still ringing: no final response yet.',
    );
    expect((await storyOf(flow.slice(0, 2))).story.sentences).toContain(
      'The capture ends while the call is being set up: no answer beyond 100 Trying yet.',
    );
    const up = (await storyOf(flow.slice(0, 5))).story;
    expect(up.sentences[up.outcome]).toMatch(/and was still up when the capture ended: no BYE was seen\.$/);
  });

  it('RFC 3261 §8.1.3.4: a 302 followed to the new address is said once, and its second INVITE is no re-INVITE', async () => {
    const { story } = await storyOf(redirect302());
    expect(story.sentences).toContain(
      'It was redirected (302 Moved Temporarily, RFC 3261 §8.1.3.4) and the caller tried again at the address it was given.',
    );
    expect(story.sentences.some((s) => s.includes('re-INVITE'))).toBe(false);
  });

  it('a forked INVITE is answered by the 200 OK, not by the 487 of a losing branch', async () => {
    const { story } = await storyOf(forkedInvite());
    const outcome = story.sentences[story.outcome];
    expect(outcome).toMatch(/^It was answered after .* \(200 OK from /);
    expect(outcome).not.toContain('Request Terminated');
  });

  it('RFC 3261 §22: a REGISTER challenged then accepted', async () => {
    const { story } = await storyOf(registerWithChallenge());
    expect(story.sentences.slice(0, 3)).toEqual([
      expect.stringMatching(/ registered sip:alice@example\.com\.$/),
      'It was challenged for credentials (401, RFC 3261 §22) and tried again.',
      expect.stringMatching(/^It was accepted: 200 OK after /),
    ]);
  });

  it('media and findings, from the sample with RTP: both ways with a loss, then one way only', async () => {
    const doc = await contractOfFile(join(SAMPLES, 'call-with-rtp.pcap'));
    const streams = (doc as unknown as { streams: Array<StoryStream & { call: number }> }).streams;
    const tell = (id: number) => {
      const d = detailOf(doc, id);
      return callStory(
        d.call,
        d.messages,
        streams.filter((s) => s.call === id),
        d.findings,
      ).sentences;
    };
    expect(tell(0)).toEqual(
      expect.arrayContaining([
        'RTP flowed both ways (PCMU/8000, 995 packets in 2 streams).',
        '10.0.0.1:49170 → 10.0.0.2:3456 lost 3 of its packets (0.6%) before the capture point.',
        'sipscope found no protocol violation in it.',
      ]),
    );
    expect(tell(1)).toEqual(
      expect.arrayContaining([
        'RTP went one way only: AliceUA/1.0 (10.0.0.1:49170) → BobPhone/2.0 (10.0.0.2:3456) (PCMU/8000), nothing came back: one-way audio.',
        'sipscope found one finding (1 warning): media.one-way.',
      ]),
    );
  });

  it('RFC 3550 §6.4.1: loss the receiver reported in RTCP past the capture point is told; loss it saw too is not told twice', async () => {
    const doc = await contractOfFile(join(SAMPLES, 'rtcp-loss-after-capture.pcap'));
    const streams = (doc as unknown as { streams: StoryStream[] }).streams;
    const d = detailOf(doc, 0);
    const rtcpSentence =
      'BobPhone/2.0 (10.0.0.2:3456) reported in RTCP that 25 of the packets AliceUA/1.0 (10.0.0.1:49170) sent it were lost while the capture ran (up to 12.1% in one interval), 25 more than the capture saw: lost after the capture point (RFC 3550 §6.4.1).';
    expect(callStory(d.call, d.messages, streams, d.findings).sentences).toEqual(
      expect.arrayContaining(['RTP flowed both ways (PCMU/8000, 998 packets in 2 streams).', rtcpSentence]),
    );
    // The same 25 counted missing at the capture point: lost before it, told once as such.
    const seen = streams.map((s) =>
      s.rtcp?.lostBetweenReports === 25 ? { ...s, lost: 25, lostPercent: 5 } : s,
    );
    const told = callStory(d.call, d.messages, seen, d.findings).sentences;
    expect(told).toContain(
      '10.0.0.1:49170 → 10.0.0.2:3456 lost 25 of its packets (5%) before the capture point.',
    );
    expect(told.some((x) => x.includes('reported in RTCP'))).toBe(false);
  });

  it('a call whose INVITE the capture missed: told from its first message, not as a call placed', async () => {
    const { story } = await storyOf(answeredWith('486 Busy Here').slice(1));
    expect(story.sentences.slice(0, 2)).toEqual([
      'The capture holds it from after its opening request: it starts with 100 Trying from BobPhone/2.0 (10.0.0.2:5060) to 10.0.0.1:5060.',
      'The last final response is 486 Busy Here to its INVITE, from BobPhone/2.0 (10.0.0.2:5060). The callee is busy at this end system. (RFC 3261 §21.4.24)',
    ]);
    expect(story.sentences.some((x) => x.includes(' called '))).toBe(false);
  });

  it('RFC 3261 §14: a hold by re-INVITE answered 200 is one change of the session; captured alone, it is no call placed', async () => {
    const whole = (await storyOf(reinviteHoldAndInfo())).story.sentences;
    expect(whole).toContain(
      'The session was changed once during the call (re-INVITE, RFC 3261 §14: hold, codecs or a new media address).',
    );
    expect(whole.join(' ')).toContain('; the callee hung up after');
    // From the re-INVITE on (the call began before the capture): not told as a call placed.
    const part = (await storyOf(reinviteHoldAndInfo().slice(4))).story.sentences;
    expect(part[0]).toMatch(
      /^The capture holds it from after its opening request: it starts with INVITE from /,
    );
    expect(part.some((x) => x.includes(' called ') || x.includes('session was changed'))).toBe(false);
  });

  it('a subscription is told with its own 202, timed from its SUBSCRIBE, not a later NOTIFY exchange', async () => {
    const d = detailOf(await contractOfFile(join(SAMPLES, 'subscribe-notify.pcap')), 0);
    const story = callStory(d.call, d.messages, [], d.findings).sentences;
    expect(story.slice(0, 2)).toEqual([
      expect.stringMatching(/ subscribed to sip:bob@example\.com\.$/),
      'It was accepted: 202 Accepted after 30 ms.',
    ]);
  });

  it('RFC 3261 §17.1.1.2: an INVITE never answered fails on Timer B', () => {
    const call: StoryCall = {
      kind: 'call',
      state: 'failed',
      from: 'sip:alice@example.com',
      to: 'sip:bob@example.com',
      finalStatus: null,
      reason: null,
      pddMs: null,
      setupMs: null,
      durationMs: null,
      hangupBy: null,
      retransmissions: 6,
      endpoints: [],
    };
    const invite = {
      ts: 100,
      src: '10.0.0.1:5060',
      dst: '10.0.0.2:5060',
      method: 'INVITE',
      callId: 'lost-1@10.0.0.1',
      cseq: 1,
      cseqMethod: 'INVITE',
      toTag: null,
      transaction: 0,
      dialog: null,
      retransmission: false,
    };
    const story = callStory(call, [invite, { ...invite, ts: 100.5, retransmission: true }]);
    expect(story.sentences).toEqual([
      '10.0.0.1:5060 called sip:bob@example.com, sending its INVITE to 10.0.0.2:5060.',
      'No final response came: the INVITE went unanswered until its timer ran out (Timer B, 64·T1 = 32 s, or Timer C after a provisional response; RFC 3261 §17.1.1.2, §16.6).',
      '6 retransmissions (a request or response sent again for want of an answer, RFC 3261 §17).',
      'sipscope found no protocol violation in it.',
    ]);
  });

  it('spans: ms under a second, seconds to two decimals, minutes past one', () => {
    expect([spanText(20), spanText(2000), spanText(9990), spanText(65_400)]).toEqual([
      '20 ms',
      '2.00 s',
      '9.99 s',
      '1 min 5 s',
    ]);
  });
});
