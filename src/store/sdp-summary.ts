/**
 * The one-line view of a session description the ladder draws beside an
 * arrow: where the media goes and with which codecs (server/API.md
 * SdpSummary). Text is read as UTF-8, like every string a row holds.
 */
import { detach } from '../correlate/detach.js';
import { rtpmapName } from '../media/media-map.js';
import { STATIC_PAYLOAD_TYPES } from '../media/payload-types.js';
import { jsonString } from '../report/message-json.js';
import type { Sdp, SdpMedia } from '../sip/sdp.js';
import type { SdpSummary } from './rows.js';

const NOT_ASCII = /[^\u0000-\u007f]/;

/**
 * Latin1 header text (one char per byte) read as the UTF-8 it should be;
 * ASCII reads the same either way and is given back as it is (possibly a
 * slice of the message text), without the JSON round trip (a third of the
 * store analysis's row-making time went to it).
 */
export function utf8Slice(s: string): string {
  return NOT_ASCII.test(s) ? (JSON.parse(jsonString(s)) as string) : s;
}

/** The same, in a string of its own (for what is kept: it must not pin the message text). */
export function utf8Text(s: string): string {
  return detach(utf8Slice(s));
}

function codecOf(m: SdpMedia, format: string): string {
  const named = rtpmapName(m.rtpmap, format);
  if (named !== null) return utf8Text(named);
  if (m.proto.toUpperCase().startsWith('RTP/') && Object.hasOwn(STATIC_PAYLOAD_TYPES, format))
    return STATIC_PAYLOAD_TYPES[format];
  return utf8Text(format);
}

export function sdpSummary(sdp: Sdp): SdpSummary {
  const media = sdp.media.map((m) => ({
    media: utf8Text(m.media),
    port: m.port,
    proto: utf8Text(m.proto),
    addr: m.connection ? utf8Text(m.connection.address) : null,
    codecs: m.formats.map((f) => codecOf(m, f)),
    direction: m.direction ?? null,
  }));
  const addr = sdp.connection
    ? utf8Text(sdp.connection.address)
    : (media.find((m) => m.addr !== null)?.addr ?? null);
  return { addr, media };
}
