/**
 * One photo, one 5 s 1080p30 clip with the default settings, against its encode bound (ffmpeg
 * encoding the same frames, saved once as raw video, with the same settings), repeated: ours and
 * the bound alternate, and the ratio is taken per pair, so a busy machine slows both alike. Also
 * the CPU seconds: ours (decode, analysis, rendering) and the encoder's.
 *
 *   node dist/bench/clip-bench.js [--repeat N] photo...
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildEncodeArgs, resolveBinaries } from '../src/engine/ffmpeg/index.js';
import { DEFAULT_PRESET } from '../src/engine/settings.js';
import { cpuSince, cpuTimes } from './cpu.js';

const root = resolve(new URL('../..', import.meta.url).pathname);

export interface OursRun {
  readonly wall_s: number;
  readonly cpu_s: number;
  readonly children_cpu_s: number;
  readonly max_rss_mb: number;
  readonly frames: number;
  readonly move: string;
  readonly width: number;
  readonly height: number;
  readonly size_bytes: number;
}

/** Our whole command (decode → encoded clip) in a child process of its own. */
export const runOurs = (photo: string, out: string, opts: Record<string, unknown> = {}): OursRun => {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'animate-one.js'), photo, out, JSON.stringify(opts)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`animate failed for ${photo}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as OursRun;
};

/** Wall seconds of one command (stdout ignored). */
export const timeCommand = async (cmd: string, args: string[]): Promise<number> => {
  const t0 = performance.now();
  await new Promise<void>((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`${cmd} exited ${code}: ${err}`))));
  });
  return (performance.now() - t0) / 1000;
};

export interface ClipBench {
  readonly photo: string;
  readonly move: string;
  readonly frames: number;
  readonly ours_s: number;
  readonly bound_s: number;
  /** Median of the per-pair ratios. */
  readonly ratio: number;
  readonly ratios: number[];
  readonly peak_rss_mb: number;
  /** CPU seconds (medians): ours (all our threads), the encoder in our run, and the bound's encoder. */
  readonly ours_cpu_s: number;
  readonly encoder_cpu_s: number;
  readonly bound_cpu_s: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const benchClip = async (photo: string, o: { repeats: number; work: string; rawDir: string; fps?: number }): Promise<ClipBench> => {
  const { ffmpeg } = resolveBinaries();
  const fps = o.fps ?? 30;
  const out = join(o.work, `${basename(photo)}.mp4`);
  const raw = join(o.rawDir, 'frames.yuv');
  const runs: Array<{ ours: OursRun; bound: number; boundCpu: number }> = [];
  for (let i = 0; i < o.repeats; i++) {
    const ours = runOurs(photo, out);
    if (i === 0) spawnSync(ffmpeg, ['-v', 'error', '-y', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);
    const enc = buildEncodeArgs({ width: ours.width, height: ours.height, fps, frames: ours.frames, format: 'mp4', quality: 'high', preset: DEFAULT_PRESET, output: join(o.work, 'bound.mp4'), input: { kind: 'file', path: raw } });
    const c0 = cpuTimes();
    const bound = await timeCommand(ffmpeg, enc);
    runs.push({ ours, bound, boundCpu: cpuSince(c0).children_s });
  }
  rmSync(raw, { force: true });
  const ratios = runs.map((r) => r.ours.wall_s / r.bound);
  const first = runs[0]!.ours;
  return {
    photo: basename(photo),
    move: first.move,
    frames: first.frames,
    ours_s: median(runs.map((r) => r.ours.wall_s)),
    bound_s: median(runs.map((r) => r.bound)),
    ratio: median(ratios),
    ratios,
    peak_rss_mb: Math.max(...runs.map((r) => r.ours.max_rss_mb)),
    ours_cpu_s: median(runs.map((r) => r.ours.cpu_s)),
    encoder_cpu_s: median(runs.map((r) => r.ours.children_cpu_s)),
    bound_cpu_s: median(runs.map((r) => r.boundCpu)),
  };
};

if (process.argv[1]?.endsWith('clip-bench.js')) {
  const args = process.argv.slice(2);
  let repeats = 3;
  const photos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--repeat') repeats = Number(args[++i]);
    else photos.push(args[i]!);
  }
  const work = mkdtempSync(join(tmpdir(), 'stillmotion-clip-'));
  const rawDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/stillmotion-clip-') : work;
  try {
    for (const p of photos) {
      const r = await benchClip(p, { repeats, work, rawDir });
      console.log(JSON.stringify({ ...r, ratios: r.ratios.map((x) => Math.round(x * 100) / 100) }));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(rawDir, { recursive: true, force: true });
  }
}
