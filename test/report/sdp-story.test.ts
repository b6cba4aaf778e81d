/**
 * The call story's media sentences (src/report/sdp-story.ts,
 * session-changes.ts): the SDP offer and answer of the setup (RFC 3264 §5,
 * §6; RFC 3261 §13.2.1; RFC 3262 §5) and what re-INVITEs and UPDATEs changed
 * (RFC 3264 §8), checked on named flows (test/fixtures/flows/sdp-flows.ts)
 * written as pcaps and analysed into a store, whose call detail is what the
 * web page tells its story from; and the CLI's `analyze --call` must tell
 * the same story from the same capture.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { SdpByMessage } from '../../src/cli/sdp-by-message.js';
import { callLadder, wrap } from '../../src/cli/text-report.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { callStory, type StoryCall, type StoryMessage } from '../../src/report/call-story.js';
import type { SipMessage } from '../../src/sip/message.js';
import { analyzeToStore } from '../../src/store/analyze-to-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { prackCall } from '../fixtures/flows/index.js';
import {
  earlyMediaCall,
  faxSwitch,
  holdAndResume,
  lateOfferCall,
  lateOfferInReliable183,
  manyHolds,
  mediaCall,
  mLine,
  newAddressAndCodec,
  OFFER,
  offerAnswerCall,
  offerNeverAnswered,
  refreshReinvite,
  sdpBody,
  t38Line,
  videoDeclinedCall,
} from '../fixtures/flows/sdp-flows.js';
import { contractOfFlow, detailOf } from '../web/contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sipscope-sdp-story-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function pcapOf(flow: SipMessage[]): string {
  const file = join(dir, `flow-${++n}.pcap`);
  writeFileSync(file, writePcap(flowToFrames(flow), { linkType: 1 }));
  return file;
}

/** The story of the flow's first call as the web page tells it: from the store's call detail (rows with their SDP). */
async function webStory(flow: SipMessage[]): Promise<string[]> {
  const file = pcapOf(flow);
  const store = createMemoryStore();
  const c = await store.createCapture({ name: 'flow.pcap', size: statSync(file).size, path: file });
  await analyzeToStore(file, await store.openWriter(c.id));
  const d = (await store.getCall(c.id, 0))!;
  return callStory(d.call, d.messages, d.streams, d.findings).sentences;
}

/** The story `sipscope analyze FILE --call 0` prints (wrapped at 78 columns under the call's head line). */
async function cliStory(flow: SipMessage[]): Promise<string> {
  const sdp = new SdpByMessage();
  const r = await analyzeCapture(pcapOf(flow), { onMessage: sdp.onMessage });
  const text = callLadder(r, r.calls[0], (id) => sdp.get(id));
  return text.slice(text.indexOf('\n') + 1, text.indexOf('\n\n'));
}

/** The sentences of the story that tell the SDP: the offer and answer, and the changes. */
const media = (story: string[]) =>
  story.filter((s) =>
    /^(The caller offered|The caller's INVITE|Neither the caller|At \d|\d+ more re-INVITEs|One more re-INVITE|The session was changed|A re-INVITE was|\d+ re-INVITEs were)/.test(
      s,
    ),
  );

