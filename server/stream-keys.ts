/**
 * The SDES keys of a call's SRTP streams, for reading their packets back
 * (audio): each stream record names the message whose SDP carried its
 * sender's key, the m= line and the a=crypto tag (`srtp`, src/media/sdes.ts);
 * that message is read again from its stored bytes. The key itself is kept
 * in no record: it is in the SDP, where the analysis found it. A DTLS-SRTP
 * stream (RFC 5764, `srtp.keying` "dtls") names its handshake's randoms,
 * suite and profile: its key is exported again from the TLS key log the
 * capture is analysed with (`dtlsKeys`, read only when such a stream asks).
 */
import { recordedDtlsSetup } from '../src/media/dtls-srtp-keys.js';
import { recordedSetup, type SrtpSummary } from '../src/media/sdes.js';
import type { RecordedStream } from '../src/media/stream-packets.js';
import { parseSip } from '../src/sip/parse.js';
import { sdpOf } from '../src/sip/sdp.js';
import type { Store } from '../src/store/store.js';
import type { TlsKeyLog } from '../src/tls/keylog.js';

/** `streams` with the key of each SRTP one whose key message is still stored (the others as they are). */
export async function withSrtpKeys(
  store: Store,
  captureId: string,
  streams: ReadonlyArray<RecordedStream & { srtp?: SrtpSummary }>,
  dtlsKeys?: () => Promise<TlsKeyLog>,
): Promise<RecordedStream[]> {
  const out: RecordedStream[] = [];
  let keyLog: TlsKeyLog | undefined;
  for (const s of streams) {
    if (s.srtp?.keying === 'dtls' && s.srtp.decrypted && dtlsKeys !== undefined) {
      keyLog ??= await dtlsKeys();
      const key = recordedDtlsSetup(s.srtp, keyLog);
      out.push(key === null ? s : { ...s, srtpKey: key });
      continue;
    }
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
