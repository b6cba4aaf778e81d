/**
 * `sipscope audio FILE… (--call ID | --stream ID) -o OUT.wav`: the sound of a
 * call's RTP (stereo: the caller's host left, the other side right) or of
 * one stream (mono), as Wireshark's RTP Player exports it: 16-bit PCM WAVE,
 * each packet at its RTP timestamp, lost packets as silence
 * (src/media/rtp-audio.ts). PCMU, PCMA, G.722, L16 and Opus are decoded; a
 * file with G.722 in it is at 16,000 Hz, one of Opus streams only at 48,000
 * (the others' rate is their RTP clock's). Packets the decoder refuses
 * (corrupt Opus) are silence, and the line says how many.
 * Several files are one capture merged by time (capture/merge-captures.ts).
 */

import { writeFile } from 'node:fs/promises';
import type { parseArgs } from 'node:util';
import { CaptureError } from '../capture/frame.js';
import { filesSource } from '../capture/frame-source.js';
import { parseTimeShifts } from '../capture/time-shift.js';
import { hostOf } from '../decode/payload.js';
import { callWav, streamWav } from '../media/audio-files.js';
import { AudioRefused, MAX_AUDIO_SAMPLES } from '../media/rtp-audio.js';
import { srtpNote } from '../media/sdes.js';
import { analyzeCapture } from '../report/analyze-capture.js';
import { readTlsKeyOptions } from '../tls/key-options.js';
import { rethrowNamingOutput } from './output-error.js';
import { parseCliArgs } from './parse-args.js';
import { termSafe, writeErr } from './term-safe.js';

/** The options of `audio` (each documented in help.ts: test/cli/help.test.ts). */
export const AUDIO_OPTIONS = {
  call: { type: 'string' },
  stream: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'tls-keylog': { type: 'string' },
  'tls-key': { type: 'string', multiple: true },
  'time-shift': { type: 'string', multiple: true },
} as const;

/**
 * Where a long file stops: half an hour, or 14.4 M samples a channel before
 * that (rtp-audio.ts MAX_AUDIO_SAMPLES: 5 minutes of Opus at 48,000 Hz).
 */
const CUT = `cut there (a file holds at most half an hour and ${MAX_AUDIO_SAMPLES / 1e6} M samples a channel)`;

function fail(line: string, code = 2): number {
  writeErr(`sipscope audio: ${termSafe(line)}\n`);
  return code;
}

const idOf = (text: string | undefined): number | undefined =>
  text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : undefined;

export async function runAudio(args: string[]): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof AUDIO_OPTIONS }>
  >;
  try {
    parsed = parseCliArgs({ args, allowPositionals: true, options: AUDIO_OPTIONS });
  } catch (e) {
    return fail((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length === 0) return fail('expects a capture FILE, or several (see sipscope audio --help)');
  if (positionals.includes('-')) return fail('reads a file, not standard input (its packets are read twice)');
  const timeShifts = parseTimeShifts(v['time-shift'], positionals);
  if (typeof timeShifts === 'string') return fail(timeShifts);
  const file = filesSource(positionals, timeShifts);
  const name = positionals.join(', ');
  if ((v.call === undefined) === (v.stream === undefined))
    return fail('needs --call ID or --stream ID (one of them)');
  const callId = idOf(v.call);
  const streamId = idOf(v.stream);
  if (v.call !== undefined && callId === undefined)
    return fail(`--call wants a call number, not ${JSON.stringify(v.call)}`);
  if (v.stream !== undefined && streamId === undefined)
    return fail(`--stream wants a stream number, not ${JSON.stringify(v.stream)}`);
  if (v.out === undefined) return fail('needs -o OUT, the WAVE file to write');
  const tlsKeys = readTlsKeyOptions(v['tls-keylog'], v['tls-key']);
  if (typeof tlsKeys === 'string') return fail(tlsKeys);
  try {
    const r = await analyzeCapture(positionals, { ...tlsKeys, timeShifts });
    // SRTP streams are read back with their SDES key (RFC 4568), as the analysis verified them.
    const keyed = (s: (typeof r.streams)[number]) => ({ ...s, srtpKey: r.srtpKeys.get(s.id) });
    let wav: Uint8Array;
    let line: string;
    let undecodable: number;
    let recovered: number;
    if (streamId !== undefined) {
      const s = r.streams.find((x) => x.id === streamId);
      if (s === undefined)
        return fail(`no stream ${streamId} in ${name} (it has ${r.streams.length}: see sipscope analyze)`);
      const out = await streamWav(file, keyed(s));
      wav = out.wav;
      undecodable = out.undecodable;
      recovered = out.recovered;
      const srtp = s.srtp === undefined ? '' : `, ${srtpNote(s.srtp)}`;
      // RFC 2198: what the red packets carried, `red/8000 (PCMU/8000)`.
      const codecs =
        s.red === undefined ? s.codecs.join(' ') : `${s.codecs.join(' ')} (${s.red.codecs.join(' ')})`;
      line = `stream ${streamId} (${s.src} → ${s.dst}, ${codecs}${srtp}), ${out.duration.toFixed(2)} s mono at ${out.rate} Hz${out.truncated ? `, ${CUT}` : ''}`;
    } else {
      const call = r.calls.find((c) => c.id === callId);
      if (call === undefined) return fail(`no call ${callId} in ${name}`);
      const first = call.messages.length > 0 ? r.messages.get(call.messages[0]) : undefined;
      const streams = r.streams.filter((s) => s.call === callId).map(keyed);
      if (streams.length === 0) return fail(`call ${callId} has no RTP streams`, 1);
      const out = await callWav(file, streams, first === undefined ? null : hostOf(first.src));
      wav = out.wav;
      undecodable = out.undecodable;
      recovered = out.recovered;
      const names = (ids: number[]) => (ids.length === 0 ? 'nothing' : `stream ${ids.join(', ')}`);
      line =
        `call ${callId}, ${out.duration.toFixed(2)} s stereo at ${out.rate} Hz: left ${names(out.left)}, right ${names(out.right)}` +
        (out.skipped.length > 0
          ? `; not decoded: ${out.skipped.map((x) => `stream ${x.id} (${x.reason})`).join('; ')}`
          : '') +
        (out.truncated ? `; ${CUT}` : '');
    }
    if (undecodable > 0)
      line += `; ${undecodable} packet${undecodable === 1 ? '' : 's'} not decodable (corrupt), played as silence`;
    if (recovered > 0)
      line += `; ${recovered} packet${recovered === 1 ? '' : 's'} lost played from RFC 2198 redundancy`;
    // A write that fails (disk full: ENOSPC, no path in the error) is the output's, not the capture's.
    await writeFile(v.out, wav).catch(rethrowNamingOutput(v.out));
    writeErr(`sipscope audio: ${termSafe(line)}, written to ${v.out}\n`);
    // A file corrupt after good frames: what came before it is written, the error comes last.
    for (const e of r.errors) writeErr(`sipscope audio: ${e}\n`);
    return r.errors.length > 0 ? 2 : 0;
  } catch (e) {
    if (e instanceof AudioRefused) return fail(e.message, 1);
    if (e instanceof CaptureError) return fail(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code !== undefined) return fail(`${err.path ?? name}: ${err.message}`);
    throw e;
  }
}
