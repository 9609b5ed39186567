/**
 * Living photos (issue 14): regions found where they are and nowhere else, effects periodic and
 * deterministic, and, on a decoded video of a landscape made in code, motion where asked (a clear
 * leftward median in the sky) and none over the land, with a seamless loop point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { findFoliage, findSky, findWater, regionMask, regionShares, smallFromRgb, smallFromYuv } from '../../src/engine/analyze/regions.js';
import { blockFlow, meanAbsDiff, median } from '../../src/engine/analyze/block-flow.js';
import { decodeFrames } from '../../src/engine/ffmpeg/index.js';
import { applyLiving, livingWasm } from '../../src/engine/living/render.js';
import { prepareLiving } from '../../src/engine/living/prepare.js';
import { rgbToYuv } from '../../src/engine/render/yuv.js';
import { loadStillWasm, sampleFrameWasm } from '../../src/engine/render/sampler-wasm.js';
import { DEFAULT_DIRECTION, DIRECTION_VECTORS, EFFECT_TYPES, planPhotoShot, speedFraction, renderPlan, RENDER_PLAN_VERSION, type EffectPlan, type RenderPlan } from '../../src/engine/index.js';
import { detailedLandscapeRgb, skyLandscapeRgb, tempDir, texturedRgb } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());

const small = async (rgb: Buffer, w: number, h: number) => {
  const t = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).resize(160, 160, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  return smallFromRgb(t.data, t.info.width, t.info.height);
};

test('the sky of a landscape is found down to its horizon; a photo without one has none', async () => {
  const land = await small(skyLandscapeRgb(960, 540), 960, 540);
  const sky = findSky(land);
  assert.ok(sky, 'sky found');
  assert.ok(Math.abs(sky.horizon - 0.45) < 0.08, `horizon at ${sky.horizon}`);
  assert.ok(sky.coverage > 0.3 && sky.coverage < 0.55, `coverage ${sky.coverage}`);
  assert.equal(findWater(land, sky), null, 'grass is not water');
  // A deep bluish shadow below the sky (an arch, a doorway) mirrors nothing: it is not water.
  const shade = skyLandscapeRgb(960, 540);
  for (let y = 300; y < 540; y++) for (let x = 0; x < 960; x++) { const i = (y * 960 + x) * 3, n = ((x * 7 + y * 13) % 5) - 2; shade[i] = 16 + n; shade[i + 1] = 22 + n; shade[i + 2] = 34 + n; }
  const dark = await small(shade, 960, 540);
  assert.equal(findWater(dark, findSky(dark)), null, 'a dark shadow is not water');
  assert.equal(findSky(await small(texturedRgb(640, 480, 5), 640, 480)), null, 'no sky in a texture');
  // A dim slate-grey wall with a faint blue cast above a textured table (a portrait-mode still life) is no sky.
  const wall = texturedRgb(960, 540, 9);
  for (let y = 0; y < 290; y++) for (let x = 0; x < 960; x++) { const i = (y * 960 + x) * 3; wall[i] = 100; wall[i + 1] = 106; wall[i + 2] = 110 + Math.round((x / 960) * 5); }
  assert.equal(findSky(await small(wall, 960, 540)), null, 'a slate wall is not a sky');
  // The render side finds the same sky on the still's planes.
  const still = rgbToYuv(skyLandscapeRgb(960, 540), 960, 540, 3, false);
  const again = findSky(smallFromYuv(still.y, still.u, still.v));
  assert.ok(again && Math.abs(again.horizon - sky.horizon) < 0.05, `render-side horizon ${again?.horizon}`);
});

test('foliage: leafy green texture is found, a smooth green wall and a grey card are not; the analysis stores it', async () => {
  const W = 960, H = 540;
  const rgb = skyLandscapeRgb(W, H);
  // Left half below the horizon: leaves (green, detailed); right half: a smooth painted green wall.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let y = 300; y < H; y++) for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 3;
    if (x < W / 2) { const n = Math.round((rnd() - 0.5) * 70) + (((x >> 3) + (y >> 3)) % 2 ? 18 : -18); rgb[i] = 50 + n * 0.4; rgb[i + 1] = 120 + n; rgb[i + 2] = 40 + n * 0.3; }
    else { rgb[i] = 60; rgb[i + 1] = 125; rgb[i + 2] = 55; }
  }
  const s = await small(rgb, W, H);
  const f = findFoliage(s, findSky(s));
  assert.ok(f, 'foliage found');
  const at = (fx: number, fy: number) => f.mask.data[Math.floor(fy * f.mask.height) * f.mask.width + Math.floor(fx * f.mask.width)]!;
  assert.equal(at(0.25, 0.8), 1, 'the leaves');
  assert.equal(at(0.8, 0.8), 0, 'not the smooth wall');
  assert.equal(at(0.5, 0.2), 0, 'not the sky');
  assert.ok(f.coverage > 0.15 && f.coverage < 0.35, `coverage ${f.coverage}`);
  const shares = regionShares(s);
  assert.ok(shares.foliage > 0.15 && shares.foliageMatte, 'stored with the analysis');
  const grey = await small(Buffer.alloc(640 * 480 * 3, 110), 640, 480);
  assert.equal(findFoliage(grey), null);
  assert.equal(regionShares(grey).foliage, 0);
  // The render moves what analysis found, feathered inside it.
  const m = regionMask({ kind: 'named', name: 'foliage', found: shares.foliageMatte }, W, H, () => s)!;
  const mat = (fx: number, fy: number) => m.data[Math.floor(fy * m.height) * m.width + Math.floor(fx * m.width)]!;
  assert.ok(mat(0.25, 0.8) > 0.99 && mat(0.8, 0.8) === 0 && mat(0.5, 0.2) === 0);
});

test('region masks: soft inside, zero outside (thirds, polygons, the sky)', async () => {
  const s = () => { throw new Error('not needed'); };
  const top = regionMask({ kind: 'named', name: 'top-third' }, 900, 600, s)!;
  const at = (m: typeof top, fx: number, fy: number) => m.data[Math.floor(fy * m.height) * m.width + Math.floor(fx * m.width)]!;
  assert.equal(at(top, 0.5, 0.1), 1);
  assert.equal(at(top, 0.5, 0.34), 0, 'nothing below the third');
  assert.equal(at(top, 0.5, 0.6), 0);
  const poly = regionMask({ kind: 'polygon', points: [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1]] }, 900, 600, s)!;
  assert.equal(at(poly, 0.8, 0.8), 1);
  assert.equal(at(poly, 0.3, 0.3), 0);
  assert.ok(at(poly, 0.505, 0.8) < 1, 'the edge is soft');
  const still = rgbToYuv(skyLandscapeRgb(960, 540), 960, 540, 3, false);
  const sky = regionMask({ kind: 'named', name: 'sky' }, 960, 540, () => smallFromYuv(still.y, still.u, still.v))!;
  assert.equal(at(sky, 0.5, 0.1), 1);
  assert.equal(at(sky, 0.5, 0.6), 0, 'the land is outside');
});

const fx = (type: EffectPlan['type'], period: number, region: EffectPlan['region'] = { kind: 'named', name: 'all' }): EffectPlan =>
  ({ type, region, dir: [-1, 0], speed: 0.002, strength: 0.7, seed: 11, period });

test('every effect repeats exactly over its period, is the same for the same seed, and changes the frame', () => {
  const W = 192, H = 108;
  const still = rgbToYuv(skyLandscapeRgb(W, H), W, H, 3, false);
  const frame = (e: EffectPlan, t: number) => {
    const living = prepareLiving(still, [e]);
    const out = new Uint8Array(W * H * 1.5);
    out.set(still.y.data);
    out.set(still.u.data, W * H);
    out.set(still.v.data, W * H + (W / 2) * (H / 2));
    applyLiving(living, still, { x: 0, y: 0, w: 1 }, t, W, H, out);
    return out;
  };
  for (const type of EFFECT_TYPES) {
    const e = fx(type, 30);
    const a = frame(e, 7), b = frame(e, 37), c = frame(e, 7), d = frame(e, 19);
    assert.deepEqual(a, b, `${type}: frame 7 = frame 37`);
    assert.deepEqual(a, c, `${type}: deterministic`);
    assert.notDeepEqual(a, d, `${type}: it moves`);
  }
});

/**
 * Frame 9 of one effect over a still camera's frame (luma): asserts every pixel outside `inside`
 * is exactly the camera's, and returns how many inside changed.
 */
