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

/** The shots covering frame f (one, or two during a transition: outgoing first). */
export const shotsAt = (plan: CompositionPlan, f: number): number[] => {
  const out: number[] = [];
  plan.shots.forEach((s, i) => { if (f >= s.startFrame && f < s.startFrame + s.frames) out.push(i); });
  return out;
};
