/**
 * One metric in the Prometheus text exposition format (version 0.0.4): its
 * `# HELP` and `# TYPE` lines, then a sample per label set, label values
 * escaped (backslash, double quote, newline), a value that is not finite
 * written 0. metrics.ts and the live capture's lines use it.
 */

export type Sample = [labels: Record<string, string>, value: number];

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function metric(
  out: string[],
  name: string,
  type: 'gauge' | 'counter',
  help: string,
  samples: Sample[],
): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
}
