/**
 * A built-in track's file: synthesised on first use, brought to -14 LUFS integrated with its true
 * peak under -1 dBTP (measured by ffmpeg's EBU R128 meter, gained, peak-limited, measured again),
 * written as 16-bit 48 kHz WAV and kept in a cache folder, so it is made once per machine.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StillmotionError } from '../../errors.js';
import { resolveBinaries } from '../ffmpeg/binaries.js';
import { runTool } from '../ffmpeg/run-tool.js';
import { SR } from './dsp.js';
import { builtinTrack, type BuiltinTrack } from './library.js';
import { synthesize } from './synth.js';

/** Bumped when a composition or the mastering changes, so cached files are made again. */
export const SYNTH_VERSION = 1;
export const TARGET_LUFS = -14;
export const MAX_TRUE_PEAK_DB = -1;

export const musicCacheDir = (env: NodeJS.ProcessEnv = process.env): string =>
  env.STILLMOTION_MUSIC_DIR?.trim() || join(homedir(), '.cache', 'stillmotion', 'music');

export interface Loudness {
  /** Integrated loudness, LUFS. */
  readonly integrated: number;
  /** True peak, dBTP. */
  readonly truePeak: number;
  readonly range: number;
}

/** EBU R128 of a file as ffmpeg measures it (`ebur128=peak=true`). */
export const measureLoudness = async (path: string, o: { ffmpegPath?: string } = {}): Promise<Loudness> => {
  const lines: string[] = [];
  await runTool(o.ffmpegPath ?? resolveBinaries().ffmpeg, ['-hide_banner', '-nostdin', '-i', path, '-af', 'ebur128=peak=true', '-f', 'null', '-'], { log: (l) => lines.push(l) });
  const text = lines.join('\n');
  const summary = text.slice(text.lastIndexOf('Summary:'));
  const grab = (re: RegExp): number => {
    const m = re.exec(summary);
    if (!m) throw new StillmotionError('INTERNAL', `ebur128 gave no ${re.source} for ${path}`);
    return Number(m[1]);
  };
  return { integrated: grab(/I:\s*(-?[\d.]+|-inf)\s*LUFS/), truePeak: grab(/Peak:\s*(-?[\d.]+|-inf)\s*dBFS/), range: grab(/LRA:\s*(-?[\d.]+)\s*LU/) };
};

/** 16-bit PCM WAV bytes of a stereo pair (clamped; the limiter has already kept it under full scale). */
export const wavBytes = (L: Float32Array, R: Float32Array, gain = 1, rate = SR): Buffer => {
  const n = L.length;
  const b = Buffer.alloc(44 + n * 4);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 4, 4); b.write('WAVE', 8);
  b.write('fmt ', 12); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(2, 22); b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 4, 28); b.writeUInt16LE(4, 32); b.writeUInt16LE(16, 34);
  b.write('data', 36); b.writeUInt32LE(n * 4, 40);
  const q = (x: number) => Math.max(-32768, Math.min(32767, Math.round(x * gain * 32767)));
  for (let i = 0; i < n; i++) { b.writeInt16LE(q(L[i]!), 44 + i * 4); b.writeInt16LE(q(R[i]!), 46 + i * 4); }
  return b;
};

/**
 * A look-ahead peak limiter over a loop (circular): the gain each sample needs to stay under
 * `ceiling`, a running minimum over ±w samples, a ±w box average (so the gain is already down when
 * the peak arrives and never above what it needs), then a slow release. Returns new channels.
 */
