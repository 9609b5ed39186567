/**
 * Depth moves (2.5D): the photo is cut into a few depth layers and each layer gets its own view per
 * frame, so near things slide, grow or shrink more than far ones. The plan holds the depth map it
 * uses and a camera path made of a base view (the flat planner's, with a margin so no layer ever
 * shows the photo's edge) and per-layer offsets proportional to each layer's disparity:
 *
 *   layer view centre = base centre + (ax·sx(t), ay·sy(t)) · (δ − ref) · view size
 *   layer view zoom   = base zoom · (1 + az·sz(t) · (δ − ref))
 *
 * δ is the layer's disparity (0 far … 1 near), `ref` the disparity that stays put (the subject for
 * an orbit or a dolly zoom, behind the farthest layer for a truck so everything moves, far least).
 * Pure and cheap, like the flat planner.
 */
import { ease, type DepthMoveName, type EasingName } from './moves.js';
import { baseHalfExtents, cameraAt, planMotion, viewRect, type Box, type MotionInput, type MotionPlan, type View } from './plan-motion.js';
import type { DepthMap } from '../depth/map.js';

export interface DepthMotion {
  readonly kind: 'depth';
  readonly move: DepthMoveName;
  readonly reason: string;
  readonly frames: number;
  readonly easing: EasingName;
  /** A closed path: the last frame flows into the first. */
  readonly loop: boolean;
  /** A closed path starts here (radians): where the camera moves slowest, so the loop point (and the video's keyframe) falls on a small step. */
  readonly loopStart?: number;
  /** The base camera (zoom includes the margin the layers need). */
  readonly camera: MotionPlan;
  /** Lateral amplitudes (view widths/heights per unit of δ − ref) and the zoom amplitude. */
  readonly ax: number;
  readonly ay: number;
  readonly az: number;
  /** Disparity (0..1) that stays put. */
  readonly ref: number;
  /** How each amplitude follows time. */
  readonly path: 'line' | 'arc' | 'loop';
  /** The depth map used (stored map, upright, 255 nearest). */
  readonly depth: DepthMap;
  /** The subject box the camera keeps (the base camera's). */
  readonly subject: Box;
}

/** The flat planner's input (the picture, the canvas, the subject, the timing) with a depth move and its map. */
export interface DepthMotionInput extends Pick<MotionInput, 'stillWidth' | 'stillHeight' | 'sourcePixelsAcross' | 'canvasWidth' | 'canvasHeight' | 'subject' | 'intensity' | 'easing' | 'frames' | 'fps'> {
  /** Mean disparity (0..1) of the subject, from the map. */
  readonly subjectDepth: number;
  readonly move: DepthMoveName;
  readonly loop: boolean;
  readonly depth: DepthMap;
}

/** Signed progress of each amplitude at frame i: (sx, sy, sz). */
export const depthPhase = (m: Pick<DepthMotion, 'frames' | 'easing' | 'path' | 'loop' | 'loopStart'>, i: number): [number, number, number] => {
  if (m.loop) {
    // A closed path sampled at i / frames: frame `frames` would be frame 0 again.
    const th = (2 * Math.PI * i) / Math.max(1, m.frames) + (m.loopStart ?? 0);
    return [Math.sin(th), 0.5 * (1 - Math.cos(th)) - 0.5, 0.5 * (1 - Math.cos(th))];
  }
  const t = m.frames <= 1 ? 0 : i / (m.frames - 1);
  const e = ease(m.easing, t);
  if (m.path === 'arc') return [Math.sin(Math.PI * e) * 0.5, 0, e];
  return [2 * e - 1, 2 * e - 1, e];
};

const DIRS: Record<DepthMoveName, { x: number; y: number; z: number; ref: 'subject' | 'behind'; path: DepthMotion['path']; base: 'static' | 'zoom-in' | 'zoom-out' }> = {
  'parallax-left': { x: -1, y: 0, z: 0, ref: 'behind', path: 'line', base: 'static' },
  'parallax-right': { x: 1, y: 0, z: 0, ref: 'behind', path: 'line', base: 'static' },
  'parallax-up': { x: 0, y: -1, z: 0, ref: 'behind', path: 'line', base: 'static' },
  'parallax-down': { x: 0, y: 1, z: 0, ref: 'behind', path: 'line', base: 'static' },
  'orbit-left': { x: -1, y: 0, z: 0.15, ref: 'subject', path: 'line', base: 'static' },
  'orbit-right': { x: 1, y: 0, z: 0.15, ref: 'subject', path: 'line', base: 'static' },
  'dolly-in': { x: 0, y: 0, z: 1, ref: 'behind', path: 'line', base: 'zoom-in' },
  'dolly-out': { x: 0, y: 0, z: -1, ref: 'behind', path: 'line', base: 'zoom-out' },
  'dolly-zoom': { x: 0, y: 0, z: -1.6, ref: 'subject', path: 'line', base: 'static' },
  '3d-zoom': { x: 1, y: 0, z: 1, ref: 'behind', path: 'arc', base: 'zoom-in' },
};

