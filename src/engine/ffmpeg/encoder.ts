/**
 * The running encoder: one ffmpeg fed raw frames on stdin, with backpressure, a bounded stderr tail,
 * progress as values, and the stop ladder. ffmpeg writes a partial file next to the output; the
 * output appears (by an atomic rename) only when ffmpeg succeeded, and the partial never outlives
 * a failure or a cancel.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { debuglog } from 'node:util';
import { StillmotionError, isStillmotionError } from '../../errors.js';
import { resolveBinaries } from './binaries.js';
import { dieWithParent } from './child-guard.js';
import { buildEncodeArgs } from './encode-args.js';
import { yuv420pFrameBytes, type EncodeSpec } from './encode-spec.js';
import { partialPath } from './partial-path.js';
import { parseProgressLine, progressFolder, type EncodeProgress } from './progress-line.js';
import { StderrTail, lineSplitter } from './stderr-tail.js';
import { stopLadder, type StopLadderTimes } from './stop-ladder.js';

export interface EncoderOptions extends StopLadderTimes {
  /** Aborting ends the encode as CANCELLED (or as the signal's reason, when that is a StillmotionError). */
  readonly signal?: AbortSignal;
  /** Called about twice a second with ffmpeg's own count of frames encoded. */
  readonly onProgress?: (p: EncodeProgress) => void;
  /** Overrides resolveBinaries().ffmpeg for this encode only. */
  readonly ffmpegPath?: string;
  /** Receives the command line and ffmpeg's stderr; default util.debuglog('stillmotion') (NODE_DEBUG=stillmotion). */
  readonly log?: (line: string) => void;
}

export interface EncodeResult {
  readonly output: string;
  readonly stderrTail: string;
}

export interface Encoder {
  /** The exact argument list ffmpeg was started with. */
  readonly args: readonly string[];
  /**
   * Sends one raw yuv420p frame. Resolves once ffmpeg's pipe has taken the whole frame (the stream
   * has drained it, so memory stays flat and the caller may reuse the buffer); rejects with
   * ENCODER_FAILED naming the frame and ffmpeg's last words if ffmpeg has exited, or CANCELLED after abort.
   */
  write(frame: Uint8Array): Promise<void>;
  /** Ends stdin, waits for ffmpeg, renames the partial file onto the output. */
  finish(): Promise<EncodeResult>;
  /** The stop ladder; idempotent; resolves when ffmpeg has exited and the partial file is gone. */
  abort(reason?: unknown): Promise<void>;
}

const defaultLog = debuglog('stillmotion');

const stopError = (reason: unknown): StillmotionError =>
  isStillmotionError(reason)
    ? reason
    : new StillmotionError('CANCELLED', 'encoding cancelled', reason === undefined ? {} : { details: { reason: reason instanceof Error ? reason.message : String(reason) } });

