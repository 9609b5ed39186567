/**
 * Depth moves against flat moves (issue 13): a 5 s 1080p30 parallax clip and the flat pan of the same
 * photo, in the same run (the ratio is the figure: target at most 1.6x), and the depth analysis of
 * each photo on its own (time after a warm-up, peak RSS of a process that does only that).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

type Ours = (photo: string, out: string, opts?: Record<string, unknown>) => { wall_s: number; max_rss_mb: number; move: string };

export const benchDepth = async (root: string, photosDir: string, work: string, ours: Ours): Promise<string[]> => {
  const names = ['depth_iphone_vase_disparity.jpg', 'depth_iphone_portrait_matte.jpg', 'mate_YellowFlower.jpg', 'mate_TwoWings.jpg', 'mate_Garden.jpg'].filter((n) => existsSync(join(photosDir, n)));
  const out: string[] = [];
  if (!names.length) return ['depth: skipped (no photos)'];
  out.push('| photo (5 s 1080p30, 16:9) | depth move | depth s | flat move | flat s | depth / flat | peak RSS MB |', '|---|---|---|---|---|---|---|');
  for (const n of names) {
    const p = join(photosDir, n);
    try {
      const flat = ours(p, join(work, `${n}-flat.mp4`), { move: 'pan-right', aspect: '16:9' });
      const depth = ours(p, join(work, `${n}-depth.mp4`), { move: 'parallax-right', aspect: '16:9' });
      out.push(`| ${n} | ${depth.move} | ${depth.wall_s.toFixed(2)} | ${flat.move} | ${flat.wall_s.toFixed(2)} | ${(depth.wall_s / flat.wall_s).toFixed(2)}x | ${Math.round(depth.max_rss_mb)} |`);
    } catch (e) {
      out.push(`| ${n} | failed: ${(e as Error).message.slice(0, 120)} | | | | | |`);
    }
  }
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
  return out;
};
