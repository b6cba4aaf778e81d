/**
 * The sound of RTP streams, as Wireshark's RTP Player plays it: each packet's
 * payload decoded and laid out by its RTP timestamp (RFC 3550 §5.1: "the
 * sampling instant of the first octet in the RTP data packet"), so a lost
 * packet is a gap of silence as long as its payload would have been and a
 * silence-suppressed pause (RFC 3551 §4.1) keeps its length. Packets are put
 * in sequence order first (RFC 3550 A.1's 16-bit wrap; a duplicate is
 * played once), so late ones land where they belong.
 *
 * Where the timestamps cannot be trusted — they step back, or disagree with
 * the packets' arrival by more than MAX_CLOCK_DRIFT (a sender that restarted
 * its numbering, a relay that rewrote them) — the packet is placed by its
 * arrival time after the one before it instead.
 *
 * Decoded: PCMU and PCMA (G.711, g711.ts), G.722 (g722.ts, 64 kbit/s), L16
 * (RFC 3551 §4.5.11, 16-bit big-endian, stereo mixed down to mono) and
 * Opus (RFC 7587, opus.ts: libopus, at 48,000 Hz, mono).
 * Comfort noise (RFC 3389) and telephone events (RFC 4733) are silence; any
 * other codec is not decoded, and a stream with none of these is refused
 * with the codecs it has.
 *
 * A codec's RTP clock need not be its sampling rate: G.722's clock is 8,000
 * Hz "even though the actual sampling rate is 16,000 Hz" (RFC 3551 §4.5.2),
 * so its samples are laid out two per timestamp unit and its audio is at
 * 16,000 Hz. G.722 is decoded with state (an ADPCM predictor), one decoder
 * a stream fed its packets in the order they are laid out; a lost packet is
 * a gap and the next is decoded with the state as it was, as Wireshark does.
 * Opus likewise (one libopus decoder a stream, freed when it is done); its
 * packets' lengths are in their TOC byte (opus-toc.ts), and one libopus
 * refuses (corrupt) is silence as long as its TOC says, counted in
 * `undecodable`. The caller loads libopus (opus.ts loadOpus) and passes
 * it: this module stays free of it, the web page imports `decodable`.
 *
 * RFC 2198 redundancy (`red`, red-audio.ts) is played as its primary
 * blocks, a packet lost filled from the next packet's redundant block of
 * its time when there is one (`recovered`), and packets lost before the
 * first received from its copies of them (the audio then starts earlier).
 */
import { ALAW_TO_PCM, ULAW_TO_PCM } from './g711.js';
import { G722Decoder } from './g722.js';
import type { OpusLibrary } from './opus.js';
import { opusToc } from './opus-toc.js';
import { isRed, recoverLost, unwrapRed } from './red-audio.js';
import type { RtpPacket } from './rtp-packet.js';

/** Where the timestamps and the arrival times disagree by more than this (s), arrival wins. */
const MAX_CLOCK_DRIFT = 1;
/** A sequence step forward of this or more, or back by more than MAX_BACK, starts over (RFC 3550 A.1's limits). */
const MAX_DROPOUT = 3000;
const MAX_BACK = 100;
/** Longest audio made, seconds: half an hour. */
export const MAX_AUDIO_SECONDS = 1800;
/**
 * And at most this many samples a channel whatever the rate (half an hour at
 * 8,000 Hz; 15 minutes of G.722 at 16,000 Hz, or of a call with a G.722
 * stream, whose stereo is at 16,000; 5.4 minutes of L16 at 44,100, 5 of Opus
 * at 48,000): a call's stereo WAVE is then 57.6 MB at most; making it for a half-hour
 * two-way G.711 call took ~260 MB more (measured: 180,000 packets read back,
 * two streams, the mix, the file).
 */
export const MAX_AUDIO_SAMPLES = 8000 * 1800;
/** A call's stereo goes past this rate (Hz) only when every stream of it does (stereo()). */
const WIDEBAND = 16_000;

/**
 * Writes a payload's samples into `out` from `at` on, as many as it holds;
 * returns how many it wrote, or null when the payload cannot be decoded
 * (a corrupt Opus packet: nothing written).
 */
type Decode = (payload: Uint8Array, out: Int16Array, at: number) => number | null;

/** One stream's decoder of a payload type, and what frees it (libopus's memory) when the stream is done. */
interface StreamDecoder {
  decode: Decode;
  free?: () => void;
}