describe('the offer and the answer of the call setup', () => {
  it('RFC 3264 §6: the INVITE offers three codecs, the 200 OK answers with the two it kept', async () => {
    expect(media(await webStory(offerAnswerCall()))).toEqual([
      'The caller offered audio PCMU/8000, PCMA/8000, telephone-event/8000 at 10.0.0.1:4000; the callee answered PCMU/8000, telephone-event/8000 at 10.0.0.2:5000 (RFC 3264 §6).',
    ]);
  });

  it('RFC 3264 §6: a codec listed twice is named once, and at most four are named', async () => {
    const many = ['m=audio 4000 RTP/AVP 0 0 8 9 18 3 101', 'a=rtpmap:101 telephone-event/8000'];
    const story = await webStory(
      mediaCall({
        invite: sdpBody('10.0.0.1', 1, many),
        ok: sdpBody('10.0.0.2', 1, mLine('audio', 5000, [0])),
      }),
    );
    expect(media(story)[0]).toMatch(
      /^The caller offered audio PCMU\/8000, PCMA\/8000, G722\/8000, G729\/8000 \(\+2 more\) at 10\.0\.0\.1:4000; the callee answered PCMU\/8000 at/,
    );
  });

  it('RFC 3261 §13.2.1: a late offer, made in the 200 OK and answered in the ACK', async () => {
    expect(media(await webStory(lateOfferCall()))).toEqual([
      "The caller's INVITE carried no offer (a late offer, RFC 3261 §13.2.1): the callee offered audio PCMU/8000, PCMA/8000, telephone-event/8000 at 10.0.0.2:5000 in its 200 OK and the caller answered PCMA/8000, telephone-event/8000 at 10.0.0.1:4000 in the ACK.",
    ]);
  });

  it('RFC 3261 §13.2.1: a late offer whose ACK carries no answer is said to be unanswered', async () => {
    expect(media(await webStory(lateOfferCall({ ackAnswers: false })))).toEqual([
      "The caller's INVITE carried no offer (a late offer, RFC 3261 §13.2.1): the callee offered audio PCMU/8000, PCMA/8000, telephone-event/8000 at 10.0.0.2:5000 in its 200 OK, but the ACK carried no answer: the offer went unanswered in the capture.",
    ]);
  });

  it('RFC 3262 §5: a late offer in a reliable 183, answered in its PRACK', async () => {
    expect(media(await webStory(lateOfferInReliable183()))).toEqual([
      "The caller's INVITE carried no offer (a late offer, RFC 3261 §13.2.1): the callee offered audio PCMU/8000, PCMA/8000 at 10.0.0.2:5000 in its 183 Session Progress and the caller answered PCMU/8000 at 10.0.0.1:4000 in the PRACK (RFC 3262 §5).",
    ]);
  });

  it('RFC 3261 §13.2.1, RFC 3960: the answer given early in a 183 before the 200 OK is early media', async () => {
    expect(media(await webStory(earlyMediaCall()))).toEqual([
      'The caller offered audio PCMU/8000, PCMA/8000, telephone-event/8000 at 10.0.0.1:4000; the callee answered PCMU/8000, telephone-event/8000 at 10.0.0.2:5000 early, in its 183 Session Progress after 100 ms (early media, RFC 3960).',
    ]);
  });

  it('RFC 3262 §5: an early answer in a reliable 183 is said to be acknowledged by PRACK', async () => {
    expect(media(await webStory(prackCall()))[0]).toMatch(
      /early, in its 183 Session Progress after 100 ms \(early media, RFC 3960; a reliable provisional response, acknowledged by PRACK, RFC 3262 §5\)\.$/,
    );
  });

  it('RFC 3264 §6: a video stream declined with port 0 in the answer', async () => {
    expect(media(await webStory(videoDeclinedCall()))).toEqual([
      'The caller offered audio PCMU/8000, PCMA/8000 at 10.0.0.1:4000 plus video VP8/90000 at 10.0.0.1:4002; the callee answered audio PCMA/8000 at 10.0.0.2:5000 and declined the video (port 0, RFC 3264 §6).',
    ]);
  });

  it('RFC 3261 §13.3.1.4: an offer that neither the 200 OK nor the ACK answers is said to be unanswered', async () => {
    expect(media(await webStory(offerNeverAnswered()))).toEqual([
      'The caller offered audio PCMU/8000, PCMA/8000, telephone-event/8000 at 10.0.0.1:4000, but neither the 200 OK nor the ACK carried an answer: the offer went unanswered in the capture (RFC 3261 §13.3.1.4 wants the answer in the 2xx).',
    ]);
  });

  it('RFC 3264 §5: a call not answered tells its offer, and no unanswered offer', async () => {
    const story = await webStory(mediaCall({ invite: OFFER }).slice(0, 2));
    expect(media(story)).toEqual([
      'The caller offered audio PCMU/8000, PCMA/8000, telephone-event/8000 at 10.0.0.1:4000 (RFC 3264 §5).',
    ]);
  });

  it('ITU-T T.38 Annex D: an image/t38 stream over udptl is named fax, not RTP codecs', async () => {
    const story = await webStory(
      mediaCall({ invite: sdpBody('10.0.0.1', 1, t38Line(4000)), ok: sdpBody('10.0.0.2', 1, t38Line(5000)) }),
    );
    expect(media(story)).toEqual([
      'The caller offered fax (T.38 over udptl) at 10.0.0.1:4000; the callee answered fax (T.38 over udptl) at 10.0.0.2:5000 (RFC 3264 §6).',
    ]);
  });

  it('no SDP anywhere in the call: no sentence on the offer or the answer', async () => {
    const story = await webStory(mediaCall({}));
    expect(story.some((s) => /offer|answered PC|RFC 3264/.test(s))).toBe(false);
    expect(story).toHaveLength(4);
  });
});

