/**
 * The jitter floor: the same camera path rendered float-exact (luma only, Lanczos-3 in float64,
 * no fixed-point weights, no intermediate rounding) and encoded with the same settings. What the
 * motion meter reads on it is what the meter and the encoder add by themselves; ours against it
 * is what our renderer adds.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { buildEncodeArgs, resolveBinaries } from '../src/engine/ffmpeg/index.js';
import { frameView } from '../src/engine/render/render-frame.js';
import type { MotionPlan } from '../src/engine/index.js';
import { DEFAULT_PRESET } from '../src/engine/settings.js';

const lanczos3 = (x: number): number => {
  if (x === 0) return 1;
  if (Math.abs(x) >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
};

/** Per output coordinate: source indices and normalised weights. */
const taps = (outLen: number, srcLen: number, origin: number, scale: number): Array<Array<[number, number]>> => {
  const s = Math.max(scale, 1);
  const out: Array<Array<[number, number]>> = [];
  for (let o = 0; o < outLen; o++) {
    const c = origin + (o + 0.5) * scale - 0.5;
    const ws: Array<[number, number]> = [];
    let sum = 0;
    for (let i = Math.floor(c - 3 * s) + 1; i <= Math.floor(c + 3 * s); i++) {
      const w = lanczos3((i - c) / s);
      ws.push([Math.min(Math.max(i, 0), srcLen - 1), w]);
      sum += w;
    }
    out.push(ws.map(([i, w]) => [i, w / sum]));
  }
  return out;
};

/** Renders `motion` over `photo` (cover, as ours) float-exact into an MP4 at `output`. */
export const renderReference = async (photo: string, motion: MotionPlan, W: number, H: number, fps: number, output: string, rawPath: string): Promise<void> => {
  const { data, info } = await sharp(photo).rotate().greyscale().raw().toBuffer({ resolveWithObject: true });
  const SW = info.width, SH = info.height;
  const frameLen = (W * H * 3) / 2;
  const raw = Buffer.alloc(motion.frames * frameLen);
  const tmp = new Float64Array(SH * W);
  for (let f = 0; f < motion.frames; f++) {
    const v = frameView(motion, f);
    const scale = (v.w * SW) / W;
    const hx = taps(W, SW, v.x * SW, scale);
    const vy = taps(H, SH, v.y * SH, scale);
    const rows = new Set<number>();
    for (const t of vy) for (const [i] of t) rows.add(i);
    for (const y of rows) for (let x = 0; x < W; x++) {
      let a = 0;
      for (const [i, w] of hx[x]!) a += w * data[y * SW + i]!;
      tmp[y * W + x] = a;
    }
    const base = f * frameLen;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      let a = 0;
      for (const [i, w] of vy[y]!) a += w * tmp[i * W + x]!;
      raw[base + y * W + x] = Math.max(0, Math.min(255, Math.round(16 + (a * 219) / 255)));
    }
    raw.fill(128, base + W * H, base + frameLen);
  }
  writeFileSync(rawPath, raw);
  const args = buildEncodeArgs({ width: W, height: H, fps, frames: motion.frames, format: 'mp4', quality: 'high', preset: DEFAULT_PRESET, output, input: { kind: 'file', path: rawPath } });
  // The encoder writes a hidden partial next to the output; the bench wants the file itself.
  args[args.length - 1] = output;
  const r = spawnSync(resolveBinaries().ffmpeg, args, { encoding: 'utf8' });
  rmSync(rawPath, { force: true });
  if (r.status !== 0) throw new Error(`reference encode failed: ${r.stderr.slice(-300)}`);
};
