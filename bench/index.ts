/**
 * `npm run bench`: how fast and how smooth, as ratios against baselines run in the same command on
 * the same machine. Uses the real photos in ../shared/photos when present (skips with a message).
 *
 * Per photo (default settings: 5 s, 1080p30, auto move): our wall time and peak RSS, against
 *  (1) encode bound: ffmpeg encoding our own output frames (saved once as raw video) with the same
 *      encoder settings — the floor no renderer can go below;
 *  (2) zoompan: ffmpeg's zoompan making a comparable 1.0→1.2 zoom with the same encoder settings.
 * Then jitter (RMS deviation of measured frame-to-frame motion from a smooth path, in output
 * pixels) for ours and zoompan on a finely textured photo, a 108-megapixel photo, and the parser.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { measureMotion } from '../src/engine/analyze/measure-motion.js';
import { buildEncodeArgs, decodeFrames, resolveBinaries } from '../src/engine/ffmpeg/index.js';
import { DEFAULT_PRESET } from '../src/engine/settings.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const photosDir = resolve(root, '..', 'shared', 'photos');
const work = mkdtempSync(join(tmpdir(), 'stillmotion-bench-'));
// Raw frames for the encode bound live in RAM when possible, so the bound measures encoding, not disk reads.
const rawDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/stillmotion-bench-') : work;
const { ffmpeg } = resolveBinaries();
const W = 1920, H = 1080, FPS = 30, FRAMES = 150;

const time = async (cmd: string, args: string[]): Promise<number> => {
  const t0 = performance.now();
  await new Promise<void>((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`${cmd} exited ${code}: ${err}`))));
  });
  return (performance.now() - t0) / 1000;
};

const ours = (photo: string, out: string, opts: Record<string, unknown> = {}) => {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'animate-one.js'), photo, out, JSON.stringify(opts)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`animate failed for ${photo}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { wall_s: number; max_rss_mb: number; cpu_s: number; children_cpu_s: number; frames: number; move: string; width: number; height: number; size_bytes: number };
};

const x264Args = (input: { kind: 'file'; path: string }, output: string, w = W, h = H) =>
  buildEncodeArgs({ width: w, height: h, fps: FPS, frames: FRAMES, format: 'mp4', quality: 'high', preset: DEFAULT_PRESET, output, input });

/** Same encoder settings, fed by zoompan: cover-crop to 16:9, zoom 1.0 → 1.2 about the centre. */
const zoompanArgs = (photo: string, output: string): string[] => {
  const enc = x264Args({ kind: 'file', path: '/dev/null' }, output);
  // The codec part of our own argument list: from -c:v up to the muxer.
  const codec = enc.slice(enc.indexOf('-c:v'), enc.lastIndexOf('-f'));
  const vf = `crop='min(iw,ih*16/9)':'min(ih,iw*9/16)',zoompan=z='1+0.2*on/${FRAMES - 1}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${FRAMES}:s=${W}x${H}:fps=${FPS},format=yuv420p`;
  return ['-v', 'error', '-y', '-i', photo, '-f', 'lavfi', '-t', String(FRAMES / FPS), '-i', 'anullsrc=r=48000:cl=stereo',
    '-filter_complex', `[0:v]${vf}[v]`, '-map', '[v]', '-map', '1:a', ...codec, '-f', 'mp4', output];
};

const jitterOf = async (video: string): Promise<{ jitter: number; max: number; speed: number }> => {
  const frames = await decodeFrames(video, { pixFmt: 'gray', width: 960, height: 540 });
  const m = measureMotion(frames.map((f) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength)), 960, 540);
  // Reported in output (1080p) pixels.
  return { jitter: m.jitterPx * 2, max: m.maxDeviationPx * 2, speed: m.meanSpeedPx * 2 };
};

const fmt = (n: number, d = 2) => n.toFixed(d);

