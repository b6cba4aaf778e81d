/**
 * node:util's parseArgs for every command, its errors in one line: Node's
 * say the fix on lines of their own (`Option '--call' argument is
 * ambiguous.` / `Did you forget …?` / `To specify … use '--call=-XYZ'.`),
 * and a command's error is one line on stderr (README "The CLI").
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new Error((e as Error).message.replace(/\s*\n\s*/g, ' ').trim());
  }
}
