import { minR, poorQuality } from '../../media/quality-limits.js';
import { streamRule } from './stream-rule.js';

export const mediaPoorQuality = streamRule(
  {
    id: 'media.poor-quality',
    title: 'RTP stream estimated to sound poor (E-model MOS under 3.6)',
    severity: 'warning',
    rfc: {
      ref: 'RFC 3611 §4.7.5, ITU-T G.107',
      text:
        'R factor: 8 bits The R factor is a voice quality metric describing the segment of the call that is carried ' +
        'over this RTP session. It is expressed as an integer in the range 0 to 100, with a value of 94 ' +
        'corresponding to "toll quality" and values of 50 or less regarded as unusable. This metric is defined as ' +
        'including the effects of delay, consistent with ITU-T G.107 and ETSI TS 101 329-5.',
    },
    explanation:
      'The E-model of ITU-T G.107 rates a call on a scale R of 0 to 100 from what impairs it; sipscope estimates R ' +
      'for each audio stream from what the capture shows: its codec (the Ie and Bpl values of ITU-T G.113), the ' +
      'packets lost before the capture point or reported lost by the receiver in RTCP, the packets a fixed 60 ms ' +
      'jitter buffer would have dropped as late, how bursty the loss was, and the one-way delay when RTCP gave a ' +
      'round trip. A stream of 50 expected packets or more whose R is under 70 (MOS 3.6, G.107 Annex B) is ' +
      'reported: from there many users are dissatisfied. A wideband stream (AMR-WB) is rated by the wideband ' +
      'E-model of ITU-T G.107.1, whose R goes to 129 and gives its MOS from R / 1.29: the line is the same MOS ' +
      '3.6, R 90.3 on that scale. It is an estimate of what the network did to the call, ' +
      'not a measurement of the sound (PESQ, POLQA): echo, noise and levels are taken at their defaults.',
  },
  (s) => {
    // Threshold in media/quality-limits.ts, shared with the web page's stream table.
    const q = s.quality;
    if (q === undefined || q.r === null || !poorQuality(s)) return null;
    const delay = q.delayMs === null ? 'delay not known' : `${q.delayMs} ms one way`;
    const model = q.model === 'G.107.1' ? 'wideband E-model' : 'E-model';
    return `${s.media} RTP ${s.src} → ${s.dst} (SSRC ${s.ssrc}) is estimated at MOS ${q.mos.toFixed(2)} (${model} R ${q.r.toFixed(1)}, under ${minR(q.model)}): ${q.codec}, ${q.ppl}% of its packets lost or too late for a ${q.jitterBufferMs} ms jitter buffer (burst ratio ${q.burstR}), ${delay}`;
  },
);
