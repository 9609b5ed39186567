/**
 * Choosing the default x264 preset by quality per second. A raw yuv420p clip (BT.709 limited range)
 * is encoded with each preset at each quality's CRF, through the same argument builder the product
 * uses (so: 2 threads, silent AAC, fast start); for each we measure wall time, file size and SSIM
 * against the raw frames (ffmpeg's ssim filter).
 *
 *   node dist/bench/x264-presets.js --raw clip.yuv 1920 1080 30 150
 *   node dist/bench/x264-presets.js --zoompan photo.jpg        (makes a 1080p30 150-frame clip first)
 *   node dist/bench/x264-presets.js photo.jpg                  (our own frames of the photo, CRF 18 only)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { animate } from '../src/local/animate.js';
import { X264_CRF, buildEncodeArgs, partialPath, resolveBinaries, runTool, type OutputQuality } from '../src/engine/ffmpeg/index.js';

export const PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'] as const;
export const QUALITIES: readonly OutputQuality[] = ['high', 'medium', 'low'];

export interface PresetRow {
  readonly preset: string;
  readonly quality: OutputQuality;
  readonly crf: number;
  /** Wall time of the encode (best of `repeats`). */
  readonly seconds: number;
  /** CPU time (user + sys) ffmpeg used: what the encode costs, and far steadier than wall time on a shared machine. */
  readonly cpu_seconds: number;
  readonly encode_fps: number;
  readonly size_mb: number;
  readonly kbps: number;
  /** Mean SSIM (Y, U, V weighted) against the source frames, 0..1. */
  readonly ssim: number;
  /** The same as -10·log10(1 − ssim): equal steps are equal visual steps. */
  readonly ssim_db: number;
  /** ssim_db per CPU second. */
  readonly db_per_s: number;
}

export interface BenchOptions {
  readonly presets?: readonly string[];
  readonly qualities?: readonly OutputQuality[];
  readonly ffmpegPath?: string;
  /** Encode each case this many times and keep the fastest wall time (other load only ever adds time). Default 1. */
  readonly repeats?: number;
}

const r2 = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Runs ffmpeg under bash and returns the CPU seconds (user + sys) it used, from bash's `times`. */
const cpuSecondsOf = async (ffmpeg: string, args: readonly string[]): Promise<number> => {
  const { stderrTail } = await runTool('bash', ['-c', '"$0" "$@" || exit $?; times >&2', ffmpeg, ...args]);
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderrTail.trim());
  if (!m) throw new Error(`no CPU times in: ${stderrTail.slice(-200)}`);
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
};