const changedOnlyInside = (still: ReturnType<typeof rgbToYuv>, e: EffectPlan, inside: (fx: number, fy: number) => boolean, what: string): number => {
  const W = still.width, H = still.height;
  const out = new Uint8Array(W * H * 1.5);
  out.set(still.y.data);
  applyLiving(prepareLiving(still, [e]), still, { x: 0, y: 0, w: 1 }, 9, W, H, out);
  let moved = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    if (!inside((x + 0.5) / W, (y + 0.5) / H)) assert.equal(out[i], still.y.data[i], `pixel ${x},${y} outside ${what} changed`);
    else if (out[i] !== still.y.data[i]) moved++;
  }
  return moved;
};

test('a flow in a region leaves every pixel outside it exactly as the camera made it', () => {
  const W = 192, H = 108;
  const still = rgbToYuv(skyLandscapeRgb(W, H), W, H, 3, false);
  const moved = changedOnlyInside(still, fx('drift', 30, { kind: 'named', name: 'top-half' }), (_, fy) => fy < 0.5, 'the top half');
  assert.ok(moved > W * 10, `the top half moved (${moved} pixels)`);
});

test('steam above the subject: wisps above its box, the subject (its rim included) and all else exactly as the camera made them', () => {
  const W = 240, H = 320;
  const still = rgbToYuv(texturedRgb(W, H), W, H, 3, false);
  const subject = { x: 0.3, y: 0.5, w: 0.4, h: 0.4 };
  const e = { ...fx('rise', 30, { kind: 'named', name: 'above-subject', subject }), dir: [0, -1] as const };
  const above = changedOnlyInside(still, e, (fxp, fyp) => fxp >= subject.x && fxp < subject.x + subject.w && fyp < subject.y, 'the column above the subject');
  assert.ok(above > W * 5, `steam shows above the subject (${above} pixels)`);
});

