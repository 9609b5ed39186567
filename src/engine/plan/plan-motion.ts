/**
 * The motion planner: from a still's shape and subject, the canvas and the requested move,
 * a plain, frozen `MotionPlan` in units of the still (fractions of its width and height and a
 * zoom factor relative to the largest canvas-shaped crop). No pixels of any output size here;
 * `cameraAt` turns the plan into the view of one frame, in floats.
 */
import { ease, FLAT_FOR, isDepthMove, PAN_DIRECTIONS, type EasingName, type MoveName, type ResolvedMoveName } from './moves.js';

export interface Box { readonly x: number; readonly y: number; readonly w: number; readonly h: number }
export interface View { readonly cx: number; readonly cy: number; readonly zoom: number }

export interface MotionInput {
  /** Shape of the picture the camera moves over (the still, or the contain composite), any unit. */
  readonly stillWidth: number;
  readonly stillHeight: number;
  /** Pixels of the original photo across the zoom-1 crop, to cap zoom at the photo's own resolution. */
  readonly sourcePixelsAcross: number;
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  /** Subject box in still fractions, or null when none stands out. */
  readonly subject: Box | null;
  readonly move: MoveName;
  readonly intensity: number;
  readonly easing: EasingName;
  readonly frames: number;
  readonly fps: number;
  /** Varies `auto` between photos of a batch or shots of a slideshow. */
  readonly variant: number;
  /** A seamless loop: the camera goes to the end view and back, so the last frame flows into the first. */
  readonly loop?: boolean;
}

export interface MotionPlan {
  readonly move: ResolvedMoveName;
  readonly reason: string;
  readonly easing: EasingName;
  readonly frames: number;
  readonly start: View;
  readonly end: View;
  /** Half extents of the zoom-1 crop in still fractions (the view at zoom z is these / z). */
  readonly baseHalfW: number;
  readonly baseHalfH: number;
  readonly subject: Box;
  readonly maxZoom: number;
  /** There and back on a closed path (start → end → start over the shot, cosine-eased). */
  readonly loop?: boolean;
}

/** Most a view may magnify the original photo's pixels: a little, never a lot. */
export const MAX_UPSCALE = 1.15;
const WIDE = 1.35;

export const baseHalfExtents = (stillW: number, stillH: number, canvasW: number, canvasH: number): [number, number] => {
  const a = canvasW / canvasH;
  const s = stillW / stillH;
  return s > a ? [(a / s) / 2, 0.5] : [0.5, (s / a) / 2];
};

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** Nearest centre to (cx, cy) whose view at `zoom` stays inside the still (and keeps `keep` in view if possible). */
export const fitCentre = (cx: number, cy: number, zoom: number, hw0: number, hh0: number, keep?: Box): [number, number] => {
  const hx = hw0 / zoom;
  const hy = hh0 / zoom;
  let x = cx;
  let y = cy;
  if (keep) {
    x = clamp(x, keep.x + keep.w - hx, keep.x + hx);
    y = clamp(y, keep.y + keep.h - hy, keep.y + hy);
  }
  return [clamp(x, hx, 1 - hx), clamp(y, hy, 1 - hy)];
};

const CENTRE: Box = { x: 0.35, y: 0.35, w: 0.3, h: 0.3 };

const hashVariant = (n: number, k: number) => ((n % k) + k) % k;

const chooseAuto = (inp: MotionInput, subject: Box, rho: number): { move: ResolvedMoveName; reason: string } => {
  const sx = subject.x + subject.w / 2;
  const sy = subject.y + subject.h / 2;
  if (rho > WIDE) {
    return sx >= 0.5
      ? { move: 'pan-right', reason: 'the photo is much wider than the canvas: pan along it, ending on the subject' }
      : { move: 'pan-left', reason: 'the photo is much wider than the canvas: pan along it, ending on the subject' };
  }
  if (rho < 1 / WIDE) {
    return sy <= 0.5
      ? { move: 'pan-up', reason: 'the photo is much taller than the canvas: tilt along it, ending on the subject' }
      : { move: 'pan-down', reason: 'the photo is much taller than the canvas: tilt along it, ending on the subject' };
  }
  const options: ResolvedMoveName[] = subject.w * subject.h > 0.45 ? ['zoom-out', 'ken-burns', 'zoom-in'] : ['zoom-in', 'ken-burns', 'zoom-out'];
  const move = options[hashVariant(inp.variant, 3)]!;
  const why = { 'zoom-in': 'push in toward the subject', 'ken-burns': 'slow zoom with a drift toward the subject', 'zoom-out': 'pull back from the subject to reveal the scene' } as Record<string, string>;
  return { move, reason: `the photo fits the canvas: ${why[move]}` };
};

