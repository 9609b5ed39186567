/** What the compositor renders: plain data, every choice already made (frames, not seconds). */
import type { AudioSpec } from '../ffmpeg/index.js';
import type { EasingName, MoveName } from '../plan/moves.js';
import type { Fit, Format, Quality } from '../settings.js';
import type { TransitionKind } from './transitions.js';

export interface CompositionShot {
  readonly kind: 'image' | 'video';
  /** File path of the photo or clip. */
  readonly input: string;
  readonly startFrame: number;
  readonly frames: number;
  readonly fit: Fit;
  readonly move: MoveName;
  readonly intensity: number;
  readonly easing: EasingName;
  /** Varies `auto` moves from shot to shot. */
  readonly variant: number;
  /** Into the next shot: it overlaps the next shot's first `frames` frames. */
  readonly transitionOut: { readonly kind: TransitionKind; readonly frames: number } | null;
  /** Video clips: seconds into the source. */
  readonly trimS: number;
}

export interface CompositionPlan {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  readonly background: readonly [number, number, number];
  readonly shots: readonly CompositionShot[];
  readonly audio: readonly AudioSpec[];
  readonly loudnorm: boolean;
  readonly format: Format;
  readonly quality: Quality;
  readonly preset: string;
  readonly maxInputBytes: number;
  readonly maxPixels: number;
  readonly workers: number;
}

/** Shot starts and the furthest end reached up to each shot, per plan (null: starts out of order). */
const indexes = new WeakMap<CompositionPlan, { readonly starts: Float64Array; readonly reach: Float64Array } | null>();

/**
 * The shots covering frame f (one, or two during a transition: outgoing first). A binary search
 * and a short walk back: a plan of thousands of shots costs no more per frame than one of three.
 */
export const shotsAt = (plan: CompositionPlan, f: number): number[] => {
  let ix = indexes.get(plan);
  if (ix === undefined) {
    const n = plan.shots.length;
    const starts = new Float64Array(n), reach = new Float64Array(n);
    let far = -Infinity;
    plan.shots.forEach((s, i) => { starts[i] = s.startFrame; far = Math.max(far, s.startFrame + s.frames); reach[i] = far; });
    ix = starts.every((v, i) => i === 0 || v >= starts[i - 1]!) ? { starts, reach } : null;
    indexes.set(plan, ix);
  }
  if (!ix) {
    const out: number[] = [];
    plan.shots.forEach((s, i) => { if (f >= s.startFrame && f < s.startFrame + s.frames) out.push(i); });
    return out;
  }
  // Last shot starting at or before f.
  let lo = 0, hi = ix.starts.length - 1, last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ix.starts[mid]! <= f) { last = mid; lo = mid + 1; } else hi = mid - 1;
  }
  const out: number[] = [];
  for (let i = last; i >= 0 && ix.reach[i]! > f; i--) {
    const s = plan.shots[i]!;
    if (f < s.startFrame + s.frames) out.push(i);
  }
  return out.reverse();
};
