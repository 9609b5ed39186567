/**
 * Transitions between two yuv420p frames (BT.709 limited range), pure functions of the two frames
 * and the progress p in [0, 1] (already eased). `a` is the outgoing shot, `b` the incoming one.
 */
export const TRANSITION_KINDS = ['cut', 'crossfade', 'fade_black', 'fade_white', 'slide_left', 'slide_right', 'slide_up', 'slide_down', 'push_left', 'push_right', 'push_up', 'push_down', 'wipe', 'zoom', 'blur'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

interface Planes { y: [number, number]; u: [number, number]; v: [number, number] }
const planes = (W: number, H: number): Planes => {
  const ys = W * H, cs = (W >> 1) * (H >> 1);
  return { y: [0, ys], u: [ys, ys + cs], v: [ys + cs, ys + 2 * cs] };
};

/** out = a·(1−p) + b·p over the whole frame. */
const mix = (a: Uint8Array, b: Uint8Array, p: number, out: Uint8Array): void => {
  const k = Math.round(p * 256);
  const j = 256 - k;
  for (let i = 0; i < out.length; i++) out[i] = (a[i]! * j + b[i]! * k + 128) >> 8;
};

/** Fade one frame toward a flat colour (Y value, neutral chroma). */
const toward = (src: Uint8Array, yValue: number, p: number, W: number, H: number, out: Uint8Array): void => {
  const pl = planes(W, H);
  const k = Math.round(p * 256), j = 256 - k;
  for (let i = pl.y[0]; i < pl.y[1]; i++) out[i] = (src[i]! * j + yValue * k + 128) >> 8;
  for (let i = pl.u[0]; i < pl.v[1]; i++) out[i] = (src[i]! * j + 128 * k + 128) >> 8;
};

/**
 * Place `src` shifted by (dx, dy) whole luma pixels (even, so chroma moves by exactly half) into
 * `out`, leaving what it does not cover untouched.
 */
const place = (src: Uint8Array, dx: number, dy: number, W: number, H: number, out: Uint8Array): void => {
  dx = Math.round(dx / 2) * 2;
  dy = Math.round(dy / 2) * 2;
  const pl = planes(W, H);
  const blit = (base: number, w: number, h: number, ox: number, oy: number) => {
    const x0 = Math.max(0, ox), x1 = Math.min(w, w + ox);
    if (x1 <= x0) return;
    for (let y = Math.max(0, oy); y < Math.min(h, h + oy); y++) {
      const from = base + (y - oy) * w + (x0 - ox);
      out.set(src.subarray(from, from + (x1 - x0)), base + y * w + x0);
    }
  };
  blit(pl.y[0], W, H, dx, dy);
  blit(pl.u[0], W >> 1, H >> 1, dx / 2, dy / 2);
  blit(pl.v[0], W >> 1, H >> 1, dx / 2, dy / 2);
};

const DIRS: Record<string, [number, number]> = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] };

/** A cross-fade with `mix`'s exact arithmetic (the render threads pass the SIMD one). */
export type Mixer = (a: Uint8Array, b: Uint8Array, p: number, out: Uint8Array) => void;

/** Compose the transition frame into `out` (which may be `a`, but not `b`). */
export const composeTransition = (kind: TransitionKind, a: Uint8Array, b: Uint8Array, p: number, W: number, H: number, out: Uint8Array, mixer: Mixer = mix): void => {
  if (p <= 0) { if (out !== a) out.set(a); return; }
  if (p >= 1) { out.set(b); return; }
  switch (kind) {
    case 'cut':
      out.set(p < 0.5 ? a : b);
      return;
    case 'fade_black':
    case 'fade_white': {
      const yv = kind === 'fade_black' ? 16 : 235;
      if (p < 0.5) toward(a, yv, p * 2, W, H, out);
      else toward(b, yv, (1 - p) * 2, W, H, out);
      return;
    }
    case 'slide_left': case 'slide_right': case 'slide_up': case 'slide_down': {
      // The new shot slides in over the old one, entering from the side opposite its direction.
      const [ux, uy] = DIRS[kind.slice(6)]!;
      if (out !== a) out.set(a);
      place(b, -ux * (1 - p) * W, -uy * (1 - p) * H, W, H, out);
      return;
    }
    case 'push_left': case 'push_right': case 'push_up': case 'push_down': {
      const [ux, uy] = DIRS[kind.slice(5)]!;
      const a2 = out === a ? Uint8Array.from(a) : a;
      place(a2, ux * p * W, uy * p * H, W, H, out);
      place(b, -ux * (1 - p) * W, -uy * (1 - p) * H, W, H, out);
      return;
    }
    case 'wipe': {
      // Left-to-right reveal with a soft edge 4% of the width.
      const pl = planes(W, H);
      const soft = Math.max(2, W * 0.04);
      const edge = p * (W + soft) - soft;
      const rowMix = (base: number, w: number, h: number, scale: number) => {
        for (let x = 0; x < w; x++) {
          const t = Math.min(1, Math.max(0, (edge - x * scale) / soft));
          const k = Math.round(t * 256), j = 256 - k;
          for (let y = 0; y < h; y++) { const i = base + y * w + x; out[i] = (a[i]! * j + b[i]! * k + 128) >> 8; }
        }
      };
      rowMix(pl.y[0], W, H, 1);
      rowMix(pl.u[0], W >> 1, H >> 1, 2);
      rowMix(pl.v[0], W >> 1, H >> 1, 2);
      return;
    }
    default:
      // crossfade, and zoom/blur (the outgoing shot's extra zoom is applied by the renderer)
      mixer(a, b, p, out);
  }
};

/** Eased progress of a transition: starts and ends gently. */
export const transitionProgress = (i: number, n: number): number => {
  const t = (i + 0.5) / n;
  return t * t * (3 - 2 * t);
};
