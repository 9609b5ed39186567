/**
 * Where a clip's CPU goes: one photo, the default 5 s 1080p30 clip, in phases, each measured in
 * CPU seconds (ours: every thread of this process; children: ffmpeg) so the split holds on a
 * loaded machine. Phases, in one process (run it once per photo, e.g. in a child process):
 *
 *   start     node itself and the modules (before the first line runs, then the engine's import)
 *   open      the photo opened and analysed (decode for analysis: for a HEIC the HEVC decode is
 *             ffmpeg's, in children)
 *   render    renderLocal: decode at working resolution, planes, sampling, pipe, x264 (children)
 *   then, on the same plan, separately:
 *   sample    the 150 frames rendered by the render threads with no encoder (sampling + handing over)
 *   pipe      the same frames written into `ffmpeg -f rawvideo -i pipe: -f null` (copies, both sides)
 *   x264      the clip's own frames encoded from a file in RAM (the encode bound), children only
 *
 * idle = 2 cores x wall(render) - CPU(render): time a core had nothing of ours or x264's to run
 * (only meaningful on a quiet machine).
 *
 *   node dist/bench/profile-clip.js photo
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuTimes, cpuSince, type CpuTimes } from './cpu.js';

const boot = cpuTimes();
const photo = process.argv[2];
if (!photo) throw new Error('usage: profile-clip.js photo');
const work = mkdtempSync(join(tmpdir(), 'stillmotion-prof-'));
const rawDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/stillmotion-prof-') : work;
const phases: Record<string, { own_s: number; children_s: number; wall_s: number }> = {};
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const note = (name: string, c: CpuTimes, wall: number) => { phases[name] = { own_s: r3(c.own_s), children_s: r3(c.children_s), wall_s: r3(wall) }; };
const phase = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
  const c0 = cpuTimes(); const t0 = performance.now();
  const r = await fn();
  note(name, cpuSince(c0), (performance.now() - t0) / 1000);
  return r;
};

try {
  phases.boot = { own_s: r3(boot.own_s), children_s: 0, wall_s: r3(process.uptime()) };
  const m = await phase('import', async () => ({
    make: await import('../src/local/make.js'),
    engine: await import('../src/engine/index.js'),
    ff: await import('../src/engine/ffmpeg/index.js'),
    pool: await import('../src/engine/render/pool.js'),
    settings: await import('../src/engine/settings.js'),
  }));
  const media = new m.make.LocalMedia();
  const info = await phase('open', () => media.add(photo));
  const { plan } = await phase('plan', async () => {
    const options = m.make.checkOptions({});
    const made = m.make.draftFromWords([m.make.requirePhoto(info)], undefined, options);
    return await m.make.planLocal(made.draft, media, { ...m.make.outputFor(options, made.request), variant: 0 });
  });
  const out = join(work, 'ours.mp4');
  let firstFrameAt = 0;
  const t0 = performance.now();
  const c0 = cpuTimes();
  let cFirst: CpuTimes | null = null;
  await m.make.renderLocal(plan, media, {
    output: out,
    onProgress: (p) => { if (p.stage === 'render' && !cFirst) { cFirst = cpuSince(c0); firstFrameAt = (performance.now() - t0) / 1000; } },
  });
  const wall = (performance.now() - t0) / 1000;
  const all = cpuSince(c0);
  note('render', all, wall);
  const pre = cFirst ?? { own_s: 0, children_s: 0 };
  note('render.before_first_frame', pre, firstFrameAt);
  note('render.frames', { own_s: all.own_s - pre.own_s, children_s: all.children_s - pre.children_s }, wall - firstFrameAt);
  const idle = 2 * (wall - firstFrameAt) - (all.own_s - pre.own_s) - (all.children_s - pre.children_s);

  // The clip's own frames, raw, for the sample / pipe / x264 phases.
  const { ffmpeg } = m.ff.resolveBinaries();
  const raw = join(rawDir, 'frames.yuv');
  spawnSync(ffmpeg, ['-v', 'error', '-y', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', raw]);

  // Sampling alone: the plan's frames on two render threads, no encoder.
  const shot = plan.shots[0]!;
  if (shot.kind !== 'image') throw new Error('not a photo shot');
  const { prepareStill } = await import('../src/engine/prepare-still.js');
  const { openStill } = await import('../src/engine/input/load-still.js');
  const { frameView } = await import('../src/engine/render/render-frame.js');
  const { frameBytes } = await import('../src/engine/render/render-frame.js');
  const opened = await openStill(photo, media.limits);
  const picture = await prepareStill(opened, shot.framing, plan.width, plan.height, [0, 0, 0]);
  const pool = new m.pool.RenderPool(2, { width: plan.width, height: plan.height });
  await pool.addStillRgb(1, picture.data, picture.width, picture.height);
  if (shot.motion.kind !== 'camera') throw new Error('not a camera move');
  const motion = shot.motion;
  const sampled: Uint8Array[] = [];
  await phase('sample', async () => {
    const spare: ArrayBuffer[] = [];
    const inflight: Array<Promise<Uint8Array>> = [];
    for (let f = 0; f < plan.frames; f++) {
      inflight.push(pool.render(f, frameView(motion as never, f), spare.pop(), 1));
      if (inflight.length >= 4) { const fr = await inflight.shift()!; if (sampled.length < 8) sampled.push(fr); else spare.push(fr.buffer as ArrayBuffer); }
    }
    for (const p of inflight) await p;
  });
  await pool.close();

  // Copies into the encoder's pipe: the same number of frames into an ffmpeg that only reads them.
  const frame = sampled[0] ?? new Uint8Array(frameBytes(plan.width, plan.height));
  await phase('pipe', async () => {
    const child = spawn(ffmpeg, ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${plan.width}x${plan.height}`, '-i', 'pipe:0', '-f', 'null', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    for (let f = 0; f < plan.frames; f++) {
      if (!child.stdin.write(frame)) await new Promise((r) => child.stdin.once('drain', r));
    }
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
  });

  await phase('x264', async () => {
    const args = m.ff.buildEncodeArgs({ width: plan.width, height: plan.height, fps: plan.fps, frames: plan.frames, format: 'mp4', quality: 'high', preset: m.settings.DEFAULT_PRESET, output: join(work, 'bound.mp4'), input: { kind: 'file', path: raw } });
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    await new Promise((r) => child.on('exit', r));
  });
  const x = phases.x264!;
  const ourTotal = (phases.boot!.own_s + phases.import!.own_s + phases.open!.own_s + phases.plan!.own_s + phases.render!.own_s);
  console.log(JSON.stringify({
    photo, width: plan.width, height: plan.height, frames: plan.frames, move: motion.move, phases,
    idle_during_frames_s: r3(idle),
    /** Our whole CPU over x264's own CPU on the same frames. */
    ours_cpu_over_x264: r3(ourTotal / x.children_s),
    /** Everything (ours + children) over the bound's CPU. */
    total_cpu_over_x264: r3((ourTotal + phases.open!.children_s + phases.render!.children_s) / x.children_s),
  }, null, 1));
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(rawDir, { recursive: true, force: true });
}