test('the flows on the SIMD kernel match the JS reference (a level apart at most), with a mask and without', () => {
  const W = 480, H = 270;
  const still = rgbToYuv(skyLandscapeRgb(W, H), W, H, 3, false);
  // The kernel's fast path (8 pixels a step, groups whose samples are all inside the region) and
  // its per-sample path (the region's edges, groups cut by the row's end: 318 and 159 are not
  // multiples of 8) must both agree with the reference.
  for (const [OW, OH] of [[320, 180], [318, 178]] as const) for (const type of ['drift', 'flow', 'ripple', 'sway', 'rise'] as const) {
    const base = new Uint8Array(OW * OH + 2 * (OW >> 1) * (OH >> 1));
    for (let i = 0; i < base.length; i++) base[i] = (i * 37) & 255;
    const diamond = { kind: 'polygon', points: [[0.5, 0.05], [0.95, 0.5], [0.5, 0.95], [0.05, 0.5]] } as const;
    for (const region of [{ kind: 'named', name: 'bottom-half' }, { kind: 'named', name: 'all' }, diamond] as const) {
      const name = region.kind === 'named' ? region.name : 'diamond';
      const living = prepareLiving(still, [{ ...fx(type, 30, region), speed: 0.004 }]);
      const view = { x: 0.05, y: 0.1, w: 0.8 };
      const a = base.slice(), b = base.slice();
      try {
        livingWasm.enabled = false;
        applyLiving(living, still, view, 11, OW, OH, a, undefined, 'flows');
      } finally {
        livingWasm.enabled = true;
      }
      applyLiving(living, still, view, 11, OW, OH, b, undefined, 'flows');
      let changed = 0, off = 0, sq = 0;
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i]! - b[i]!);
        assert.ok(d <= 1, `${type} ${name} ${OW}x${OH}: byte ${i} is ${b[i]}, the reference ${a[i]}`);
        if (d) off++;
        sq += d * d;
        if (a[i] !== base[i]) changed++;
      }
      assert.ok(changed > OW * 10, `${type} ${name} ${OW}x${OH}: the reference moved pixels (${changed})`);
      assert.ok(off < a.length / 100, `${type} ${name} ${OW}x${OH}: ${off} bytes differ`);
      assert.ok(sq === 0 || 10 * Math.log10((255 * 255 * a.length) / sq) > 60, `${type} ${name} ${OW}x${OH}: PSNR above 60 dB`);
    }
  }
});

test('the drift on the render thread\'s sampler: the kernel\'s mask and blend give the JS reference\'s bytes exactly (masks, a polygon, odd sizes, a moving view)', () => {
  const W = 480, H = 270;
  const still = rgbToYuv(skyLandscapeRgb(W, H), W, H, 3, false);
  const wasm = loadStillWasm(still);
  const diamond = { kind: 'polygon', points: [[0.5, 0.05], [0.95, 0.5], [0.5, 0.95], [0.05, 0.5]] } as const;
  // 317 and 159 columns: the 8-pixel steps end mid-row (luma and chroma), odd heights a half chroma row.
  for (const [OW, OH] of [[320, 180], [318, 178], [317, 179]] as const) {
    const sample = (v: { x: number; y: number; w: number }, o: Uint8Array, h: number = OH) => sampleFrameWasm(wasm, v, OW, h, o);
    const n = OW * OH + 2 * (OW >> 1) * (OH >> 1);
    // A mask made here (not a region): thin columns and single pixels, rows that differ over a few
    // bytes only (the kernel fills a row of one source value at once).
    const thin = new Uint8Array(W * H);
    for (let y = 20; y < 130; y++) { thin[y * W + 301] = 255; thin[y * W + 302] = 128; if (y % 7 === 0) thin[y * W + ((y * 13) % W)] = 200; }
    // And a band wide enough for the phases' shifted reads to land inside it (pixels that move).
    for (let y = 20; y < 110; y++) thin.fill(255, y * W + 100, y * W + 200);
    for (const region of [{ kind: 'named', name: 'sky' }, { kind: 'named', name: 'bottom-half' }, { kind: 'named', name: 'all' }, diamond, 'thin'] as const) {
      const name = region === 'thin' ? 'thin columns' : region.kind === 'named' ? region.name : 'diamond';
      // Fast enough that the phases' mask reads are shifted by several pixels (clamped at the edges).
      const e = { ...fx('drift', 30, region === 'thin' ? { kind: 'named', name: 'all' } : region), speed: 0.006, dir: [-0.8, 0.6] as [number, number] };
      const living = region === 'thin' ? { ...prepareLiving(still, [e]), masks: [thin] } : prepareLiving(still, [e]);
      let changed = 0;
      // Every frame of the period: one phase alone, and the two crossfading. A still view, then a moving one.
      for (let t = 0; t < 30; t++) for (const view of [{ x: 0.05, y: 0.1, w: 0.8 }, { x: 0.1 - 0.003 * t, y: 0.05 + 0.002 * t, w: 0.7 + 0.004 * t }]) {
        const a = new Uint8Array(n);
        sample(view, a);
        const b = a.slice(), before = a.slice();
        try {
          livingWasm.enabled = false;
          applyLiving(living, still, view, t, OW, OH, a, sample, 'flows');
        } finally {
          livingWasm.enabled = true;
        }
        applyLiving(living, still, view, t, OW, OH, b, sample, 'flows');
        for (let i = 0; i < n; i++) {
          if (a[i] !== b[i]) assert.fail(`drift ${name} ${OW}x${OH} t=${t} view ${JSON.stringify(view)}: byte ${i} (${i < OW * OH ? 'luma' : 'chroma'}) is ${b[i]}, the reference ${a[i]}`);
          if (a[i] !== before[i]) changed++;
        }
      }
      assert.ok(changed > (region === 'thin' ? OW * 10 : OW * 30 * 10), `drift ${name} ${OW}x${OH}: the reference moved pixels (${changed})`);
    }
  }
});

