/**
 * Choosing the default x264 preset by quality per second: our own frames (one clip, saved raw) are
 * encoded with each preset at the `high` CRF; for each we measure encode time, file size and SSIM
 * against the raw frames. Printed by `npm run bench` (and runnable alone: node dist/bench/x264-presets.js photo.jpg).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { animate } from '../src/engine/animate.js';
import { buildEncodeArgs, resolveBinaries } from '../src/engine/ffmpeg/index.js';

export interface PresetRow { preset: string; seconds: number; size_mb: number; ssim: number }

const PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'];

const runFfmpeg = (bin: string, args: string[]): Promise<string> =>
  new Promise((res, rej) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('exit', (c) => (c === 0 ? res(err) : rej(new Error(err.slice(-500)))));
  });

export const benchPresets = async (photo: string): Promise<PresetRow[]> => {
  const { ffmpeg } = resolveBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-presets-'));
  try {
    const clip = join(dir, 'clip.mp4');
    const r = await animate(photo, { output: clip, quality: 'high', preset: 'slow' });
    const raw = join(dir, 'frames.yuv');
    spawnSync(ffmpeg, ['-v', 'error', '-y', '-i', clip, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);
    const rows: PresetRow[] = [];
    for (const preset of PRESETS) {
      const out = join(dir, `${preset}.mp4`);
      const args = buildEncodeArgs({ width: r.width, height: r.height, fps: r.fps, frames: r.frames, format: 'mp4', quality: 'high', preset, output: out, input: { kind: 'file', path: raw } });
      const t0 = performance.now();
      await runFfmpeg(ffmpeg, args);
      const seconds = (performance.now() - t0) / 1000;
      const partial = args[args.length - 1]!;
      const size = statSync(partial).size;
      const log = await runFfmpeg(ffmpeg, ['-v', 'info', '-nostats', '-i', partial, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${r.width}x${r.height}`, '-r', String(r.fps), '-i', raw, '-lavfi', '[0:v][1:v]ssim', '-f', 'null', '-']);
      const ssim = Number(/All:([\d.]+)/.exec(log)?.[1] ?? NaN);
      rows.push({ preset, seconds: Math.round(seconds * 100) / 100, size_mb: Math.round((size / 1e6) * 100) / 100, ssim });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (process.argv[1]?.endsWith('x264-presets.js') && process.argv[2]) {
  for (const row of await benchPresets(process.argv[2])) console.log(JSON.stringify(row));
}
