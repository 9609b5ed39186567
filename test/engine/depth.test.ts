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
import { depthPhase, layerView, planDepthMotion } from '../../src/engine/plan/depth-motion.js';
import { planPhotoShot } from '../../src/engine/plan/plan-shot.js';
import { drawNearLayers, jsLayerSample, nearPlacements } from '../../src/engine/render/layered.js';
import { loadStillWasm, sampleFrameWasm, WasmLayered } from '../../src/engine/render/sampler-wasm.js';
import { measureMotion } from '../../src/engine/analyze/measure-motion.js';
import { renderFrame, frameBytes, type FrameView } from '../../src/engine/render/render-frame.js';
import { SamplerScratch } from '../../src/engine/render/sampler.js';
import { rgbToYuv } from '../../src/engine/render/yuv.js';
import { resolveBinaries } from '../../src/engine/ffmpeg/binaries.js';
import { animate, planClip } from '../../src/local/animate.js';
import { viewOf } from '../../src/engine/compose/render-plan.js';
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

test('the wasm kernel composites layers as the JS reference does (moved views, within the sampler\'s ±1)', () => {
  const W = 480, H = 270;
  const { rgb, near } = layeredScene(W, H);
  const dw = 120, dh = 68;
  const d = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) d[y * dw + x] = near(((x + 0.5) * W) / dw, ((y + 0.5) * H) / dh) ? 235 : 25;
  const built = buildLayers(rgb, W, H, { width: dw, height: dh, data: encodeDepth(d), source: 'gdepth', confidence: 0.9 });
  const wl = new WasmLayered(built.still);
  const scratch = new SamplerScratch();
  const outW = 320, outH = 180;
  for (const [far, nearV] of [[{ x: 0.05, y: 0.05, w: 0.8 }, { x: 0.1, y: 0.04, w: 0.78 }], [{ x: 0.1, y: 0.1, w: 0.7 }, { x: 0.013, y: 0.17, w: 0.66 }]] as const) {
    const views = [far, nearV];
    const js = new Uint8Array(frameBytes(outW, outH));
    renderFrame(built.still.layers[0]!.still, far, outW, outH, js, scratch);
    drawNearLayers(built.still, views, outW, outH, js, jsLayerSample(built.still, scratch));
    const wasm = new Uint8Array(frameBytes(outW, outH));
    wl.render(views, nearPlacements(built.still, views, outW, outH), outW, outH, wasm);
    let worst = 0;
    for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(js[i]! - wasm[i]!));
    assert.ok(worst <= 2, `worst difference ${worst}`);
  }
});

/**
 * A shallow-focus photo made in code: the fixture's scene with fine detail (grain and thin lines, as
 * fur, fabric or print have), sharp in the near square and blurred everywhere else, the way a lens
 * focused on the square renders it (the background's blur bleeds a little over the square's edge).
 */
const shallowPhoto = async (w: number, h: number): Promise<Buffer> => {
  const { rgb, near } = layeredScene(w, h);
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const g = (rnd() - 0.5) * 50 + ((x + 3 * y) % 7 === 0 ? 30 : 0);
    for (let c = 0; c < 3; c++) { const i = (y * w + x) * 3 + c; rgb[i] = Math.max(0, Math.min(255, rgb[i]! + g)); }
  }
  const bg = await sharp(Buffer.from(rgb), { raw: { width: w, height: h, channels: 3 } }).blur(w / 160).raw().toBuffer();
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (!near(x, y)) for (let c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = bg[(y * w + x) * 3 + c]!;
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
};

test('parallax is real on estimated depth: a sharp subject over a soft background moves at least 1.3x as far (decoded video)', async (t) => {
  const photo = tmp.path('shallow-parallax.jpg');
  writeFileSync(photo, await shallowPhoto(960, 540));
  const out = tmp.path('shallow-parallax.mp4');
  const r = await animate(photo, { output: out, move: 'parallax-right', depth: 'estimated', size: '360p', duration: 2, easing: 'linear', workers: 1 });
  assert.equal(r.move, 'parallax-right', 'the estimate is trusted enough for a depth move');
  const [a, b] = greyFrames(out, 640, 360, [0, r.frames - 1]) as [Uint8Array, Uint8Array];
  const near = blockShift(a, b, 640, 270, 370, 140, 220, 80);
  const farL = blockShift(a, b, 640, 20, 120, 60, 300, 80);
  const farR = blockShift(a, b, 640, 520, 620, 60, 300, 80);
  const far = (Math.abs(farL) + Math.abs(farR)) / 2;
  t.diagnostic(`near ${near} px, far ${farL}/${farR} px: ${(Math.abs(near) / Math.max(far, 1)).toFixed(2)}x`);
  assert.ok(Math.abs(near) >= 6, `the near square moves (${near} px)`);
  assert.ok(Math.abs(near) >= 1.3 * Math.max(far, 1), `near ${near} px, far ${farL}/${farR} px`);
  assert.equal(Math.sign(farL), Math.sign(near), 'everything moves the same way, the near square more');
});

