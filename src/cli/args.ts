/** Argument parsing at the edge: flags → plain option objects; unknown flags are coded errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StillmotionError } from '../errors.js';

export const parse = (argv: string[], options: NonNullable<ParseArgsConfig['options']>) => {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new StillmotionError('INVALID_OPTION', (e as Error).message.split('\n')[0]!, { hint: 'run `stillmotion help` for the flags' });
  }
};
