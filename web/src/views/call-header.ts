/**
 * The parts of the call view drawn once per call, without state of their
 * own: its summary chips, the ladder's legend, the line naming the other
 * calls drawn with it (`…/with/7,9`), and the column names kept in the
 * browser (sngrep aliases). ladder-view.ts puts them together.
 */
import { callStory } from '../../../src/report/call-story.js';
import type { CallDetail } from '../api/types.js';
import { h } from '../dom.js';
import { countOf, durationText, wallClock } from '../format.js';
import { type Aliases, parseAliases } from '../ladder/aliases.js';
import { ARROW_CLASSES, type LadderLayout } from '../ladder/layout.js';
import { formatRoute } from '../router.js';
import { dtmfLine } from './call-dtmf.js';
import { relationsLine } from './call-relations.js';

const ALIAS_KEY = 'sipscope.aliases';

/** Whether "What happened" is open: as the reader last left it. */
let storyOpen = false;

export function loadAliases(): Aliases {
  try {
    return parseAliases(localStorage.getItem(ALIAS_KEY));
  } catch {
    return {};
  }
}

export function saveAliases(a: Aliases): void {
  try {
    localStorage.setItem(ALIAS_KEY, JSON.stringify(a));
  } catch {
    // Private mode or full storage: the names last for this page only.
  }
}

/** `names`: the legs' names when they are not the layout's (calls drawn together). */
export function legend(l: LadderLayout, names?: readonly string[]): HTMLElement {
  const items = ARROW_CLASSES.map(({ cls, name }) =>
    h('span', { class: `legend-item ${cls}` }, h('span', { class: 'swatch' }), name),
  );
  items.push(h('span', { class: 'legend-item retrans' }, h('span', { class: 'swatch' }), '↻ retransmission'));
  if (l.streams.length) {
    items.push(h('span', { class: 'legend-item rtp' }, h('span', { class: 'swatch' }), 'RTP stream'));
  }
  for (const sev of ['error', 'warning', 'info']) {
    items.push(
      h('span', { class: `legend-item marker sev-${sev}` }, h('span', { class: 'dot' }), `${sev} finding`),
    );
  }
  items.push(
    h(
      'span',
      { class: 'legend-item hint' },
      'hover: transaction (bold) and dialog; ctrl+wheel: zoom; shift+click: compare with the open message',
    ),
  );
  const legs =
    l.legs.length > 1
      ? h(
          'div',
          { class: 'legs' },
          ...l.legs.map((g) =>
            h(
              'span',
              { class: `leg leg-${Math.min(g.index, 5)}`, 'data-leg': String(g.index) },
              h('span', { class: 'leg-swatch' }),
              names?.[g.index] ?? g.name,
            ),
          ),
        )
      : null;
  return h('div', { class: 'legend' }, ...items, legs);
}

export function summary(captureId: string, d: CallDetail): HTMLElement {
  const c = d.call;
  const chip = (k: string, v: string | null, cls = '') =>
    v === null || v === ''
      ? null
      : h('span', { class: `fact ${cls}` }, h('span', { class: 'fact-key' }, k), ' ', v);
  return h(
    'div',
    { class: 'call-summary' },
    h(
      'h1',
      null,
      `Call ${c.id}  `,
      h('span', { class: 'from' }, c.from ?? '?'),
      ' → ',
      h('span', { class: 'to' }, c.to ?? '?'),
    ),
    h(
      'div',
      { class: 'facts' },
      chip('kind', c.kind),
      chip('state', c.state, `state-${c.state}`),
      chip('final', c.finalStatus !== null ? String(c.finalStatus) : null),
      chip('start', wallClock(c.start)),
      chip('PDD', c.pddMs !== null ? durationText(c.pddMs) : null),
      chip('setup', c.setupMs !== null ? durationText(c.setupMs) : null),
      chip('duration', c.durationMs !== null ? durationText(c.durationMs) : null),
      chip('hang-up by', c.hangupBy),
      chip('reason', c.reason),
      chip('messages', String(d.messages.length)),
      // Coloured by the worst of them, as the call list's Findings column (the row's worstSeverity).
      chip('findings', String(d.findings.length), c.worstSeverity ? `sev-${c.worstSeverity}` : ''),
    ),
    // The Call-IDs and "What happened" share a line: the ladder keeps its room.
    h(
      'div',
      { class: 'call-line' },
      h(
        'div',
        { class: 'call-ids' },
        'Call-ID ',
        ...c.callIds.flatMap((id, i) => [i ? ', ' : '', h('code', null, id)]),
      ),
      storyBlock(d),
    ),
    dtmfLine(captureId, d),
    c.links.length
      ? h(
          'div',
          { class: 'links' },
          ...c.links.map((l) =>
            h('span', { class: 'link' }, 'linked ', h('code', null, l.callId), ` by ${l.evidence}`),
          ),
        )
      : null,
    relationsLine(captureId, c.id, c.related ?? []),
  );
}

/**
 * "What happened": the call told in a few sentences (src/report/call-story.ts,
 * as `sipscope analyze --call` prints it), folded to its outcome on one line
 * so the ladder keeps its room; open, the whole story.
 */
export function storyBlock(d: CallDetail): HTMLElement {
  const story = callStory(d.call, d.messages, d.streams ?? [], d.findings);
  const block = h(
    'details',
    { class: 'call-story', open: storyOpen },
    h(
      'summary',
      null,
      h('span', { class: 'story-title' }, 'What happened:'),
      ' ',
      h('span', { class: 'story-preview' }, story.sentences[story.outcome] ?? ''),
    ),
    h('p', null, story.sentences.join(' ')),
  );
  // Opened or folded, it stays so through the page's redraws (a live call's) and from call to call.
  block.addEventListener('toggle', () => {
    storyOpen = (block as HTMLDetailsElement).open;
  });
  return block;
}

/**
 * The line under the summary of calls drawn together: each other call a
 * link to its own ladder, the main call alone, and the calls left out
 * because the capture no longer has them.
 */
export function withLine(
  captureId: string,
  callId: number,
  drawn: readonly CallDetail[],
  missing: readonly number[],
  messages: number,
): HTMLElement {
  const ladderOf = (call: number) => formatRoute({ view: 'ladder', capture: captureId, call, message: null });
  return h(
    'div',
    { class: 'with-calls', 'data-with-calls': drawn.map((d) => d.call.id).join(',') },
    drawn.length ? 'Drawn with ' : '',
    ...drawn.flatMap((d, i) => [
      i ? ', ' : '',
      h(
        'a',
        {
          href: ladderOf(d.call.id),
          'data-with-call': String(d.call.id),
          title: `${d.call.from ?? '?'} → ${d.call.to ?? '?'}, ${wallClock(d.call.start)}`,
        },
        `call ${d.call.id}`,
      ),
    ]),
    drawn.length ? ` (${countOf(messages, 'message')} in all) · ` : '',
    h('a', { href: ladderOf(callId), 'data-with-alone': '' }, `call ${callId} alone`),
    missing.length
      ? h(
          'span',
          { class: 'with-missing', 'data-with-missing': missing.join(',') },
          ` · left out, not in this capture: ${missing.map((id) => `call ${id}`).join(', ')}`,
        )
      : null,
  );
}
