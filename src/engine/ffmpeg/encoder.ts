/**
 * The running encoder: one ffmpeg process fed raw frames on stdin with backpressure, a bounded
 * stderr tail, progress as values, and a stop ladder (end stdin → SIGTERM → SIGKILL). The output
 * appears only when ffmpeg succeeded (written to a partial file, then renamed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { StillmotionError } from '../../errors.js';
import { resolveBinaries } from './binaries.js';
import { buildEncodeArgs, partialPath, type EncodeSpec } from './encode-args.js';
import { parseProgressLine, type EncoderProgress } from './progress-line.js';

export interface EncoderOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EncoderProgress) => void;
  readonly ffmpegPath?: string;
  /** Delays of the stop ladder, ms. */
  readonly termAfterMs?: number;
  readonly killAfterMs?: number;
}

export interface Encoder {
  write(frame: Uint8Array): Promise<void>;
  finish(): Promise<{ output: string; stderrTail: string }>;
  abort(reason?: 'cancelled' | 'failed'): Promise<void>;
}

const TAIL = 8192;
const live = new Set<ChildProcess>();
let exitHook = false;
const killAllOnExit = () => {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => { for (const c of live) c.kill('SIGKILL'); });
};

export const startEncoder = (spec: EncodeSpec, opts: EncoderOptions = {}): Encoder => {
  const bin = opts.ffmpegPath ?? resolveBinaries().ffmpeg;
  const args = buildEncodeArgs(spec);
  const partial = partialPath(spec.output);
  let tail = '';
  let lineBuf = '';
  const progress: EncoderProgress = {};
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  let frames = 0;
  let stopping: Promise<void> | null = null;
  let finished = false;

  const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  live.add(child);
  killAllOnExit();
  const exitP = new Promise<void>((res) => {
    child.on('error', (e) => { spawnError = e; exited ??= { code: null, signal: null }; res(); });
    child.on('close', (code, signal) => { exited = { code, signal }; live.delete(child); res(); });
  });
  child.stdin!.on('error', () => undefined); // EPIPE surfaces through the exit status
  child.stderr!.on('data', (d: Buffer) => {
    const s = d.toString('utf8');
    lineBuf += s;
    let nl: number;
    let any = false;
    while ((nl = lineBuf.indexOf('\n')) >= 0) {
      const line = lineBuf.slice(0, nl);
      lineBuf = lineBuf.slice(nl + 1);
      if (/^[a-z_]+=/.test(line)) { parseProgressLine(line, progress); any = true; }
      else tail = (tail + line + '\n').slice(-TAIL);
    }
    if (any && progress.end !== undefined) opts.onProgress?.({ ...progress });
  });

  const failure = (what: string): StillmotionError => {
    if (spawnError) {
      return new StillmotionError('ENCODER_MISSING', `cannot start ffmpeg at ${bin}: ${spawnError.message}`, { details: { path: bin } });
    }
    const how = exited ? (exited.signal ? `was stopped by ${exited.signal}` : `exited with code ${exited.code}`) : 'failed';
    return new StillmotionError('ENCODER_FAILED', `ffmpeg ${how} ${what}${tail ? `: ${tail.trim().split('\n').slice(-3).join(' | ')}` : ''}`, {
      details: { args, exit_code: exited?.code ?? null, signal: exited?.signal ?? null, stderr_tail: tail, frames_written: frames },
    });
  };

  const onAbort = () => { void abort('cancelled'); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const write = async (frame: Uint8Array): Promise<void> => {
    if (opts.signal?.aborted) throw new StillmotionError('CANCELLED', 'encoding cancelled');
    if (exited || stopping) throw failure(`before frame ${frames} could be written`);
    const index = frames++;
    const stdin = child.stdin!;
    // Resolves once the pipe has taken the whole frame (the caller may then reuse the buffer); if
    // ffmpeg dies meanwhile, rejects with its exit status and stderr tail.
    await new Promise<void>((res, rej) => {
      let settled = false;
      const done = (e?: Error | null) => {
        if (settled) return;
        settled = true;
        if (e) rej(failure(`while frame ${index} was written`));
        else res();
      };
      stdin.write(frame, (e) => done(e));
      void exitP.then(() => done(new Error('exited')));
    });
  };

  const abort = (reason: 'cancelled' | 'failed' = 'cancelled'): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      void reason;
      if (!exited) {
        child.stdin!.destroy();
        const term = setTimeout(() => child.kill('SIGTERM'), opts.termAfterMs ?? 200);
        const kill = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 3000);
        await exitP;
        clearTimeout(term);
        clearTimeout(kill);
      }
      await rm(partial, { force: true }).catch(() => undefined);
      opts.signal?.removeEventListener('abort', onAbort);
    })();
    return stopping;
  };

  const finish = async (): Promise<{ output: string; stderrTail: string }> => {
    if (finished) throw new StillmotionError('INTERNAL', 'encoder finished twice');
    finished = true;
    if (opts.signal?.aborted) { await abort('cancelled'); throw new StillmotionError('CANCELLED', 'encoding cancelled'); }
    // Ladder step 1: end stdin so ffmpeg can finish the file.
    child.stdin!.end();
    await exitP;
    opts.signal?.removeEventListener('abort', onAbort);
    if (stopping) { await stopping; throw new StillmotionError('CANCELLED', 'encoding cancelled'); }
    if (spawnError || exited?.code !== 0) {
      const err = failure(`after ${frames} frames`);
      await rm(partial, { force: true }).catch(() => undefined);
      throw err;
    }
    try {
      await rename(partial, spec.output);
    } catch (e) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw new StillmotionError('OUTPUT_NOT_WRITABLE', `cannot write ${spec.output}: ${(e as Error).message}`);
    }
    return { output: spec.output, stderrTail: tail };
  };

  return { write, finish, abort };
};
