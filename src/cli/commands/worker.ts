/**
 * `stillmotion worker`: renders previews and exports for the API processes (`stillmotion serve`
 * with REDIS_URL). SIGTERM/Ctrl-C drains: no new job, the running ones finish; a second signal
 * hands the running ones back to the queue at once (another worker takes them).
 */
import type { Io } from '../output.js';
import { Reporter } from '../output.js';

export const workerCommand = async (argv: string[], io: Io): Promise<number> => {
  const { startWorker } = await import('../../worker/index.js');
  const name = argv.includes('--name') ? argv[argv.indexOf('--name') + 1] : undefined;
  let w;
  try {
    w = await startWorker({ log: (l) => io.stdout.write(`${l}\n`), ...(name ? { name } : {}) });
  } catch (e) {
    return new Reporter(io, false).error(e);
  }
  const s = w.settings;
  io.stdout.write(`Stillmotion worker ${w.name} is ready: ${s.concurrency} export(s) and ${s.previewConcurrency} preview(s) at once, queue prefix "${s.redisPrefix}"\n`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = () => {
      signals++;
      if (signals === 1) {
        io.stdout.write(`draining: ${w.running()} render(s) finishing, no new job (send the signal again to hand them back now)\n`);
        void w.close(false).then(resolve, resolve);
      } else {
        io.stdout.write('handing the running render(s) back to the queue\n');
        w.handBack();
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.stdout.write('worker stopped\n');
  // Everything is closed; a client library's idle socket must not keep a stopped worker alive.
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
};
