/** `stillmotion serve` (what `npm start` runs): the API and the workspace page on one port. */
import type { Io } from '../output.js';
import { Reporter } from '../output.js';

export const serveCommand = async (argv: string[], io: Io): Promise<number> => {
  const { startServer } = await import('../../service/index.js');
  const port = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : undefined;
  const host = argv.includes('--host') ? argv[argv.indexOf('--host') + 1] : undefined;
  let srv;
  try {
    srv = await startServer({ ...(port !== undefined ? { port } : {}), ...(host ? { host } : {}), log: (l) => io.stdout.write(`${l}\n`) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      io.stderr.write(`stillmotion: port ${port ?? process.env.PORT ?? 8080} is already in use. Stop the other server or set PORT (e.g. PORT=8081 npm start).\n`);
      return 2;
    }
    return new Reporter(io, false).error(e);
  }
  const r = srv.recovery;
  io.stdout.write(`Stillmotion is ready on ${srv.url} (database: ${srv.database === 'embedded' ? `embedded, in ${srv.settings.dataDir}` : 'PostgreSQL'}${srv.distributed ? `; renders on \`stillmotion worker\` processes through Redis, queue prefix "${srv.settings.redisPrefix}"` : ''})\n`);
  if (r.failedTurns || r.resumedJobs || r.failedJobs) {
    io.stdout.write(`recovered after a stop: ${r.resumedJobs} export(s) queued again, ${r.failedJobs} render(s) failed, ${r.failedTurns} turn(s) ended, ${r.releasedHolds} credit reservation(s) released\n`);
  }
  await new Promise<void>((resolve) => {
    // A first signal stops gracefully (with workers: running turns finish first); a second one ends them now.
    let signals = 0;
    const stop = () => {
      if (signals++ === 0) {
        io.stdout.write(srv.distributed ? `stopping: finishing requests and ${srv.turnsRunning} running turn(s) (a second signal ends them now)…\n` : 'stopping: finishing requests, checkpointing renders…\n');
        void srv.close().then(resolve, resolve);
      } else {
        io.stdout.write('stopping now: running turns end\n');
        void srv.close({ now: true });
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
};
