/**
 * A video clip as a frame source for the compositor: one ffmpeg decodes the clip from `trimStartS`,
 * at the canvas rate, scaled and cropped (cover) or padded (contain) to the canvas, as raw yuv420p in
 * BT.709 limited range — the same samples the renderer makes — and Node reads it one frame at a time
 * with backpressure (ffmpeg blocks on a full pipe while the compositor is busy).
 *
 * Exactly round(durationS × fps) frames come out. The graph (all present in the ffmpeg we ship):
 *   setpts=PTS-STARTPTS       the seek point is time 0
 *   fps=<fps>                 constant rate: frame i shows the source frame nearest i/fps
 *   scale=…:force_original_aspect_ratio=increase|decrease:in_color_matrix=<src>:in_range=<src>
 *         :out_color_matrix=bt709:out_range=tv   (this swscale converts the matrix YUV→YUV; checked)
 *   crop=W:H | pad=W:H (in RGB, so the background colour is exact), setsar=1
 *   tpad=stop=-1:stop_mode=clone   a clip that ends early holds its last frame
 * and `-frames:v N` stops ffmpeg (no audio here, so that limit cuts nothing else). If ffmpeg still
 * gives fewer frames, the last one is held here too. Rotation metadata is honoured by ffmpeg's
 * autorotation (on by default), so a phone's portrait clip arrives upright before scaling.
 */
import { spawn } from 'node:child_process';
import { debuglog } from 'node:util';
import { StillmotionError, isStillmotionError } from '../../errors.js';
import { resolveBinaries } from '../ffmpeg/binaries.js';
import { dieWithParent } from '../ffmpeg/child-guard.js';
import { yuv420pFrameBytes } from '../ffmpeg/encode-spec.js';
import { probeMedia, type ProbeResult } from '../ffmpeg/probe.js';
import { StderrTail, lineSplitter } from '../ffmpeg/stderr-tail.js';
import { stopLadder } from '../ffmpeg/stop-ladder.js';

export interface ClipOptions {
  /** Canvas size (even numbers: 4:2:0). */
  readonly width: number;
  readonly height: number;
  /** Canvas frame rate. */
  readonly fps: number;
  /** Seconds skipped at the head of the clip. */
  readonly trimStartS: number;
  /** How long the clip plays on the canvas; round(durationS × fps) frames. */
  readonly durationS: number;
  /** cover: fill the canvas, cropping the overflow; contain: the whole picture, padded with `background`. */
  /** cover: crop to fill; contain: whole, on the background colour; blur: whole, over a blurred copy of itself. */
  readonly fit: 'cover' | 'contain' | 'blur';
  /** Padding colour for contain, '#rrggbb' (default black). */
  readonly background?: string;
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  readonly signal?: AbortSignal;
  /** Receives the command line and ffmpeg's stderr; default NODE_DEBUG=stillmotion. */
  readonly log?: (line: string) => void;
}

export interface ClipFrames {
  /** Frames this source gives in all. */
  readonly frames: number;
  /** The ffmpeg arguments, for logs and tests. */
  readonly args: readonly string[];
  /** The next yuv420p frame (a buffer of its own), or null after the last one. */
  next(): Promise<Uint8Array | null>;
  /** Stops ffmpeg (if still running); idempotent. */
  close(): Promise<void>;
}

const defaultLog = debuglog('stillmotion');

/** swscale's names for ffprobe's colour matrices. */
const MATRIX: Record<string, string> = { bt709: 'bt709', bt470bg: 'bt601', smpte170m: 'bt601', smpte240m: 'smpte240m', fcc: 'fcc', bt2020nc: 'bt2020', bt2020c: 'bt2020' };

const num = (n: number): string => String(Math.round(n * 1e6) / 1e6);

const invalid = (field: string, expected: string, received: unknown): StillmotionError =>
  new StillmotionError('INVALID_OPTION', `clip ${field}: expected ${expected}, got ${JSON.stringify(received)}`, { details: { field, expected, received } });

/** Source colour as swscale should read it: tagged matrix/range, else the usual guess (HD → BT.709, SD → BT.601; yuvj → full range). */
export const sourceColour = (v: NonNullable<ProbeResult['video']>): { matrix: string; range: 'tv' | 'pc' } => ({
  matrix: MATRIX[v.colorSpace ?? ''] ?? (v.height >= 720 || v.width >= 1280 ? 'bt709' : 'bt601'),
  range: v.colorRange === 'pc' || v.pixFmt.startsWith('yuvj') ? 'pc' : 'tv',
});

/** The filter graph for a clip (pure). */
const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

