/**
 * `stillmotion understand -p "<instruction>"`: the request a sentence makes, without rendering (no
 * photo, no draft, no plan: what the words say and nothing more). `plan` is kept as an older name.
 */
import { StillmotionError } from '../../errors.js';
import { formatRequest, parseInstruction } from '../../language/index.js';
import { parse } from '../args.js';
import { Reporter, type Io } from '../output.js';

export const understandCommand = async (argv: string[], io: Io): Promise<number> => {
  const rep = new Reporter(io, argv.includes('--json'));
  try {
    const { values, positionals } = parse(argv, { prompt: { type: 'string', short: 'p' }, json: { type: 'boolean' } });
    const text = (values.prompt as string | undefined) ?? (positionals.length ? positionals.join(' ') : undefined);
    if (text === undefined) throw new StillmotionError('INVALID_OPTION', 'no instruction given', { hint: 'stillmotion understand -p "5-second slow zoom, 9:16"' });
    const req = parseInstruction(text);
    if (values.json) io.stdout.write(`${JSON.stringify(req)}\n`);
    else io.stdout.write(`${formatRequest(req)}\n`);
    return 0;
  } catch (e) {
    return rep.error(e);
  }
};
