/** The `stillmotion` command: dispatch to plain async command functions; heavy modules load lazily. */
import { readFileSync } from 'node:fs';
import { HELP } from './help.js';
import { processIo, Reporter, type Io } from './output.js';

const COMMANDS = ['animate', 'render', 'draft', 'understand', 'plan', 'chat', 'ask', 'serve', 'worker'];

export const main = async (argv: string[], io: Io = processIo()): Promise<number> => {
  const [cmd, ...rest] = argv;
  // `stillmotion animate --help` is what people type: a command's --help (before a `--`) is the help.
  const end = rest.indexOf('--');
  if (cmd && COMMANDS.includes(cmd) && (end < 0 ? rest : rest.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
    io.stdout.write(HELP);
    return 0;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    switch (cmd) {
      case 'animate':
        return await (await import('./commands/animate.js')).animateCommand(rest, io, controller.signal);
      case 'render':
        return await (await import('./commands/render.js')).renderCommand(rest, io, controller.signal);
      case 'draft':
        return await (await import('./commands/render.js')).draftCommand(rest, io);
      case 'understand':
      case 'plan': // the older name: it prints a request, not a plan
        return await (await import('./commands/understand.js')).understandCommand(rest, io);
      case 'chat':
        return await (await import('./commands/chat.js')).chatCommand(rest, io, controller.signal);
      case 'ask':
        return await (await import('./commands/ask.js')).askCommand(rest, io, controller.signal);
      case 'serve':
        return await (await import('./commands/serve.js')).serveCommand(rest, io);
      case 'worker':
        return await (await import('./commands/worker.js')).workerCommand(rest, io);
      case 'version':
      case '--version':
      case '-v': {
        const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
        io.stdout.write(`stillmotion ${pkg.version}\n`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return 0;
      default:
        return new Reporter(io, rest.includes('--json')).error(
          Object.assign(new (await import('../errors.js')).StillmotionError('INVALID_OPTION', `unknown command "${cmd}"`, { hint: 'run `stillmotion help`' })),
        );
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
};
