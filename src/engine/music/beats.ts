/**
 * Beats and downbeats of any sound file, found once (at upload) and kept with the media:
 * the file decoded to mono 11025 Hz by ffmpeg; an onset curve from the rises of log energy in three
 * bands (5.8 ms frames); the tempo from the curve's autocorrelation between 60 and 180 BPM,
 * weighted towards moderate tempi; the grid's phase where the curve is strongest along it; each
 * beat then moved to the onset peak nearest it (a tenth of a beat either way), so a played beat is
 * placed where it sounds; the downbeat is the beat of four whose low band hits hardest (the kick).
 */
import { StillmotionError } from '../../errors.js';
import { resolveBinaries } from '../ffmpeg/binaries.js';
import { runTool } from '../ffmpeg/run-tool.js';
import type { BeatGrid } from './library.js';

const RATE = 11025;
const HOP = 64;
const FRAME_S = HOP / RATE;

/** The onset curve (one value per HOP samples) and its low band alone. */
export const onsetCurve = (x: Float32Array): { all: Float32Array; low: Float32Array } => {
  const n = Math.floor(x.length / HOP);
  const eL = new Float32Array(n), eM = new Float32Array(n), eH = new Float32Array(n);
  // One-pole splits: low < ~200 Hz, high > ~2 kHz, the rest mid.
  const aL = 1 - Math.exp((-2 * Math.PI * 200) / RATE), aH = 1 - Math.exp((-2 * Math.PI * 2000) / RATE);
  let lp = 0, lp2 = 0;
  for (let f = 0; f < n; f++) {
    let sl = 0, sm = 0, sh = 0;
    for (let j = 0; j < HOP; j++) {
      const v = x[f * HOP + j]!;
      lp += aL * (v - lp);
      lp2 += aH * (v - lp2);
      const hi = v - lp2, mid = lp2 - lp;
      sl += lp * lp; sm += mid * mid; sh += hi * hi;
    }
    eL[f] = Math.log(1e-8 + sl); eM[f] = Math.log(1e-8 + sm); eH[f] = Math.log(1e-8 + sh);
  }
  const all = new Float32Array(n), low = new Float32Array(n);
  for (let f = 2; f < n; f++) {
    // Rise over two frames (a click's energy lands within 12 ms), half-wave rectified.
    const d = (e: Float32Array) => Math.max(0, e[f]! - Math.max(e[f - 1]!, e[f - 2]!) * 0.5 - Math.min(e[f - 1]!, e[f - 2]!) * 0.5);
    low[f] = d(eL);
    all[f] = d(eL) + d(eM) + d(eH);
  }
  return { all, low };
};

/** Beats of a decoded mono signal at 11025 Hz. Empty grid (bpm 0) when there is no pulse to find. */
export const beatsOfSignal = (x: Float32Array): BeatGrid => {
  const lengthS = x.length / RATE;
  const { all, low } = onsetCurve(x);
  const n = all.length;
  const none: BeatGrid = { bpm: 0, beatsPerBar: 4, beats: [], downbeat: 0, lengthS };
  if (n < 200) return none;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += all[i]! / n;
  const c = Float32Array.from(all, (v) => v - mean);
  // Tempo: autocorrelation at lags of 60–180 BPM, weighted by a log-normal prior around 110 BPM.
  const lagOf = (bpm: number) => 60 / bpm / FRAME_S;
  let bestLag = 0, bestScore = -Infinity;
  for (let lag = Math.floor(lagOf(180)); lag <= Math.ceil(lagOf(60)); lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += c[i]! * c[i - lag]!;
    s /= n - lag;
    const bpm = 60 / (lag * FRAME_S);
    const w = Math.exp(-0.5 * Math.pow(Math.log2(bpm / 110) / 0.9, 2));
    if (s * w > bestScore) { bestScore = s * w; bestLag = lag; }
  }
  if (bestScore <= 0 || bestLag === 0) return none;
  // Refine the period to a fraction of a frame: the lag whose comb over the whole file is strongest.
  const comb = (period: number, phase: number): number => {
    let s = 0, k = 0;
    for (let t = phase; t < n - 1; t += period, k++) {
      const i = Math.floor(t), f = t - i;
      s += all[i]! * (1 - f) + all[i + 1]! * f;
    }
    return k ? s / k : 0;
  };
  let period = bestLag, phase = 0, best = -Infinity;
  for (let p = bestLag - 1; p <= bestLag + 1; p += 0.05) {
    for (let ph = 0; ph < p; ph += 0.5) {
      const s = comb(p, ph);
      if (s > best) { best = s; period = p; phase = ph; }
    }
  }
  // The grid, each beat moved to the onset peak within a tenth of a beat, to sub-frame precision.
  const beats: number[] = [];
  const win = Math.max(1, Math.round(period * 0.1));
  for (let t = phase; t < n; t += period) {
    const c0 = Math.round(t);
    let bi = -1, bv = 0;
    for (let i = Math.max(1, c0 - win); i <= Math.min(n - 2, c0 + win); i++) if (all[i]! > bv) { bv = all[i]!; bi = i; }
    let at = t;
    if (bi > 0 && bv > 0.25 * best) {
      const a = all[bi - 1]!, b = all[bi]!, d = all[bi + 1]!;
      const den = a - 2 * b + d;
      at = bi + (den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - d)) / den)) : 0);
    }
    // The rise is measured over the frame that ends at the onset: its time is the frame's start.
    beats.push(Math.max(0, at * FRAME_S));
  }
  // Downbeat: the phase of four whose low band is strongest.
  let down = 0, downScore = -Infinity;
  for (let p = 0; p < 4; p++) {
    let s = 0;
    for (let k = p; k < beats.length; k += 4) s += low[Math.min(n - 1, Math.round(beats[k]! / FRAME_S))]!;
    if (s > downScore) { downScore = s; down = p; }
  }
  return { bpm: Math.round((60 / (period * FRAME_S)) * 100) / 100, beatsPerBar: 4, beats: beats.map((b) => Math.round(b * 1e4) / 1e4), downbeat: down, lengthS };
};

/** Beats and downbeats of a sound file (any format ffmpeg reads; a clip's sound track too). */
export const detectBeats = async (path: string, o: { ffmpegPath?: string; signal?: AbortSignal; maxSeconds?: number } = {}): Promise<BeatGrid> => {
  const r = await runTool(o.ffmpegPath ?? resolveBinaries().ffmpeg, [
    '-hide_banner', '-nostdin', '-v', 'error', '-t', String(o.maxSeconds ?? 600), '-i', path, '-vn', '-ac', '1', '-ar', String(RATE), '-f', 'f32le', 'pipe:1',
  ], { signal: o.signal, maxStdoutBytes: 4 * RATE * (o.maxSeconds ?? 600) + 1024 });
  const buf = r.stdout;
  if (buf.length < 4) throw new StillmotionError('UNSUPPORTED_TYPE', `no sound could be decoded from ${path}`, { details: { path } });
  const x = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + (buf.length - (buf.length % 4))));
  return beatsOfSignal(x);
};
