import { streamRule } from './stream-rule.js';

/** Fewer packets than this (half a second of 20 ms audio) say too little to call the media one-way. */
const MIN_PACKETS = 25;

export const mediaOneWay = streamRule(
  {
    id: 'media.one-way',
    title: 'RTP in one direction only: one-way media in an answered call',
    severity: 'warning',
    rfc: {
      ref: 'RFC 3264 §5.1',
      text:
        'If the offerer wishes to both send and receive media with its peer, it MAY include an "a=sendrecv" ' +
        'attribute, or it MAY omit it, since sendrecv is the default. For recvonly and sendrecv streams, the port ' +
        'number and address in the offer indicate where the offerer would like to receive the media stream.',
    },
    explanation:
      'RTP flowed from one side of an answered call and nothing came back from the other side, although its SDP ' +
      '(sendrecv or sendonly) said it would send: one-way audio. The usual causes are NAT (an SDP address that is ' +
      'private or wrong, or a phone sending from a port it did not announce while a firewall drops the return), ' +
      'a firewall or ACL that drops one direction, or a side that never starts its media. A capture point that ' +
      'sees one direction of the path only (asymmetric routing) looks the same. Judged per stream once it has ' +
      'ended, from the streams found on the SDP addresses (see "RTP streams"); early media of a call that was ' +
      'never answered, and hold (sendonly/recvonly), are not reported.',
  },
  (s) => {
    if (s.reverse || !s.answered || s.packets < MIN_PACKETS) return null;
    if (s.setupDirection !== 'sendrecv' && s.setupDirection !== 'sendonly') return null;
    const to = s.dst.replace(/:\d+$/, '');
    const secs = (s.durationMs / 1000).toFixed(1);
    return `${s.media} RTP went one way only: ${s.src} → ${s.dst} (${s.packets} packets over ${secs} s, SSRC ${s.ssrc}), and nothing came back from ${to}, although its SDP says ${s.setupDirection}`;
  },
);
