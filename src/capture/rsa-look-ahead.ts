/**
 * The master secrets that servers' RSA keys open in the TLS connections a
 * pcapng export writes, read ahead of the export (frame-export.ts).
 *
 * The export writes a connection's `CLIENT_RANDOM` line before its
 * ServerHello, where a reader looks it up, but the secret is known only at
 * the ClientKeyExchange a round trip later (RFC 5246 §7.4.7.1); the frames
 * between are held. When they are more than the export holds, it calls this:
 * the source is read again from its start, its exported connections'
 * handshakes read as the export reads them (export-keys.ts, with the RSA keys
 * and no key log, so that every line it gives is one the keys opened), up to
 * the last frame exported. The export then has every such line before the
 * ServerHello it waits at, and needs this once: a connection whose secret is
 * known at its ServerHello is not waited for.
 */
import { createDecoder } from '../decode/decoder.js';
import { endpointString } from '../decode/payload.js';
import { ExportKeys } from '../tls/export-keys.js';
import { type ConnectionIndex, pairKey } from './export-connections.js';
import { type FrameSource, framesFrom } from './frame-source.js';

/** The CLIENT_RANDOM lines (RFC 5246 §8.1 master secrets) that `rsaKeys` open in `conns`, read from `source`. */
export async function rsaMasterSecrets(
  source: FrameSource,
  conns: ConnectionIndex,
  rsaKeys: readonly string[],
): Promise<string[]> {
  const keys = new ExportKeys(undefined, rsaKeys);
  const decoder = createDecoder();
  for await (const f of framesFrom(source, 0)) {
    for (const p of decoder.push(f)) {
      if (p.transport !== 'tcp') continue;
      const pair = pairKey(endpointString(p.src), endpointString(p.dst));
      const lastFrame = conns.byPair.get(pair);
      if (lastFrame !== undefined && p.frame <= lastFrame) keys.tcp(p, pair);
    }
    if (f.no >= conns.last) break;
  }
  keys.release();
  return (keys.take() ?? '').split('\n').filter((l) => l !== '');
}