export const planMotion = (inp: MotionInput): MotionPlan => {
  const [hw0, hh0] = baseHalfExtents(inp.stillWidth, inp.stillHeight, inp.canvasWidth, inp.canvasHeight);
  const subject = inp.subject ?? CENTRE;
  const rho = (inp.stillWidth / inp.stillHeight) / (inp.canvasWidth / inp.canvasHeight);
  // A depth move here (no depth to use) is made as its nearest flat move.
  const asked: MoveName = isDepthMove(inp.move) ? FLAT_FOR[inp.move] : inp.move;
  const { move, reason } = asked === 'auto' ? chooseAuto(inp, subject, rho) : { move: asked as ResolvedMoveName, reason: 'asked for' };

  // How far we may zoom: the intensity asks, the photo's resolution and the subject's size limit.
  const resCap = Math.max(1, (inp.sourcePixelsAcross * MAX_UPSCALE) / inp.canvasWidth);
  const subjectCap = Math.max(1, Math.min((2 * hw0 * 0.92) / Math.max(subject.w, 1e-6), (2 * hh0 * 0.92) / Math.max(subject.h, 1e-6)));
  const want = 1 + 0.4 * inp.intensity;
  // A photo smaller than the canvas gets a gentler move (30% of the asked-for travel), never a dead one.
  const gentle = 1 + (want - 1) * 0.3;
  // A move the planner picks never crops the subject; an asked-for zoom is honoured.
  const maxZoom = inp.move === 'auto' ? Math.min(want, Math.max(resCap, gentle), subjectCap) : Math.min(want, Math.max(resCap, gentle));
  const sx = subject.x + subject.w / 2;
  const sy = subject.y + subject.h / 2;
  const keep = subject;
  // Moves stay calm: the view travels at most about a fifth of its own width per second (more when strong).
  const maxTravel = 0.22 * (inp.frames / inp.fps) * (0.5 + inp.intensity);

  const view = (cx: number, cy: number, zoom: number, k?: Box): View => {
    const [x, y] = fitCentre(cx, cy, zoom, hw0, hh0, k);
    return { cx: x, cy: y, zoom };
  };

  let start: View;
  let end: View;
  switch (move) {
    case 'static':
      start = end = view(sx, sy, 1, keep);
      break;
    case 'zoom-in':
      start = view(sx, sy, 1, keep);
      end = view(sx, sy, maxZoom, keep);
      break;
    case 'zoom-out':
      start = view(sx, sy, maxZoom, keep);
      end = view(sx, sy, 1, keep);
      break;
    case 'ken-burns': {
      const z0 = 1 + (maxZoom - 1) * 0.15;
      // Drift from the side opposite the subject toward it.
      const dx = sx - 0.5 || 0.08;
      const dy = sy - 0.5 || 0.04;
      start = view(0.5 - dx, 0.5 - dy, z0, keep);
      end = view(sx, sy, maxZoom, keep);
      break;
    }
    default: {
      const dir = PAN_DIRECTIONS[move]!;
      // Room to travel: zoom in only as much as the pan needs, on the axes it travels.
      const needX = dir[0] !== 0 && hw0 > 0.45;
      const needY = dir[1] !== 0 && hh0 > 0.45;
      const panZoom = needX || needY ? Math.min(maxZoom, 1 + 0.08 + 0.3 * inp.intensity) : Math.min(maxZoom, 1 + 0.05 * inp.intensity);
      const hx = hw0 / panZoom;
      const hy = hh0 / panZoom;
      const share = 0.55 + 0.45 * inp.intensity;
      const rangeX = (1 - 2 * hx) * share;
      const rangeY = (1 - 2 * hy) * share;
      // Travel along the direction and end as close to the subject as the travel allows; a pan the
      // planner chose keeps the subject in view at both ends (and so, by linearity, in between).
      const k = inp.move === 'auto' ? keep : undefined;
      // The path centred on the subject, then slid whole into the still: clamping its two ends one by
      // one collapsed it (a pan-left with the subject right of centre had both ends on the right edge).
      const slide = (a: number, b: number, lo: number, hi: number) => {
        const mn = Math.min(a, b), mx = Math.max(a, b);
        return mn < lo ? lo - mn : mx > hi ? hi - mx : 0;
      };
      const bx = sx - (dir[0] * rangeX) / 2, ex = sx + (dir[0] * rangeX) / 2;
      const by = sy - (dir[1] * rangeY) / 2, ey = sy + (dir[1] * rangeY) / 2;
      const dx = slide(bx, ex, hx, 1 - hx), dy = slide(by, ey, hy, 1 - hy);
      start = view(bx + dx, by + dy, panZoom, k);
      end = view(ex + dx, ey + dy, panZoom, k);
      break;
    }
  }
  // Shorten a path that would travel too fast, keeping its end (where the subject is).
  const vw = (2 * hw0) / Math.max(start.zoom, end.zoom);
  const vh = (2 * hh0) / Math.max(start.zoom, end.zoom);
  const travel = Math.hypot((end.cx - start.cx) / vw, (end.cy - start.cy) / vh);
  if (travel > maxTravel) {
    const k = maxTravel / travel;
    start = view(end.cx + (start.cx - end.cx) * k, end.cy + (start.cy - end.cy) * k, start.zoom, inp.move === 'auto' ? keep : undefined);
  }
  if (inp.loop && move !== 'static') {
    // A loop goes there and back in the same time: it turns halfway along the one-way path (the
    // midpoint in centre and 1/zoom, where every constraint is linear, so it holds there too).
    const zoom = Math.sqrt(start.zoom * end.zoom);
    const ze = start.zoom === end.zoom ? 0.5 : (1 / zoom - 1 / start.zoom) / (1 / end.zoom - 1 / start.zoom);
    end = { cx: start.cx + (end.cx - start.cx) * ze, cy: start.cy + (end.cy - start.cy) * ze, zoom };
  }
  return Object.freeze({
    move, reason: inp.loop && move !== 'static' ? `${reason}; there and back for a seamless loop` : reason,
    easing: inp.easing, frames: inp.frames, start, end, baseHalfW: hw0, baseHalfH: hh0, subject, maxZoom,
    // A still camera in a loop is marked too: only an asked-for loop is coded for its loop point.
    ...(inp.loop ? { loop: true } : {}),
  });
};

