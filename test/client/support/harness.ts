/** A real server on loopback, a terminal to capture, and a home folder of our own for each client. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import { startServer, type ServerHandle } from '../../../src/service/index.js';

export const FAST_SETTINGS = { previewSize: '426x240', tokensPerIpPerWeek: 1000, rateLimitPerMinute: 100_000 } as const;

export const startTestServer = (dataDir: string, settings: Record<string, unknown> = {}): Promise<ServerHandle> =>
  // Its own settings only: a DATABASE_URL in the test environment must not send it to a shared database.
  startServer({ port: 0, host: '127.0.0.1', dataDir, quiet: true, env: { PATH: process.env.PATH }, settings: { ...FAST_SETTINGS, ...settings } });

/** An environment whose HOME and config folder are inside `dir` (never the real ~/.config). */
export const clientEnv = (dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  mkdirSync(join(dir, 'config'), { recursive: true });
  return { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), LANG: 'C', ...extra };
};

export interface Run {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as NDJSON (json mode). */
  events: Array<Record<string, unknown> & { type: string }>;
}

/** Runs `stillmotion <argv>` in-process; `input` lines are typed into chat's stdin. */
export const run = async (argv: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string[]): Promise<Run> => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const stdin = new PassThrough();
  if (input) {
    stdin.end(input.map((l) => `${l}\n`).join(''));
  } else stdin.end();
  const code = await main(argv, { stdout, stderr, cwd, env, stdin } as Parameters<typeof main>[1]);
  const events = argv.includes('--json') ? out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run['events'][number]) : [];
  return { code, out, err, events };
};
