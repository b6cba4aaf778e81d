import { jittery } from '../../media/jitter-limits.js';
import { longestGapText } from '../stream-text.js';
import { streamRule } from './stream-rule.js';

export const mediaJitter = streamRule(
  {
    id: 'media.jitter',
    title: 'RTP stream arrived with high interarrival jitter (choppy audio)',
    severity: 'warning',
    rfc: {
      ref: 'RFC 3550 §6.4.1, A.8',
      text:
        'interarrival jitter: 32 bits An estimate of the statistical variance of the RTP data packet interarrival ' +
        'time, measured in timestamp units and expressed as an unsigned integer. The interarrival jitter J is ' +
        'defined to be the mean deviation (smoothed absolute value) of the difference D in packet spacing at the ' +
        'receiver compared to the sender for a pair of packets.',
    },
    explanation:
      'Each RTP packet carries the sampling instant of its audio, so comparing how far apart two packets arrived ' +
      'with how far apart they were sent shows how much the network delayed one more than the other; RFC 3550 ' +
      'smooths that difference into the interarrival jitter J. A receiver evens it out in a jitter buffer of a few ' +
      'tens of milliseconds, and a packet later than the buffer allows is dropped as if lost: the listener hears ' +
      'choppy or robotic audio although every packet arrived. sipscope reports a stream of 50 expected packets or ' +
      'more whose J reached 50 ms (the bound ITU-T Y.1541 sets on packet delay variation for interactive voice) or ' +
      'averaged 30 ms or more, computed over voice packets only: talkspurt starts, comfort noise, DTMF events ' +
      "(which keep their start timestamp) and single jumps of 1 s or more are left out, since they lift Wireshark's " +
      'max jitter with no delay on the network. Usual causes are a congested uplink without voice priority, ' +
      'Wi-Fi, or a busy host or media relay.',
  },
  (s) => {
    const max = s.maxNetworkJitterMs;
    const mean = s.meanNetworkJitterMs;
    // Thresholds in media/jitter-limits.ts, shared with the web page's stream table.
    if (!jittery(s) || max === null || mean === null) return null;
    const gap = longestGapText(s);
    return `${s.media} RTP ${s.src} → ${s.dst} (SSRC ${s.ssrc}) arrived with interarrival jitter up to ${max.toFixed(1)} ms (mean ${mean.toFixed(1)} ms) over ${s.packets} packets${gap}`;
  },
);
