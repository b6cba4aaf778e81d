/**
 * `sipscope --help` documents every command (issue 2) and every option each
 * command accepts: the options are read from the tables the commands parse
 * their arguments with, so an option added to a command without a line in
 * the help fails here (`--call` of analyze once went undocumented).
 */
import { describe, expect, it } from 'vitest';
import { ANALYZE_OPTIONS } from '../../src/cli/analyze-command.js';
import { AUDIO_OPTIONS } from '../../src/cli/audio-command.js';
import { EXTRACT_OPTIONS } from '../../src/cli/extract-command.js';
import { asksHelp, commandHelp, HELP, COMMANDS as HELP_COMMANDS } from '../../src/cli/help.js';
import { LINT_OPTIONS } from '../../src/cli/lint-command.js';
import { LIVE_OPTIONS } from '../../src/cli/live-command.js';
import { RULES_OPTIONS } from '../../src/cli/rules-command.js';
import { SERVE_OPTIONS } from '../../src/cli/serve-command.js';

type Options = Record<string, { type: string; short?: string }>;

const COMMANDS: Array<[string, Options]> = [
  ['analyze', ANALYZE_OPTIONS],
  ['lint', LINT_OPTIONS],
  ['rules', RULES_OPTIONS],
  ['serve', SERVE_OPTIONS],
  ['live', LIVE_OPTIONS],
  ['extract', EXTRACT_OPTIONS],
  ['audio', AUDIO_OPTIONS],
];

/** The help's section for `command` (what `sipscope COMMAND --help` prints after its usage line). */
function section(command: string): string {
  const text = commandHelp(command) ?? '';
  return text.slice(text.indexOf(`\n\n${command}\n`) + 2);
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

  it('knows the same commands as the option tables', () => {
    expect([...HELP_COMMANDS]).toEqual(COMMANDS.map(([c]) => c));
  });
});

describe('sipscope COMMAND --help', () => {
  it.each(COMMANDS)('`%s --help` prints its usage line and its section, not the others', (command) => {
    const text = commandHelp(command)!;
    expect(text.split('\n')[0]).toMatch(new RegExp(`^usage: sipscope ${command} \\S`));
    // The usage line is the command's form only: no description after it.
    expect(text.split('\n')[0]).not.toMatch(/ {2}|analyse|watch|the web UI/);
    expect(text).toContain(`\n\n${command}\n  `);
    for (const other of HELP_COMMANDS.filter((c) => c !== command))
      expect(text.split('\n')).not.toContain(other);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('answers nothing for an unknown command', () => {
    expect(commandHelp('nope')).toBeUndefined();
    expect(commandHelp('')).toBeUndefined();
  });

  it('sees --help and -h anywhere before `--`, not after it (there it is a file name)', () => {
    expect(asksHelp(['--help'])).toBe(true);
    expect(asksHelp(['x.pcap', '--json', '-h'])).toBe(true);
    expect(asksHelp(['--', '-h'])).toBe(false);
    expect(asksHelp(['x.pcap', '--json'])).toBe(false);
  });
});
