/**
 * Number and time formatting shared by the views. Pure: no DOM, no locale
 * surprises (fixed decimals, UTC), so tests and screenshots are stable.
 */
import { precisionFixed } from 'd3';

/** Seconds relative to a start, 3 decimals: `12.010`. */
export function relTime(seconds: number): string {
  return seconds.toFixed(3);
}

/**
 * A time relative to a start, signed, 3 decimals: `+0.100 s`, `−0.100 s` (a
 * minus sign, never `+-`: a message before the start is said to be).
 */
export function offsetText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const abs = Math.abs(seconds).toFixed(3);
  return `${seconds < 0 && abs !== '0.000' ? '−' : '+'}${abs} s`;
}

/** A gap between two messages: `+0 ms`, `+10 ms`, `+1.990 s`, `+2 min 3.0 s`. */
export function deltaText(seconds: number): string {
  const ms = seconds * 1000;
  if (ms < 1000) return `+${ms < 10 ? ms.toFixed(1).replace(/\.0$/, '') : Math.round(ms)} ms`;
  if (seconds < 120) return `+${seconds.toFixed(3)} s`;
  const min = Math.floor(seconds / 60);
  return `+${min} min ${(seconds - min * 60).toFixed(1)} s`;
}

/** Milliseconds as a compact duration, or an en dash for null: `0.12 ms`, `20 ms`, `9.99 s`, `1 h 02 min`. */
export function durationText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${Number(ms.toFixed(ms < 1 ? 2 : 1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(2)} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    return `${m} min ${String(Math.floor(s - m * 60)).padStart(2, '0')} s`;
  }
  const h = Math.floor(s / 3600);
  return `${h} h ${String(Math.floor((s - h * 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * Labels for durations `step` ms apart (an axis's ticks, a histogram's bin
 * edges) over values up to `top` ms: the unit durationText takes for `top`
 * (ms below a second, s below a minute) with the decimals `step` needs, so
 * that neighbours never read alike. durationText's one decimal made the
 * ticks 1.25 ms and 1.3 ms both "1.3 ms" (the decimals: d3-format's
 * precisionFixed). From a minute up, durationText.
 */
export function durationScaleText(step: number, top: number): (ms: number) => string {
  if (!(step > 0) || !Number.isFinite(step) || !Number.isFinite(top)) return durationText;
  if (top < 1000) {
    const p = precisionFixed(step);
    return (ms) => `${ms.toFixed(p)} ms`;
  }
  if (top < 60_000) {
    const p = precisionFixed(step / 1000);
    return (ms) => `${(ms / 1000).toFixed(p)} s`;
  }
  return durationText;
}

/** Capture time (epoch seconds) as `2023-11-14 22:13:20.000` UTC. */
export function wallClock(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) return '–';
  const d = new Date(Math.round(epochSeconds * 1000));
  if (Number.isNaN(d.getTime())) return '–';
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Bytes as `2.5 kB`, `55.2 MB`. */
export function bytesText(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** A count with thin grouping: `100 000`. */
export function countText(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** `countText(n)` and the noun, singular for 1: `1 rule`, `2 rules`. */
export function countOf(n: number, noun: string): string {
  return `${countText(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A ratio 0..1 as a percentage, `–` for null. */
export function percentText(r: number | null): string {
  return r === null || !Number.isFinite(r) ? '–' : `${(r * 100).toFixed(1)} %`;
}

/** `text` cut to `max` characters with an ellipsis. */
export function ellipsis(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return '…';
  return `${text.slice(0, max - 1)}…`;
}

/** A bracketed IPv6 address: `[` then its groups (and a dotted IPv4 tail) then `]`. */
const BRACKETED_IPV6 = /\[([0-9a-fA-F:.]+)\]/g;

/**
 * Bracketed IPv6 addresses in `text` with their middle groups left out,
 * keeping the first and the last `keep`: `[fd17:…:feb9:1521]`. The end of an
 * address tells apart what share a prefix (the hosts of one network).
 */
export function shortenIpv6(text: string, keep: number): string {
  return text.replace(BRACKETED_IPV6, (whole, inner: string) => {
    const groups = inner.split(':');
    if (groups.length < keep + 3 || groups[0] === '') return whole;
    return `[${groups[0]}:…:${groups.slice(groups.length - keep).join(':')}]`;
  });
}

/**
 * An address (or a text with addresses) cut to `max` characters: long IPv6
 * addresses lose their middle groups first, then the text its middle, so
 * its end (last groups, port) stays: `[fd17:…:1521]:15060`.
 */
export function fitAddress(text: string, max: number): string {
  if (text.length <= max) return text;
  const short = shortenIpv6ToFit(text, max);
  if (short.length <= max) return short;
  if (max <= 1) return ellipsis(short, max);
  const tail = Math.ceil((max - 1) * 0.6);
  return `${short.slice(0, max - 1 - tail)}…${short.slice(short.length - tail)}`;
}

/**
 * `text` with its IPv6 addresses shortened no more than it takes to fit
 * `max`: their last two groups kept if that fits, else only the last (which
 * may still not fit: the caller cuts what is left).
 */
export function shortenIpv6ToFit(text: string, max: number): string {
  const two = shortenIpv6(text, 2);
  return two.length <= max ? two : shortenIpv6(text, 1);
}

/** The severities, worst first. */
export const SEVERITY_ORDER = ['error', 'warning', 'info'] as const;

/** `sev-error`, `sev-warning` or `sev-info` for the worst severity counted (`stats.findingsBySeverity`); '' for none. */
export function worstCountClass(counts: Readonly<Record<(typeof SEVERITY_ORDER)[number], number>>): string {
  const worst = SEVERITY_ORDER.find((s) => counts[s] > 0);
  return worst ? `sev-${worst}` : '';
}
