/**
 * Column names for the ladder, as sngrep's aliases: an alias names an address
 * (`ip:port`, or a bare IP for every port of that host), and columns whose
 * addresses get the same alias are merged into one column. Pure: the view
 * keeps the table (in localStorage) and passes it to the layout.
 */
import { hostOf } from '../../../src/decode/payload.js';

/** Alias table: `ip:port` or `ip` (IPv6 as `[v6]:port` or `v6`) → name. */
export type Aliases = Readonly<Record<string, string>>;

// The host part of `ip:port` / `[v6]:port`: the one the CLI's ladder uses too.
export { hostOf };

/** The alias of an address: the exact `ip:port` entry first, then the host's; null when none. */
export function aliasOf(addr: string, aliases: Aliases): string | null {
  const own = Object.hasOwn(aliases, addr) ? aliases[addr] : undefined;
  if (own !== undefined && own.trim() !== '') return own.trim();
  const host = hostOf(addr);
  const byHost = Object.hasOwn(aliases, host) ? aliases[host] : undefined;
  if (byHost !== undefined && byHost.trim() !== '') return byHost.trim();
  return null;
}

/**
 * The column key of an address: its alias (so equal aliases merge), else the
 * address itself. Alias keys are prefixed so an alias that happens to look
 * like another address does not merge with that address's own column.
 */
export function columnKey(addr: string, aliases: Aliases): string {
  const a = aliasOf(addr, aliases);
  return a === null ? `addr:${addr}` : `alias:${a}`;
}

/** A new table with `key` renamed to `name` (an empty name removes the alias). */
export function withAlias(aliases: Aliases, key: string, name: string): Record<string, string> {
  const out: Record<string, string> = { ...aliases };
  const n = name.trim();
  if (n === '') delete out[key];
  else out[key] = n;
  return out;
}

/** Reads a stored table, keeping only string → non-empty string entries (the stored text may be anything). */
export function parseAliases(text: string | null): Record<string, string> {
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val === 'string' && val.trim() !== '' && k !== '__proto__') out[k] = val.trim();
  }
  return out;
}
