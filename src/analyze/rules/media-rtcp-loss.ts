import { lostPastCapture } from '../../media/rtcp-limits.js';
import { streamRule } from './stream-rule.js';

export const mediaRtcpLoss = streamRule(
  {
    id: 'media.rtcp-loss',
    title: 'RTP receiver reported packet loss the capture point did not see (RTCP)',
    severity: 'warning',
    rfc: {
      ref: 'RFC 3550 §6.4.1',
      text:
        'cumulative number of packets lost: 24 bits The total number of RTP data packets from source SSRC_n that ' +
        'have been lost since the beginning of reception. This number is defined to be the number of packets ' +
        'expected less the number of packets actually received, where the number of packets received includes ' +
        'any which are late or duplicates.',
    },
    explanation:
      'Every RTP receiver sends RTCP receiver reports (or sender reports, when it sends media too) back to each ' +
      'source it hears, saying how many of its packets it lost in all and what fraction it lost since the ' +
      'previous report, counted from the sequence numbers as sipscope counts them at the capture point. When the ' +
      'receiver reports more losses than the capture saw, the packets were there when they passed the capture ' +
      'point and were lost after it: on the network between the capture point and the receiver (a congested ' +
      'access link, Wi-Fi, a firewall or media relay dropping), or in the receiver itself. The capture cannot ' +
      'show that loss; the RTCP of the other end can. The count a report gives runs from the start of reception, ' +
      'which may be before the capture began: sipscope takes how much it grew from the first report in the ' +
      'capture to the last, and reports a stream whose receiver lost that way at least 5 packets, and 1% of ' +
      'those expected, beyond all the capture counted missing.',
  },
  (s) => {
    const r = s.rtcp;
    // Thresholds in media/rtcp-limits.ts, shared with the web page's stream table.
    if (r === undefined || lostPastCapture(s) === 0) return null;
    const seen = s.lost > 0 ? `${s.lost} lost` : 'no loss';
    return `the receiver of ${s.media} RTP ${s.src} → ${s.dst} (SSRC ${s.ssrc}) reported in its RTCP ${r.lostBetweenReports} packets lost from its first report in the capture to its last (${r.cumulativeLost} since it began receiving, up to ${r.maxFractionLostPercent}% in one report interval, ${r.reports} reports), where the capture point saw ${seen} of ${s.expected} expected: lost after the capture point`;
  },
);
