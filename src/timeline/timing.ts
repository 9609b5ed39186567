/**
 * Where every shot sits on the timeline, in one place: durations asked for, or fitted to the
 * requested total, or to the music, or a default; transitions overlap the neighbouring shots.
 */
import { beatTimes, builtinGrid, pickTrack, type BeatGrid } from '../engine/index.js';
import { DEFAULTS } from './defaults.js';
import type { Draft } from './types.js';

/** Shortest photo when the beat decides how many beats a cut is (by tempo): about half a second. */
export const BEAT_MIN_SHOT_S = 0.45;

const { singleMs, slideMs, minMs, clipMaxMs, musicPaceMs } = DEFAULTS.shot;

export interface ShotTiming {
  readonly startMs: number;
  readonly durationMs: number;
  /** Overlap with the next shot (its transition's length), 0 for a cut. */
  readonly overlapMs: number;
}

export interface Timing {
  readonly shots: readonly ShotTiming[];
  readonly totalMs: number;
}

/**
 * The beat grid the cuts follow: the first music track's (a built-in track's own grid; an uploaded
 * one's from its analysis, in `grids`), or null when there is no beat sync or no grid.
 */
export const beatGridFor = (d: Draft, grids: Readonly<Record<string, BeatGrid>> = {}): { grid: BeatGrid; startMs: number; loop: boolean } | null => {
  if (!d.beat) return null;
  const a = d.audio[0];
  if (!a) return null;
  const grid = a.mediaId ? grids[a.mediaId] : builtinGrid(pickTrack(a.style));
  if (!grid || grid.beats.length === 0 || !(grid.bpm > 0)) return null;
  return { grid, startMs: a.startMs, loop: a.loop };
};

/** Beats per cut: as asked ('bar' = the metre), else the fewest of 1, 2, 4, 8 that keep a photo on screen long enough (or near the total asked for). */
export const beatsPerCut = (d: Draft, grid: BeatGrid): number => {
  const every = d.beat?.every ?? null;
  if (every === 'bar') return grid.beatsPerBar;
  if (typeof every === 'number' && every >= 1) return Math.round(every);
  const beatS = 60 / grid.bpm;
  if (d.targetDurationMs !== null && d.shots.length) {
    const want = d.targetDurationMs / 1000 / d.shots.length / beatS;
    return [1, 2, 4, 8].reduce((a, b) => (Math.abs(Math.log(b / want)) < Math.abs(Math.log(a / want)) ? b : a), 1);
  }
  return [1, 2, 4, 8].find((k) => k * beatS >= BEAT_MIN_SHOT_S) ?? 8;
};

/** Cut times (ms, from the video's start) on the beat: n + 1 boundaries, the first at 0. */
const beatCuts = (d: Draft, g: { grid: BeatGrid; startMs: number; loop: boolean }): number[] | null => {
  const n = d.shots.length;
  const k = beatsPerCut(d, g.grid);
  const beatS = 60 / g.grid.bpm;
  const until = (g.grid.downbeat + (n + 2) * k) * beatS + g.grid.beats[0]! + 1;
  const beats = beatTimes(g.grid, until + (g.grid.lengthS || 0), g.loop).map((b) => g.startMs + b * 1000);
  const cuts = [0];
  for (let i = 1; i <= n; i++) {
    const b = beats[g.grid.downbeat + i * k];
    if (b === undefined || b <= cuts[i - 1]! + 100) return null;
    cuts.push(b);
  }
  return cuts;
};

/** `mediaMs`: known lengths of media (video clips, music) by media id; `grids`: uploaded music's beats. */
export const timing = (d: Draft, mediaMs: Readonly<Record<string, number>> = {}, grids: Readonly<Record<string, BeatGrid>> = {}): Timing => {
  const n = d.shots.length;
  if (n === 0) return { shots: [], totalMs: 0 };
  const beat = beatGridFor(d, grids);
  const cuts = beat ? beatCuts(d, beat) : null;
  if (cuts) {
    // Every boundary on a beat; a transition's overlap runs into the next shot, which starts on the beat.
    const shots: ShotTiming[] = [];
    for (let i = 0; i < n; i++) {
      const len = cuts[i + 1]! - cuts[i]!;
      const s = d.shots[i]!;
      const ov = i < n - 1 && s.transition && s.transition.type !== 'cut' ? Math.min(s.transition.durationMs, Math.floor(len / 2)) : 0;
      shots.push({ startMs: cuts[i]!, durationMs: len + ov, overlapMs: ov });
    }
    return { shots, totalMs: cuts[n]! };
  }
  const fallback: number = n === 1 ? singleMs : slideMs;
  const natural = d.shots.map((s) => {
    if (s.durationMs !== null) return s.durationMs;
    if (s.kind === 'video' && mediaMs[s.mediaId]) return Math.max(minMs, Math.min(clipMaxMs, mediaMs[s.mediaId]! - s.trimStartMs));
    return null;
  });
  const wantOverlap = d.shots.map((s, i) => (i < n - 1 && s.transition && s.transition.type !== 'cut' ? s.transition.durationMs : 0));
  const autoCount = natural.filter((x) => x === null).length;
  let target = d.targetDurationMs;
  if (target === null && autoCount === n) {
    // Fit the music when there is a file of known length: a comfortable pace per shot.
    const music = d.audio.find((a) => a.mediaId && mediaMs[a.mediaId]);
    if (music) target = Math.max(n * musicPaceMs[0], Math.min(n * musicPaceMs[1], mediaMs[music.mediaId!]! - music.startMs));
  }
  let autoMs: number = fallback;
  if (target !== null && autoCount > 0) {
    const fixed = natural.reduce<number>((a, x) => a + (x ?? 0), 0);
    const overlaps = wantOverlap.reduce((a, b) => a + b, 0);
    autoMs = Math.max(minMs, (target + overlaps - fixed) / autoCount);
  }
  const durs = natural.map((x) => Math.round(x ?? autoMs));
  const overlaps = wantOverlap.map((o, i) => (i < n - 1 ? Math.min(o, Math.floor(durs[i]! / 2), Math.floor(durs[i + 1]! / 2)) : 0));
  const shots: ShotTiming[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    shots.push({ startMs: t, durationMs: durs[i]!, overlapMs: overlaps[i]! });
    t += durs[i]! - overlaps[i]!;
  }
  const last = shots[n - 1]!;
  return { shots, totalMs: last.startMs + last.durationMs };
};
