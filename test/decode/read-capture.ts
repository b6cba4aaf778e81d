/**
 * Test-only capture reader: whole-file, synchronous, pcap and pcapng, just
 * enough to feed corpus captures to the decoder without depending on the
 * capture stage. Stops quietly at the first record that does not fit.
 */
import { readFileSync } from 'node:fs';
import type { Frame } from '../../src/capture/frame.js';

export function readCaptureFrames(path: string | URL): Frame[] {
  const buf = readFileSync(path);
  const b = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 24) return [];
  const magic = dv.getUint32(0, false);
  if (magic === 0x0a0d0d0a) return readPcapng(b, dv);
  let le: boolean;
  let nano: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = false;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = true;
  else return [];
  nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = dv.getUint32(20, le) & 0xffff;
  const frames: Frame[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const sec = dv.getUint32(o, le);
    const frac = dv.getUint32(o + 4, le);
    const incl = dv.getUint32(o + 8, le);
    const orig = dv.getUint32(o + 12, le);
    if (incl > 262144 * 4 || o + 16 + incl > b.length) break;
    frames.push({
      no: frames.length + 1,
      sec,
      nsec: nano ? frac : frac * 1000,
      linkType,
      data: b.subarray(o + 16, o + 16 + incl),
      origLen: orig,
      iface: 0,
      fileOffset: o,
    });
    o += 16 + incl;
  }
  return frames;
}

function readPcapng(b: Uint8Array, dv: DataView): Frame[] {
  const frames: Frame[] = [];
  let le = true;
  let ifaces: { linkType: number; tsPerSec: number }[] = [];
  let o = 0;
  while (o + 12 <= b.length) {
    let type = dv.getUint32(o, le);
    if (type === 0x0a0d0d0a) {
      le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      type = 0x0a0d0d0a;
      ifaces = [];
    }
    const len = dv.getUint32(o + 4, le);
    if (len < 12 || len % 4 !== 0 || o + len > b.length) break;
    if (type === 1 && len >= 20) {
      let tsPerSec = 1e6;
      let p = o + 16;
      while (p + 4 <= o + len - 4) {
        const code = dv.getUint16(p, le);
        const olen = dv.getUint16(p + 2, le);
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const v = b[p + 4];
          tsPerSec = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
        }
        p += 4 + ((olen + 3) & ~3);
      }
      ifaces.push({ linkType: dv.getUint16(o + 8, le), tsPerSec });
    } else if (type === 6 && len >= 32) {
      const iface = dv.getUint32(o + 8, le);
      const ts = dv.getUint32(o + 12, le) * 2 ** 32 + dv.getUint32(o + 16, le);
      const incl = dv.getUint32(o + 20, le);
      const orig = dv.getUint32(o + 24, le);
      const info = ifaces[iface];
      if (info !== undefined && o + 28 + incl <= o + len) {
        const sec = Math.floor(ts / info.tsPerSec);
        const nsec = Math.round(((ts - sec * info.tsPerSec) / info.tsPerSec) * 1e9);
        frames.push({
          no: frames.length + 1,
          sec,
          nsec,
          linkType: info.linkType,
          data: b.subarray(o + 28, o + 28 + incl),
          origLen: orig,
          iface,
          fileOffset: o,
        });
      }
    } else if (type === 3 && len >= 16) {
      const info = ifaces[0];
      const orig = dv.getUint32(o + 8, le);
      const incl = Math.min(orig, len - 16);
      if (info !== undefined) {
        frames.push({
          no: frames.length + 1,
          sec: 0,
          nsec: 0,
          linkType: info.linkType,
          data: b.subarray(o + 12, o + 12 + incl),
          origLen: orig,
          iface: 0,
          fileOffset: o,
        });
      }
    }
    o += len;
  }
  return frames;
}