test('rise\'s wisps and the fog layer on the SIMD kernel match the JS reference (a level apart at most), with a mask and without', () => {
  const W = 480, H = 270;
  const still = rgbToYuv(skyLandscapeRgb(W, H), W, H, 3, false);
  for (const [OW, OH] of [[320, 180], [318, 178]] as const) for (const type of ['rise', 'fog'] as const) {
    const base = new Uint8Array(OW * OH + 2 * (OW >> 1) * (OH >> 1));
    for (let i = 0; i < base.length; i++) base[i] = (i * 37) & 255;
    const diamond = { kind: 'polygon', points: [[0.5, 0.05], [0.95, 0.5], [0.5, 0.95], [0.05, 0.5]] } as const;
    for (const region of [{ kind: 'named', name: 'all' }, diamond] as const) {
      const name = region.kind === 'named' ? region.name : 'diamond';
      const living = prepareLiving(still, [fx(type, 30, region)]);
      const view = { x: 0.05, y: 0.1, w: 0.8 };
      const a = base.slice(), b = base.slice();
      try {
        livingWasm.enabled = false;
        applyLiving(living, still, view, 11, OW, OH, a, undefined, 'overlays');
      } finally {
        livingWasm.enabled = true;
      }
      applyLiving(living, still, view, 11, OW, OH, b, undefined, 'overlays');
      let changed = 0, off = 0;
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i]! - b[i]!);
        assert.ok(d <= 1, `${type} ${name} ${OW}x${OH}: byte ${i} is ${b[i]}, the reference ${a[i]}`);
        if (d) off++;
        if (a[i] !== base[i]) changed++;
      }
      assert.ok(changed > OW * 10, `${type} ${name} ${OW}x${OH}: the reference drew (${changed} bytes)`);
      assert.ok(off < a.length / 200, `${type} ${name} ${OW}x${OH}: ${off} bytes differ`);
    }
  }
});

test('decoded video: "clouds drift left" moves the sky left and leaves the land still; the loop is seamless', async () => {
  const W = 960, H = 540, OW = 640, OH = 360, F = 60, fps = 30;
  const photo = tmp.path('land.png');
  await sharp(skyLandscapeRgb(W, H), { raw: { width: W, height: H, channels: 3 } }).png().toFile(photo);
  const { framing, motion } = planPhotoShot({ photo: { width: W, height: H }, canvasWidth: OW, canvasHeight: OH, fit: 'cover', move: 'static', intensity: 0.5, easing: 'smooth', frames: F, fps, variant: 0 });
  const effect: EffectPlan = { type: 'drift', region: { kind: 'named', name: 'sky' }, dir: [-1, 0], speed: 0.0025, strength: 0.5, seed: 1, period: F };
  const plan: RenderPlan = {
    version: RENDER_PLAN_VERSION, width: OW, height: OH, fps, frames: F, background: '#000000',
    shots: [{ id: 's', media: 'land', startFrame: 0, frames: F, transitionOut: null, kind: 'image', framing, motion, effects: [effect] }],
    texts: [], audio: [], output: { format: 'mp4', quality: 'high', preset: 'veryfast', loudnorm: false },
  };
  const out = tmp.path('drift.mp4');
  await renderPlan(plan, { output: out, locate: () => photo });
  const frames = await decodeFrames(out, { pixFmt: 'gray' });
  assert.equal(frames.length, F);
  const horizon = 0.45 * OH;
  const sky: number[] = [], land: number[] = [];
  for (let f = 0; f + 1 < F; f += 3) {
    for (const v of blockFlow(frames[f]!, frames[f + 1]!, OW, OH, { block: 24, radius: 5 })) {
      if (v.y < horizon - 0.06 * OH - 12) sky.push(v.dx);
      else if (v.y > horizon + 0.06 * OH + 12) land.push(Math.hypot(v.dx, v.dy));
    }
  }
  const expected = 0.0025 * OW; // picture widths per frame → output pixels (static camera, cover)
  assert.ok(sky.length > 100 && land.length > 100, `${sky.length} sky and ${land.length} land blocks`);
  assert.ok(median(sky) < -0.5 * expected, `sky moves left: median ${median(sky)} px/frame (expected about -${expected})`);
  assert.ok(median(land) < 0.1, `land still: median ${median(land)} px/frame`);
  const land95 = [...land].sort((a, b) => a - b)[Math.floor(land.length * 0.95)]!;
  assert.ok(land95 < 0.1, `land still: 95th percentile ${land95} px/frame`);
  // The loop point on the decoded video (the seamless-loop encoding: see the next test).
  const diffs = frames.slice(1).map((f, i) => meanAbsDiff(frames[i]!, f));
  const seam = meanAbsDiff(frames[F - 1]!, frames[0]!);
  assert.ok(seam <= median(diffs), `decoded: last → first ${seam.toFixed(3)} against the median step ${median(diffs).toFixed(3)}`);
});

