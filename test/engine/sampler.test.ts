import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTaps, samplePlane, SamplerScratch } from '../../src/engine/render/sampler.js';
import { rgbToYuv, yuvToRgb } from '../../src/engine/render/yuv.js';

const ramp = (w: number, h: number) => {
  const d = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = Math.round((x / (w - 1)) * 200 + 20);
  return { data: d, width: w, height: h };
};

test('taps: weights sum to one and stay within the source', () => {
  for (const scale of [0.37, 0.8, 1, 1.0001, 1.25, 1.7, 3.3]) {
    for (const origin of [0, 0.25, 13.7]) {
      const t = computeTaps(97, 400, origin, scale);
      for (let o = 0; o < 97; o++) {
        let s = 0;
        for (let k = 0; k < t.taps; k++) {
          const w = t.weights[o * t.taps + k]!;
          assert.ok(w >= 0);
          s += w;
        }
        assert.equal(s, 1 << 14);
        assert.ok(t.start[o]! >= 0 && t.start[o]! + t.taps <= 400);
      }
    }
  }
});

test('every output sample is centred where the view asks, at every phase and scale (no wobble in pans)', () => {
  // The weights' centre of mass must sit on the sample's position: a tent 1.1-1.9 px wide sampled
  // at whole pixels was off by up to 0.07 output px, varying with the phase as a pan swept it.
  let worst = 0, at = '';
  for (const scale of [0.75, 1, 1.05, 1.111, 1.2, 1.333, 1.5, 1.75, 2, 2.4, 3.3]) {
    for (let k = 0; k < 64; k++) {
      const origin = 50 + k / 64;
      const t = computeTaps(4, 400, origin, scale);
      for (let o = 0; o < 4; o++) {
        const c = origin + (o + 0.5) * scale - 0.5;
        let m = 0, sum = 0;
        for (let j = 0; j < t.taps; j++) { m += t.weights[o * t.taps + j]! * (t.start[o]! + j); sum += t.weights[o * t.taps + j]!; }
        const err = Math.abs(m / sum - c) / scale;
        if (err > worst) { worst = err; at = `scale ${scale}, phase ${k}/64`; }
      }
    }
  }
  assert.ok(worst < 0.002, `centre of mass off by ${worst.toFixed(4)} output px at ${at}`);
});

test('an identity view reproduces the plane exactly', () => {
  const src = ramp(64, 32);
  const out = new Uint8Array(64 * 32);
  samplePlane(src, { left: 0, top: 0, scale: 1 }, out, 0, 64, 32, new SamplerScratch());
  assert.deepEqual(out, src.data);
});

test('sub-pixel offsets move the picture by the fraction asked, without rounding', () => {
  // A soft bright blob at x = 100; its centroid in the output must sit at 100 - left, to 1/50 px.
  const w = 256, h = 16;
  const d = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = 16 + Math.round(200 * Math.exp(-((x - 100) ** 2) / (2 * 3 * 3)));
  const sc = new SamplerScratch();
  for (const left of [0, 0.1, 0.25, 0.5, 0.75, 10.33]) {
    const o8 = new Uint8Array(200 * h);
    samplePlane({ data: d, width: w, height: h }, { left, top: 0, scale: 1 }, o8, 0, 200, h, sc);
    let s = 0, m = 0;
    for (let x = 0; x < 200; x++) { const v = o8[5 * 200 + x]! - 16; s += v; m += v * x; }
    const c = m / s;
    assert.ok(Math.abs(c - (100 - left)) < 0.02, `left ${left}: centroid ${c.toFixed(4)} vs ${100 - left}`);
  }
});

test('shrinking averages fine texture instead of aliasing it', () => {
  // A one-pixel checkerboard shrunk by 1.25 must come out near flat grey, not a moiré.
  const w = 500, h = 100;
  const d = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = (x + y) % 2 ? 235 : 16;
  const out = new Uint8Array(400 * 80);
  samplePlane({ data: d, width: w, height: h }, { left: 0, top: 0, scale: 1.25 }, out, 0, 400, 80, new SamplerScratch());
  let lo = 255, hi = 0;
  for (let y = 2; y < 78; y++) for (let x = 2; x < 398; x++) { const v = out[y * 400 + x]!; lo = Math.min(lo, v); hi = Math.max(hi, v); }
  assert.ok(hi - lo < 60, `checkerboard leaks through: ${lo}..${hi}`);
});

test('RGB → BT.709 limited YUV → RGB round trip keeps colours', () => {
  for (const c of [[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 150, 40], [255, 255, 255], [0, 0, 0], [90, 30, 160]]) {
    const rgb = new Uint8Array(4 * 3);
    for (let i = 0; i < 4; i++) rgb.set(c, i * 3);
    const yuv = rgbToYuv(rgb, 2, 2, 3, false);
    const back = yuvToRgb(yuv.y.data[0]!, yuv.u.data[0]!, yuv.v.data[0]!);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(back[k]! - c[k]!) <= 2, `${c} → ${back}`);
  }
  const white = rgbToYuv(new Uint8Array([255, 255, 255]), 1, 1, 3, false);
  assert.equal(white.y.data[0], 235, 'limited range white is 235');
});