export const clipFilter = (o: Pick<ClipOptions, 'width' | 'height' | 'fps' | 'fit' | 'background'>, src: { matrix: string; range: string; isYuv: boolean }): string => {
  const W = o.width, H = o.height;
  const inColour = src.isYuv ? `:in_color_matrix=${src.matrix}:in_range=${src.range}` : '';
  const flags = 'flags=bicubic+accurate_rnd+full_chroma_int';
  const f = ['setpts=PTS-STARTPTS', `fps=${num(o.fps)}`];
  if (o.fit === 'cover') {
    f.push(`scale=${W}:${H}:force_original_aspect_ratio=increase:${flags}${inColour}:out_color_matrix=bt709:out_range=tv`, 'format=yuv420p', `crop=${W}:${H}`);
  } else if (o.fit === 'blur') {
    // The clip whole, over a blurred copy of itself filling the canvas (as photos of another shape
    // are shown). The copy is blurred small (a quarter size) and scaled up: cheap, and smooth.
    const w4 = even(W / 4), h4 = even(H / 4);
    f.push(
      'split=2[sm_bg][sm_fg]',
      `[sm_bg]scale=${w4}:${h4}:force_original_aspect_ratio=increase:flags=bilinear${inColour}:out_color_matrix=bt709:out_range=tv,format=yuv420p,crop=${w4}:${h4},boxblur=luma_radius=${Math.max(2, Math.round(w4 / 40))}:luma_power=2,scale=${W}:${H}:flags=bicubic,eq=brightness=-0.06[sm_b]`,
      `[sm_fg]scale=${W}:${H}:force_original_aspect_ratio=decrease:${flags}${inColour}:out_color_matrix=bt709:out_range=tv,format=yuv420p[sm_f]`,
      '[sm_b][sm_f]overlay=x=(W-w)/2:y=(H-h)/2:format=yuv420',
      'format=yuv420p',
    );
  } else {
    const bg = (o.background ?? '#000000').replace('#', '0x');
    f.push(`scale=${W}:${H}:force_original_aspect_ratio=decrease:${flags}${inColour}`, 'format=gbrp', `pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=${bg}`,
      `scale=${flags}:out_color_matrix=bt709:out_range=tv`, 'format=yuv420p');
  }
  f.push('setsar=1', 'tpad=stop=-1:stop_mode=clone');
  // A labelled branch ends a chain: the next one starts after ';'.
  return f.reduce((acc, x) => (acc === '' ? x : /\]$/.test(acc) || x.startsWith('[sm_b][') ? `${acc};${x}` : `${acc},${x}`), '');
};