test('rendered frames: last → first is no larger than the median step, for a flow and for particles', async () => {
  const { renderFrame } = await import('../../src/engine/render/render-frame.js');
  const { SamplerScratch } = await import('../../src/engine/render/sampler.js');
  const W = 480, H = 270, OW = 320, OH = 180, F = 60;
  const still = rgbToYuv(skyLandscapeRgb(W, H), W, H, 3, false);
  for (const effect of [
    { type: 'drift', region: { kind: 'named', name: 'sky' }, dir: [-1, 0], speed: 0.0025, strength: 0.5, seed: 1, period: F / 2 },
    { type: 'snow', region: { kind: 'named', name: 'all' }, dir: [0, 1], speed: 0.003, strength: 0.5, seed: 2, period: F },
    { type: 'ripple', region: { kind: 'named', name: 'bottom-half' }, dir: [1, 0], speed: 0.002, strength: 0.6, seed: 3, period: F / 2 },
  ] as EffectPlan[]) {
    const living = prepareLiving(still, [effect]);
    const sc = new SamplerScratch();
    const ys: Uint8Array[] = [];
    for (let t = 0; t < F; t++) {
      const out = new Uint8Array(OW * OH * 1.5);
      renderFrame(still, { x: 0, y: 0, w: 1 }, OW, OH, out, sc);
      applyLiving(living, still, { x: 0, y: 0, w: 1 }, t, OW, OH, out);
      ys.push(out.subarray(0, OW * OH));
    }
    const diffs = ys.slice(1).map((f, i) => meanAbsDiff(ys[i]!, f));
    const seam = meanAbsDiff(ys[F - 1]!, ys[0]!);
    assert.ok(median(diffs) > 0.05, `${effect.type} moves`);
    assert.ok(seam <= median(diffs) * 1.001, `${effect.type}: last → first ${seam.toFixed(3)} against the median step ${median(diffs).toFixed(3)}`);
  }
});

test('decoded video: a drift on a depth (parallax) move is rendered on the far layer, not dropped', async () => {
  const { encodeDepth } = await import('../../src/engine/depth/map.js');
  const W = 960, H = 540, OW = 640, OH = 360, F = 45, fps = 30;
  const photo = tmp.path('land-depth.png');
  await sharp(skyLandscapeRgb(W, H), { raw: { width: W, height: H, channels: 3 } }).png().toFile(photo);
  // Far everywhere but a near block low in the middle (on the land).
  const d = new Uint8Array(16 * 9).fill(20);
  for (let y = 6; y < 9; y++) for (let x = 6; x < 10; x++) d[y * 16 + x] = 240;
  const depth = { width: 16, height: 9, data: encodeDepth(d), source: 'estimated' as const, confidence: 0.7 };
  const { framing, motion } = planPhotoShot({ photo: { width: W, height: H, depth: { embedded: null, estimated: depth } }, canvasWidth: OW, canvasHeight: OH, fit: 'cover', move: 'parallax-left', intensity: 0.5, easing: 'linear', frames: F, fps, variant: 0 });
  assert.equal(motion.kind, 'depth');
  const effect: EffectPlan = { type: 'drift', region: { kind: 'named', name: 'top-third' }, dir: [-1, 0], speed: 0.003, strength: 0.5, seed: 1, period: F };
  const plan: RenderPlan = {
    version: RENDER_PLAN_VERSION, width: OW, height: OH, fps, frames: F, background: '#000000',
    shots: [{ id: 's', media: 'land', startFrame: 0, frames: F, transitionOut: null, kind: 'image', framing, motion, effects: [effect] }],
    texts: [], audio: [], output: { format: 'mp4', quality: 'high', preset: 'veryfast', loudnorm: false },
  };
  const out = tmp.path('drift-depth.mp4');
  await renderPlan(plan, { output: out, locate: () => photo });
  const frames = await decodeFrames(out, { pixFmt: 'gray' });
  const top: number[] = [], land: number[] = [];
  for (let f = 4; f + 1 < F - 4; f += 3) {
    for (const v of blockFlow(frames[f]!, frames[f + 1]!, OW, OH, { block: 24, radius: 6 })) {
      if (v.y < 0.28 * OH) top.push(v.dx);
      else if (v.y > 0.5 * OH && v.y < 0.62 * OH) land.push(v.dx);
    }
  }
  // The camera moves both; the drift adds its own leftward motion in the top third only.
  const rel = median(top) - median(land);
  assert.ok(rel < -0.5 * 0.003 * OW, `the top third drifts left relative to the far land: ${rel.toFixed(2)} px/frame (top ${median(top).toFixed(2)}, land ${median(land).toFixed(2)})`);
});

