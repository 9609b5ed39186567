/** What reaches the terminal: human lines and a progress bar on a TTY, or NDJSON with --json. */
import type { Progress } from '../engine/index.js';
import { toStillmotionError } from '../errors.js';

export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });

export class Reporter {
  readonly #io: Io;
  readonly json: boolean;
  #barShown = false;

  constructor(io: Io, json: boolean) {
    this.#io = io;
    this.json = json;
  }

  /** One NDJSON event on stdout (json mode only). */
  event(obj: Record<string, unknown>): void {
    if (this.json) this.#io.stdout.write(`${JSON.stringify(obj)}\n`);
  }

  /** A line for people: stdout normally, stderr in json mode so stdout stays pure NDJSON. */
  say(line: string): void {
    this.#clearBar();
    (this.json ? this.#io.stderr : this.#io.stdout).write(`${line}\n`);
  }

  progress(p: Progress, label: string): void {
    if (this.json) {
      this.event({ ...p });
      return;
    }
    const err = this.#io.stderr;
    if (!err.isTTY) return;
    const width = Math.max(10, Math.min(40, (err.columns ?? 80) - 50));
    const filled = Math.round(p.fraction * width);
    const eta = p.eta_s === null ? '' : ` ETA ${p.eta_s < 60 ? `${Math.ceil(p.eta_s)}s` : `${Math.floor(p.eta_s / 60)}m${Math.ceil(p.eta_s % 60)}s`}`;
    const line = `${label} ${p.stage.padEnd(7)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(p.fraction * 100)).padStart(3)}%${eta}`;
    err.write(`\r${line.slice(0, (err.columns ?? 80) - 1)}\x1b[K`);
    this.#barShown = true;
  }

  #clearBar(): void {
    if (this.#barShown) {
      this.#io.stderr.write('\r\x1b[K');
      this.#barShown = false;
    }
  }

  /** A coded error: one line and a hint for people, one NDJSON object in json mode. Returns the exit code. */
  error(e: unknown): number {
    this.#clearBar();
    const err = toStillmotionError(e);
    if (this.json) {
      this.event({ type: 'error', ...err.toJSON() });
    } else {
      this.#io.stderr.write(`error ${err.code}: ${err.message}\n  hint: ${err.hint}\n`);
      if (err.kind === 'INTERNAL' && err.cause instanceof Error && err.cause.stack) this.#io.stderr.write(`${err.cause.stack}\n`);
    }
    return err.exit;
  }
}