export const limitLoop = (L: Float32Array, R: Float32Array, gain: number, ceiling: number): { L: Float32Array; R: Float32Array } => {
  const n = L.length, w = Math.round(0.0015 * SR);
  const need = new Float32Array(n);
  for (let i = 0; i < n; i++) { const p = Math.max(Math.abs(L[i]!), Math.abs(R[i]!)) * gain; need[i] = p > ceiling ? ceiling / p : 1; }
  const at = (a: Float32Array, i: number) => a[((i % n) + n) % n]!;
  // Running minimum over [i-w, i+w] with a monotonic deque, circularly.
  const mn = new Float32Array(n);
  const dq: number[] = [];
  let head = 0;
  for (let j = -2 * w; j < n + w; j++) {
    while (dq.length > head && at(need, dq[dq.length - 1]!) >= at(need, j)) dq.pop();
    dq.push(j);
    const i = j - w;
    while (dq[head]! < i - w) head++;
    if (i >= 0 && i < n) mn[i] = at(need, dq[head]!);
    if (head > 4096) { dq.splice(0, head); head = 0; }
  }
  // Box average over [i-w, i+w].
  const avg = new Float32Array(n);
  let sum = 0;
  for (let j = -w; j <= w; j++) sum += at(mn, j);
  for (let i = 0; i < n; i++) { avg[i] = sum / (2 * w + 1); sum += at(mn, i + w + 1) - at(mn, i - w); }
  // Release towards 1 (about 80 ms), twice round so the loop's start sees its end.
  const rel = 1 - Math.exp(-1 / (0.08 * SR));
  const g = new Float32Array(n);
  let cur = 1;
  for (let k = 0; k < 2 * n; k++) {
    const i = k % n;
    cur = Math.min(avg[i]!, cur + rel * (1 - cur));
    g[i] = cur;
  }
  const oL = new Float32Array(n), oR = new Float32Array(n);
  for (let i = 0; i < n; i++) { oL[i] = L[i]! * gain * g[i]!; oR[i] = R[i]! * gain * g[i]!; }
  return { L: oL, R: oR };
};

const making = new Map<string, Promise<string>>();

export const builtinTrackFile = (x: BuiltinTrack, dir: string): string => join(dir, `${x.slug}-v${SYNTH_VERSION}.wav`);

/** The file of a built-in track (media id `builtin:<slug>`), made and mastered the first time it is asked for. */
export const ensureBuiltinTrack = (id: string, o: { dir?: string; ffmpegPath?: string } = {}): Promise<string> => {
  const x = builtinTrack(id.replace(/^builtin:/, ''));
  if (!x) {
    return Promise.reject(new StillmotionError('MEDIA_NOT_FOUND', `there is no built-in track "${id}"`, { hint: 'name a style such as lo-fi, upbeat, cinematic, calm, piano, corporate, acoustic, electronic, hip-hop or 古风', details: { media_id: id } }));
  }
  const dir = o.dir ?? musicCacheDir();
  const file = builtinTrackFile(x, dir);
  let p = making.get(file);
  if (!p) {
    p = (async () => {
      if (await stat(file).then((s) => s.size > 44, () => false)) return file;
      await mkdir(dir, { recursive: true });
      const { L, R } = synthesize(x);
      let peak = 0;
      for (let i = 0; i < L.length; i++) peak = Math.max(peak, Math.abs(L[i]!), Math.abs(R[i]!));
      const base = 0.5 / Math.max(peak, 1e-9);
      const tmp = `${file}.${process.pid}.${Date.now()}.part`;
      try {
        // Measure the raw mix, then gain + limit, and check; correct and try again if a figure is off.
        await writeFile(tmp, wavBytes(L, R, base));
        const raw = await measureLoudness(tmp, o);
        let gain = base * Math.pow(10, (TARGET_LUFS - raw.integrated) / 20);
        let ceiling = Math.pow(10, -1.6 / 20);
        for (let round = 0; round < 5; round++) {
          const lim = limitLoop(L, R, gain, ceiling);
          await writeFile(tmp, wavBytes(lim.L, lim.R));
          const m = await measureLoudness(tmp, o);
          const okI = Math.abs(m.integrated - TARGET_LUFS) <= 0.5;
          const okP = m.truePeak < MAX_TRUE_PEAK_DB - 0.05;
          if (okI && okP) break;
          if (!okP) ceiling *= Math.pow(10, -(m.truePeak - MAX_TRUE_PEAK_DB + 0.3) / 20);
          if (!okI) gain *= Math.pow(10, (TARGET_LUFS - m.integrated) / 20);
        }
        await rename(tmp, file);
      } finally {
        await rm(tmp, { force: true });
      }
      return file;
    })();
    making.set(file, p);
    p.catch(() => making.delete(file));
  }
  return p;
};
