/**
 * All findings of a capture grouped by rule, with counts, the rule's RFC
 * sentence and explanation, and each occurrence linking to its message in
 * the call's ladder.
 */
import { api } from '../api/client.js';
import type { Finding, Rule } from '../api/types.js';
import { captureTitle } from '../capture-files.js';
import { h, replace } from '../dom.js';
import { groupFindings } from '../findings/group.js';
import { countOf, countText } from '../format.js';
import { formatRoute } from '../router.js';
import type { View, ViewContext } from './view.js';

/** Occurrences listed per rule before "and N more" (a scan can raise thousands). */
const SHOWN_PER_RULE = 200;

export function findingsView(ctx: ViewContext, captureId: string): View {
  const abort = new AbortController();
  const body = h('div', { class: 'findings-groups' }, h('p', { class: 'loading' }, 'Loading findings…'));
  replace(ctx.root, h('section', { class: 'findings-view' }, h('h1', null, 'Findings'), body));

  const occurrence = (f: Finding): HTMLElement => {
    const links = f.messages.slice(0, 12).map((m) =>
      f.call === null
        ? h('span', { class: 'msg-ref' }, `#${m}`)
        : h(
            'a',
            {
              class: 'msg-ref',
              href: formatRoute({ view: 'ladder', capture: captureId, call: f.call, message: m }),
            },
            `#${m}`,
          ),
    );
    return h(
      'li',
      { class: `occurrence sev-${f.severity}` },
      h('span', { class: 'finding-text' }, f.text),
      ' ',
      f.call !== null
        ? h(
            'a',
            {
              class: 'call-ref',
              href: formatRoute({ view: 'ladder', capture: captureId, call: f.call, message: null }),
            },
            `call ${f.call}`,
          )
        : null,
      ' messages ',
      ...links.flatMap((l, i) => (i ? [' ', l] : [l])),
      f.messages.length > links.length ? ` … (${f.messages.length})` : '',
    );
  };

  // Only the occurrences shown, and each rule's count: a capture can hold hundreds of thousands.
  Promise.all([
    api.findings(captureId, abort.signal, SHOWN_PER_RULE),
    api.findingCounts(captureId, abort.signal),
    api.rules().catch(() => [] as Rule[]),
  ]).then(
    ([findings, counts, rules]) => {
      const catalogue = new Map(rules.map((r) => [r.id, r]));
      const groups = groupFindings(findings, rules, counts);
      const total = counts.reduce((n, c) => n + c.count, 0);
      if (!groups.length) {
        replace(body, h('p', { class: 'empty' }, 'No findings: nothing in this capture breaks a rule.'));
        return;
      }
      replace(
        body,
        h('p', { class: 'summary' }, `${countOf(total, 'finding')} from ${countOf(groups.length, 'rule')}`),
        ...groups.map((g) => {
          const rule = catalogue.get(g.rule);
          const more = g.count - Math.min(g.count, SHOWN_PER_RULE);
          return h(
            'details',
            { class: `finding-group sev-${g.severity}`, 'data-group-rule': g.rule },
            h(
              'summary',
              null,
              h('span', { class: `badge sev-${g.severity}` }, g.severity),
              h('code', { class: 'rule-id' }, g.rule),
              h('span', { class: 'rule-title' }, g.title),
              h('span', { class: 'rfc' }, g.rfc),
              h('span', { class: 'count' }, countText(g.count)),
            ),
            rule?.rfc.text ? h('blockquote', { class: 'rfc-text' }, rule.rfc.text) : null,
            rule?.explanation ? h('p', { class: 'explanation' }, rule.explanation) : null,
            h('ul', { class: 'occurrences' }, ...g.findings.slice(0, SHOWN_PER_RULE).map(occurrence)),
            more > 0 ? h('p', { class: 'more' }, `and ${countText(more)} more`) : null,
          );
        }),
      );
      const first = body.querySelector('details');
      if (first && groups.length <= 3) first.open = true;
    },
    (e: Error) => {
      if (!abort.signal.aborted) replace(body, h('p', { class: 'error-text' }, e.message));
    },
  );
  api.capture(captureId, abort.signal).then(
    (c) => ctx.setTitle({ ...captureTitle(c), call: null }),
    () => undefined,
  );

  return {
    destroy() {
      abort.abort();
    },
  };
}