describe('what re-INVITEs and UPDATEs changed (RFC 3264 §8)', () => {
  it('RFC 3264 §8.4: hold by a=sendonly, resume by sendrecv, then the callee holds with c=0.0.0.0, each at its time and by its sender', async () => {
    expect(media(await webStory(holdAndResume())).slice(1)).toEqual([
      'At 5.00 s, 10.0.0.1:5060 sent a re-INVITE to put the call on hold (a=sendonly, RFC 3264 §8.4).',
      'At 10.00 s, 10.0.0.1:5060 sent a re-INVITE to take the call off hold (sendrecv, RFC 3264 §8.4).',
      'At 15.00 s, 10.0.0.2:5060 sent a re-INVITE to put the call on hold (c=0.0.0.0, the RFC 2543 way, RFC 3264 §8.4).',
    ]);
  });

  it('RFC 3264 §8.3.1, §8.3.2: a new media address by re-INVITE, new codecs by UPDATE', async () => {
    expect(media(await webStory(newAddressAndCodec())).slice(1)).toEqual([
      'At 5.00 s, 10.0.0.1:5060 sent a re-INVITE to move the audio it receives to 10.0.0.9:6000 (RFC 3264 §8.3.1).',
      'At 8.00 s, 10.0.0.1:5060 sent an UPDATE; the audio codecs became G729/8000 (were PCMU/8000, telephone-event/8000, RFC 3264 §8.3.2).',
    ]);
  });

  it('RFC 3264 §8.3.3: the callee switches the audio stream to T.38 fax by re-INVITE', async () => {
    expect(media(await webStory(faxSwitch())).slice(1)).toEqual([
      'At 6.00 s, 10.0.0.2:5060 sent a re-INVITE to switch the call from audio to fax (T.38 over udptl) at 10.0.0.2:5004 (RFC 3264 §8.3.3).',
    ]);
  });

  it('RFC 3261 §14.1: a refused switch to fax is told with its refusal, and the session stays as it was', async () => {
    const story = await webStory(faxSwitch({ refuse: '488 Not Acceptable Here' }));
    expect(media(story).slice(1)).toEqual([
      'At 6.00 s, 10.0.0.2:5060 sent a re-INVITE to switch the call from audio to fax (T.38 over udptl) at 10.0.0.2:5004 (RFC 3264 §8.3.3); it was refused (488 Not Acceptable Here): the session stayed as it was (RFC 3261 §14.1).',
    ]);
  });

  it('RFC 3261 §14: a re-INVITE repeating the session (a refresh) tells no change', async () => {
    const story = await webStory(refreshReinvite());
    expect(media(story)).toHaveLength(1);
    expect(story.some((s) => s.includes('re-INVITE') || s.includes('session was changed'))).toBe(false);
  });

  it('at most four changes are told one by one, the others counted', async () => {
    const changes = media(await webStory(manyHolds())).slice(1);
    expect(changes).toHaveLength(5);
    expect(changes[3]).toBe(
      'At 20.00 s, 10.0.0.1:5060 sent a re-INVITE to take the call off hold (sendrecv, RFC 3264 §8.4).',
    );
    expect(changes[4]).toBe('2 more re-INVITEs or UPDATEs changed the session after that.');
  });

  it('RFC 3261 §14: without the bodies (the JSON contract) the re-INVITEs are only counted, as before', async () => {
    const d = detailOf(await contractOfFlow(holdAndResume()), 0);
    const story = callStory(d.call, d.messages, [], d.findings).sentences;
    expect(story).toContain(
      'The session was changed 3 times during the call (re-INVITE, RFC 3261 §14: hold, codecs or a new media address).',
    );
    expect(story.some((s) => s.includes('offered'))).toBe(false);
  });

  it('RFC 3261 §8.2.6.2: without From tags the sides are told apart by the host of the caller', () => {
    const call: StoryCall = {
      kind: 'call',
      state: 'in-call',
      from: null,
      to: 'sip:bob@example.com',
      finalStatus: 200,
      reason: null,
      pddMs: null,
      setupMs: 1000,
      durationMs: null,
      hangupBy: null,
      retransmissions: 0,
      endpoints: [],
    };
    const audio = (ip: string, port: number, direction: string | null = null) => ({
      addr: ip,
      media: [{ media: 'audio', port, proto: 'RTP/AVP', addr: null, codecs: ['PCMA/8000'], direction }],
    });
    const base = { callId: 'x', transaction: 0, dialog: 0, retransmission: false, reason: undefined };
    const a = '10.0.0.1:5060';
    const b = '10.0.0.2:5060';
    const msgs: StoryMessage[] = [
      {
        ...base,
        ts: 0,
        src: a,
        dst: b,
        method: 'INVITE',
        cseq: 1,
        cseqMethod: 'INVITE',
        toTag: null,
        sdp: audio('10.0.0.1', 4000),
      },
      {
        ...base,
        ts: 1,
        src: b,
        dst: a,
        status: 200,
        cseq: 1,
        cseqMethod: 'INVITE',
        toTag: 't',
        sdp: audio('10.0.0.2', 5000),
      },
      { ...base, ts: 1.1, src: a, dst: b, method: 'ACK', cseq: 1, cseqMethod: 'ACK', toTag: 't', sdp: null },
      // The callee's own CSeq 1: a re-INVITE, not the 2xx of the caller's INVITE.
      {
        ...base,
        ts: 4,
        src: b,
        dst: a,
        method: 'INVITE',
        cseq: 1,
        cseqMethod: 'INVITE',
        toTag: 't',
        sdp: audio('10.0.0.2', 5000, 'sendonly'),
      },
      {
        ...base,
        ts: 4.1,
        src: a,
        dst: b,
        status: 200,
        cseq: 1,
        cseqMethod: 'INVITE',
        toTag: 't',
        sdp: audio('10.0.0.1', 4000, 'recvonly'),
      },
    ];
    expect(media(callStory(call, msgs).sentences)).toEqual([
      'The caller offered audio PCMA/8000 at 10.0.0.1:4000; the callee answered PCMA/8000 at 10.0.0.2:5000 (RFC 3264 §6).',
      'At 4.00 s, 10.0.0.2:5060 sent a re-INVITE to put the call on hold (a=sendonly, RFC 3264 §8.4).',
    ]);
  });
});

describe('sipscope analyze FILE --call tells the story the web page tells', () => {
  const flows: Record<string, () => SipMessage[]> = {
    offerAnswerCall,
    lateOfferCall,
    lateOfferInReliable183,
    earlyMediaCall,
    videoDeclinedCall,
    offerNeverAnswered,
    holdAndResume,
    newAddressAndCodec,
    faxSwitch,
    refreshReinvite,
    manyHolds,
  };
  for (const [name, flow] of Object.entries(flows))
    it(`${name}: the same sentences, from the CLI table and the SDP it reads for the call`, async () => {
      expect(await cliStory(flow())).toBe(wrap((await webStory(flow())).join(' '), 78));
    });
});
