/**
 * Microbenchmark of the frame sampler: ms per 1080p yuv420p frame (Y + U + V), single thread, JS
 * reference (`renderFrame`) against the wasm SIMD kernel (`sampleFrameWasm`), from a synthetic
 * 2304x1440 still, at a few scales, with sub-pixel origins that change every frame (as in a move).
 */
import { renderFrame, frameBytes, type FrameView } from '../src/engine/render/render-frame.js';
import { SamplerScratch } from '../src/engine/render/sampler.js';
import { loadStillWasm, sampleFrameWasm } from '../src/engine/render/sampler-wasm.js';
import { rgbToYuv } from '../src/engine/render/yuv.js';

const SW = 2304;
const SH = 1440;
const OW = 1920;
const OH = 1080;
const SCALES = [0.9, 1.0, 1.25, 1.4];

/** A still with texture everywhere (gradients plus deterministic noise). */
const syntheticStill = () => {
  const rgb = new Uint8Array(SW * SH * 3);
  let s = 12345;
  for (let y = 0; y < SH; y++) {
    for (let x = 0; x < SW; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = (s >>> 24) & 63;
      const p = (y * SW + x) * 3;
      rgb[p] = ((x * 255) / SW + n) & 255;
      rgb[p + 1] = ((y * 255) / SH + n) & 255;
      rgb[p + 2] = ((x + y) & 255) ^ n;
    }
  }
  return rgbToYuv(rgb, SW, SH, 3, false);
};

/** View of frame i at this scale: centred, drifting by a fraction of a pixel per frame. */
const viewAt = (scale: number, i: number): FrameView => {
  const w = (scale * OW) / SW;
  const hFrac = (scale * OH) / SH;
  return { x: (1 - w) / 2 + (i * 0.37) / SW, y: (1 - hFrac) / 2 + (i * 0.21) / SH, w };
};

const timePerFrame = (frames: number, f: (i: number) => void): number => {
  for (let i = 0; i < Math.min(5, frames); i++) f(i);
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) f(i);
  return (performance.now() - t0) / frames;
};

export async function benchSampler(): Promise<Array<{ scale: number; js_ms: number; wasm_ms: number }>> {
  const still = syntheticStill();
  const ws = loadStillWasm(still);
  const scratch = new SamplerScratch();
  const out = new Uint8Array(frameBytes(OW, OH));
  const rows: Array<{ scale: number; js_ms: number; wasm_ms: number }> = [];
  for (const scale of SCALES) {
    const js = timePerFrame(20, (i) => renderFrame(still, viewAt(scale, i), OW, OH, out, scratch));
    const wasm = timePerFrame(100, (i) => sampleFrameWasm(ws, viewAt(scale, i), OW, OH, out));
    rows.push({ scale, js_ms: Math.round(js * 100) / 100, wasm_ms: Math.round(wasm * 100) / 100 });
  }
  return rows;
}
