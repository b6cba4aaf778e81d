/**
 * What a pcapng export carries of TLS keys, seen by its readers: the key log
 * text of its Decryption Secrets Blocks (sipscope's reader), and the SIP
 * tshark reads in it with no key option given (TLS and SIP told on `port`,
 * the fixtures' ports not being 5061).
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

/** The CLIENT_RANDOM line of a key log file (the client's own, for a TLS 1.2 fixture: one session). */
export const masterSecretLine = (keyLog: string): string | undefined =>
  readFileSync(keyLog, 'latin1')
    .split('\n')
    .find((l) => l.startsWith('CLIENT_RANDOM '));

/** The CSeq of every SIP frame tshark reads in `file` (a frame of two messages: both, comma-separated). */
export function tsharkCSeqs(file: string, port: number): string[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-d',
      `tcp.port==${port},tls`,
      '-d',
      `tls.port==${port},sip`,
      '-Y',
      'sip',
      '-T',
      'fields',
      '-e',
      'sip.CSeq',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out.split('\n').filter((l) => l !== '');
}
