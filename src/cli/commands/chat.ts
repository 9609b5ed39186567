/**
 * `stillmotion chat [photo…]`: an interactive session with the agent. Every message is routed
 * (export, credits, status, upload, or the agent); the agent's words stream as they come; tool
 * activity stays hidden; long silences get a quiet "still working…" line.
 */
import { createInterface } from 'node:readline';
import { toStillmotionError } from '../../errors.js';
import { explainError, formatEvent } from '../../client/messages.js';
import { languageFromEnv, type Lang } from '../../client/router.js';
import { ChatSession, type ClientEvent, type Timing } from '../../client/workflow.js';
import { parse } from '../args.js';
import type { Io } from '../output.js';

export const CLIENT_FLAGS = {
  api: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  session: { type: 'string' },
} as const;

/** stdin for chat: tests hand one in with the Io. */
export type ChatIo = Io & { readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean } };

/** Timing overrides from the environment (STILLMOTION_CLIENT_TIMING='{"quietMs":2000}'), for slow links and tests. */
export const timingFromEnv = (env: NodeJS.ProcessEnv): Partial<Timing> => {
  const raw = env.STILLMOTION_CLIENT_TIMING;
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Partial<Timing>;
  } catch {
    return {};
  }
};

const skill = async () => {
  const { readFileSync } = await import('node:fs');
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    // a packaged build without package.json next to it
  }
  return { source: 'stillmotion-cli', version, platform: `cli-${process.platform}` };
};

/**
 * What the terminal shows of the session's events. Human mode: agent text streams on stdout, the
 * client's own lines around it, export progress as a rewritten line on a terminal. JSON mode:
 * each event as one NDJSON line on stdout, nothing else there.
 */
export class Presenter {
  readonly #io: Io;
  readonly json: boolean;
  lang: Lang;
  #midLine = false;
  #barShown = false;
  #lastProgress = -100;

  constructor(io: Io, json: boolean, lang: Lang) {
    this.#io = io;
    this.json = json;
    this.lang = lang;
  }

  #out(s: string): void {
    this.#clearBar();
    this.#io.stdout.write(s);
  }

  #clearBar(): void {
    if (this.#barShown) {
      this.#io.stderr.write('\r\x1b[K');
      this.#barShown = false;
    }
  }

  line(s: string): void {
    if (this.json) return;
    this.#out(`${this.#midLine ? '\n' : ''}${s}\n`);
    this.#midLine = false;
  }

  event(e: ClientEvent | Record<string, unknown> & { type: string }): void {
    if (this.json) {
      this.#io.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    const ev = e as ClientEvent;
    if (ev.type === 'turn_done' || ev.type === 'stream_lost') {
      if (this.#midLine) this.#out('\n');
      this.#midLine = false;
      if (ev.type === 'turn_done') return;
    }
    if (ev.type === 'export_submitted') this.#lastProgress = -100;
    const shown = formatEvent(ev, this.lang);
    if (shown.line === null) return;
    if (shown.stream) {
      this.#out(shown.line);
      this.#midLine = !shown.line.endsWith('\n');
      return;
    }
    if (ev.type === 'working') {
      const tty = this.#io.stdout.isTTY;
      this.line(tty ? `\x1b[2m${shown.line}\x1b[0m` : shown.line);
      return;
    }
    if (shown.transient && ev.type === 'export_progress') {
      const err = this.#io.stderr;
      if (err.isTTY) {
        const w = 30;
        const f = Math.round((ev.progress / 100) * w);
        err.write(`\r${shown.line} [${'#'.repeat(f)}${'-'.repeat(w - f)}]\x1b[K`);
        this.#barShown = true;
      } else if (ev.progress - this.#lastProgress >= 25 || (ev.status === 'completed' && this.#lastProgress < 100)) {
        this.#lastProgress = ev.progress;
        this.line(shown.line);
      }
      return;
    }
    this.line(shown.line);
  }

  /** A coded failure in the user's language; returns the exit code. */
  error(e: unknown): number {
    const err = toStillmotionError(e);
    if (this.json) {
      const x = explainError(err, this.lang);
      this.#io.stdout.write(`${JSON.stringify({ type: 'error', ...err.toJSON(), code: x.code, explanation: x.line, hint: x.hint })}\n`);
      return err.exit;
    }
    this.#clearBar();
    if (this.#midLine) this.#io.stdout.write('\n');
    this.#midLine = false;
    const x = explainError(err, this.lang);
    this.#io.stderr.write(`error ${x.code}: ${x.line}\n  hint: ${x.hint}\n`);
    if (err.kind === 'INTERNAL' && err.cause instanceof Error && err.cause.stack) this.#io.stderr.write(`${err.cause.stack}\n`);
    return err.exit;
  }
}

export const makeSession = async (values: Record<string, unknown>, io: Io, p: Presenter, signal?: AbortSignal): Promise<ChatSession> => {
  const s: ChatSession = new ChatSession({
    api: values.api as string | undefined, env: io.env, cwd: io.cwd, signal,
    outDir: values.out as string | undefined, sessionId: values.session as string | undefined, timing: timingFromEnv(io.env), skill: await skill(),
    onEvent: (e) => {
      p.lang = s.lang; // the language of the user's latest message
      p.event(e);
    },
  }, p.lang);
  return s;
};

export const chatCommand = async (argv: string[], io: ChatIo, signal?: AbortSignal): Promise<number> => {
  const json = argv.includes('--json');
  const p = new Presenter(io, json, languageFromEnv(io.env));
  let session: ChatSession | null = null;
  // Ctrl-C reaches a terminal readline as its own 'SIGINT', not the process's: both end the chat.
  const stop = new AbortController();
  const onOuter = () => stop.abort(signal?.reason);
  if (signal?.aborted) stop.abort(signal.reason);
  signal?.addEventListener('abort', onOuter, { once: true });
  try {
    const { values, positionals } = parse(argv, CLIENT_FLAGS);
    if (values.lang === 'zh' || values.lang === 'en') p.lang = values.lang;
    session = await makeSession(values, io, p, stop.signal);
    await session.start();
    if (positionals.length) {
      try {
        await session.upload(positionals);
      } catch (e) {
        p.error(e);
      }
    }
    const stdin = io.stdin ?? process.stdin;
    const tty = !!stdin.isTTY && !json;
    const rl = createInterface({ input: stdin, output: tty ? io.stdout : undefined, terminal: tty });
    const onAbort = () => rl.close();
    stop.signal.addEventListener('abort', onAbort, { once: true });
    rl.on('SIGINT', () => stop.abort(new Error('interrupted')));
    if (tty) { rl.setPrompt('> '); rl.prompt(); }
    try {
      for await (const line of rl) {
        try {
          const r = await session.handle(line);
          p.lang = session.lang;
          if (r.quit) break;
        } catch (e) {
          p.lang = session.lang;
          if (toStillmotionError(e).kind === 'CANCELLED') break;
          p.error(e);
        }
        if (tty) rl.prompt();
      }
    } finally {
      stop.signal.removeEventListener('abort', onAbort);
      rl.close();
    }
    return 0;
  } catch (e) {
    return p.error(e);
  } finally {
    signal?.removeEventListener('abort', onOuter);
    await session?.close();
  }
};
