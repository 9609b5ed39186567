/** The camera moves a user can name, and the easing curves. Pure data and math. */

export const MOVES = [
  'auto', 'zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down',
  'pan-up-left', 'pan-up-right', 'pan-down-left', 'pan-down-right', 'ken-burns', 'static',
  'dolly-in', 'dolly-out', 'dolly-zoom', 'orbit-left', 'orbit-right',
  'parallax-left', 'parallax-right', 'parallax-up', 'parallax-down', '3d-zoom',
] as const;
export type MoveName = (typeof MOVES)[number];
export type ResolvedMoveName = Exclude<MoveName, 'auto'>;

/** The moves that need depth: near things move more than far things (2.5D, layered). */
export const DEPTH_MOVES = [
  'dolly-in', 'dolly-out', 'dolly-zoom', 'orbit-left', 'orbit-right', 'parallax-left', 'parallax-right', 'parallax-up', 'parallax-down', '3d-zoom',
] as const satisfies readonly MoveName[];
export type DepthMoveName = (typeof DEPTH_MOVES)[number];
export type FlatMoveName = Exclude<ResolvedMoveName, DepthMoveName>;
export const isDepthMove = (m: string): m is DepthMoveName => (DEPTH_MOVES as readonly string[]).includes(m);

/** The flat move nearest to each depth move (made when there is no depth to trust). */
export const FLAT_FOR: Readonly<Record<DepthMoveName, FlatMoveName>> = {
  'dolly-in': 'zoom-in', 'dolly-out': 'zoom-out', 'dolly-zoom': 'zoom-in', 'orbit-left': 'pan-left', 'orbit-right': 'pan-right',
  'parallax-left': 'pan-left', 'parallax-right': 'pan-right', 'parallax-up': 'pan-up', 'parallax-down': 'pan-down', '3d-zoom': 'ken-burns',
};

export const EASINGS = ['linear', 'smooth', 'ease-in', 'ease-out'] as const;
export type EasingName = (typeof EASINGS)[number];

/**
 * Easing curves on [0,1]. `smooth` starts and ends at rest (zero velocity) with a
 * continuous acceleration (quintic smootherstep), so there is no jolt at either end.
 * `ease-in` starts at rest, `ease-out` ends at rest; `linear` is constant speed.
 */
export const ease = (name: EasingName, t: number): number => {
  const x = t <= 0 ? 0 : t >= 1 ? 1 : t;
  switch (name) {
    case 'linear':
      return x;
    case 'smooth':
      return x * x * x * (x * (x * 6 - 15) + 10);
    case 'ease-in':
      return x * x * x;
    case 'ease-out': {
      const y = 1 - x;
      return 1 - y * y * y;
    }
  }
};

export const INTENSITY_WORDS = { subtle: 0.3, normal: 0.5, strong: 0.8 } as const;
export type IntensityWord = keyof typeof INTENSITY_WORDS;

/** Unit direction of travel of the *view* for each pan (x right, y down), in still fractions. */
export const PAN_DIRECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  'pan-left': [-1, 0],
  'pan-right': [1, 0],
  'pan-up': [0, -1],
  'pan-down': [0, 1],
  'pan-up-left': [-Math.SQRT1_2, -Math.SQRT1_2],
  'pan-up-right': [Math.SQRT1_2, -Math.SQRT1_2],
  'pan-down-left': [-Math.SQRT1_2, Math.SQRT1_2],
  'pan-down-right': [Math.SQRT1_2, Math.SQRT1_2],
};
