/**
 * The call story's offer/answer and re-INVITE sentences on real captures of
 * the shared corpus (skipped when it is absent), as `sipscope analyze FILE
 * --call ID` prints them; each checked against the capture's ladder by hand:
 * an Asterisk B2BUA moving the media to the phones and back by re-INVITE
 * (RFC 3264 §8.3.1, its first re-INVITE after the answer, its later refresh
 * not told), a T.38 fax re-INVITE refused 488 between two re-INVITEs that
 * change the codecs (RFC 3264 §8.3.2, §8.3.3), and an SBC that keeps the
 * Call-ID but rewrites tags and SDP on its far side, whose copies must not
 * be compared with the caller's dialog (a hold with music on hold, RFC 3264
 * §8.4).
 */
import '../helpers/corpus.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SdpByMessage } from '../../src/cli/sdp-by-message.js';
import { callLadder } from '../../src/cli/text-report.js';
import { analyzeCapture } from '../../src/report/analyze-capture.js';
import { CORPUS_DIR, corpusPresent } from '../helpers/corpus.js';

/** The stories of the capture's calls, unwrapped, by call id. */
async function stories(name: string): Promise<Map<number, string>> {
  const sdp = new SdpByMessage();
  const r = await analyzeCapture(join(CORPUS_DIR, 'pcap', name), { onMessage: sdp.onMessage });
  const out = new Map<number, string>();
  for (const call of r.calls) {
    const text = callLadder(r, call, (id) => sdp.get(id));
    out.set(call.id, text.slice(text.indexOf('\n') + 1, text.indexOf('\n\n')).replaceAll('\n', ' '));
  }
  return out;
}

describe.skipIf(!corpusPresent)('the call story tells the SDP of real captures', () => {
  it('RFC 3264 §6, §8.3.1: an Asterisk B2BUA declines the video, then moves the media by re-INVITE and back', async () => {
    const s = await stories('isa_asterisk-b2bua-call-reinvite-rtp.pcap');
    expect(s.get(0)).toContain(
      'The caller offered audio opus/48000, speex/16000, speex/8000, PCMU/8000 (+2 more) at 10.0.2.5:7078 plus video VP8/90000, MP4V-ES/90000 at 10.0.2.5:9078; the callee answered audio PCMA/8000, telephone-event/8000 at 10.0.2.15:11336 and declined the video (port 0, RFC 3264 §6). At 9.83 s, Asterisk PBX 11.13.0 (10.0.2.15:5060) sent a re-INVITE to move the audio it receives to 10.0.2.4:7078 (RFC 3264 §8.3.1). At 24.78 s, Asterisk PBX 11.13.0 (10.0.2.15:5060) sent a re-INVITE to move the audio it receives to 10.0.2.15:11336 (RFC 3264 §8.3.1). No RTP',
    );
    // The other leg: one move; the re-INVITE repeating it right after (a refresh) is not told.
    const leg = s.get(1)!;
    expect(leg).toContain(
      'the callee answered PCMA/8000, telephone-event/8000 at 10.0.2.4:7078 (RFC 3264 §6). At 9.78 s, Asterisk PBX 11.13.0 (10.0.2.15:5060) sent a re-INVITE to move the audio it receives to 10.0.2.5:7078 (RFC 3264 §8.3.1). RTP flowed both ways',
    );
    expect(leg).not.toContain('session was changed');
  });

  it('RFC 3264 §8.3.3, RFC 3261 §14.1: a switch to T.38 fax refused 488, between two codec changes', async () => {
    const s = (await stories('heplify_fax-t38-reinvite-megaco.pcap')).get(1)!;
    expect(s).toContain(
      'The caller offered audio PCMA/8000, G726-32/8000, telephone-event/8000 at 138.132.169.101:15580; the callee answered PCMA/8000, telephone-event/8000 at 192.168.100.219:5002 (RFC 3264 §6). At 8.88 s, Arcor/Arcor-1.02.005t2 (192.168.100.219:5060) sent a re-INVITE; the audio codecs became PCMA/8000 (were PCMA/8000, telephone-event/8000, RFC 3264 §8.3.2). At 43.44 s, 138.132.169.101:5060 sent a re-INVITE to switch the call from audio to fax (T.38 over udptl) at 138.132.169.101:15580 (RFC 3264 §8.3.3); it was refused (488 Not Acceptable Here): the session stayed as it was (RFC 3261 §14.1). At 43.54 s, 138.132.169.101:5060 sent a re-INVITE; the audio codecs became PCMA/8000, telephone-event/8000 (were PCMA/8000, RFC 3264 §8.3.2).',
    );
    expect(s).not.toContain('A re-INVITE was refused');
  });

  it('RFC 3264 §8.4: an SBC far side with its own tags and SDP is not told as changes of the caller dialog', async () => {
    const s = (await stories('heplify_erspan-gre-sip-refer-subscribe.pcapng')).get(5)!;
    expect(s).toContain(
      'At 6.48 s, OmniPCX Enterprise R11.2.2 l2.300.34.a (192.168.1.191:5060) sent a re-INVITE to put the call on hold (a=sendonly, RFC 3264 §8.4) and move the audio it receives to 192.168.1.53:32620 (RFC 3264 §8.3.1). At 7.15 s, OmniPCX Enterprise R11.2.2 l2.300.34.a (192.168.1.191:5060) sent a re-INVITE to take the call off hold (sendrecv, RFC 3264 §8.4) and move the audio it receives to 192.168.1.222:38764 (RFC 3264 §8.3.1).',
    );
    expect(s).not.toContain('101.231.48.19:44094');
  });
});