export const openClip = async (path: string, o: ClipOptions): Promise<ClipFrames> => {
  for (const [field, v] of [['width', o.width], ['height', o.height]] as const) {
    if (!Number.isInteger(v) || v < 2 || v % 2 !== 0) throw invalid(field, 'an even whole number ≥ 2', v);
  }
  if (!(typeof o.fps === 'number' && o.fps > 0 && o.fps <= 240)) throw invalid('fps', 'a frame rate in (0, 240]', o.fps);
  if (!(typeof o.trimStartS === 'number' && Number.isFinite(o.trimStartS) && o.trimStartS >= 0)) throw invalid('trimStartS', 'seconds ≥ 0', o.trimStartS);
  if (!(typeof o.durationS === 'number' && Number.isFinite(o.durationS) && o.durationS >= 0)) throw invalid('durationS', 'seconds ≥ 0', o.durationS);
  if (o.fit !== 'cover' && o.fit !== 'contain' && o.fit !== 'blur') throw invalid('fit', "'cover', 'contain' or 'blur'", o.fit);
  if (o.background !== undefined && !/^#[0-9a-fA-F]{6}$/.test(o.background)) throw invalid('background', "a colour '#rrggbb'", o.background);

  const total = Math.round(o.durationS * o.fps);
  const frameBytes = yuv420pFrameBytes(o.width, o.height);
  const log = o.log ?? ((l: string) => defaultLog('%s', l));

  let probe: ProbeResult;
  try {
    probe = await probeMedia(path, { ffprobePath: o.ffprobePath, signal: o.signal });
  } catch (e) {
    if (isStillmotionError(e) && (e.kind === 'CANCELLED' || e.kind === 'ENCODER_MISSING')) throw e;
    throw new StillmotionError('CORRUPT_INPUT', `${path} could not be read as a video: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { details: { path }, cause: e });
  }
  const v = probe.video;
  if (!v) throw new StillmotionError('CORRUPT_INPUT', `${path} has no video stream`, { details: { path } });
  // A trim past the end shows the clip's last frame rather than nothing.
  const clipS = v.durationS ?? probe.durationS;
  const lastFrameS = clipS > 0 ? Math.max(0, clipS - 1.5 / (v.fps || o.fps)) : o.trimStartS;
  const seek = Math.min(o.trimStartS, lastFrameS);

  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (seek > 0) args.push('-ss', num(seek)); // an accurate input seek: decodes from the keyframe before, drops frames before the point
  args.push('-i', path, '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', clipFilter(o, { ...sourceColour(v), isYuv: /^yuv/.test(v.pixFmt) }),
    '-vsync', 'passthrough', '-frames:v', String(Math.max(1, total)),
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1');

  const state: { held: Uint8Array | null; given: number } = { held: null, given: 0 };
  if (total === 0) {
    return { frames: 0, args, next: async () => null, close: async () => undefined };
  }

  const bin = o.ffmpegPath ?? resolveBinaries().ffmpeg;
  log(`spawn ${bin} ${args.join(' ')}`);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  dieWithParent(child);
  const tail = new StderrTail(4096);
  const lines = lineSplitter((l) => { tail.push(l); log(`ffmpeg: ${l}`); });
  child.stderr.on('data', (d: Buffer) => lines.push(d));
  let spawnError: NodeJS.ErrnoException | null = null;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let closing = false;
  let ended = false;
  let streamError: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => { if (child.pid === undefined) spawnError = e; });
    child.once('close', (code, signal) => { lines.flush(); exit = { code, signal }; resolve(); });
  });
  const out = child.stdout;
  out.on('end', () => { ended = true; });
  out.on('error', (e) => { streamError = e; });

  const failure = (): StillmotionError => {
    if (spawnError) {
      return new StillmotionError('ENCODER_MISSING', `cannot start ffmpeg at ${bin}: ${spawnError.code ?? spawnError.message}`, { details: { path: bin } });
    }
    const how = exit?.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit?.code}`;
    return new StillmotionError('CORRUPT_INPUT', `${path} could not be decoded: ffmpeg ${how}: ${tail.lastLines() || (streamError as Error | null)?.message || '(no output)'}`, {
      details: { path, frames_read: state.given, args, stderr_tail: tail.text },
    });
  };

  let cancelled: StillmotionError | null = null;
  const close = async (): Promise<void> => {
    if (closing) return exited;
    closing = true;
    o.signal?.removeEventListener('abort', onAbort);
    out.destroy(); // ffmpeg then stops on EPIPE; the ladder makes sure
    if (!exit) await stopLadder(child, exited, { termAfterMs: 0, killAfterMs: 2000 });
  };
  const onAbort = () => {
    cancelled = new StillmotionError('CANCELLED', 'clip decoding cancelled');
    void close();
  };
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });

  /** Exactly one frame from the pipe, or null when ffmpeg has no more. */
  const readFrame = (): Promise<Buffer | null> =>
    new Promise((resolve, reject) => {
      const done = () => {
        out.off('readable', attempt);
        out.off('end', attempt);
        out.off('close', attempt);
      };
      function attempt(): void {
        if (cancelled) { done(); reject(cancelled); return; }
        const b = out.read(frameBytes) as Buffer | null;
        if (b && b.length === frameBytes) { done(); resolve(b); return; }
        if (b || ended || out.destroyed) {
          done(); // a short tail (ffmpeg stopped mid-frame) counts as no frame
          void exited.then(() => {
            if (cancelled) reject(cancelled);
            else if (spawnError || (exit?.code !== 0 && state.given === 0)) reject(failure());
            else resolve(null);
          });
        }
      }
      out.on('readable', attempt);
      out.on('end', attempt);
      out.on('close', attempt);
      attempt();
    });

  let queue: Promise<unknown> = Promise.resolve();
  const next = (): Promise<Uint8Array | null> => {
    // Calls are served in order even when not awaited one by one.
    const p = queue.then(async (): Promise<Uint8Array | null> => {
      if (cancelled) throw cancelled;
      if (state.given >= total || closing) {
        await close();
        return null;
      }
      const f = await readFrame();
      if (f) state.held = f;
      else if (!state.held) {
        await close();
        throw failure();
      }
      state.given++;
      if (state.given >= total) void close();
      return f ?? state.held!.slice(); // a held frame is a copy: the caller may draw on what it gets
    });
    queue = p.catch(() => undefined); // orders the reads only; the caller of `p` gets its error
    return p;
  };

  return { frames: total, args, next, close };
};
