/**
 * Where every shot sits on the timeline, in one place: durations asked for, or fitted to the
 * requested total, or to the music, or a default; transitions overlap the neighbouring shots.
 */
import { DEFAULTS } from './defaults.js';
import type { Draft } from './types.js';

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

/** `mediaMs`: known lengths of media (video clips, music) by media id. */
export const timing = (d: Draft, mediaMs: Readonly<Record<string, number>> = {}): Timing => {
  const n = d.shots.length;
  if (n === 0) return { shots: [], totalMs: 0 };
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
