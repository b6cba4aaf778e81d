/**
 * `sipscope --help` documents every command (issue 2) and every option each
 * command accepts: the options are read from the tables the commands parse
 * their arguments with, so an option added to a command without a line in
 * the help fails here (`--call` of analyze once went undocumented).
 */
import { describe, expect, it } from 'vitest';
import { ANALYZE_OPTIONS } from '../../src/cli/analyze-command.js';
import { HELP } from '../../src/cli/help.js';
import { LINT_OPTIONS } from '../../src/cli/lint-command.js';
import { LIVE_OPTIONS } from '../../src/cli/live-command.js';
import { RULES_OPTIONS } from '../../src/cli/rules-command.js';
import { SERVE_OPTIONS } from '../../src/cli/serve-command.js';

type Options = Record<string, { short?: string }>;

const COMMANDS: Array<[string, Options]> = [
  ['analyze', ANALYZE_OPTIONS],
  ['lint', LINT_OPTIONS],
  ['rules', RULES_OPTIONS],
  ['serve', SERVE_OPTIONS],
  ['live', LIVE_OPTIONS],
];

/** The help's section for `command`: from its name alone on a line to the next such name. */
function section(command: string): string {
  const lines = HELP.split('\n');
  const start = lines.indexOf(command);
  if (start < 0) return '';
  const names = new Set(COMMANDS.map(([c]) => c));
  let end = start + 1;
  while (end < lines.length && !names.has(lines[end])) end++;
  return lines.slice(start, end).join('\n');
}

/** `--name` (or `-x`) as a word of `text`: not the start of a longer option. */
const mentions = (text: string, flag: string): boolean =>
  new RegExp(`(^|[\\s,\\[(])${flag.replace(/-/g, '\\-')}(?![\\w-])`, 'm').test(text);

describe('sipscope --help', () => {
  it.each(COMMANDS)(
    'names `%s` in the usage lines and documents each of its options in its section',
    (command, options) => {
      const usage = HELP.slice(0, HELP.indexOf('\n\n', HELP.indexOf('Usage:')));
      expect(usage).toContain(`sipscope ${command} `);
      const text = section(command);
      expect(text).not.toBe('');
      const undocumented = Object.entries(options).flatMap(([name, o]) => [
        ...(mentions(text, `--${name}`) ? [] : [`--${name}`]),
        ...(o.short === undefined || mentions(text, `-${o.short}`) ? [] : [`-${o.short}`]),
      ]);
      expect(undocumented).toEqual([]);
    },
  );

  it('catches an undocumented option (the check is not blind)', () => {
    expect(mentions(section('analyze'), '--call')).toBe(true);
    expect(mentions(section('analyze'), '--frames')).toBe(false);
    // `--window` is only the start of `--window-calls`: not a mention.
    expect(mentions(section('serve'), '--window')).toBe(false);
    expect(mentions(section('serve'), '--window-calls')).toBe(true);
  });
});
