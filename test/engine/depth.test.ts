/**
 * Depth moves (issue 13): depth read from the photo (iPhone MPF disparity, Google GDepth XMP) and
 * estimated for every other photo; planning with a fallback to the nearest flat move; the layered
 * renderer measured on the decoded video (near moves more than far) and at rest (the layers put
 * back together give the photo, edges included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { openStill } from '../../src/engine/input/load-still.js';
import { analyseDepth } from '../../src/engine/depth/analyse.js';
import { decodeDepth, type DepthMap, encodeDepth } from '../../src/engine/depth/map.js';
import { buildLayers, splitDepth } from '../../src/engine/depth/layers.js';
import { depthPhase, planDepthMotion } from '../../src/engine/plan/depth-motion.js';
import { planPhotoShot } from '../../src/engine/plan/plan-shot.js';
import { drawNearLayers, jsLayerSample } from '../../src/engine/render/layered.js';
import { renderFrame, frameBytes } from '../../src/engine/render/render-frame.js';
import { SamplerScratch } from '../../src/engine/render/sampler.js';
import { rgbToYuv } from '../../src/engine/render/yuv.js';
import { resolveBinaries } from '../../src/engine/ffmpeg/binaries.js';
import { animate } from '../../src/local/animate.js';
import { gdepthJpeg, iphoneDisparityJpeg, layeredScene } from '../support/depth-fixtures.js';
import { tempDir, texturedRgb } from '../support/fixtures.js';

const tmp = tempDir('stillmotion-depth-');
const limits = { maxImageBytes: 50e6, maxPixels: 50e6 };
test.after(() => tmp.remove());

/** Mean of a depth map inside and outside the fixture's near square (fractions 0.35..0.65 x 0.3..0.7). */
const insideOutside = (m: DepthMap): [number, number] => {
  const d = decodeDepth(m);
  let si = 0, ni = 0, so = 0, no = 0;
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) {
    const fx = (x + 0.5) / m.width, fy = (y + 0.5) / m.height;
    const v = d[y * m.width + x]!;
    if (fx > 0.4 && fx < 0.6 && fy > 0.35 && fy < 0.65) { si += v; ni++; } else if (fx < 0.3 || fx > 0.7 || fy < 0.25 || fy > 0.75) { so += v; no++; }
  }
  return [si / ni, so / no];
};

test('an iPhone Portrait JPEG: the disparity map of its MPF index, near bright, with its source and confidence', async () => {
  const path = tmp.path('iphone.jpg');
  writeFileSync(path, await iphoneDisparityJpeg(480, 360));
  const { depth, notes } = await analyseDepth(await openStill(path, limits));
  assert.ok(depth.embedded, 'the disparity map is found');
  assert.equal(depth.embedded.source, 'iphone');
  assert.ok(depth.embedded.confidence >= 0.8);
  assert.equal(depth.embedded.width / depth.embedded.height, 480 / 360);
  const [inside, outside] = insideOutside(depth.embedded);
  assert.ok(inside > 200 && outside < 60, `inside ${inside}, outside ${outside}`);
  assert.ok(notes.some((n) => /iPhone/.test(n)));
  assert.equal(depth.estimated?.source, 'estimated');
});

test('a Google depth JPEG (GDepth XMP, RangeInverse): read as disparity, near bright', async () => {
  const path = tmp.path('gdepth.jpg');
  writeFileSync(path, await gdepthJpeg(480, 360));
  const { depth } = await analyseDepth(await openStill(path, limits));
  assert.ok(depth.embedded);
  assert.equal(depth.embedded.source, 'gdepth');
  const [inside, outside] = insideOutside(depth.embedded);
  assert.ok(inside > 200 && outside < 60, `inside ${inside}, outside ${outside}`);
});

