import { longestGapText } from '../stream-text.js';
import { streamRule } from './stream-rule.js';

/** Fewer packets expected than this (a second of 20 ms audio) say too little about a path's loss. */
const MIN_EXPECTED = 50;
/** Loss from this share of the expected packets on (per cent) is reported. */
const MIN_LOST_PERCENT = 1;

export const mediaPacketLoss = streamRule(
  {
    id: 'media.packet-loss',
    title: 'RTP stream lost 1% or more of its packets on the way',
    severity: 'warning',
    rfc: {
      ref: 'RFC 3550 §6.4.1, A.3',
      text:
        'cumulative number of packets lost: 24 bits The total number of RTP data packets from source SSRC_n that ' +
        'have been lost since the beginning of reception. This number is defined to be the number of packets ' +
        'expected less the number of packets actually received, where the number of packets received includes ' +
        'any which are late or duplicates. … The number of packets expected is defined to be the extended last ' +
        'sequence number received, as defined next, less the initial sequence number received.',
    },
    explanation:
      'Every RTP packet carries a sequence number one higher than the one before (RFC 3550 §5.1), so packets that ' +
      'never reached the capture point show as gaps in the numbering; a stream that lost 1% or more of the packets ' +
      'its numbering says were sent is reported, since from about there listeners hear clipped syllables and ' +
      'robotic audio. Loss is counted as RFC 3550 defines it and Wireshark shows it (expected less received, late ' +
      'packets and duplicates counted as received; packets lost after the last one seen cannot be counted), on ' +
      'streams of 50 expected packets or more (about a second of 20 ms audio). The loss happened before the ' +
      'capture point: a congested or faulty link, a busy router or firewall, Wi-Fi, or the sender itself; the same ' +
      'stream captured nearer its source tells which hop.',
  },
  (s) => {
    if (s.expected < MIN_EXPECTED || s.lost <= 0 || (100 * s.lost) / s.expected < MIN_LOST_PERCENT)
      return null;
    const gap = longestGapText(s);
    return `${s.media} RTP ${s.src} → ${s.dst} (SSRC ${s.ssrc}) lost ${s.lost} of the ${s.expected} packets its sequence numbers say were sent (${s.lostPercent}%)${gap}`;
  },
);
