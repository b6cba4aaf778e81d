/**
 * The UI's state in the URL hash, as server/API.md "Web routes" fixes it, so
 * a link names the capture, the call and the message and can be shared:
 * `#/captures/:id`, `#/captures/:id/calls/:callId`,
 * `#/captures/:id/calls/:callId/messages/:messageId`,
 * `#/captures/:id/calls/:callId/messages/:messageId/compare/:otherId` (two
 * messages side by side), `#/captures/:id/findings`, `#/captures/:id/stats`.
 *
 * Several calls on one ladder (sngrep's call flow of the selected dialogs):
 * `#/captures/:id/calls/:callId/with/:ids`, `:ids` the other calls' ids
 * separated by commas (`with/7,9`), then the message and compare parts as
 * for one call (`…/with/7,9/messages/340`). The list keeps its order (the
 * call list gives it by start time); a repeated id, or the main call's own,
 * is dropped, and a list left empty is the call alone. A list that is not
 * ids (`with/7,,x`), or longer than MAX_WITH, is ignored: the call alone.
 * Pure: parse and format.
 */

export type Route =
  | { view: 'captures' }
  | { view: 'calls'; capture: string }
  | {
      view: 'ladder';
      capture: string;
      call: number;
      message: number | null;
      /** A second message compared with `message` (absent: none). */
      compare?: number;
      /** Other calls drawn on the same ladder, in order, never `call` itself (absent: none). */
      with?: number[];
    }
  | { view: 'findings'; capture: string }
  | { view: 'stats'; capture: string };

const ID = /^(0|[1-9]\d{0,15})$/;

/** The most calls a ladder route draws with its own: a longer list is not a link the UI makes. */
export const MAX_WITH = 100;

/**
 * The other calls of `with/:ids`: in order, without repeats or `call`
 * itself; null when the list is not ids (then the route ignores it).
 */
export function parseWith(s: string, call: number): number[] | null {
  const parts = s.split(',');
  if (parts.length > MAX_WITH || !parts.every((p) => ID.test(p))) return null;
  return [...new Set(parts.map(Number))].filter((id) => id !== call);
}

function num(s: string | undefined): number | null {
  return s !== undefined && ID.test(s) ? Number(s) : null;
}

function segment(s: string): string | null {
  try {
    const d = decodeURIComponent(s);
    return d === '' ? null : d;
  } catch {
    return null;
  }
}

/** The route a hash names; anything unknown is the captures list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const parts = path === '' ? [] : path.split('/');
  if (parts[0] !== 'captures' || parts.length < 2) return { view: 'captures' };
  const capture = segment(parts[1]);
  if (capture === null) return { view: 'captures' };
  if (parts.length === 2) return { view: 'calls', capture };
  if (parts.length === 3 && parts[2] === 'findings') return { view: 'findings', capture };
  if (parts.length === 3 && parts[2] === 'stats') return { view: 'stats', capture };
  if (parts[2] === 'calls') {
    const call = num(parts[3]);
    if (call === null) return { view: 'calls', capture };
    let rest = parts.slice(4);
    let others: number[] = [];
    if (rest[0] === 'with') {
      // A damaged list is dropped with whatever follows it: the call alone, not some other message.
      const list = rest.length >= 2 ? parseWith(rest[1], call) : null;
      if (list === null) return { view: 'ladder', capture, call, message: null };
      others = list;
      rest = rest.slice(2);
    }
    const w = others.length ? { with: others } : {};
    if (rest.length === 0) return { view: 'ladder', capture, call, message: null, ...w };
    const message = rest[0] === 'messages' && (rest.length === 2 || rest.length === 4) ? num(rest[1]) : null;
    const compare = message !== null && rest.length === 4 && rest[2] === 'compare' ? num(rest[3]) : null;
    return compare === null || compare === message
      ? { view: 'ladder', capture, call, message, ...w }
      : { view: 'ladder', capture, call, message, compare, ...w };
  }
  return { view: 'calls', capture };
}

/** The hash of a route (with the leading `#`). */
export function formatRoute(r: Route): string {
  if (r.view === 'captures') return '#/';
  const base = `#/captures/${encodeURIComponent(r.capture)}`;
  switch (r.view) {
    case 'calls':
      return base;
    case 'findings':
      return `${base}/findings`;
    case 'stats':
      return `${base}/stats`;
    case 'ladder':
      return `${base}/calls/${r.call}${withPart(r)}${r.message === null ? '' : `/messages/${r.message}`}${r.message !== null && r.compare !== undefined ? `/compare/${r.compare}` : ''}`;
  }
}

/** `/with/7,9` of a ladder route with other calls, '' without (the main call and repeats left out, as parsed). */
function withPart(r: Extract<Route, { view: 'ladder' }>): string {
  const ids = [...new Set(r.with ?? [])].filter((id) => id !== r.call);
  return ids.length ? `/with/${ids.join(',')}` : '';
}

/** Where Esc goes: a compare closes to its first message, the message to its ladder (with its other calls), the ladder to the call list, a capture's views to the list of captures. */
export function parentRoute(r: Route): Route {
  switch (r.view) {
    case 'captures':
      return r;
    case 'ladder':
      if (r.compare !== undefined) {
        const { compare: _, ...first } = r;
        return first;
      }
      return r.message !== null ? { ...r, message: null } : { view: 'calls', capture: r.capture };
    case 'calls':
    case 'findings':
    case 'stats':
      return { view: 'captures' };
  }
}
