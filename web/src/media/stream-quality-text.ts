/**
 * A stream's estimated quality (the E-model MOS of src/media/stream-quality.ts)
 * as the call view shows it: the MOS cell of the streams table with its
 * tooltip, and the facts of the stream's details. Pure: no DOM; the text
 * is set as text by the views (codec names come from the SDP).
 */
import { modelName, poorQuality } from '../../../src/media/quality-limits.js';
import type { RtpStream } from '../api/types.js';

export interface QualityCell {
  /** `4.36`; `–` when the stream has no estimate. */
  mos: string;
  /** Under MOS 3.6 (R 70; 90.3 on G.107.1's scale), as media.poor-quality reports it: drawn with the warning colour. */
  poor: boolean;
  /** What the figure is made of, or why there is none; null when the server gave no estimate. */
  title: string | null;
}

/** The MOS cell of stream `s`; the tooltip ends with what its receiver reported in RTCP XR, when it did. */
export function qualityCell(s: RtpStream): QualityCell {
  const q = s.quality;
  const xr = xrText(s);
  const tail = xr === null ? '' : `\n${xr}`;
  if (q === undefined) return { mos: '–', poor: false, title: xr };
  if (q.r === null) return { mos: '–', poor: false, title: `no MOS: ${q.reason}${tail}` };
  return { mos: q.mos.toFixed(2), poor: poorQuality(s), title: `${qualityText(q)}${tail}` };
}

/**
 * What the stream's receiver measured itself (RTCP XR VoIP Metrics, RFC
 * 3611 §4.7): its MOS-LQ, MOS-CQ and R factor, the loss and delay it saw;
 * null when it sent none.
 */
export function xrText(s: RtpStream): string | null {
  const x = s.rtcp?.xr;
  if (x === undefined) return null;
  const v = x.voip;
  const parts: string[] = [];
  if (v !== null) {
    const fig = (n: number | null, digits: number) => (n === null ? 'unavailable' : n.toFixed(digits));
    parts.push(
      `its receiver reported (RTCP XR): MOS-LQ ${fig(v.mosLq, 1)}, MOS-CQ ${fig(v.mosCq, 1)}, R ${fig(v.rFactor, 0)}; ` +
        `loss ${v.lossPercent}%, discarded ${v.discardPercent}%, round trip ${v.roundTripDelayMs} ms, ` +
        `end system delay ${v.endSystemDelayMs} ms, ${v.jitterBuffer} jitter buffer ${v.jbNominalMs}/${v.jbMaximumMs} ms`,
    );
  }
  if (x.maxRoundTripMs !== null) parts.push(`XR round trip (DLRR) ${x.meanRoundTripMs} ms`);
  if (x.statsReports > 0)
    parts.push(`XR statistics: ${x.statsLost ?? '–'} lost, ${x.statsDuplicates ?? '–'} duplicates`);
  if (x.malformed > 0) parts.push(`${x.malformed} malformed XR blocks`);
  return parts.length === 0 ? null : parts.join('; ');
}

type Rated = Extract<NonNullable<RtpStream['quality']>, { r: number }>;

/** `R 91.0 (E-model, ITU-T G.107); PCMU: Ie 0, Bpl 25.1; loss 0.6% …; assumptions`. */
function qualityText(q: Rated): string {
  const loss =
    `loss ${q.ppl}%: ${q.lostPackets} lost${q.lossFrom === 'rtcp' ? ' (as its receiver reported in RTCP)' : ''}, ` +
    `${q.latePackets} later than the ${q.jitterBufferMs} ms jitter buffer, burst ratio ${q.burstR}`;
  const delay = q.delayMs === null ? 'delay not counted' : `one-way delay ${q.delayMs} ms (Id ${q.id})`;
  const wb = q.model === 'G.107.1';
  const ie = wb ? `Ie,wb ${q.ie}, Bpl,wb ${q.bpl}` : `Ie ${q.ie}, Bpl ${q.bpl}`;
  const scale = wb ? ', on its 0–129 scale' : '';
  const red = q.recoveredPackets === undefined ? '' : `, ${q.recoveredPackets} recovered by RED`;
  return `R ${q.r.toFixed(1)} (${modelName(q.model)}${scale}, estimated from the capture); ${q.codec}: ${ie}, Ie,eff ${q.ieEff}; ${loss}${red}; ${delay}. Assumed: ${q.assumptions.join('; ')}`;
}

/** The details' facts: the MOS and what it is made of, and what the receiver reported in XR; none without either. */
export function qualityFacts(s: RtpStream): Array<{ key: string; value: string; warn?: boolean }> {
  const q = s.quality;
  const out: Array<{ key: string; value: string; warn?: boolean }> = [];
  if (q !== undefined)
    out.push(
      q.r === null
        ? { key: 'MOS (estimate)', value: `no MOS: ${q.reason}` }
        : { key: 'MOS (estimate)', value: `${q.mos.toFixed(2)} — ${qualityText(q)}`, warn: poorQuality(s) },
    );
  const xr = xrText(s);
  if (xr !== null) out.push({ key: 'RTCP XR', value: xr });
  return out;
}
