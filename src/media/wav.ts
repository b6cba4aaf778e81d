/**
 * WAVE files of 16-bit linear PCM (Microsoft RIFF, WAVE_FORMAT_PCM = 1):
 * the 44-byte header of the "RIFF", "fmt " and "data" chunks, little-endian,
 * then the samples, interleaved by channel. Every browser's <audio> plays it
 * and every audio tool opens it.
 */

export const WAV_HEADER_BYTES = 44;
/** The RIFF size field is 32 bits: the data of one file stays under 4 GiB. */
export const WAV_MAX_DATA_BYTES = 0xffffffff - 36;

export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`bad sample rate ${sampleRate}`);
  if (channels !== 1 && channels !== 2) throw new RangeError(`bad channel count ${channels}`);
  if (dataBytes < 0 || dataBytes > WAV_MAX_DATA_BYTES) throw new RangeError(`bad data size ${dataBytes}`);
  const b = new Uint8Array(WAV_HEADER_BYTES);
  const v = new DataView(b.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i);
  };
  const blockAlign = channels * 2;
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  return b;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A whole WAVE file of `channels` interleaved in `samples`. */
export function encodeWav(samples: Int16Array, sampleRate: number, channels: 1 | 2): Uint8Array {
  const data = samples.length * 2;
  const out = new Uint8Array(WAV_HEADER_BYTES + data);
  out.set(wavHeader(sampleRate, channels, data), 0);
  // The samples' own bytes are already WAVE's order on a little-endian machine (x86, ARM as Node runs it).
  if (LITTLE_ENDIAN) out.set(new Uint8Array(samples.buffer, samples.byteOffset, data), WAV_HEADER_BYTES);
  else {
    const v = new DataView(out.buffer, WAV_HEADER_BYTES);
    for (let i = 0; i < samples.length; i++) v.setInt16(i * 2, samples[i], true);
  }
  return out;
}
