/**
 * What the wideband E-model (e-model-wb.ts, ITU-T G.107.1) needs of a
 * wideband codec: its Ie,wb and Bpl,wb, the provisional planning values of
 * ITU-T G.113 Appendix IV. Only AMR-WB (G.722.2) has both there, and only
 * for three of its nine modes; everything else wideband gets the reason it
 * is not rated.
 *
 * The figures are G.113 (09/2024) Appendix IV's for diotic listening, the
 * one context G.113 gives Bpl,wb for (Table IV.4; Table IV.3 its Ie,wb):
 * Ie,wb and Bpl,wb from two listening contexts are not mixed in one
 * formula. They were read as two open implementations quote those tables
 * (sipnab `src/rtp/emodel_wb.rs`; the AMR-WB 12.65 kbit/s Bpl,wb 4.3 also in
 * a second one), not from the ITU text itself.
 */

/** AMR-WB's nine speech modes in kbit/s, by RFC 4867 frame type (FT 0–8, 3GPP TS 26.201). */
export const AMR_WB_KBPS: readonly number[] = [6.6, 8.85, 12.65, 14.25, 15.85, 18.25, 19.85, 23.05, 23.85];

/** An AMR-WB mode G.113 rates: frame type → Ie,wb (Table IV.3) and Bpl,wb (Table IV.4), diotic. */
const AMR_WB: Readonly<Record<number, { ie: number; bpl: number }>> = {
  2: { ie: 20, bpl: 4.3 },
  7: { ie: 8, bpl: 4.6 },
  8: { ie: 10, bpl: 4.9 },
};

/** Ie,wb and Bpl,wb of AMR-WB in mode `mode` (its frame type), or why there are none. */
export function amrWbImpairment(
  mode: number | null,
): { ie: number; bpl: number; entry: string } | { reason: string } {
  if (mode === null)
    return {
      reason:
        'AMR-WB is rated by its mode (ITU-T G.113 Appendix IV) and no packet of the stream showed one (single-frame packets are read)',
    };
  const kbps = AMR_WB_KBPS[mode];
  const known = AMR_WB[mode];
  if (known === undefined)
    return {
      reason: `AMR-WB at ${kbps} kbit/s has no Bpl,wb in ITU-T G.113 Appendix IV (Table IV.4 gives it for 12.65, 23.05 and 23.85 kbit/s only)`,
    };
  return { ...known, entry: `AMR-WB (G.722.2) ${kbps} kbit/s, diotic (G.113 Tables IV.3 and IV.4)` };
}