/** The view of a layer of disparity `d` (0..1) at frame i. */
export const layerView = (m: DepthMotion, i: number, d: number, base?: View): View => {
  const b = base ?? cameraAt(m.camera, m.loop ? 0 : i);
  const [sx, sy, sz] = depthPhase(m, i);
  const k = d - m.ref;
  const vw = (2 * m.camera.baseHalfW) / b.zoom, vh = (2 * m.camera.baseHalfH) / b.zoom;
  const zoom = b.zoom * Math.max(0.2, 1 + m.az * sz * k);
  // A layer that comes nearer moves the other way on screen: its view moves with the camera.
  return { cx: b.cx + m.ax * sx * k * vw, cy: b.cy + m.ay * sy * k * vh, zoom };
};

/** The layer views of frame i as rectangles in still fractions. */
export const layerRect = (m: DepthMotion, i: number, d: number): Box => viewRect(m.camera, layerView(m, i, d));

/** Largest zoom factor a layer between disparity 0 and 1 needs to stay inside the photo over the path. */
const fits = (m: DepthMotion): boolean => {
  const steps = Math.min(m.frames, 120);
  for (let s = 0; s <= steps; s++) {
    const i = Math.round((s / Math.max(1, steps)) * Math.max(0, m.frames - 1));
    for (const d of [0, 1]) {
      const r = layerRect(m, i, d);
      if (r.x < -1e-6 || r.y < -1e-6 || r.x + r.w > 1 + 1e-6 || r.y + r.h > 1 + 1e-6) return false;
    }
  }
  return true;
};

export const planDepthMotion = (inp: DepthMotionInput): DepthMotion => {
  const spec = DIRS[inp.move];
  const I = inp.intensity;
  // Lateral: a near layer slides about 2–8% of the frame against the far one; zoom: 8–30% more for the nearest.
  // An estimate moves less than a measured map: its errors show less.
  const trust = inp.depth.source === 'estimated' ? 0.7 : 1;
  const lat = (0.02 + 0.06 * I) * trust;
  const zoomAmp = (0.08 + 0.22 * I) * trust;
  const ref = spec.ref === 'subject' ? Math.min(0.9, Math.max(0.1, inp.subjectDepth)) : -0.35;
  const base = planMotion({
    stillWidth: inp.stillWidth, stillHeight: inp.stillHeight, sourcePixelsAcross: inp.sourcePixelsAcross, canvasWidth: inp.canvasWidth, canvasHeight: inp.canvasHeight,
    subject: inp.subject, move: spec.base, intensity: I * 0.5, easing: inp.easing, frames: inp.frames, fps: inp.fps, variant: 0,
  });
  const [hw0, hh0] = baseHalfExtents(inp.stillWidth, inp.stillHeight, inp.canvasWidth, inp.canvasHeight);
  const path: DepthMotion['path'] = inp.loop ? 'loop' : spec.path;
  const loopXY = inp.loop && spec.x === 0 && spec.y === 0 ? 1 : 0; // a loop of a dolly still wiggles sideways
  let m: DepthMotion = {
    kind: 'depth', move: inp.move, reason: 'asked for', frames: inp.frames, easing: inp.easing, loop: inp.loop, camera: base,
    ax: lat * (spec.x || loopXY) / (path === 'line' ? 1 : 1), ay: lat * (spec.y || (inp.loop ? 0.6 : 0)), az: zoomAmp * spec.z * (inp.loop ? 0.5 : 1), ref, path,
    depth: inp.depth, subject: base.subject,
  };
  // Sideways speed peaks at phase 0, up-down and zoom at a quarter turn: start at the slower one.
  if (inp.loop && m.ax * m.ax > (m.ay * m.ay + m.az * m.az) / 4) m = { ...m, loopStart: Math.PI / 2 };
  // Margin: push the base camera in until every layer stays inside the photo at every frame.
  for (let g = 1; g < 1.6 && !fits(m); g *= 1.02) {
    const grow = (v: View): View => {
      const z = v.zoom * 1.02;
      const hx = hw0 / z, hy = hh0 / z;
      return { cx: Math.min(1 - hx, Math.max(hx, v.cx)), cy: Math.min(1 - hy, Math.max(hy, v.cy)), zoom: z };
    };
    m = { ...m, camera: Object.freeze({ ...m.camera, start: grow(m.camera.start), end: grow(m.camera.end), maxZoom: m.camera.maxZoom * 1.02 }) };
  }
  return Object.freeze(m);
};
