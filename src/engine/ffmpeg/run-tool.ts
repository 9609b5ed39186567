/**
 * Runs ffmpeg or ffprobe to completion and collects stdout (probing, decoding, benchmarks). Same
 * rules as the encoder: coded errors with the stderr tail, a cancel signal that stops the child via
 * the stop ladder, and children that die with the parent.
 */
import { spawn } from 'node:child_process';
import { debuglog } from 'node:util';
import { StillmotionError } from '../../errors.js';
import { dieWithParent } from './child-guard.js';
import { StderrTail, lineSplitter } from './stderr-tail.js';
import { stopLadder } from './stop-ladder.js';

export interface RunToolOptions {
  readonly signal?: AbortSignal;
  /** Fail (ENCODER_FAILED) once stdout exceeds this; default 1 GiB. */
  readonly maxStdoutBytes?: number;
  /** Receives the command line and every stderr line; default: util.debuglog('stillmotion') (NODE_DEBUG=stillmotion). */
  readonly log?: (line: string) => void;
  /** Bytes written to the tool's stdin (then closed); without it stdin is closed at once. */
  readonly input?: Uint8Array;
  /**
   * Receives stdout as it arrives instead of collecting it (the result's stdout is then empty). A
   * throw stops the tool and becomes the run's error.
   */
  readonly onStdout?: (chunk: Buffer) => void;
}

export interface ToolResult {
  readonly stdout: Buffer;
  readonly stderrTail: string;
}

const defaultLog = debuglog('stillmotion');

export const runTool = (bin: string, args: readonly string[], o: RunToolOptions = {}): Promise<ToolResult> =>
  new Promise((resolve, reject) => {
    const log = o.log ?? ((l: string) => defaultLog('%s', l));
    const name = bin.split(/[\\/]/).pop() ?? bin;
    if (o.signal?.aborted) {
      reject(new StillmotionError('CANCELLED', `${name} cancelled before it started`));
      return;
    }
    log(`spawn ${bin} ${args.join(' ')}`);
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    dieWithParent(child);
    child.stdin.on('error', () => undefined); // EPIPE: the tool stopped reading; its exit status says why
    if (o.input) child.stdin.end(o.input);
    else child.stdin.end();
    const tail = new StderrTail();
    const lines = lineSplitter((l) => { tail.push(l); log(`${name}: ${l}`); });
    const out: Buffer[] = [];
    const max = o.maxStdoutBytes ?? 2 ** 30;
    let size = 0;
    let spawnError: NodeJS.ErrnoException | null = null;
    let failure: StillmotionError | null = null;
    const exited = new Promise<void>((res) => child.once('close', () => res()));
    const stop = (e: StillmotionError) => {
      failure ??= e;
      void stopLadder(child, exited, { termAfterMs: 0, killAfterMs: 2000 });
    };
    const onAbort = () => stop(new StillmotionError('CANCELLED', `${name} cancelled`));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      if (failure) return;
      size += d.length;
      if (size > max) stop(new StillmotionError('ENCODER_FAILED', `${name} wrote more than ${max} bytes`, { details: { args } }));
      else if (!o.onStdout) out.push(d);
      else {
        try {
          o.onStdout(d);
        } catch (e) {
          stop(e instanceof StillmotionError ? e : new StillmotionError('INTERNAL', `reading ${name}'s output failed: ${(e as Error).message}`, { cause: e }));
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => lines.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => { if (child.pid === undefined) spawnError = e; });
    child.once('close', (code, signal) => {
      lines.flush();
      o.signal?.removeEventListener('abort', onAbort);
      if (spawnError) {
        reject(new StillmotionError('ENCODER_MISSING', `cannot start ${name} at ${bin}: ${spawnError.code ?? spawnError.message}`, { details: { path: bin, errno: spawnError.code } }));
      } else if (failure) {
        reject(failure);
      } else if (code !== 0) {
        const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
        reject(new StillmotionError('ENCODER_FAILED', `${name} ${how}: ${tail.lastLines() || '(no output)'}`, {
          details: { args, exit_code: code, signal, stderr_tail: tail.text },
        }));
      } else {
        resolve({ stdout: o.onStdout ? Buffer.alloc(0) : Buffer.concat(out, size), stderrTail: tail.text });
      }
    });
  });