const rawInput = (path: string, w: number, h: number, fps: number) =>
  ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${w}x${h}`, '-framerate', String(fps), '-i', path];

export async function benchPresets(rawPath: string, width: number, height: number, fps: number, frames: number, o?: BenchOptions): Promise<PresetRow[]>;
/** @deprecated kept for bench/index.ts: our own frames of `photo` (1080p30, 5 s), CRF 18 only. */
export async function benchPresets(photo: string): Promise<PresetRow[]>;
export async function benchPresets(rawPath: string, width?: number, height?: number, fps?: number, frames?: number, o: BenchOptions = {}): Promise<PresetRow[]> {
  if (width === undefined || height === undefined || fps === undefined || frames === undefined) return benchOwnFrames(rawPath);
  const ffmpeg = o.ffmpegPath ?? resolveBinaries().ffmpeg;
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-presets-'));
  const rows: PresetRow[] = [];
  try {
    for (const quality of o.qualities ?? QUALITIES) {
      for (const preset of o.presets ?? PRESETS) {
        const output = join(dir, `${preset}-${quality}.mp4`);
        const args = buildEncodeArgs({ width, height, fps, frames, format: 'mp4', quality, preset, output, input: { kind: 'file', path: rawPath } });
        let seconds = Infinity;
        let cpu = Infinity;
        for (let k = 0; k < Math.max(1, o.repeats ?? 1); k++) {
          const t0 = performance.now();
          cpu = Math.min(cpu, await cpuSecondsOf(ffmpeg, args));
          seconds = Math.min(seconds, (performance.now() - t0) / 1000);
        }
        const file = partialPath(output);
        const bytes = statSync(file).size;
        const { stderrTail } = await runTool(ffmpeg, ['-v', 'info', '-nostats', '-i', file, ...rawInput(rawPath, width, height, fps), '-lavfi', '[0:v][1:v]ssim', '-f', 'null', '-']);
        const ssim = Number(/All:([\d.]+)/.exec(stderrTail)?.[1] ?? Number.NaN);
        const db = -10 * Math.log10(1 - ssim);
        rows.push({
          preset, quality, crf: X264_CRF[quality], seconds: r2(seconds), cpu_seconds: r2(cpu), encode_fps: r2(frames / seconds, 1),
          size_mb: r2(bytes / 1e6), kbps: Math.round((bytes * 8) / (frames / fps) / 1000),
          ssim: r2(ssim, 5), ssim_db: r2(db), db_per_s: r2(db / cpu, 3),
        });
        rmSync(file, { force: true });
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The preset with the most SSIM (dB) per CPU second of encoding, averaged over the qualities measured, among
 * presets whose files are at most `maxSizeRatio` times the smallest at the same quality.
 */
export const recommendPreset = (rows: readonly PresetRow[], maxSizeRatio = 1.25): { preset: string; reason: string } => {
  const qualities = [...new Set(rows.map((r) => r.quality))];
  const smallest = new Map(qualities.map((q) => [q, Math.min(...rows.filter((r) => r.quality === q).map((r) => r.size_mb))]));
  const presets = [...new Set(rows.map((r) => r.preset))];
  const scored = presets
    .map((p) => {
      const mine = rows.filter((r) => r.preset === p);
      const ok = mine.every((r) => r.size_mb <= smallest.get(r.quality)! * maxSizeRatio);
      const score = mine.reduce((s, r) => s + r.db_per_s, 0) / mine.length;
      return { p, ok, score };
    })
    .filter((x) => x.ok)
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return { preset: 'medium', reason: 'no preset kept its size within bounds' };
  return { preset: best.p, reason: `${best.score.toFixed(3)} SSIM-dB per CPU second on average, with files within ${Math.round((maxSizeRatio - 1) * 100)}% of the smallest` };
};

/** A 1.0→1.5 centre zoom over a photo with ffmpeg's zoompan, as raw yuv420p BT.709 limited range. */
export const makeZoompanClip = async (photo: string, rawOut: string, width = 1920, height = 1080, fps = 30, frames = 150, ffmpegPath?: string): Promise<void> => {
  const ffmpeg = ffmpegPath ?? resolveBinaries().ffmpeg;
  const zoom = `zoompan=z='min(zoom+${(0.5 / frames).toFixed(5)},1.5)':d=${frames}:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=${width}x${height}:fps=${fps}`;
  await runTool(ffmpeg, ['-v', 'error', '-y', '-i', photo, '-filter_complex',
    `[0:v]scale=${width * 2}:-2:flags=lanczos,format=rgb24,${zoom},scale=out_color_matrix=bt709:out_range=tv,format=yuv420p`,
    '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', rawOut]);
};

/** The old entry (bench/index.ts): our renderer's frames of `photo`, CRF 18 only. */
const benchOwnFrames = async (photo: string): Promise<PresetRow[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-presets-own-'));
  try {
    const r = await animate(photo, { output: join(dir, 'clip.mp4'), quality: 'high', preset: 'slow' });
    const raw = join(dir, 'frames.yuv');
    await runTool(resolveBinaries().ffmpeg, ['-v', 'error', '-y', '-i', r.output, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);
    return await benchPresets(raw, r.width, r.height, r.fps, r.frames, { qualities: ['high'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const presetTable = (rows: readonly PresetRow[]): string =>
  ['| quality (CRF) | preset | wall s | CPU s | size MB | kbps | SSIM | SSIM dB | dB per CPU s |', '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.quality} (${r.crf}) | ${r.preset} | ${r.seconds.toFixed(2)} | ${r.cpu_seconds.toFixed(2)} | ${r.size_mb.toFixed(2)} | ${r.kbps} | ${r.ssim.toFixed(5)} | ${r.ssim_db.toFixed(2)} | ${r.db_per_s.toFixed(3)} |`)].join('\n');

if (process.argv[1]?.endsWith('x264-presets.js') && process.argv[2]) {
  const [a, b, ...rest] = process.argv.slice(2);
  let rows: PresetRow[];
  if (a === '--raw') {
    const [w, h, f, n] = rest.map(Number) as [number, number, number, number];
    rows = await benchPresets(b!, w, h, f, n, { repeats: 2 });
  } else if (a === '--zoompan') {
    const dir = mkdtempSync(join(tmpdir(), 'stillmotion-zoompan-'));
    const raw = join(dir, 'clip.yuv');
    await makeZoompanClip(b!, raw);
    rows = await benchPresets(raw, 1920, 1080, 30, 150, { repeats: 2 });
    rmSync(dir, { recursive: true, force: true });
  } else {
    rows = await benchPresets(a!);
  }
  console.log(presetTable(rows));
  const rec = recommendPreset(rows);
  console.log(`\nrecommended: ${rec.preset} (${rec.reason})`);
}