test('a photo without depth: an estimate, where a sharp subject stands in front of a blurred background', async () => {
  const w = 480, h = 360;
  const bg = await sharp(texturedRgb(w, h, 3), { raw: { width: w, height: h, channels: 3 } }).blur(6).raw().toBuffer();
  const { rgb, near } = layeredScene(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (!near(x, y)) for (let c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = bg[(y * w + x) * 3 + c]!;
  const path = tmp.path('shallow.jpg');
  await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toFile(path);
  const { depth } = await analyseDepth(await openStill(path, limits));
  assert.equal(depth.embedded, null);
  assert.equal(depth.estimated?.source, 'estimated');
  assert.ok(depth.estimated!.confidence >= 0 && depth.estimated!.confidence <= 1);
  const [inside, outside] = insideOutside(depth.estimated!);
  assert.ok(inside > outside + 40, `the sharp square is nearer: inside ${inside}, outside ${outside}`);
});

const flatMap = (v: number, confidence: number, source: DepthMap['source'] = 'estimated'): DepthMap => {
  const d = new Uint8Array(16 * 9).fill(v);
  for (let y = 3; y < 7; y++) for (let x = 5; x < 11; x++) d[y * 16 + x] = 240;
  return { width: 16, height: 9, data: encodeDepth(d), source, confidence };
};

const shot = (move: string, depth: DepthMap | null, o: Partial<Parameters<typeof planPhotoShot>[0]> = {}) => planPhotoShot({
  photo: { width: 1600, height: 900, ...(depth ? { depth: { embedded: null, estimated: depth } } : {}) },
  canvasWidth: 1280, canvasHeight: 720, fit: 'cover', move: move as never, intensity: 0.5, easing: 'smooth', frames: 90, fps: 30, variant: 0, ...o,
});

test('planning: a depth move uses trusted depth, else it is made as the nearest flat move and says why', () => {
  const good = shot('parallax-left', flatMap(20, 0.6));
  assert.equal(good.motion.kind, 'depth');
  assert.equal(good.motion.move, 'parallax-left');
  const weak = shot('parallax-left', flatMap(20, 0.1));
  assert.equal(weak.motion.kind, 'camera');
  assert.equal(weak.motion.move, 'pan-left');
  assert.match(weak.motion.kind === 'camera' ? weak.motion.flatInsteadOf?.why ?? '' : '', /not reliable/);
  const off = shot('dolly-in', flatMap(20, 0.9), { depthMode: 'off' });
  assert.equal(off.motion.move, 'zoom-in');
  assert.equal(shot('orbit-right', null).motion.move, 'pan-right');
  assert.equal(shot('3d-zoom', flatMap(20, 0.9), { fit: 'blur' }).motion.kind, 'camera');
  // Every depth move plans, and its far layer never leaves the photo.
  for (const m of ['dolly-in', 'dolly-out', 'dolly-zoom', 'orbit-left', 'orbit-right', 'parallax-left', 'parallax-right', 'parallax-up', 'parallax-down', '3d-zoom'] as const) {
    const p = shot(m, flatMap(20, 0.9)).motion;
    assert.equal(p.kind, 'depth', m);
  }
});

test('a loop is a closed path: the frame after the last is the first', () => {
  const m = planDepthMotion({
    stillWidth: 1600, stillHeight: 900, sourcePixelsAcross: 1600, canvasWidth: 1280, canvasHeight: 720, subject: null, subjectDepth: 0.5,
    move: 'parallax-right', intensity: 0.5, easing: 'smooth', frames: 60, fps: 30, loop: true, depth: flatMap(20, 0.9),
  });
  assert.deepEqual(depthPhase(m, 60).map((v) => Math.round(v * 1e9) + 0), depthPhase(m, 0).map((v) => Math.round(v * 1e9) + 0));
  const x0 = depthPhase(m, 0)[0];
  assert.ok(Math.max(...Array.from({ length: 60 }, (_, i) => Math.abs(depthPhase(m, i)[0] - x0))) > 0.9, 'it moves in between');
  // It starts where it moves slowest (sideways at its turning point): the loop point is a small step.
  const step = (i: number) => Math.hypot(...depthPhase(m, i + 1).map((v, k) => v - depthPhase(m, i)[k]!));
  assert.ok(step(59) <= Math.min(...Array.from({ length: 59 }, (_, i) => step(i))) + 1e-9, 'the loop point is the slowest step');
});

/** Grey frames of a video, decoded by ffmpeg (frame numbers 0-based). */
const greyFrames = (video: string, w: number, h: number, frames: number[]): Uint8Array[] => {
  const { ffmpeg } = resolveBinaries();
  return frames.map((f) => new Uint8Array(execFileSync(ffmpeg, ['-v', 'error', '-i', video, '-vf', `select=eq(n\\,${f})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 26 })).subarray(0, w * h));
};

/** Horizontal shift (px) of the block (x0..x1, y0..y1) of `a` that best matches `b` (least mean absolute difference). */
const blockShift = (a: Uint8Array, b: Uint8Array, w: number, x0: number, x1: number, y0: number, y1: number, range: number): number => {
  let best = Infinity, at = 0;
  for (let s = -range; s <= range; s++) {
    let sum = 0, n = 0;
    for (let y = y0; y < y1; y += 2) for (let x = x0; x < x1; x += 2) {
      const xs = x + s;
      if (xs < 0 || xs >= w) continue;
      sum += Math.abs(a[y * w + x]! - b[y * w + xs]!); n++;
    }
    if (n && sum / n < best) { best = sum / n; at = s; }
  }
  return at;
};

test('parallax is real: in the decoded video the near square moves at least 1.5x as far as the background', async () => {
  const photo = tmp.path('parallax.jpg');
  writeFileSync(photo, await gdepthJpeg(960, 540));
  const out = tmp.path('parallax.mp4');
  const r = await animate(photo, { output: out, move: 'parallax-right', size: '360p', duration: 2, easing: 'linear', workers: 1 });
  assert.equal(r.move, 'parallax-right');
  const [a, b] = greyFrames(out, 640, 360, [0, r.frames - 1]) as [Uint8Array, Uint8Array];
  // The square sits in the middle; the background is sampled at the left and right edges.
  const near = blockShift(a, b, 640, 270, 370, 140, 220, 80);
  const farL = blockShift(a, b, 640, 20, 120, 60, 300, 80);
  const farR = blockShift(a, b, 640, 520, 620, 60, 300, 80);
  const far = (Math.abs(farL) + Math.abs(farR)) / 2;
  assert.ok(Math.abs(near) >= 8, `the near square moves (${near} px)`);
  assert.ok(Math.abs(near) >= 1.5 * Math.max(far, 1), `near ${near} px, far ${farL}/${farR} px`);
  assert.equal(Math.sign(farL), Math.sign(near), 'everything moves the same way, the near square more');
});

test('layer boundaries: the layers put back together at rest give the photo (worst colour error along the edges)', () => {
  const W = 480, H = 270;
  const { rgb, near } = layeredScene(W, H);
  const dw = 120, dh = 68;
  const d = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) d[y * dw + x] = near(((x + 0.5) * W) / dw, ((y + 0.5) * H) / dh) ? 235 : 25;
  const map: DepthMap = { width: dw, height: dh, data: encodeDepth(d), source: 'gdepth', confidence: 0.9 };
  const built = buildLayers(rgb, W, H, map);
  assert.ok(built.still.layers.length >= 2, 'a near layer and a far one');
  const view = { x: 0, y: 0, w: 1 };
  const scratch = new SamplerScratch();
  const layered = new Uint8Array(frameBytes(W, H));
  renderFrame(built.still.layers[0]!.still, view, W, H, layered, scratch);
  drawNearLayers(built.still, built.still.layers.map(() => view), W, H, layered, jsLayerSample(built.still, scratch));
  const flat = new Uint8Array(frameBytes(W, H));
  renderFrame(rgbToYuv(rgb, W, H, 3, false), view, W, H, flat, scratch);
  // Worst luma and chroma error within 6 px of the square's edge, and anywhere.
  let edge = 0, all = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const e = Math.abs(layered[y * W + x]! - flat[y * W + x]!);
    all = Math.max(all, e);
    let boundary = false;
    for (const [dx, dy] of [[-6, 0], [6, 0], [0, -6], [0, 6]] as const) if (near(x, y) !== near(x + dx, y + dy)) boundary = true;
    if (boundary) edge = Math.max(edge, e);
  }
  let chroma = 0;
  for (let i = W * H; i < layered.length; i++) chroma = Math.max(chroma, Math.abs(layered[i]! - flat[i]!));
  // Not exactly 0: the layer behind takes at most 24 levels of the unblended remainder (more would be
  // revealed as an outline when the near layer moves); with the layer behind left as it was, 14.
  assert.ok(edge <= 10, `worst luma error along the layer edges: ${edge}`);
  assert.ok(all <= 10 && chroma <= 10, `worst luma error ${all}, chroma ${chroma}`);
});

test('the depth split finds the near and far layers of a two-plane map', () => {
  const d = new Float32Array(1000);
  for (let i = 0; i < 1000; i++) d[i] = i < 700 ? 0.1 : 0.9;
  const s = splitDepth(d);
  assert.ok(s.thresholds[0]! > 0.1 && s.thresholds[0]! < 0.9);
  assert.ok(s.disparities[0]! < 0.2 && s.disparities[s.disparities.length - 1]! > 0.8);
});