export const startEncoder = (spec: EncodeSpec, opts: EncoderOptions = {}): Encoder => {
  const args = buildEncodeArgs(spec);
  const bin = opts.ffmpegPath ?? resolveBinaries().ffmpeg;
  const partial = partialPath(spec.output);
  const frameBytes = yuv420pFrameBytes(spec.width, spec.height);
  const log = opts.log ?? ((l: string) => defaultLog('%s', l));
  try {
    accessSync(dirname(partial), constants.W_OK);
  } catch (e) {
    throw new StillmotionError('OUTPUT_NOT_WRITABLE', `cannot write into ${dirname(partial)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      details: { output: spec.output },
      cause: e,
    });
  }

  log(`spawn ${bin} ${args.join(' ')}`);
  const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  dieWithParent(child);

  let state: 'running' | 'finishing' | 'done' = 'running';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: NodeJS.ErrnoException | null = null;
  let stopReason: StillmotionError | null = null;
  let stopping: Promise<void> | null = null;
  let written = 0;
  /** Writes in flight: how to settle each, and which frame it carries. */
  const pending = new Map<(e: StillmotionError) => void, number>();

  const tail = new StderrTail(8192);
  const fold = progressFolder();
  const lines = lineSplitter((line) => {
    const p = parseProgressLine(line);
    if (!p) {
      tail.push(line);
      log(`ffmpeg: ${line}`);
      return;
    }
    const report = fold(p);
    if (report && opts.onProgress) {
      try {
        opts.onProgress(report);
      } catch (e) {
        log(`onProgress threw: ${(e as Error).message}`);
      }
    }
  });

  const failure = (what: string, frame?: number): StillmotionError => {
    if (spawnError) {
      return new StillmotionError('ENCODER_MISSING', `cannot start ffmpeg at ${bin}: ${spawnError.code ?? spawnError.message}`, {
        details: { path: bin, errno: spawnError.code },
      });
    }
    const how = !exit ? 'stopped' : exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
    return new StillmotionError('ENCODER_FAILED', `ffmpeg ${how} ${what}: ${tail.lastLines() || '(no output)'}`, {
      details: { ...(frame === undefined ? {} : { frame }), frames_written: written, exit_code: exit?.code ?? null, signal: exit?.signal ?? null, args, stderr_tail: tail.text },
    });
  };

  const exited = new Promise<void>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) spawnError = e;
      else log(`ffmpeg process error: ${e.message}`);
    });
    child.once('close', (code, signal) => {
      lines.flush();
      exit = { code, signal };
      log(`ffmpeg exited code=${code} signal=${signal}`);
      // Anyone still waiting on a write learns why.
      for (const [reject, frame] of pending) reject(stopReason ?? failure(`while frame ${frame} was being written`, frame));
      pending.clear();
      // A failed run leaves nothing behind, whoever calls what next.
      // (A partial that cannot be removed is hidden and removed by the server's next start.)
      if (code !== 0 || stopReason) void rm(partial, { force: true }).catch(() => undefined);
      resolve();
    });
  });
  child.stdin.on('error', () => undefined); // EPIPE: reported through the exit status and tail
  child.stderr.on('data', (d: Buffer) => lines.push(d));

  const onAbort = () => void abort(opts.signal?.reason);
  const detach = () => opts.signal?.removeEventListener('abort', onAbort);

  const abort = (reason?: unknown): Promise<void> => {
    if (state === 'done') return Promise.resolve();
    if (stopping) return stopping;
    stopReason = stopError(reason);
    for (const reject of pending.keys()) reject(stopReason);
    pending.clear();
    stopping = (async () => {
      if (!exit) await stopLadder(child, exited, opts);
      await rm(partial, { force: true }).catch((e: Error) => log(`could not remove ${partial}: ${e.message}`));
      detach();
    })();
    return stopping;
  };

  const write = async (frame: Uint8Array): Promise<void> => {
    if (stopReason) throw stopReason;
    if (state !== 'running') throw new StillmotionError('INTERNAL', 'encoder.write() after finish()');
    if (spec.input.kind !== 'pipe') throw new StillmotionError('INTERNAL', 'encoder.write() on an encoder that reads a file');
    const index = written;
    if (index >= spec.frames) throw new StillmotionError('INTERNAL', `frame ${index} is beyond the ${spec.frames} frames of this encode`);
    if (frame.byteLength !== frameBytes) {
      throw new StillmotionError('INTERNAL', `frame ${index} has ${frame.byteLength} bytes; ${spec.width}x${spec.height} yuv420p needs ${frameBytes}`);
    }
    if (exit || spawnError) {
      await exited;
      throw failure(`before frame ${index} could be written`, index);
    }
    written++;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (e?: StillmotionError) => {
        if (settled) return;
        settled = true;
        pending.delete(settle);
        if (e) reject(e);
        else resolve();
      };
      pending.set(settle, index);
      child.stdin.write(frame, (err) => {
        if (!err) return settle();
        // The pipe broke: ffmpeg is going; wait (bounded) for its exit status and last words.
        const bounded = new Promise<void>((r) => setTimeout(r, 5000).unref());
        void Promise.race([exited, bounded]).then(() => settle(stopReason ?? failure(`while frame ${index} was being written`, index)));
      });
    });
  };

  const finish = async (): Promise<EncodeResult> => {
    if (stopReason) {
      await stopping;
      throw stopReason;
    }
    if (state !== 'running') throw new StillmotionError('INTERNAL', 'encoder.finish() called twice');
    state = 'finishing';
    if (spec.input.kind === 'pipe' && written < spec.frames && !exit) {
      const short = new StillmotionError('INTERNAL', `encoder.finish() after ${written} of ${spec.frames} frames`);
      state = 'running';
      await abort(short);
      throw short;
    }
    child.stdin.end();
    await exited;
    if (stopReason) {
      await stopping;
      throw stopReason;
    }
    detach();
    if (spawnError || exit?.code !== 0) {
      // Cleanup under an error being thrown: the render's error is the one to report.
      await rm(partial, { force: true }).catch(() => undefined);
      state = 'done';
      throw failure(`after ${written} frames`);
    }
    try {
      await rename(partial, spec.output);
    } catch (e) {
      await rm(partial, { force: true }).catch(() => undefined);
      state = 'done';
      throw new StillmotionError('OUTPUT_NOT_WRITABLE', `cannot move the finished video onto ${spec.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        details: { output: spec.output, partial },
        cause: e,
      });
    }
    state = 'done';
    return { output: spec.output, stderrTail: tail.text };
  };

  if (opts.signal?.aborted) void abort(opts.signal.reason);
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  return { args, write, finish, abort };
};
