import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplePlane, SamplerScratch, type Plane } from '../../src/engine/render/sampler.js';
import { renderFrame, frameBytes } from '../../src/engine/render/render-frame.js';
import { WasmMixer, WasmSampler, loadStillWasm, sampleFrameWasm } from '../../src/engine/render/sampler-wasm.js';
import { composeTransition } from '../../src/engine/compose/transitions.js';
import { RenderPool } from '../../src/engine/render/pool.js';
import type { YuvStill } from '../../src/engine/render/yuv.js';

/** Deterministic pseudo-random numbers in [0, 1). */
const rng = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

/** A plane mixing noise, hard edges and smooth ramps (the edges are where rounding differs). */
const texture = (w: number, h: number, rnd: () => number): Plane => {
  const d = new Uint8Array(w * h);
  const kind = Math.floor(rnd() * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (kind === 0) d[i] = Math.floor(rnd() * 256);
      else if (kind === 1) d[i] = ((x >> 2) + (y >> 3)) % 2 ? 235 : 16;
      else d[i] = (x * 3 + y * 5 + Math.floor(rnd() * 8)) & 255;
    }
  }
  return { data: d, width: w, height: h };
};

const maxDiff = (a: Uint8Array, b: Uint8Array): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

test('wasm matches the JS sampler within ±1 over random views, scales and plane sizes', () => {
  const rnd = rng(7);
  const sc = new SamplerScratch();
  let checked = 0;
  for (let it = 0; it < 250; it++) {
    // Odd and even sizes, narrow planes (< 16 outputs: scalar vertical tail) and wide ones.
    const w = 7 + Math.floor(rnd() * (it % 5 === 0 ? 20 : 400));
    const h = 7 + Math.floor(rnd() * (it % 7 === 0 ? 15 : 160));
    const src = texture(w, h, rnd);
    const ws = new WasmSampler([src]);
    for (let v = 0; v < 4; v++) {
      const scale = 0.3 + rnd() * 2.7;
      const outW = 1 + Math.floor(rnd() * Math.max(1, w / scale + 4));
      const outH = 1 + Math.floor(rnd() * Math.max(1, h / scale + 4));
      // Origins anywhere from a little outside the plane to past its far edge: edges replicate.
      const left = (rnd() * 1.2 - 0.1) * Math.max(1, w - outW * scale) + (rnd() - 0.5) * 4;
      const top = (rnd() * 1.2 - 0.1) * Math.max(1, h - outH * scale) + (rnd() - 0.5) * 4;
      const view = { left, top, scale };
      const a = new Uint8Array(outW * outH);
      const b = new Uint8Array(outW * outH);
      samplePlane(src, view, a, 0, outW, outH, sc);
      ws.samplePlane(0, view, b, 0, outW, outH);
      const d = maxDiff(a, b);
      assert.ok(d <= 1, `plane ${w}x${h} → ${outW}x${outH}, view ${JSON.stringify(view)}: off by ${d}`);
      checked += a.length;
    }
  }
  assert.ok(checked > 1e6, `only ${checked} samples compared`);
});

test('wasm matches the JS sampler at the scales the product uses, on 8-output groups near every phase', () => {
  const rnd = rng(99);
  const sc = new SamplerScratch();
  const src = texture(611, 203, rnd);
  const ws = new WasmSampler([src]);
  for (const scale of [0.3, 0.5, 0.9, 1, 1.0001, 1.1, 1.25, 1.4, 1.5, 1.66, 1.7, 2, 2.5, 3]) {
    for (let k = 0; k < 6; k++) {
      const outW = Math.floor(600 / scale) - 2 - k;
      const outH = Math.floor(200 / scale) - 1;
      const view = { left: rnd() * 3, top: rnd() * 2, scale };
      const a = new Uint8Array(outW * outH);
      const b = new Uint8Array(outW * outH);
      samplePlane(src, view, a, 0, outW, outH, sc);
      ws.samplePlane(0, view, b, 0, outW, outH);
      assert.ok(maxDiff(a, b) <= 1, `scale ${scale}, view ${JSON.stringify(view)}`);
    }
  }
});

test('an identity view reproduces the plane exactly in wasm', () => {
  const rnd = rng(3);
  for (const [w, h] of [[64, 32], [17, 9], [1921, 7], [33, 33]] as const) {
    const src = texture(w, h, rnd);
    const out = new Uint8Array(w * h);
    new WasmSampler([src]).samplePlane(0, { left: 0, top: 0, scale: 1 }, out, 0, w, h);
    assert.deepEqual(out, src.data);
  }
});