const main = async () => {
  console.log(`# Stillmotion benchmark (${new Date().toISOString()}, ${process.arch}, ${(await import('node:os')).cpus().length} cores, preset ${DEFAULT_PRESET})\n`);
  if (!existsSync(photosDir)) {
    console.log(`skipped: no photo corpus at ${photosDir} (the benchmarks use ../shared/photos)`);
  } else {
    const photos = readdirSync(photosDir).filter((f) => /\.(jpe?g|png|heic|webp)$/i.test(f)).sort();
    console.log('| photo | move | ours s | peak RSS MB | frames | encode bound s | ours / bound | zoompan s | ours / zoompan |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const name of photos) {
      const photo = join(photosDir, name);
      const out = join(work, `${name}.mp4`);
      let r: ReturnType<typeof ours>;
      try {
        r = ours(photo, out);
      } catch (e) {
        console.log(`| ${name} | failed: ${(e as Error).message.split('\n').find((l) => l.includes('error') || l.includes('Error')) ?? (e as Error).message.slice(0, 120)} | | | | | | | |`);
        continue;
      }
      // Encode bound: our frames, decoded once to raw, encoded again with the same settings.
      const raw = join(rawDir, 'frames.yuv');
      spawnSync(ffmpeg, ['-v', 'error', '-y', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);
      const enc = buildEncodeArgs({ width: r.width, height: r.height, fps: FPS, frames: r.frames, format: 'mp4', quality: 'high', preset: DEFAULT_PRESET, output: join(work, 'bound.mp4'), input: { kind: 'file', path: raw } });
      const bound = await time(ffmpeg, enc);
      rmSync(raw, { force: true });
      let zp = NaN;
      // ffmpeg cannot read HEIC: zoompan has no row there.
      if (r.width === W && r.height === H) zp = await time(ffmpeg, zoompanArgs(photo, join(work, 'zoompan.mp4'))).catch(() => NaN);
      console.log(`| ${name} | ${r.move} | ${fmt(r.wall_s)} | ${Math.round(r.max_rss_mb)} | ${r.frames} | ${fmt(bound)} | ${fmt(r.wall_s / bound)}x | ${Number.isNaN(zp) ? (r.width === W && r.height === H ? 'n/a (ffmpeg cannot read it)' : 'n/a (not 16:9)') : fmt(zp)} | ${Number.isNaN(zp) ? '' : `${fmt(r.wall_s / zp)}x`} |`);
    }

    // Jitter on a finely textured photo, the same zoom for both.
    const tex = join(photosDir, 'mate_RainDrops.jpg');
    if (existsSync(tex)) {
      const a = join(work, 'jitter-ours.mp4');
      ours(tex, a, { move: 'zoom-in', aspect: '16:9', easing: 'linear' });
      const b = join(work, 'jitter-zoompan.mp4');
      await time(ffmpeg, zoompanArgs(tex, b));
      const ja = await jitterOf(a);
      const jb = await jitterOf(b);
      console.log(`\n| jitter (mate_RainDrops, zoom 1.0→1.2, 1080p) | RMS px | max px | mean motion px/frame |\n|---|---|---|---|`);
      console.log(`| ours | ${fmt(ja.jitter, 3)} | ${fmt(ja.max, 3)} | ${fmt(ja.speed, 2)} |`);
      console.log(`| ffmpeg zoompan | ${fmt(jb.jitter, 3)} | ${fmt(jb.max, 3)} | ${fmt(jb.speed, 2)} |`);

      // The floor: the same camera paths rendered float-exact through the same encoder.
      const { animate } = await import('../src/local/animate.js');
      const { renderReference } = await import('./float-reference.js');
      console.log(`\n| jitter against the floor (mate_RainDrops, 5 s 1080p, smooth easing) | ours RMS px | float-exact RMS px | ours / floor |\n|---|---|---|---|`);
      for (const move of ['zoom-in', 'pan-right'] as const) {
        const mine = join(work, `floor-ours-${move}.mp4`);
        const r = await animate(tex, { output: mine, move, aspect: '16:9', easing: 'smooth', size: '1080p', duration: 5 });
        const shot = r.plan.shots[0]!;
        if (!('motion' in shot) || shot.motion.kind !== 'camera') continue;
        const ref = join(work, `floor-ref-${move}.mp4`);
        await renderReference(tex, shot.motion, r.width, r.height, FPS, ref, join(rawDir, 'ref.yuv'));
        const [jo, jr] = [await jitterOf(mine), await jitterOf(ref)];
        console.log(`| ${move} | ${fmt(jo.jitter, 3)} | ${fmt(jr.jitter, 3)} | ${fmt(jo.jitter / jr.jitter)}x |`);
      }
    }

    // A 30-second slideshow of 6 photos with crossfades, a title and music.
    const six = ['mate_Garden.jpg', 'mate_Wood.jpg', 'exif_Landscape_5.jpg', 'mate_TwoWings.jpg', 'heic_samsung_a71.heic', 'mate_YellowFlower.jpg'].map((n) => join(photosDir, n)).filter((p) => existsSync(p));
    if (six.length >= 2) {
      const song = join(work, 'song.m4a');
      spawnSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=40', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=40', '-filter_complex', 'amix=inputs=2', '-c:a', 'aac', song]);
      const out = join(work, 'slideshow.mp4');
      const sr = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'slideshow-one.js'), out, song, ...six], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (sr.status !== 0) console.log(`\nslideshow: failed: ${sr.stderr.slice(-300)}`);
      else {
        const r = JSON.parse(sr.stdout.trim().split('\n').pop()!) as { wall_s: number; max_rss_mb: number; frames: number; width: number; height: number };
        const raw = join(rawDir, 'frames.yuv');
        spawnSync(ffmpeg, ['-v', 'error', '-y', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);
        const bound = await time(ffmpeg, buildEncodeArgs({ width: r.width, height: r.height, fps: FPS, frames: r.frames, format: 'mp4', quality: 'high', preset: DEFAULT_PRESET, output: join(work, 'bound2.mp4'), input: { kind: 'file', path: raw } }));
        rmSync(raw, { force: true });
        console.log(`\n| slideshow (${six.length} photos, 30 s 1080p30, crossfades, title, music) | ours s | encode bound s | ours / bound | peak RSS MB |\n|---|---|---|---|---|`);
        console.log(`| ${r.frames} frames | ${fmt(r.wall_s)} | ${fmt(bound)} | ${fmt(r.wall_s / bound)}x | ${Math.round(r.max_rss_mb)} |`);
      }
    }

    // A 108-megapixel photo (made from a real one, upscaled), default settings.
    const src = join(photosDir, 'mate_Garden.jpg');
    if (existsSync(src)) {
      const big = join(work, 'big-108mp.jpg');
      await sharp(src, { limitInputPixels: false }).resize(12720, 8480, { kernel: 'cubic' }).jpeg({ quality: 85 }).toFile(big);
      const r = ours(big, join(work, 'big.mp4'));
      console.log(`\n| 108 MP photo (12720x8480, ${(statSync(big).size / 1e6).toFixed(1)} MB) | ours s | peak RSS MB |\n|---|---|---|\n| default settings | ${fmt(r.wall_s)} | ${Math.round(r.max_rss_mb)} |`);
    }
  }

  if (existsSync(photosDir)) {
    const { benchDepth } = await import('./depth-bench.js');
    console.log('\n## Depth moves (issue 13)\n');
    console.log((await benchDepth(root, photosDir, work, ours)).join('\n'));
  }

  const presetPhoto = join(photosDir, 'mate_RainDrops.jpg');
  if (existsSync(presetPhoto)) {
    const { benchPresets } = await import('./x264-presets.js');
    console.log('\n| x264 preset (CRF 18, our frames of mate_RainDrops) | encode s | size MB | SSIM |\n|---|---|---|---|');
    for (const r of await benchPresets(presetPhoto)) console.log(`| ${r.preset} | ${fmt(r.seconds)} | ${fmt(r.size_mb)} | ${r.ssim.toFixed(4)} |`);
  }

  for (const [file, fn, label] of [['./parser-bench.js', 'benchParser', 'parser'], ['./sampler-bench.js', 'benchSampler', 'sampler']] as const) {
    try {
      const mod = (await import(file)) as Record<string, () => Promise<unknown>>;
      if (typeof mod[fn] === 'function') console.log(`\n${label}: ${JSON.stringify(await mod[fn]!())}`);
    } catch (e) {
      console.log(`\n${label}: skipped (${(e as Error).message.split('\n')[0]})`);
    }
  }
  const { benchLiving } = await import('./living-bench.js');
  console.log('\n## Living photos (5 s 1080p30, static camera)\n');
  console.log((await benchLiving(photosDir)).join('\n'));
  const { benchService } = await import('./service-bench.js');
  const garden = join(photosDir, 'mate_Garden.jpg');
  console.log(`\n## Service (loopback, autocannon 16 connections x 5 s; preview for ${existsSync(garden) ? 'mate_Garden.jpg' : 'a generated 1600x1200 photo'})\n`);
  console.log((await benchService(existsSync(garden) ? garden : null)).join('\n'));
  const { benchScale } = await import('./scale-bench.js');
  console.log('\n## Scale out (serve + worker over PostgreSQL and Redis)\n');
  console.log((await benchScale()).join('\n'));
  rmSync(work, { recursive: true, force: true });
  rmSync(rawDir, { recursive: true, force: true });
};

await main();