test('decoded video: the loop point is no larger than the median step, for a drift and a ripple, with a still camera and a loop camera', async () => {
  const { encodeDepth } = await import('../../src/engine/depth/map.js');
  const { isSeamless } = await import('../../src/engine/compose/render-plan.js');
  const W = 960, H = 540, OW = 640, OH = 360, F = 60, fps = 30;
  const photo = tmp.path('land-loop.png');
  await sharp(skyLandscapeRgb(W, H), { raw: { width: W, height: H, channels: 3 } }).png().toFile(photo);
  const d = new Uint8Array(16 * 9).fill(20);
  for (let y = 6; y < 9; y++) for (let x = 6; x < 10; x++) d[y * 16 + x] = 240;
  const depth = { width: 16, height: 9, data: encodeDepth(d), source: 'estimated' as const, confidence: 0.7 };
  const effects: EffectPlan[] = [
    { type: 'drift', region: { kind: 'named', name: 'sky' }, dir: [-1, 0], speed: 0.0025, strength: 0.5, seed: 1, period: F },
    { type: 'ripple', region: { kind: 'named', name: 'bottom-half' }, dir: [1, 0], speed: 0.002, strength: 0.6, seed: 3, period: F / 2 },
  ];
  for (const camera of ['still', 'loop', 'flat-loop'] as const) {
    const { framing, motion } = camera === 'still'
      ? planPhotoShot({ photo: { width: W, height: H }, canvasWidth: OW, canvasHeight: OH, fit: 'cover', move: 'static', intensity: 0.5, easing: 'smooth', frames: F, fps, variant: 0, loop: true })
      : camera === 'flat-loop'
      ? planPhotoShot({ photo: { width: W, height: H }, canvasWidth: OW, canvasHeight: OH, fit: 'cover', move: 'zoom-in', intensity: 0.5, easing: 'smooth', frames: F, fps, variant: 0, loop: true })
      : planPhotoShot({ photo: { width: W, height: H, depth: { embedded: null, estimated: depth } }, canvasWidth: OW, canvasHeight: OH, fit: 'cover', move: 'parallax-left', intensity: 0.3, easing: 'smooth', frames: F, fps, variant: 0, loop: true });
    if (camera === 'loop') assert.ok(motion.kind === 'depth' && motion.loop, 'a closed depth path');
    if (camera === 'flat-loop') assert.ok(motion.kind === 'camera' && motion.loop, 'a zoom there and back');
    for (const effect of effects) {
      const plan: RenderPlan = {
        version: RENDER_PLAN_VERSION, width: OW, height: OH, fps, frames: F, background: '#000000',
        shots: [{ id: 's', media: 'land', startFrame: 0, frames: F, transitionOut: null, kind: 'image', framing, motion, effects: [effect] }],
        texts: [], audio: [], output: { format: 'mp4', quality: 'high', preset: 'veryfast', loudnorm: false },
      };
      assert.equal(isSeamless(plan), true);
      const out = tmp.path(`loop-${camera}-${effect.type}.mp4`);
      await renderPlan(plan, { output: out, locate: () => photo });
      const frames = await decodeFrames(out, { pixFmt: 'gray' });
      assert.equal(frames.length, F);
      const diffs = frames.slice(1).map((f, i) => meanAbsDiff(frames[i]!, f));
      const seam = meanAbsDiff(frames[F - 1]!, frames[0]!);
      assert.ok(seam <= median(diffs), `${camera} camera, ${effect.type}: last → first ${seam.toFixed(3)} against the median step ${median(diffs).toFixed(3)}`);
    }
  }
});

test('decoded video: on a photo with fine detail, the loop point of a slow drift and a sway is no larger than the median step', async () => {
  // x264's deadzones, fast P-skip and B-frames round a slow motion's small changes away in fine
  // texture, so the steps inside the clip shrink while the loop point (between the near-lossless
  // first and last frames) keeps the whole step: with them, 1.1x and 2.2x the median step here.
  const W = 960, H = 540, OW = 640, OH = 360, F = 60, fps = 30;
  const photo = tmp.path('land-detail.png');
  await sharp(detailedLandscapeRgb(W, H), { raw: { width: W, height: H, channels: 3 } }).png().toFile(photo);
  const { isStillLoop } = await import('../../src/engine/compose/render-plan.js');
  const { framing, motion } = planPhotoShot({ photo: { width: W, height: H }, canvasWidth: OW, canvasHeight: OH, fit: 'cover', move: 'static', intensity: 0.5, easing: 'smooth', frames: F, fps, variant: 0, loop: true });
  const unasked = planPhotoShot({ photo: { width: W, height: H }, canvasWidth: OW, canvasHeight: OH, fit: 'cover', move: 'static', intensity: 0.5, easing: 'smooth', frames: F, fps, variant: 0 });
  for (const [type, region] of [['drift', 'sky'], ['sway', 'bottom-half']] as const) {
    // As `--effect drift:sky` and `--effect sway:bottom-half` with `--loop` plan them (speed and strength 0.5).
    const effect: EffectPlan = { type, region: { kind: 'named', name: region }, dir: DIRECTION_VECTORS[DEFAULT_DIRECTION[type]], speed: speedFraction(type, 0.5) / fps, strength: 0.5, seed: 7, period: F };
    const plan: RenderPlan = {
      version: RENDER_PLAN_VERSION, width: OW, height: OH, fps, frames: F, background: '#000000',
      shots: [{ id: 's', media: 'land', startFrame: 0, frames: F, transitionOut: null, kind: 'image', framing, motion, effects: [effect] }],
      texts: [], audio: [], output: { format: 'mp4', quality: 'high', preset: 'veryfast', loudnorm: false },
    };
    assert.equal(isStillLoop(plan), true, 'an asked-for loop with a still camera');
    assert.equal(isStillLoop({ ...plan, shots: [{ ...plan.shots[0]!, motion: unasked.motion } as RenderPlan['shots'][number]] }), false, 'a still clip with effects nobody asked to loop is coded as usual');
    const out = tmp.path(`loop-detail-${type}.mp4`);
    await renderPlan(plan, { output: out, locate: () => photo });
    const frames = await decodeFrames(out, { pixFmt: 'gray' });
    assert.equal(frames.length, F);
    const diffs = frames.slice(1).map((f, i) => meanAbsDiff(frames[i]!, f));
    const seam = meanAbsDiff(frames[F - 1]!, frames[0]!);
    assert.ok(median(diffs) > 0.05, `${type} moves: median step ${median(diffs).toFixed(3)}`);
    assert.ok(seam <= median(diffs), `${type}: last → first ${seam.toFixed(3)} against the median step ${median(diffs).toFixed(3)}`);
  }
});