test('wasm: sub-pixel offsets move the picture by the fraction asked, without rounding', () => {
  // A soft bright blob at x = 100 (and y = 40); its centroid in the output must sit at
  // 100 - left (40 - top), to 1/50 px.
  const w = 256, h = 80;
  const d = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) d[y * w + x] = 16 + Math.round(200 * Math.exp(-((x - 100) ** 2 + (y - 40) ** 2) / (2 * 3 * 3)));
  }
  const ws = new WasmSampler([{ data: d, width: w, height: h }]);
  for (const [left, top] of [[0, 0], [0.1, 0.05], [0.25, 0.3], [0.5, 0.5], [0.75, 0.9], [10.33, 7.71]] as const) {
    const o8 = new Uint8Array(200 * 60);
    ws.samplePlane(0, { left, top, scale: 1 }, o8, 0, 200, 60);
    let s = 0, mx = 0, my = 0;
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 200; x++) {
        const v = o8[y * 200 + x]! - 16;
        s += v;
        mx += v * x;
        my += v * y;
      }
    }
    const cx = mx / s, cy = my / s;
    assert.ok(Math.abs(cx - (100 - left)) < 0.02, `left ${left}: centroid ${cx.toFixed(4)} vs ${100 - left}`);
    assert.ok(Math.abs(cy - (40 - top)) < 0.02, `top ${top}: centroid ${cy.toFixed(4)} vs ${40 - top}`);
  }
});

test('sampleFrameWasm renders the same yuv420p frame as renderFrame', () => {
  const rnd = rng(11);
  const sc = new SamplerScratch();
  for (const [sw, sh, ow, oh] of [[400, 300, 320, 180], [401, 299, 255, 143], [240, 160, 320, 214], [97, 61, 33, 17]] as const) {
    const y = texture(sw, sh, rnd);
    const cw = (sw + 1) >> 1, ch = (sh + 1) >> 1;
    const still: YuvStill = { width: sw, height: sh, y, u: texture(cw, ch, rnd), v: texture(cw, ch, rnd) };
    const ws = loadStillWasm(still);
    for (let i = 0; i < 8; i++) {
      const vw = 0.3 + rnd() * 0.9;
      const view = { x: (rnd() - 0.2) * (1 - vw), y: (rnd() - 0.2) * 0.3, w: vw };
      const a = new Uint8Array(frameBytes(ow, oh));
      const b = new Uint8Array(frameBytes(ow, oh));
      renderFrame(still, view, ow, oh, a, sc);
      sampleFrameWasm(ws, view, ow, oh, b);
      assert.ok(maxDiff(a, b) <= 1, `${sw}x${sh} → ${ow}x${oh}, view ${JSON.stringify(view)}`);
    }
  }
});

test('sampleFrameWasm refuses a buffer that is too small and views it cannot represent', () => {
  const still: YuvStill = { width: 8, height: 8, y: texture(8, 8, rng(1)), u: texture(4, 4, rng(2)), v: texture(4, 4, rng(3)) };
  const ws = loadStillWasm(still);
  assert.throws(() => sampleFrameWasm(ws, { x: 0, y: 0, w: 1 }, 8, 8, new Uint8Array(10)));
  assert.throws(() => sampleFrameWasm(ws, { x: Number.NaN, y: 0, w: 1 }, 8, 8, new Uint8Array(frameBytes(8, 8))));
});

test('render threads (wasm path) produce the frames of the JS reference', async () => {
  const rnd = rng(21);
  const sw = 301, sh = 203;
  const cw = (sw + 1) >> 1, ch = (sh + 1) >> 1;
  const share = (p: Plane): Plane => {
    const d = new Uint8Array(new SharedArrayBuffer(p.data.length));
    d.set(p.data);
    return { data: d, width: p.width, height: p.height };
  };
  const still: YuvStill = { width: sw, height: sh, y: share(texture(sw, sh, rnd)), u: share(texture(cw, ch, rnd)), v: share(texture(cw, ch, rnd)) };
  const ow = 250, oh = 142;
  const pool = new RenderPool(2, { width: ow, height: oh, still });
  try {
    const views = Array.from({ length: 6 }, (_, i) => ({ x: 0.05 + i * 0.0131, y: 0.03 + i * 0.007, w: 0.6 + i * 0.05 }));
    const frames = await Promise.all(views.map((v, i) => pool.render(i, v)));
    const sc = new SamplerScratch();
    for (let i = 0; i < views.length; i++) {
      const ref = new Uint8Array(frameBytes(ow, oh));
      renderFrame(still, views[i]!, ow, oh, ref, sc);
      assert.ok(maxDiff(ref, frames[i]!) <= 1, `frame ${i}`);
    }
  } finally {
    await pool.close();
  }
});

test('the SIMD cross-fade gives the JS transition\'s exact bytes (any length, any progress, in place)', () => {
  const mixer = new WasmMixer();
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  for (const [W, H] of [[16, 8], [18, 6], [64, 36], [2, 2]] as const) {
    const n = frameBytes(W, H);
    const a = Uint8Array.from({ length: n }, rnd), b = Uint8Array.from({ length: n }, rnd);
    a[0] = 255; b[0] = 255; a[1] = 0; b[1] = 255; a[2] = 255; b[2] = 0; // the extremes
    for (const p of [0.001, 0.25, 0.37, 0.5, 0.999]) {
      const js = Uint8Array.from(a);
      composeTransition('crossfade', js, b, p, W, H, js);
      const simd = new Uint8Array(n);
      mixer.mix(a, b, p, simd);
      assert.deepEqual(simd, js, `${W}x${H} at ${p}`);
      const inPlace = Uint8Array.from(a);
      composeTransition('crossfade', inPlace, b, p, W, H, inPlace, (x, y, q, o) => mixer.mix(x, y, q, o));
      assert.deepEqual(inPlace, js, `${W}x${H} at ${p}, in place`);
    }
  }
});
