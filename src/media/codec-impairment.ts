/**
 * What the E-model (e-model.ts) needs of a codec: its equipment impairment
 * factor Ie and packet-loss robustness factor Bpl, the provisional planning
 * values of ITU-T G.113 Appendix I (Tables I.1 and I.3), or for a wideband
 * codec its Appendix IV Ie,wb and Bpl,wb (codec-impairment-wb.ts), rated by
 * the wideband E-model (ITU-T G.107.1, e-model-wb.ts). Only codecs G.113
 * gives both for are rated; any other gets the reason it is not.
 */
import { amrWbImpairment } from './codec-impairment-wb.js';

export interface CodecImpairment {
  /** The RTP encoding name it was found by ("PCMU"). */
  codec: string;
  ie: number;
  bpl: number;
  /** The G.113 entry the values are (which coder, with which loss concealment). */
  entry: string;
  /** The E-model that rates it: narrowband (G.107, R to 100) or wideband (G.107.1, R to 129). */
  model: 'G.107' | 'G.107.1';
}

/**
 * By RTP encoding name (upper case, RFC 3551 §6 and the SDP rtpmap). G.711
 * is taken with packet loss concealment (G.711 Appendix I: Bpl 25.1; 4.3
 * without): current phones and gateways conceal, and the choice weighs
 * (1% random loss costs Ie,eff 3.6 with it, 17.9 without). G.729
 * is G.729A with VAD (the entry G.113 gives a Bpl for; plain G.729's Ie is
 * 10, Annex A's 11), G.723 the 6.3 kbit/s rate.
 */
const TABLE: Readonly<Record<string, Omit<CodecImpairment, 'codec' | 'model'>>> = {
  PCMU: { ie: 0, bpl: 25.1, entry: 'G.711 with PLC (G.711 Appendix I)' },
  PCMA: { ie: 0, bpl: 25.1, entry: 'G.711 with PLC (G.711 Appendix I)' },
  G729: { ie: 11, bpl: 19, entry: 'G.729A + VAD' },
  G723: { ie: 15, bpl: 16.1, entry: 'G.723.1 6.3 kbit/s + VAD' },
  'GSM-EFR': { ie: 5, bpl: 10, entry: 'GSM-EFR (GSM 06.60)' },
};

/** Why codecs G.113 does not fully cover get no MOS. */
const NOT_RATED: Readonly<Record<string, string>> = {
  G722: 'G.722 is wideband: sipscope knows no ITU-T G.113 Appendix IV Ie,wb and Bpl,wb for it, so the wideband E-model (G.107.1) cannot rate it',
  OPUS: 'ITU-T G.113 has no entry for Opus (neither Appendix I Ie nor Appendix IV Ie,wb and Bpl): it is not rated',
  GSM: 'G.113 gives GSM full rate (06.10) an Ie of 20 but no Bpl: its packet loss cannot be rated',
};

/** Payload formats that carry no voice of their own (comfort noise, RFC 3389; DTMF, RFC 4733). */
const NOT_VOICE = new Set(['CN', 'TELEPHONE-EVENT']);

/** The encoding name of a codec string ("PCMU/8000" → "PCMU"); a bare payload type number stays a number. */
export const encodingOf = (codec: string): string => codec.split('/')[0].toUpperCase();

/**
 * The voice codec of a stream's codecs (its payload types' names, in the
 * order seen), comfort noise and telephone events left out: the first; null
 * when there is none.
 */
export function voiceCodec(codecs: readonly string[]): string | null {
  return codecs.find((c) => !NOT_VOICE.has(encodingOf(c))) ?? null;
}

/**
 * Ie and Bpl of `codec` ("PCMU/8000"), or the reason there are none;
 * `amrWbMode`, the frame type an AMR-WB stream's packets carried
 * (amr-wb-mode.ts), picks that codec's wideband figures.
 */
export function impairmentOf(
  codec: string,
  amrWbMode: number | null = null,
): CodecImpairment | { reason: string } {
  // From the SDP: any length, any text (the reason is cut, and escaped where it is shown).
  const name = encodingOf(codec).slice(0, 32);
  const known = TABLE[name];
  if (known !== undefined) return { codec: name, ...known, model: 'G.107' };
  if (name === 'AMR-WB') {
    const wb = amrWbImpairment(amrWbMode);
    return 'reason' in wb ? wb : { codec: name, ...wb, model: 'G.107.1' };
  }
  const why = NOT_RATED[name];
  if (why !== undefined) return { reason: why };
  return /^\d+$/.test(name)
    ? { reason: `payload type ${name} has no codec name (no SDP rtpmap): its Ie and Bpl are unknown` }
    : { reason: `${name} has no Ie and Bpl in ITU-T G.113 Appendix I` };
}