test('the sky mask follows the skyline at the still\'s scale: soft within a few pixels above it, nothing below it', () => {
  const W = 960, H = 540;
  const still = rgbToYuv(skyLandscapeRgb(W, H), W, H, 3, false);
  const { masks } = prepareLiving(still, [fx('drift', 30, { kind: 'named', name: 'sky' })]);
  const m = masks[0]!;
  // The fixture's horizon (see skyLandscapeRgb).
  const hz = (x: number) => 0.45 * H + 0.03 * H * Math.sin((x / W) * 9) + 0.015 * H * Math.sin((x / W) * 31);
  const gaps: number[] = [];
  for (let x = 4; x < W - 4; x++) {
    let full = -1, below = 0;
    for (let y = 0; y < H; y++) {
      if (m[y * W + x]! === 255) full = y;
      if (y >= hz(x) + 1 && m[y * W + x]! > 0) below++; // the row the line crosses is half and half
    }
    assert.equal(below, 0, `column ${x}: nothing below the skyline moves`);
    gaps.push(hz(x) - full);
  }
  gaps.sort((a, b) => a - b);
  const worst = gaps[Math.floor(gaps.length * 0.98)]!;
  assert.ok(worst < 24, `the mask is whole up to ${worst.toFixed(1)} px above the skyline (98th percentile of columns)`);
  assert.ok(gaps[0]! > 1, `and soft: full strength starts ${gaps[0]!.toFixed(1)} px above it at the nearest`);
});

test('petals at 540p read as petals, not dust: blobs of tens of pixels, elongated, pink', () => {
  const W = 960, H = 540;
  const grey = Buffer.alloc(W * H * 3, 40);
  const still = rgbToYuv(grey, W, H, 3, false);
  const e: EffectPlan = { type: 'petals', region: { kind: 'named', name: 'all' }, dir: [Math.SQRT1_2, Math.SQRT1_2], speed: 0.002, strength: 0.7, seed: 3, period: 75 };
  const out = new Uint8Array(W * H * 1.5);
  out.set(still.y.data); out.set(still.u.data, W * H); out.set(still.v.data, W * H + (W / 2) * (H / 2));
  applyLiving(prepareLiving(still, [e]), still, { x: 0, y: 0, w: 1 }, 10, W, H, out);
  // Blobs of pixels clearly lighter than the grey, with their size and elongation (from moments).
  const base = still.y.data[0]!;
  const seen = new Uint8Array(W * H);
  const blobs: Array<{ n: number; elong: number; cr: number }> = [];
  for (let i0 = 0; i0 < W * H; i0++) {
    if (seen[i0] || out[i0]! < base + 40) continue;
    const stack = [i0]; seen[i0] = 1;
    let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, cr = 0;
    while (stack.length) {
      const i = stack.pop()!, x = i % W, y = (i / W) | 0;
      n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
      cr += out[W * H + (W / 2) * (H / 2) + (y >> 1) * (W / 2) + (x >> 1)]!;
      for (const j of [x > 0 ? i - 1 : -1, x < W - 1 ? i + 1 : -1, y > 0 ? i - W : -1, y < H - 1 ? i + W : -1]) {
        if (j >= 0 && !seen[j] && out[j]! >= base + 40) { seen[j] = 1; stack.push(j); }
      }
    }
    const vx = sxx / n - (sx / n) ** 2, vy = syy / n - (sy / n) ** 2, cxy = sxy / n - (sx / n) * (sy / n);
    const tr = vx + vy, det = vx * vy - cxy * cxy, d = Math.sqrt(Math.max(0, tr * tr / 4 - det));
    blobs.push({ n, elong: Math.sqrt((tr / 2 + d) / Math.max(1e-6, tr / 2 - d)), cr: cr / n });
  }
  assert.ok(blobs.length >= 15, `${blobs.length} petals seen`);
  const sizes = blobs.map((b) => b.n).sort((a, b) => a - b);
  assert.ok(sizes[Math.floor(sizes.length / 2)]! >= 20, `median petal ${sizes[Math.floor(sizes.length / 2)]} px`);
  const big = blobs.filter((b) => b.n >= 25);
  assert.ok(big.filter((b) => b.elong >= 1.6).length >= big.length * 0.4, 'many are elongated');
  assert.ok(median(big.map((b) => b.cr)) > 134, `pink: Cr ${median(big.map((b) => b.cr))}`);
});