interface AudioCodec {
  /** The RTP clock rate: timestamp units a second. */
  clock: number;
  /** Samples a timestamp unit: 1, or 2 for G.722 (clock 8,000, sampled at 16,000). */
  perTick: number;
  /** Samples in a payload. */
  frames: (payload: Uint8Array) => number;
  /** A decoder for one stream's packets of this payload type, fed them in order (G.722's and Opus's state runs on). */
  decoder: () => StreamDecoder;
}

const g711 =
  (table: Readonly<Int16Array>): Decode =>
  (p, out, at) => {
    const n = Math.min(p.length, out.length - at);
    for (let i = 0; i < n; i++) out[at + i] = table[p[i]];
    return n;
  };

const l16 =
  (channels: number): Decode =>
  (p, out, at) => {
    const frames = Math.min(Math.floor(p.length / (2 * channels)), out.length - at);
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) {
        const o = (i * channels + c) * 2;
        sum += ((p[o] << 24) >> 16) | p[o + 1];
      }
      out[at + i] = Math.round(sum / channels);
    }
    return frames;
  };

/**
 * What to do with a payload type's codec ("PCMU/8000", "L16/44100/2"):
 * decode, silence, or null (not decodable). G.722 only with RFC 3551's
 * clock of 8,000 and one channel; Opus only with RFC 7587's clock of 48,000
 * (`opus/48000/2`, §7: the 2 whatever the channels sent), its decoders
 * made by `opus` (loaded by the caller: without it, `decoder` throws).
 */
function codecOf(name: string, opus?: OpusLibrary): AudioCodec | 'silence' | null {
  const [encoding, rateText, channelsText] = name.split('/');
  const e = encoding.toUpperCase();
  if (e === 'CN' || e === 'TELEPHONE-EVENT') return 'silence';
  const clock = Number(rateText);
  if (!Number.isInteger(clock) || clock <= 0) return null;
  const channels = channelsText === undefined ? 1 : Number(channelsText);
  const bytes = (p: Uint8Array) => p.length;
  if (e === 'PCMU')
    return { clock, perTick: 1, frames: bytes, decoder: () => ({ decode: g711(ULAW_TO_PCM) }) };
  if (e === 'PCMA')
    return { clock, perTick: 1, frames: bytes, decoder: () => ({ decode: g711(ALAW_TO_PCM) }) };
  if (e === 'G722') {
    if (clock !== 8000 || channels !== 1) return null;
    return {
      clock,
      perTick: 2,
      frames: (p) => 2 * p.length,
      decoder: () => {
        const d = new G722Decoder();
        return { decode: (p, out, at) => d.decode(p, out, at) };
      },
    };
  }
  if (e === 'OPUS') {
    if (clock !== 48_000) return null;
    return {
      clock,
      perTick: 1,
      frames: (p) => opusToc(p)?.samples ?? 0,
      decoder: () => {
        if (opus === undefined) throw new Error('Opus is decoded with libopus: loadOpus() first');
        const d = opus.decoder();
        return { decode: (p, out, at) => d.decode(p, out, at), free: () => d.free() };
      },
    };
  }
  if (e === 'L16') {
    if (!Number.isInteger(channels) || channels < 1 || channels > 8) return null;
    return {
      clock,
      perTick: 1,
      frames: (p) => Math.floor(p.length / (2 * channels)),
      decoder: () => ({ decode: l16(channels) }),
    };
  }
  return null;
}

/** Whether any of these codecs ("PCMU/8000", …) is decoded here (comfort noise and DTMF are not: they are silence). */
export function decodable(codecs: readonly string[]): boolean {
  return codecs.some((c) => {
    const x = codecOf(c);
    return x !== null && x !== 'silence';
  });
}

export interface StreamAudio {
  /** Samples a second. */
  rate: number;
  /** Mono, 16-bit. */
  samples: Int16Array;
  /** Capture time of the first sample, seconds. */
  start: number;
  /** Packets decoded into the samples. */
  decoded: number;
  /** Packets of comfort noise or telephone events (silence) and of codecs not decoded. */
  silent: number;
  /** Packets of a decoded codec its decoder refused (a corrupt Opus packet): silence, as long as their header says. */
  undecodable: number;
  /** Duplicates left out. */
  duplicates: number;
  /** Packets lost whose audio came from a later packet's RFC 2198 redundant block (red-audio.ts). */
  recovered: number;
  /** The audio reached MAX_AUDIO_SECONDS (or MAX_AUDIO_SAMPLES) and was cut there. */
  truncated: boolean;
}

export class AudioRefused extends Error {}

interface Placed {
  p: RtpPacket;
  /** Run of sequence numbers (a restart begins a new one), then the extended sequence within it. */
  run: number;
  ext: number;
  order: number;
}

