/**
 * The serial part of a one-shot clip, A/B: the CLI's path (LocalMedia → planLocal → renderLocal)
 * for one photo, the default 5 s 1080p30 clip (zoom-in unless a move is given), in a fresh process
 * per run, for two builds interleaved (e.g. main's dist copied aside, and this one). Per run: wall
 * time from the process' start to the first frame handed to the encoder, total wall, CPU seconds
 * (ours: every thread of the process; children: ffmpeg/x264); per photo: the encode bound (x264
 * alone on the clip's frames, from a file in RAM) and whether both builds made the same frames.
 *
 *   node dist/bench/first-frame.js [--pairs 3] [--move zoom-in] [--base /tmp/base-dist] photo...
 *
 * One run alone (what the driver spawns): node dist/bench/first-frame.js --one <dist root> <photo> <out> <move>
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSince, cpuTimes } from './cpu.js';

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const args = process.argv.slice(2);

if (args[0] === '--one') {
  const [, root, photo, out, move] = args as [string, string, string, string, string];
  const c0 = { own_s: 0, children_s: 0 };
  const m = await import(join(resolve(root), 'src/local/make.js')) as typeof import('../src/local/make.js');
  const media = new m.LocalMedia();
  const options = m.checkOptions({ move: move as never });
  // The CLI's way: the render threads started before the photo is opened (builds that have it).
  if ('startThreads' in media) media.startThreads();
  // The CLI's way: the working-size picture decoded while the photo is analysed (builds that have it).
  const info = m.requirePhoto(await ('addAhead' in media ? media.addAhead(photo, (sized) => m.guessPlan(sized, undefined, options, 0)) : (media as { add(p: string): ReturnType<typeof media.add> }).add(photo)));
  const made = m.draftFromWords([info], undefined, options);
  const { plan } = await m.planLocal(made.draft, media, { ...m.outputFor(options, made.request), variant: 0 });
  let first = 0;
  let cpuFirst = c0;
  await m.renderLocal(plan, media, {
    output: out,
    onProgress: (p) => { if (p.stage === 'render' && !first) { first = process.uptime(); cpuFirst = cpuTimes(); } },
  });
  const all = cpuTimes();
  process.stdout.write(`${JSON.stringify({ first_frame_s: r3(first), wall_s: r3(process.uptime()), own_cpu_s: r3(all.own_s), own_cpu_before_first_s: r3(cpuFirst.own_s), children_cpu_s: r3(all.children_s), width: plan.width, height: plan.height, fps: plan.fps, frames: plan.frames })}\n`);
  process.exit(0);
}

const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const pairs = Number(opt('--pairs', '3'));
const move = opt('--move', 'zoom-in');
const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const base = resolve(opt('--base', '/tmp/base-dist'));
const photos = args;
if (!photos.length) throw new Error('usage: first-frame.js [--pairs 3] [--move zoom-in] [--base dist] photo...');
const self = fileURLToPath(import.meta.url);
const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'stillmotion-ff-'));

type Run = { first_frame_s: number; wall_s: number; own_cpu_s: number; own_cpu_before_first_s: number; children_cpu_s: number; width: number; height: number; fps: number; frames: number };
const run = (root: string, photo: string, out: string): Promise<Run> => new Promise((ok, fail) => {
  const child = spawn(process.execPath, [self, '--one', root, photo, out, move], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (b: Buffer) => { text += b.toString(); });
  child.on('exit', (code) => (code === 0 ? ok(JSON.parse(text) as Run) : fail(new Error(`run failed (${code}) for ${root} ${photo}`))));
});
const frameHash = (ffmpeg: string, file: string): string => {
  const r = spawnSync(ffmpeg, ['-v', 'error', '-i', file, '-map', '0:v', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 30 });
  return createHash('sha256').update(r.stdout).digest('hex').slice(0, 16);
};
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

try {
  const { resolveBinaries, buildEncodeArgs } = await import('../src/engine/ffmpeg/index.js');
  const { DEFAULT_PRESET } = await import('../src/engine/settings.js');
  const { ffmpeg } = resolveBinaries();
  const rows = [];
  for (const photo of photos) {
    const runs: Record<'base' | 'new', Run[]> = { base: [], new: [] };
    const outs = { base: join(work, 'base.mp4'), new: join(work, 'new.mp4') };
    for (let i = 0; i < pairs; i++) {
      // Interleaved, the order alternating so neither side always goes first.
      const order: Array<'base' | 'new'> = i % 2 ? ['new', 'base'] : ['base', 'new'];
      for (const side of order) runs[side].push(await run(side === 'base' ? base : join(here), photo, outs[side]));
    }
    const same = frameHash(ffmpeg, outs.base) === frameHash(ffmpeg, outs.new);
    // The encode bound: x264 alone on the clip's frames, from RAM.
    const p = runs.new[0]!;
    const raw = join(work, 'frames.yuv');
    spawnSync(ffmpeg, ['-v', 'error', '-y', '-i', outs.new, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);
    const bound = { wall_s: 0, cpu_s: 0 };
    const boundRuns = [];
    for (let i = 0; i < pairs; i++) {
      const c0 = cpuTimes(); const t0 = performance.now();
      const a = buildEncodeArgs({ width: p.width, height: p.height, fps: p.fps, frames: p.frames, format: 'mp4', quality: 'high', preset: DEFAULT_PRESET, output: join(work, 'bound.mp4'), input: { kind: 'file', path: raw } });
      await new Promise((r) => spawn(ffmpeg, a, { stdio: 'ignore' }).on('exit', r));
      boundRuns.push({ wall_s: (performance.now() - t0) / 1000, cpu_s: cpuSince(c0).children_s });
    }
    bound.wall_s = r3(median(boundRuns.map((b) => b.wall_s)));
    bound.cpu_s = r3(median(boundRuns.map((b) => b.cpu_s)));
    const sum = (side: 'base' | 'new') => {
      const rs = runs[side];
      const k = (f: (r: Run) => number) => r3(median(rs.map(f)));
      return {
        first_frame_s: k((r) => r.first_frame_s), wall_s: k((r) => r.wall_s), own_cpu_s: k((r) => r.own_cpu_s),
        own_cpu_before_first_s: k((r) => r.own_cpu_before_first_s), x264_cpu_s: k((r) => r.children_cpu_s),
        wall_over_bound: r3(k((r) => r.wall_s) / bound.wall_s),
      };
    };
    const row = { photo: basename(photo), same_frames: same, bound, base: sum('base'), new: sum('new'), runs };
    rows.push(row);
    process.stdout.write(`${JSON.stringify(row)}\n`);
    rmSync(raw, { force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
