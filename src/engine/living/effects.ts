/**
 * Living photos (issue 14): the vocabulary of motion inside the scene and its planned form.
 * Flow effects displace the photo's own pixels inside a region (drift, flow, ripple, sway, rise);
 * overlays draw over the frame (particles, light, fog). Everything is periodic over the shot's
 * loop length, so the last frame flows into the first.
 */
import type { StoredMatte } from '../depth/map.js';

export const FLOW_EFFECTS = ['drift', 'flow', 'ripple', 'sway', 'rise'] as const;
export const PARTICLE_EFFECTS = ['dust', 'snow', 'rain', 'sparkles', 'bokeh', 'petals', 'embers'] as const;
export const LIGHT_EFFECTS = ['shine', 'light-leak', 'warm-shift', 'flicker', 'fog'] as const;
export const EFFECT_TYPES = [...FLOW_EFFECTS, ...PARTICLE_EFFECTS, ...LIGHT_EFFECTS] as const;
export type FlowEffect = (typeof FLOW_EFFECTS)[number];
export type EffectType = (typeof EFFECT_TYPES)[number];

/**
 * Named regions: found in the photo (sky, water, foliage: trees, leaves, grass), from the subject (subject, background, and the
 * column above it where steam and smoke rise: `above-subject`) or by position.
 */
export const REGION_NAMES = [
  'sky', 'water', 'foliage', 'subject', 'background', 'above-subject', 'all',
  'top-half', 'bottom-half', 'left-half', 'right-half',
  'top-third', 'middle-third', 'bottom-third', 'left-third', 'right-third',
] as const;
export type RegionName = (typeof REGION_NAMES)[number];
/** The subject analysis must be this sure of for a region drawn from it (below: the picture's middle, or nothing above it). */
export const SUBJECT_CONFIDENCE = 0.05;

/** Regions the photo has to show (found by analysis); the others are always where they say. */
export const FOUND_REGIONS: readonly RegionName[] = ['sky', 'water', 'foliage'];

export const EFFECT_DIRECTIONS = ['left', 'right', 'up', 'down', 'up-left', 'up-right', 'down-left', 'down-right'] as const;
export type EffectDirection = (typeof EFFECT_DIRECTIONS)[number];

export const isFlowEffect = (t: string): t is FlowEffect => (FLOW_EFFECTS as readonly string[]).includes(t);

/** A polygon in fractions of the photo, [x, y] corners (a painted or drawn region). */
export type Polygon = ReadonlyArray<readonly [number, number]>;

/** Where an effect acts, as planned: a named region, or a polygon (fractions of the picture). */
export type RegionPlan =
  | {
    readonly kind: 'named'; readonly name: RegionName; /** subject/background/above-subject: the subject's box in picture fractions. */ readonly subject?: { x: number; y: number; w: number; h: number };
    /** sky, water: the photo's own sky matte (an iPhone's), used instead of finding the sky by colour (water lies below it). */ readonly mask?: StoredMatte;
    /** water, foliage: what the photo's analysis found (its mask at the detector's size), used instead of searching again. */ readonly found?: StoredMatte;
  }
  | { readonly kind: 'polygon'; readonly points: Polygon };

/**
 * One effect as the renderer executes it. `dir` is a unit vector (x right, y down); `speed` is in
 * fractions of the picture width per frame (flow effects and particles), `strength` 0–1 (amplitude,
 * opacity, density). `period` frames: the effect repeats exactly every `period` frames (a divisor of
 * the shot's frames when it loops).
 */
export interface EffectPlan {
  readonly type: EffectType;
  readonly region: RegionPlan;
  readonly dir: readonly [number, number];
  readonly speed: number;
  readonly strength: number;
  readonly seed: number;
  readonly period: number;
}

export const DIRECTION_VECTORS: Readonly<Record<EffectDirection, readonly [number, number]>> = {
  left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1],
  'up-left': [-Math.SQRT1_2, -Math.SQRT1_2], 'up-right': [Math.SQRT1_2, -Math.SQRT1_2],
  'down-left': [-Math.SQRT1_2, Math.SQRT1_2], 'down-right': [Math.SQRT1_2, Math.SQRT1_2],
};

/** The direction each effect takes when none is said. */
export const DEFAULT_DIRECTION: Readonly<Record<EffectType, EffectDirection>> = {
  drift: 'left', flow: 'down', ripple: 'right', sway: 'right', rise: 'up',
  dust: 'up-right', snow: 'down', rain: 'down', sparkles: 'up', bokeh: 'up', petals: 'down-right', embers: 'up',
  shine: 'right', 'light-leak': 'right', 'warm-shift': 'right', flicker: 'right', fog: 'left',
};

/** The region each effect takes when none is said. */
export const DEFAULT_REGION: Readonly<Record<EffectType, RegionName>> = {
  drift: 'sky', flow: 'water', ripple: 'water', sway: 'background', rise: 'above-subject',
  dust: 'all', snow: 'all', rain: 'all', sparkles: 'all', bokeh: 'all', petals: 'all', embers: 'all',
  shine: 'subject', 'light-leak': 'all', 'warm-shift': 'all', flicker: 'all', fog: 'all',
};

/**
 * Speed 0–1 (the draft's scale: slow 0.3, normal 0.5, fast 0.8) → picture widths per second.
 * Drift at normal speed crosses about 2% of the picture a second (clouds); flow and particles are faster.
 */
export const speedFraction = (type: EffectType, speed: number): number => {
  const s = Math.max(0, Math.min(1, speed));
  const base = type === 'flow' ? 0.06 : type === 'rise' ? 0.035 : type === 'rain' ? 0.9 : type === 'snow' ? 0.08 : type === 'petals' ? 0.07 : type === 'embers' ? 0.06 : 0.025;
  return base * (0.25 + 1.5 * s);
};

/**
 * The period of a shot's effects: the whole shot when it loops (so the last frame flows into the
 * first), else about `cycleS` seconds dividing the shot evenly (a shorter cycle keeps the two
 * blended phases of a flow close together: less ghosting).
 */
export const effectPeriod = (frames: number, fps: number, cycleS = 2.5): number => {
  const k = Math.max(1, Math.round(frames / (cycleS * fps)));
  return frames / k;
};
