/**
 * Depth moves against flat moves (issue 13): a 5 s 1080p30 parallax clip and the flat pan of the same
 * photo, interleaved, `rounds` times, in the same run (the ratio is the figure: target at most 1.6x;
 * the median and the worst are reported, and the CPU ratio, which the machine's other load moves
 * less); the far layer's jitter against a flat pan of the same travel (./depth-jitter.ts); and the
 * depth analysis of each photo on its own (time after a warm-up, peak RSS of a process that does
 * only that).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { farLayerJitter } from './depth-jitter.js';

interface OursResult { wall_s: number; max_rss_mb: number; move: string; cpu_s?: number; children_cpu_s?: number }
type Ours = (photo: string, out: string, opts?: Record<string, unknown>) => OursResult;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const cpuOf = (r: OursResult): number => (r.cpu_s ?? NaN) + (r.children_cpu_s ?? NaN);

export const DEPTH_BENCH_PHOTOS = ['depth_iphone_vase_disparity.jpg', 'depth_iphone_portrait_matte.jpg', 'mate_YellowFlower.jpg', 'mate_TwoWings.jpg', 'mate_Garden.jpg', 'exif_Landscape_5.jpg'];

export const benchDepth = async (root: string, photosDir: string, work: string, ours: Ours, rounds = 3): Promise<string[]> => {
  const names = DEPTH_BENCH_PHOTOS.filter((n) => existsSync(join(photosDir, n)));
  const out: string[] = [];
  if (!names.length) return ['depth: skipped (no photos)'];
  const load0 = loadavg()[0]!;
  out.push(`5 s 1080p30, 16:9, ${rounds} rounds each, flat and depth interleaved; load average ${load0.toFixed(1)} at the start`, '');
  out.push('| photo | depth move | flat s (median) | depth s (median) | depth / flat median | worst | CPU depth / flat | peak RSS MB |', '|---|---|---|---|---|---|---|---|');
  const all: number[] = [];
  for (const n of names) {
    const p = join(photosDir, n);
    try {
      const flat: OursResult[] = [], depth: OursResult[] = [];
      for (let r = 0; r < rounds; r++) {
        flat.push(ours(p, join(work, `${n}-flat.mp4`), { move: 'pan-right', aspect: '16:9' }));
        depth.push(ours(p, join(work, `${n}-depth.mp4`), { move: 'parallax-right', aspect: '16:9' }));
      }
      const ratios = depth.map((d, i) => d.wall_s / flat[i]!.wall_s);
      const move = depth[0]!.move;
      // A photo whose estimate is not trusted makes the flat move: its ratio says nothing about depth.
      if (move !== 'pan-right') all.push(...ratios);
      const cpu = median(depth.map((d, i) => cpuOf(d) / cpuOf(flat[i]!)));
      out.push(`| ${n} | ${move === 'pan-right' ? 'pan-right (made flat: depth not trusted)' : move} | ${median(flat.map((r) => r.wall_s)).toFixed(2)} | ${median(depth.map((r) => r.wall_s)).toFixed(2)} | ${median(ratios).toFixed(2)}x | ${Math.max(...ratios).toFixed(2)}x | ${Number.isNaN(cpu) ? 'n/a' : `${cpu.toFixed(2)}x`} | ${Math.round(Math.max(...depth.map((r) => r.max_rss_mb)))} |`);
    } catch (e) {
      out.push(`| ${n} | failed: ${(e as Error).message.slice(0, 120)} | | | | | | |`);
    }
  }
  if (all.length) out.push('', `All depth clips: depth / flat median ${median(all).toFixed(2)}x, worst ${Math.max(...all).toFixed(2)}x (load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}).`);

  // Depth analysis alone, a 12 MP photo included (made from a real one).
  const big = join(work, 'depth-12mp.jpg');
  const src = join(photosDir, 'mate_Garden.jpg');
  if (existsSync(src)) await sharp(src).resize(4032, 3024, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(big);
  out.push('', '| photo | depth analysis ms (decode included) | of which HEIC auxiliary images ms | peak RSS MB | embedded | estimate confidence |', '|---|---|---|---|---|---|');
  const heic = join(photosDir, 'heic_iphone_iOS18_tmap_MatteMaps.heic'); // portrait, sky and skin mattes
  for (const p of [...names.map((n) => join(photosDir, n)), ...(existsSync(heic) ? [heic] : []), ...(existsSync(big) ? [big] : [])]) {
    const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'depth-one.js'), p], { encoding: 'utf8' });
    if (r.status !== 0) { out.push(`| ${p.split('/').pop()} | failed | | | | |`); continue; }
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; aux_ms: number | null; max_rss_mb: number; embedded: string | null; confidence: number };
    out.push(`| ${p.split('/').pop()} | ${Math.round(j.ms)} | ${j.aux_ms === null ? '-' : Math.round(j.aux_ms)} | ${Math.round(j.max_rss_mb)} | ${j.embedded ?? '-'} | ${j.confidence} |`);
  }
  // Far-layer jitter (last: it renders in this process, and a child spawned after would inherit
  // this process's peak RSS as its own): the parallax against a flat pan of the same travel, measured at the same patches.
  out.push('', '| far-layer jitter (5 s 1080p30 parallax-right) | parallax RMS px | flat pan, same travel, RMS px | parallax / flat | rendered frames (before encoding): parallax / flat RMS px | mean motion px/frame | patches |', '|---|---|---|---|---|---|---|');
  for (const n of names) {
    try {
      const j = await farLayerJitter(join(photosDir, n), work);
      if (!j) { out.push(`| ${n} | n/a (no depth move, or no patch where only the far layer shows) | | | | | |`); continue; }
      out.push(`| ${n} | ${j.parallax.jitter.toFixed(3)} | ${j.flat.jitter.toFixed(3)} | ${(j.parallax.jitter / j.flat.jitter).toFixed(2)}x | ${j.rendered.parallax.toFixed(4)} / ${j.rendered.flat.toFixed(4)} | ${j.parallax.speed.toFixed(2)} / ${j.flat.speed.toFixed(2)} | ${j.patches} |`);
    } catch (e) {
      out.push(`| ${n} | failed: ${(e as Error).message.slice(0, 120)} | | | | | |`);
    }
  }

  return out;
};