test('a shine is a narrow bright band that crosses its region and touches nothing outside it', () => {
  const W = 640, H = 360;
  const still = rgbToYuv(Buffer.alloc(W * H * 3, 150), W, H, 3, false);
  const box = { x: 0.3, y: 0.2, w: 0.4, h: 0.6 };
  const e: EffectPlan = { type: 'shine', region: { kind: 'named', name: 'subject', subject: box }, dir: [1, 0], speed: 0.002, strength: 0.7, seed: 2, period: 60 };
  const living = prepareLiving(still, [e]);
  const mask = living.masks[0]!;
  let peak = 0, widest = 0, crossedLeft = false, crossedRight = false;
  for (let t = 0; t < 60; t++) {
    const out = new Uint8Array(W * H * 1.5);
    out.set(still.y.data); out.set(still.u.data, W * H); out.set(still.v.data, W * H + (W / 2) * (H / 2));
    applyLiving(living, still, { x: 0, y: 0, w: 1 }, t, W, H, out);
    let lit = 0, inside = 0;
    for (let i = 0; i < W * H; i++) {
      const d = out[i]! - still.y.data[i]!;
      if (mask[i] === 0) { assert.equal(d, 0, `frame ${t}: pixel ${i % W},${(i / W) | 0} outside the region changed`); continue; }
      inside++;
      if (d > 5) { lit++; const x = i % W; if (x < W * 0.4) crossedLeft = true; if (x > W * 0.6) crossedRight = true; }
      if (d > peak) peak = d;
    }
    widest = Math.max(widest, lit / inside);
  }
  assert.ok(peak >= 50, `the band's core is bright: +${peak} levels`);
  assert.ok(widest < 0.25, `and narrow: at most ${(widest * 100).toFixed(0)}% of the region lit at once`);
  assert.ok(crossedLeft && crossedRight, 'it crosses the region');
});

test('the water the analysis found is the water the render moves (stored with the analysis, refined to the banks at the still\'s scale)', async () => {
  const { regionShares, EDGE_SIZE } = await import('../../src/engine/analyze/regions.js');
  const W = 960, H = 540;
  // Sky over a far shore of trees, a dark bluish lake with a wavy near shore, and textured brown ground.
  const rgb = Buffer.alloc(W * H * 3);
  const shore = (x: number) => 0.74 * H + 0.03 * H * Math.sin(x / 70);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 3;
    if (y < 0.4 * H) { rgb[i] = 150 + (y / H) * 60; rgb[i + 1] = 185 + (y / H) * 40; rgb[i + 2] = 240; }
    else if (y < 0.47 * H) { const n = (((x >> 3) * 7919 + (y >> 3) * 104729) % 51) - 25; rgb[i] = 50 + n; rgb[i + 1] = 75 + n; rgb[i + 2] = 40 + n; }
    else if (y < shore(x)) { const r = 3 * Math.sin(x / 9 + y / 5); rgb[i] = 40 + r; rgb[i + 1] = 70 + r; rgb[i + 2] = 100 + r; }
    else { const n = (((x >> 3) * 7919 + (y >> 3) * 104729) % 61) - 30; rgb[i] = 110 + n; rgb[i + 1] = 80 + n; rgb[i + 2] = 50 + n; }
  }
  const shares = regionShares(await small(rgb, W, H));
  assert.ok(shares.water > 0.2 && shares.waterMatte, `water found: ${shares.water}`);
  const still = rgbToYuv(rgb, W, H, 3, false);
  const searchAgain = () => { throw new Error('the render must not search for the water again'); };
  const m = regionMask({ kind: 'named', name: 'water', found: shares.waterMatte }, W, H, searchAgain, () => smallFromYuv(still.y, still.u, still.v, EDGE_SIZE))!;
  const at = (fx: number, fy: number) => m.data[Math.min(m.height - 1, Math.floor(fy * m.height)) * m.width + Math.min(m.width - 1, Math.floor(fx * m.width))]!;
  assert.equal(at(0.5, 0.2), 0, 'the sky does not ripple');
  assert.equal(at(0.5, 0.95), 0, 'the ground does not ripple');
  let inside = 0, n = 0, over = 0;
  for (let x = 0.02; x < 0.98; x += 0.01) {
    for (let fy = 0.52; fy < 0.66; fy += 0.02) { inside += at(x, fy); n++; }
    // The mask follows the wavy shore: nothing a few pixels below it, whatever the detector's squares held.
    if (at(x, (shore(x * W) + 8) / H) > 0) over++;
  }
  assert.ok(inside / n > 0.9, `the lake moves: ${(inside / n).toFixed(2)} of it at full strength`);
  assert.ok(over <= 3, `${over} columns move below the shore`);
});
