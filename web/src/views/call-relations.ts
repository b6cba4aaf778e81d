/**
 * The calls a call is related to by transfer (RFC 3515 REFER) or
 * replacement (RFC 3891 Replaces), as links under the call's summary: the
 * other call, and the request that asked for it (a REFER or an INVITE with
 * Replaces), which lives in this call or in the other one.
 */
import type { CallRelation } from '../api/types.js';
import { h } from '../dom.js';
import { formatRoute } from '../router.js';

const LABEL: Record<CallRelation['relation'], string> = {
  'transferred-to': 'Transferred to',
  'transferred-from': 'Transferred from',
  replaces: 'Replaces',
  'replaced-by': 'Replaced by',
};

const SHORT: Record<CallRelation['relation'], string> = {
  'transferred-to': 'transferred',
  'transferred-from': 'by transfer',
  replaces: 'replaces',
  'replaced-by': 'replaced',
};

/** For the call list's State cell: a word per relation, and the sentence of each for its tooltip. */
export function relationsBrief(related: CallRelation[] | undefined): { short: string; long: string } | null {
  if (!related || related.length === 0) return null;
  return {
    short: [...new Set(related.map((r) => SHORT[r.relation]))].join(', '),
    long: related.map((r) => `${LABEL[r.relation].toLowerCase()} call ${r.call}`).join('; '),
  };
}

/** Relations whose request (`message`) is a message of this call, not of the other. */
const OWN_REQUEST = new Set<CallRelation['relation']>(['transferred-to', 'replaces']);

export function relationsLine(capture: string, call: number, related: CallRelation[]): HTMLElement | null {
  if (related.length === 0) return null;
  return h(
    'div',
    { class: 'related' },
    ...related.map((r) => {
      const request = r.relation.startsWith('transferred') ? 'REFER' : 'INVITE';
      const at = OWN_REQUEST.has(r.relation) ? call : r.call;
      return h(
        'span',
        { class: 'relation', 'data-relation': r.relation },
        `${LABEL[r.relation]} `,
        h(
          'a',
          { href: formatRoute({ view: 'ladder', capture, call: r.call, message: null }) },
          `call ${r.call}`,
        ),
        ' (',
        h(
          'a',
          {
            href: formatRoute({ view: 'ladder', capture, call: at, message: r.message }),
            title: `the ${request} that asked for it`,
          },
          request,
        ),
        `, matched by ${r.evidence})`,
      );
    }),
  );
}
