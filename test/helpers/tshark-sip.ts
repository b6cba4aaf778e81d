/**
 * What tshark reads of SIP over TLS in a pcapng export with no key option
 * given (the file's own Decryption Secrets Blocks only): TLS and SIP told on
 * `port`, the fixtures' ports not being 5061.
 */
import { execFileSync } from 'node:child_process';

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