/** Packets in sequence order, duplicates dropped (RFC 3550 A.1: 16-bit wrap, restarts). */
function inSequence(packets: readonly RtpPacket[]): { list: Placed[]; duplicates: number } {
  const placed: Placed[] = [];
  let run = 0;
  let ext = 0;
  let highest = 0;
  packets.forEach((p, order) => {
    if (order > 0) {
      const step = ((p.sequence - (highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
      if (step >= MAX_DROPOUT || step < -MAX_BACK) {
        run++;
        highest = p.sequence;
        ext = p.sequence;
      } else {
        ext = highest + step;
        if (ext > highest) highest = ext;
      }
    } else {
      highest = p.sequence;
      ext = p.sequence;
    }
    placed.push({ p, run, ext, order });
  });
  placed.sort((a, b) => a.run - b.run || a.ext - b.ext || a.order - b.order);
  const list: Placed[] = [];
  for (const x of placed) {
    const prev = list[list.length - 1];
    if (prev !== undefined && prev.run === x.run && prev.ext === x.ext) continue;
    list.push(x);
  }
  return { list, duplicates: placed.length - list.length };
}

/**
 * The audio of one stream. `codecs` maps each payload type to its codec
 * name (the stream record's payloadTypes and codecs). Throws AudioRefused
 * when no packet is of a codec decoded here, or there are no packets.
 * `opus`: libopus (opus.ts loadOpus), needed when a codec is Opus.
 */
export function streamAudio(
  packets: readonly RtpPacket[],
  codecs: ReadonlyMap<number, string>,
  maxSeconds = MAX_AUDIO_SECONDS,
  opus?: OpusLibrary,
): StreamAudio {
  if (packets.length === 0) throw new AudioRefused('the stream has no packets in the capture file');
  // RFC 2198: a red packet is played as its primary block (its copies kept for the packets lost).
  const red = [...codecs.values()].some(isRed) ? unwrapRed(packets, codecs) : null;
  const all = red?.packets ?? packets;
  const byType = new Map<number, AudioCodec | 'silence' | null>();
  const typeOf = (pt: number) => {
    if (!byType.has(pt)) {
      const name = codecs.get(pt);
      byType.set(pt, name === undefined ? null : codecOf(name, opus));
    }
    return byType.get(pt) ?? null;
  };
  const counts = new Map<number, number>();
  for (const p of all) {
    const c = typeOf(p.payloadType);
    if (c !== null && c !== 'silence') counts.set(p.payloadType, (counts.get(p.payloadType) ?? 0) + 1);
  }
  // The clock of the payload type most packets have: the others are decoded only at the same rate.
  let main: AudioCodec | undefined;
  let most = 0;
  for (const [pt, n] of counts)
    if (n > most) {
      most = n;
      main = byType.get(pt) as AudioCodec;
    }
  if (main === undefined) {
    const names = [...new Set(all.map((p) => codecs.get(p.payloadType) ?? String(p.payloadType)))];
    throw new AudioRefused(
      `no packet is PCMU, PCMA, G.722, L16 or Opus (the stream has ${names.join(', ')}): that audio is not decoded here`,
    );
  }
  const { clock, perTick } = main;
  const sequenced = inSequence(all);
  const filled =
    red === null
      ? { list: sequenced.list, recovered: 0 }
      : recoverLost(
          sequenced.list,
          red.copies,
          (p) => {
            const c = typeOf(p.payloadType);
            if (c === null || c === 'silence' || c.clock !== clock || c.perTick !== perTick) return null;
            return Math.ceil(c.frames(p.payload) / perTick);
          },
          clock,
        );
  const decoders = new Map<number, StreamDecoder>();
  try {
    const audio = layOut(filled.list, sequenced.duplicates, byType, main, decoders, maxSeconds);
    return { ...audio, recovered: filled.recovered };
  } finally {
    for (const d of decoders.values()) d.free?.();
  }
}

/**
 * streamAudio's packets decoded and placed by their timestamps at the clock
 * of `main`, with the decoders it makes kept in `decoders` (one a payload type).
 */
function layOut(
  list: readonly Placed[],
  duplicates: number,
  byType: ReadonlyMap<number, AudioCodec | 'silence' | null>,
  main: AudioCodec,
  decoders: Map<number, StreamDecoder>,
  maxSeconds: number,
): Omit<StreamAudio, 'recovered'> {
  const { clock, perTick } = main;
  const rate = clock * perTick;
  const max = Math.min(Math.floor(maxSeconds * rate), MAX_AUDIO_SAMPLES);
  let out = new Int16Array(Math.min(max, rate * 10));
  let end = 0;
  let decoded = 0;
  let silent = 0;
  let undecodable = 0;
  let truncated = false;
  // Where the packet goes, in timestamp units from the first; the length of the one before, likewise.
  let pos = 0;
  let prev: Placed | undefined;
  let prevLength = 0;
  for (const x of list) {
    const p = x.p;
    if (prev !== undefined) {
      const dts = (p.timestamp - prev.p.timestamp) | 0;
      const arrival = p.ts - prev.p.ts;
      if (x.run === prev.run && dts >= 0 && Math.abs(dts / clock - arrival) <= MAX_CLOCK_DRIFT) pos += dts;
      else pos = Math.max(pos + prevLength, pos + Math.round(arrival * clock));
    }
    prev = x;
    prevLength = 0;
    const at = pos * perTick;
    if (at >= max) {
      truncated = true;
      break;
    }
    const c = byType.get(p.payloadType);
    if (c === null || c === 'silence' || c === undefined || c.clock !== clock || c.perTick !== perTick) {
      silent++;
      continue;
    }
    const want = c.frames(p.payload);
    if (at + want > max) truncated = true;
    const need = Math.min(max, at + want);
    if (need > out.length) {
      const grown = new Int16Array(Math.min(max, Math.max(need, out.length * 2)));
      grown.set(out.subarray(0, end));
      out = grown;
    }
    let d = decoders.get(p.payloadType);
    if (d === undefined) decoders.set(p.payloadType, (d = c.decoder()));
    const written = d.decode(p.payload, out, at);
    if (written === null) {
      // Silence where it was: its length by its header, else up to the next packet's timestamp.
      undecodable++;
      prevLength = Math.ceil(want / perTick);
      end = Math.max(end, need);
      continue;
    }
    prevLength = Math.ceil(written / perTick);
    end = Math.max(end, at + written);
    decoded++;
  }
  return {
    rate,
    samples: out.slice(0, end),
    start: list[0].p.ts,
    decoded,
    silent,
    undecodable,
    duplicates,
    truncated,
  };
}

/**
 * Streams played side by side as stereo: `left` in the left channel, `right`
 * in the right, each placed at its first packet's capture time from the
 * earliest of them, several in one channel added up (clipped to 16 bits).
 * At the highest sample rate among them, so that a G.722 side (16,000 Hz)
 * keeps its band, but not past 16,000 Hz unless every stream is above it: a
 * short L16/44,100 stream would otherwise cut a half-hour call at 5.4
 * minutes (MAX_AUDIO_SAMPLES). A stream at another rate is resampled to it
 * by linear interpolation between its samples. Interleaved L, R.
 */
export function stereo(
  left: readonly StreamAudio[],
  right: readonly StreamAudio[],
  maxSeconds = MAX_AUDIO_SECONDS,
): { rate: number; samples: Int16Array; start: number; truncated: boolean } {
  const all = [...left, ...right];
  if (all.length === 0) throw new AudioRefused('no stream to play');
  const rates = all.map((s) => s.rate);
  const rate = Math.min(Math.max(...rates), Math.max(WIDEBAND, Math.min(...rates)));
  const start = Math.min(...all.map((s) => s.start));
  const max = Math.min(Math.floor(maxSeconds * rate), MAX_AUDIO_SAMPLES);
  const place = (s: StreamAudio) => Math.round((s.start - start) * rate);
  const lengthOf = (s: StreamAudio) => Math.round((s.samples.length * rate) / s.rate);
  const frames = Math.min(max, Math.max(...all.map((s) => place(s) + lengthOf(s))));
  // Added up in 16 bits, clipped at each addition: no 32-bit copy of the whole (twice the memory).
  const samples = new Int16Array(frames * 2);
  const add = (s: StreamAudio, channel: number) => {
    const at = place(s);
    const n = Math.min(lengthOf(s), frames - at);
    const last = s.samples.length - 1;
    for (let i = 0; i < n; i++) {
      let v: number;
      if (s.rate === rate) v = s.samples[i];
      else {
        // Between source samples j and j + 1 (the last one held).
        const t = (i * s.rate) / rate;
        const j = Math.min(last, Math.floor(t));
        const a = s.samples[j];
        v = Math.round(a + (s.samples[Math.min(last, j + 1)] - a) * (t - j));
      }
      const k = (at + i) * 2 + channel;
      samples[k] = Math.max(-32768, Math.min(32767, samples[k] + v));
    }
  };
  for (const s of left) add(s, 0);
  for (const s of right) add(s, 1);
  const truncated = all.some((s) => s.truncated) || all.some((s) => place(s) + lengthOf(s) > max);
  return { rate, samples, start, truncated };
}
