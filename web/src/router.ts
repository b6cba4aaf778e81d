/**
 * The UI's state in the URL hash, as server/API.md "Web routes" fixes it, so
 * a link names the capture, the call and the message and can be shared:
 * `#/captures/:id`, `#/captures/:id/calls/:callId`,
 * `#/captures/:id/calls/:callId/messages/:messageId`,
 * `#/captures/:id/calls/:callId/messages/:messageId/compare/:otherId` (two
 * messages side by side), `#/captures/:id/findings`, `#/captures/:id/stats`.
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
    }
  | { view: 'findings'; capture: string }
  | { view: 'stats'; capture: string };

const ID = /^(0|[1-9]\d{0,15})$/;

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
    if (parts.length === 4) return { view: 'ladder', capture, call, message: null };
    const message =
      parts[4] === 'messages' && (parts.length === 6 || parts.length === 8) ? num(parts[5]) : null;
    const compare = message !== null && parts.length === 8 && parts[6] === 'compare' ? num(parts[7]) : null;
    return compare === null || compare === message
      ? { view: 'ladder', capture, call, message }
      : { view: 'ladder', capture, call, message, compare };
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
      return `${base}/calls/${r.call}${r.message === null ? '' : `/messages/${r.message}`}${r.message !== null && r.compare !== undefined ? `/compare/${r.compare}` : ''}`;
  }
}

/** Where Esc goes: a compare closes to its first message, the message to its ladder, the ladder to the call list, a capture's views to the list of captures. */
export function parentRoute(r: Route): Route {
  switch (r.view) {
    case 'captures':
      return r;
    case 'ladder':
      if (r.compare !== undefined)
        return { view: 'ladder', capture: r.capture, call: r.call, message: r.message };
      return r.message !== null ? { ...r, message: null } : { view: 'calls', capture: r.capture };
    case 'calls':
    case 'findings':
    case 'stats':
      return { view: 'captures' };
  }
}