test('layer edges at rest: the first frame of a depth move against the photo, worst colour error along the layer boundary', async (t) => {
  const cases: Array<[string, Buffer, 'embedded' | 'estimated', string]> = [
    ['google depth', await gdepthJpeg(960, 540), 'embedded', 'dolly-in'],
    ['estimated (shallow focus)', await shallowPhoto(960, 540), 'estimated', 'dolly-zoom'],
  ];
  for (const [name, jpeg, depthMode, move] of cases) {
    const path = tmp.path(`edges-${depthMode}.jpg`);
    writeFileSync(path, jpeg);
    const { plan } = await planClip(path, { move: move as never, depth: depthMode, size: '360p', duration: 1 });
    const shot = plan.shots[0]!;
    assert.ok(shot.kind === 'image' && shot.motion.kind === 'depth', `${name}: a depth move is planned`);
    if (shot.kind !== 'image' || shot.motion.kind !== 'depth') continue;
    const { data: rgb, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const W = info.width, H = info.height;
    const built = buildLayers(rgb, W, H, shot.motion.depth).still;
    assert.equal(built.layers.length, 2, `${name}: a near layer and a far one`);
    const outW = plan.width, outH = plan.height;
    const views = viewOf(shot.motion, 0, 1, built.disparities) as FrameView[];
    // The first frame as the render threads draw it, and the photo through the same view.
    const first = new Uint8Array(frameBytes(outW, outH));
    new WasmLayered(built).render(views, nearPlacements(built, views, outW, outH), outW, outH, first);
    const photo = new Uint8Array(frameBytes(outW, outH));
    renderFrame(rgbToYuv(rgb, W, H, 3, false), views[0]!, outW, outH, photo, new SamplerScratch());
    // The boundary: output pixels whose neighbourhood (±3 px) meets the near layer's soft or changing alpha.
    const L = built.layers[1]!;
    const alphaAt = (ox: number, oy: number): number => {
      const v = views[0]!;
      const px = Math.floor((v.x + ((ox + 0.5) / outW) * v.w) * W) - L.x;
      const py = Math.floor((v.y + (((oy + 0.5) / outH) * v.w * (outH / outW) * W) / H) * H) - L.y;
      return px < 0 || py < 0 || px >= L.alpha!.width || py >= L.alpha!.height ? 0 : L.alpha!.data[py * L.alpha!.width + px]!;
    };
    let edgeY = 0, edgeC = 0, count = 0;
    const cw = outW >> 1;
    for (let y = 3; y < outH - 3; y++) for (let x = 3; x < outW - 3; x++) {
      const a = alphaAt(x, y);
      let boundary = a > 0 && a < 255;
      for (const [dx, dy] of [[-3, 0], [3, 0], [0, -3], [0, 3]] as const) if ((alphaAt(x + dx, y + dy) > 127) !== (a > 127)) boundary = true;
      if (!boundary) continue;
      count++;
      edgeY = Math.max(edgeY, Math.abs(first[y * outW + x]! - photo[y * outW + x]!));
      const c = outW * outH + (y >> 1) * cw + (x >> 1), c2 = c + cw * (outH >> 1);
      edgeC = Math.max(edgeC, Math.abs(first[c]! - photo[c]!), Math.abs(first[c2]! - photo[c2]!));
    }
    t.diagnostic(`${name} (${move}): ${count} boundary pixels, worst luma error ${edgeY}, chroma ${edgeC}`);
    assert.ok(count > 200, `${name}: the boundary is found (${count} pixels)`);
    assert.ok(edgeY <= 12 && edgeC <= 12, `${name}: worst error along the layer boundary: luma ${edgeY}, chroma ${edgeC}`);
  }
});

test('far-layer jitter: in a parallax move the far layer is as steady as a flat pan of the same travel (rendered frames)', async (t) => {
  const path = tmp.path('jitter.jpg');
  const jpeg = await gdepthJpeg(960, 540);
  writeFileSync(path, jpeg);
  const { plan } = await planClip(path, { move: 'parallax-right', size: '360p', duration: 2, easing: 'smooth' });
  const shot = plan.shots[0]!;
  assert.ok(shot.kind === 'image' && shot.motion.kind === 'depth');
  if (shot.kind !== 'image' || shot.motion.kind !== 'depth') return;
  const m = shot.motion;
  const { data: rgb, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const layered = buildLayers(rgb, info.width, info.height, m.depth).still;
  const dFar = layered.disparities[0]!;
  // A flat pan whose view is the far layer's in every frame.
  const flat = { ...m.camera, kind: 'camera' as const, start: layerView(m, 0, dFar), end: layerView(m, m.frames - 1, dFar), easing: m.easing, frames: m.frames };
  const W = 640, H = 360;
  const wl = new WasmLayered(layered);
  const still = loadStillWasm(rgbToYuv(rgb, info.width, info.height, 3, false));
  const frames = (draw: (f: number, out: Uint8Array) => void) => Array.from({ length: m.frames }, (_, f) => {
    const out = new Uint8Array(frameBytes(W, H));
    draw(f, out);
    return out.subarray(0, W * H);
  });
  const par = frames((f, out) => { const v = viewOf(m, f, 1, layered.disparities) as FrameView[]; wl.render(v, nearPlacements(layered, v, W, H), W, H, out); });
  const fl = frames((f, out) => sampleFrameWasm(still, viewOf(flat, f, 1) as FrameView, W, H, out));
  // Patches in the corners: the background, away from the near square (fractions 0.35–0.65 x 0.3–0.7).
  const at = [[40, 40], [600, 40], [40, 320], [600, 320]] as const;
  const a = measureMotion(par, W, H, 64, 7, at), b = measureMotion(fl, W, H, 64, 7, at);
  t.diagnostic(`far layer: parallax ${a.jitterPx.toFixed(4)} px, flat ${b.jitterPx.toFixed(4)} px; motion ${a.meanSpeedPx.toFixed(2)} / ${b.meanSpeedPx.toFixed(2)} px a frame`);
  assert.ok(a.meanSpeedPx > 0.2 && Math.abs(a.meanSpeedPx - b.meanSpeedPx) < 0.05 * b.meanSpeedPx, 'the same travel');
  assert.ok(a.jitterPx <= b.jitterPx * 1.2 + 0.002, `far-layer jitter ${a.jitterPx.toFixed(4)} px against ${b.jitterPx.toFixed(4)} px flat`);
});
