/**
 * RTP payload types (RFC 3551 §6, Tables 4 and 5): "payload types 0-95 are
 * statically assigned"; a static format may appear in an SDP m= line
 * without an a=rtpmap line. Shared by the SDP summary the ladder shows and
 * by the RTP streams, which take their codec and clock rate from here when
 * the SDP has no rtpmap for the payload type.
 */
export const STATIC_PAYLOAD_TYPES: Readonly<Record<string, string>> = {
  '0': 'PCMU/8000',
  '3': 'GSM/8000',
  '4': 'G723/8000',
  '5': 'DVI4/8000',
  '6': 'DVI4/16000',
  '7': 'LPC/8000',
  '8': 'PCMA/8000',
  '9': 'G722/8000',
  '10': 'L16/44100/2',
  '11': 'L16/44100',
  '12': 'QCELP/8000',
  '13': 'CN/8000',
  '14': 'MPA/90000',
  '15': 'G728/8000',
  '16': 'DVI4/11025',
  '17': 'DVI4/22050',
  '18': 'G729/8000',
  '25': 'CelB/90000',
  '26': 'JPEG/90000',
  '28': 'nv/90000',
  '31': 'H261/90000',
  '32': 'MPV/90000',
  '33': 'MP2T/90000',
  '34': 'H263/90000',
};

const RTP_PROFILE = /RTP\//i;

/** An m= line's transport is an RTP profile: RTP/AVP, RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF…, not udptl (T.38) or TCP/MSRP. */
export const isRtpProfile = (proto: string): boolean => proto.startsWith('RTP/') || RTP_PROFILE.test(proto);
