/**
 * Far-layer jitter of a depth move (issue 13): a 5 s 1080p30 `parallax-right` clip and a flat pan
 * whose view follows the parallax's far layer exactly (same start, end and easing: the same travel),
 * both through the same encoder; the motion meter (src/engine/analyze/measure-motion.ts) reads each
 * at the same patches, placed where the far layer shows in every frame (least disparity, away from
 * the near layer's box). The parallax's far layer must be no less steady than the flat move.
 */
import { join } from 'node:path';
import { measureMotion } from '../src/engine/analyze/measure-motion.js';
import sharp from 'sharp';
import { buildLayers, splitDepth } from '../src/engine/depth/layers.js';
import { decodeDepth } from '../src/engine/depth/map.js';
import { decodeFrames } from '../src/engine/ffmpeg/index.js';
import { layerView } from '../src/engine/plan/depth-motion.js';
import { viewRect } from '../src/engine/plan/plan-motion.js';
import type { RenderPlan } from '../src/engine/plan/render-plan.js';
import { planClip } from '../src/local/animate.js';
import { viewOf } from '../src/engine/compose/render-plan.js';
import { openStill } from '../src/engine/input/load-still.js';
import { prepareLayers, prepareStill } from '../src/engine/prepare-still.js';
import { nearPlacements } from '../src/engine/render/layered.js';
import { frameBytes, type FrameView } from '../src/engine/render/render-frame.js';
import { loadStillWasm, sampleFrameWasm, WasmLayered } from '../src/engine/render/sampler-wasm.js';
import { rgbToYuv } from '../src/engine/render/yuv.js';
import { renderLocal } from '../src/local/make.js';

const MW = 960, MH = 540;

export interface FarJitter {
  readonly photo: string;
  readonly parallax: { readonly jitter: number; readonly speed: number };
  readonly flat: { readonly jitter: number; readonly speed: number };
  /** The same two read on the rendered frames (960x540, before any encoding). */
  readonly rendered: { readonly parallax: number; readonly flat: number };
  readonly patches: number;
  readonly at: ReadonlyArray<readonly [number, number]>;
}