/** The view of frame `i` (0-based): eased, zoom interpolated geometrically, always inside the still. */
export const cameraAt = (p: MotionPlan, i: number): View => {
  // A loop: out and back over `frames` (frame `frames` would be frame 0 again), at rest at both turns.
  const e = p.loop
    ? (1 - Math.cos((2 * Math.PI * i) / Math.max(1, p.frames))) / 2
    : ease(p.easing, p.frames <= 1 ? 0 : i / (p.frames - 1));
  const zoom = Math.exp(Math.log(p.start.zoom) * (1 - e) + Math.log(p.end.zoom) * e);
  // The centre moves linearly in the view's size (1/zoom): a push then looks like a zoom about one
  // fixed point of the photo, and every constraint (inside the still, subject in view) is linear in
  // (centre, size), so a path whose two ends satisfy them satisfies them at every frame.
  const ze = p.start.zoom === p.end.zoom ? e : (1 / zoom - 1 / p.start.zoom) / (1 / p.end.zoom - 1 / p.start.zoom);
  const cx = p.start.cx + (p.end.cx - p.start.cx) * ze;
  const cy = p.start.cy + (p.end.cy - p.start.cy) * ze;
  const [x, y] = fitCentre(cx, cy, zoom, p.baseHalfW, p.baseHalfH);
  return { cx: x, cy: y, zoom };
};

/** The view as a rectangle in still fractions. */
export const viewRect = (p: MotionPlan, v: View): Box => {
  const hx = p.baseHalfW / v.zoom;
  const hy = p.baseHalfH / v.zoom;
  return { x: v.cx - hx, y: v.cy - hy, w: 2 * hx, h: 2 * hy };
};
