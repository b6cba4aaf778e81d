/**
 * The SDES keys of a call's SRTP streams, for reading their packets back
 * (audio): each stream record names the message whose SDP carried its
 * sender's key, the m= line and the a=crypto tag (`srtp`, src/media/sdes.ts);
 * that message is read again from its stored bytes. The key itself is kept
 * in no record: it is in the SDP, where the analysis found it.
 */
import { recordedSetup, type SrtpSummary } from '../src/media/sdes.js';
import type { RecordedStream } from '../src/media/stream-packets.js';
import { parseSip } from '../src/sip/parse.js';
import { sdpOf } from '../src/sip/sdp.js';
import type { Store } from '../src/store/store.js';

/** `streams` with the key of each SRTP one whose key message is still stored (the others as they are). */
export async function withSrtpKeys(
  store: Store,
  captureId: string,
  streams: ReadonlyArray<RecordedStream & { srtp?: SrtpSummary }>,
): Promise<RecordedStream[]> {
  const out: RecordedStream[] = [];
  for (const s of streams) {
    const id = s.srtp?.keyMessage;
    if (id === undefined) {
      out.push(s);
      continue;
    }
    const stored = await store.getMessage(captureId, id);
    const msg = stored === undefined ? null : parseSip(stored.raw);
    const key = recordedSetup(s.srtp, msg === null ? undefined : sdpOf(msg));
    out.push(key === null ? s : { ...s, srtpKey: key });
  }
  return out;
}
