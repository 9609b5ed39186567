/** `node dist/bench/depth-main.js`: the depth part of `npm run bench` alone (./depth-bench.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchDepth } from './depth-bench.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const photosDir = process.env.STILLMOTION_PHOTOS ?? resolve(root, '..', 'shared', 'photos');
const work = mkdtempSync(join(tmpdir(), 'stillmotion-depth-bench-'));
const ours = (photo: string, out: string, opts: Record<string, unknown> = {}) => {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'animate-one.js'), photo, out, JSON.stringify(opts)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`animate failed for ${photo}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { wall_s: number; max_rss_mb: number; move: string; cpu_s: number; children_cpu_s: number };
};
console.log((await benchDepth(root, photosDir, work, ours, Number(process.env.DEPTH_BENCH_ROUNDS ?? 3))).join('\n'));
rmSync(work, { recursive: true, force: true });