export const farLayerJitter = async (photo: string, work: string): Promise<FarJitter | null> => {
  const { plan, media } = await planClip(photo, { move: 'parallax-right', aspect: '16:9', size: '1080p', duration: 5, easing: 'smooth' });
  const shot = plan.shots[0]!;
  if (shot.kind !== 'image' || shot.motion.kind !== 'depth') return null;
  const m = shot.motion;
  const F = m.frames;
  // The layers' disparities and their cut, from the stored map (the render cuts the refined map the
  // same way: these are within a few hundredths of its).
  const dm = decodeDepth(m.depth);
  const split = splitDepth(Float32Array.from(dm, (v) => v / 255), 2);
  const dFar = split.disparities[0]!, dNear = split.disparities[1] ?? dFar;
  const v0 = layerView(m, 0, dFar), v1 = layerView(m, F - 1, dFar);
  const flatPlan: RenderPlan = {
    ...plan,
    shots: [{ ...shot, motion: { ...m.camera, kind: 'camera', move: 'pan-right', start: v0, end: v1, easing: m.easing, frames: F } }],
  };
  // Patches: a grid over the frame, kept where only the far layer's own picture shows in every frame:
  // the near layer, built from the same map on a small copy of the photo, covers no part of the patch
  // (neither where it is now nor where it was, which the far layer shows filled).
  const { data: small, info } = await sharp(photo).rotate().resize(1024, 1024, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const built = buildLayers(small, info.width, info.height, m.depth).still;
  const NL = built.layers[1];
  const cands: Array<{ x: number; y: number; d: number }> = [];
  for (let gy = 0; gy < 6; gy++) for (let gx = 0; gx < 10; gx++) {
    const px = 66 + (gx / 9) * (MW - 132), py = 66 + (gy / 5) * (MH - 132);
    let worst = 0, far = 0;
    for (let k = 0; k <= 8; k++) {
      const f = Math.round((k / 8) * (F - 1));
      const rf = viewRect(m.camera, layerView(m, f, dFar)), rn = viewRect(m.camera, layerView(m, f, dNear));
      for (let oy = -64; oy <= 64; oy += 16) for (let ox = -64; ox <= 64; ox += 16) {
        const u = (px + ox) / MW, v = (py + oy) / MH;
        // The map under the far view (for ranking), the near layer's alpha under the near view.
        const mx = Math.min(m.depth.width - 1, Math.max(0, Math.floor((rf.x + u * rf.w) * m.depth.width)));
        const my = Math.min(m.depth.height - 1, Math.max(0, Math.floor((rf.y + v * rf.h) * m.depth.height)));
        far = Math.max(far, dm[my * m.depth.width + mx]!);
        if (!NL?.alpha) continue;
        // Neither the near layer itself (near view) nor the fill behind it (far view: the far layer
        // is filled where the near layer was) may show in the patch.
        for (const r of [rn, rf]) {
          const ax = Math.floor((r.x + u * r.w) * info.width) - NL.x, ay = Math.floor((r.y + v * r.h) * info.height) - NL.y;
          if (ax >= 0 && ay >= 0 && ax < NL.alpha.width && ay < NL.alpha.height) worst = Math.max(worst, NL.alpha.data[ay * NL.alpha.width + ax]!);
        }
      }
    }
    if (worst === 0) cands.push({ x: px, y: py, d: far });
  }
  cands.sort((a, b) => a.d - b.d);
  const at = cands.slice(0, 4).map((c) => [c.x, c.y] as const);
  if (at.length < 1) return null;
  const measure = async (p: RenderPlan, name: string) => {
    const out = join(work, name);
    await renderLocal(p, media, { output: out });
    const frames = await decodeFrames(out, { pixFmt: 'gray', width: MW, height: MH });
    const r = measureMotion(frames.map((f) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength)), MW, MH, 128, 7, at);
    // In output (1080p) pixels.
    return { jitter: r.jitterPx * 2, speed: r.meanSpeedPx * 2 };
  };
  const parallax = await measure(plan, 'jitter-parallax.mp4');
  const flat = await measure(flatPlan, 'jitter-flat.mp4');
  // The rendered frames themselves, at the meter's size: the layered still as the render threads
  // draw it, and the flat picture through the flat pan's views.
  const opened = await openStill(photo, { maxImageBytes: 200e6, maxPixels: 400e6 });
  const layered = await prepareLayers(opened, m, plan.width, plan.height, [0, 0, 0], undefined, shot.framing.detailZoom);
  const wl = new WasmLayered(layered);
  const pic = await prepareStill(opened, shot.framing, plan.width, plan.height, [0, 0, 0]);
  const flatStill = loadStillWasm(rgbToYuv(pic.data, pic.width, pic.height, 3, false));
  const grey = (draw: (f: number, out: Uint8Array) => void): Uint8Array[] => Array.from({ length: F }, (_, f) => {
    const out = new Uint8Array(frameBytes(MW, MH));
    draw(f, out);
    return out.subarray(0, MW * MH);
  });
  const pa = grey((f, out) => { const v = viewOf(m, f, 1, layered.disparities) as FrameView[]; wl.render(v, nearPlacements(layered, v, MW, MH), MW, MH, out); });
  const fl = grey((f, out) => sampleFrameWasm(flatStill, viewOf(flatPlan.shots[0]!.kind === 'image' ? flatPlan.shots[0]!.motion : m, f, 1) as FrameView, MW, MH, out));
  const rendered = { parallax: measureMotion(pa, MW, MH, 128, 7, at).jitterPx * 2, flat: measureMotion(fl, MW, MH, 128, 7, at).jitterPx * 2 };
  return { photo: photo.split('/').pop()!, parallax, flat, rendered, patches: at.length, at };
};
