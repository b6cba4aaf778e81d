/**
 * What a pcapng export carries of TLS keys, seen by its readers: the key log
 * text of its Decryption Secrets Blocks (sipscope's reader), where they are
 * among its frames, and the SIP tshark reads in it with no key option given
 * (TLS and SIP told on `port`, the fixtures' ports not being 5061).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openCapture } from '../../src/capture/read-file.js';

/** The key log texts of the file's Decryption Secrets Blocks, in order. */
export async function fileKeyLog(file: string): Promise<string[]> {
  const reader = openCapture(file);
  for await (const _ of reader);
  return reader.info.tlsKeyLog ?? [];
}

/** The file's key log blocks (pcapng §4.7, type 10) in order, each with the number of frames (EPBs) written before it. */
export function secretBlocks(path: string): { afterFrames: number; text: string }[] {
  const b = readFileSync(path);
  const found: { afterFrames: number; text: string }[] = [];
  let frames = 0;
  for (let i = 0; i + 8 <= b.length; ) {
    const type = b.readUInt32LE(i);
    const len = b.readUInt32LE(i + 4);
    if (type === 6) frames++;
    if (type === 10)
      found.push({
        afterFrames: frames,
        text: b.toString('latin1', i + 16, i + 16 + b.readUInt32LE(i + 12)),
      });
    i += len;
  }
  return found;
}

/** The CLIENT_RANDOM line of a key log file (the client's own, for a TLS 1.2 fixture: one session). */
export const masterSecretLine = (keyLog: string): string | undefined =>
  readFileSync(keyLog, 'latin1')
    .split('\n')
    .find((l) => l.startsWith('CLIENT_RANDOM '));

/** One field of the frames tshark shows for `filter` in `file` (its lines, empty ones left out), given `options` first. */
function tsharkField(file: string, options: string[], filter: string, field: string): string[] {
  const out = execFileSync('tshark', [...options, '-r', file, '-Y', filter, '-T', 'fields', '-e', field], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.split('\n').filter((l) => l !== '');
}

/**
 * The CSeq of every SIP frame tshark reads in `file` (a frame of two messages: both, comma-separated);
 * with `keyLog`, that key log file given to it as well.
 */
export function tsharkCSeqs(file: string, port: number, keyLog?: string): string[] {
  const keys = keyLog === undefined ? [] : ['-o', `tls.keylog_file:${keyLog}`];
  return tsharkField(
    file,
    [...keys, '-d', `tcp.port==${port},tls`, '-d', `tls.port==${port},sip`],
    'sip',
    'sip.CSeq',
  );
}

/** Numbers of the frames tshark reads a handshake message of `type` in (1 ClientHello, 2 ServerHello), TLS told on `port`. */
export function tsharkHandshakeFrames(file: string, port: number, type: number): number[] {
  return tsharkField(
    file,
    ['-d', `tcp.port==${port},tls`],
    `tls.handshake.type==${type}`,
    'frame.number',
  ).map(Number);
}
