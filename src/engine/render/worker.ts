/**
 * A render thread: holds the still's planes (shared memory) and renders the frames it is sent,
 * with the wasm SIMD sampler (its own copy of the planes), or the JS reference if wasm fails.
 */
import { parentPort } from 'node:worker_threads';
import { renderFrame, frameBytes, type FrameView } from './render-frame.js';
import { SamplerScratch } from './sampler.js';
import { loadStillWasm, sampleFrameWasm, WasmSampler, type WasmStill } from './sampler-wasm.js';
import type { YuvStill } from './yuv.js';
import { drawNearLayers, isLayered, jsLayerSample, type LayeredStill } from './layered.js';

export type WorkerRequest =
  | { type: 'init'; still: YuvStill | null; width: number; height: number }
  /** Another still this thread may be asked to render (a slideshow's next shot). */
  | { type: 'still'; id: number; still: YuvStill | LayeredStill }
  | { type: 'drop'; id: number }
  | {
    type: 'frame'; index: number; view: FrameView; still?: number; /** A spent frame to render into (recycled, no new pages). */ buffer?: ArrayBuffer;
    /** A layered still: one view per layer, farthest first (`view` is the farthest's). */
    views?: readonly FrameView[];
  };
export type WorkerReply = { type: 'frame'; index: number; data: Uint8Array } | { type: 'error'; index: number; message: string };

interface Loaded { still: YuvStill; wasm: WasmStill | null; layered?: LayeredStill; layerWasm?: Array<WasmSampler | null> }
const stills = new Map<number, Loaded>();
let width = 0;
let height = 0;
const scratch = new SamplerScratch();

/** A layered still: the farthest layer as a still, and a wasm sampler per nearer layer (Y, U, V, A, A at chroma size). */
const loadLayered = (s: LayeredStill): Loaded => {
  const far = s.layers[0]!.still;
  const layerWasm = s.layers.map((l, i) => {
    if (i === 0 || !l.alpha || !l.alphaC) return null;
    try {
      return new WasmSampler([l.still.y, l.still.u, l.still.v, l.alpha, l.alphaC]);
    } catch {
      return null;
    }
  });
  return { still: far, wasm: loadWasm(far), layered: s, layerWasm };
};

/** The wasm sampler for this still, or null (JS reference) if it cannot load here. */
const loadWasm = (s: YuvStill): WasmStill | null => {
  try {
    return loadStillWasm(s);
  } catch {
    return null;
  }
};

parentPort!.on('message', (m: WorkerRequest) => {
  if (m.type === 'init') {
    width = m.width;
    height = m.height;
    stills.clear(); // drop the previous still's copy before making the new one
    if (m.still) stills.set(0, { still: m.still, wasm: loadWasm(m.still) });
    return;
  }
  if (m.type === 'still') {
    stills.set(m.id, isLayered(m.still) ? loadLayered(m.still) : { still: m.still, wasm: loadWasm(m.still) });
    return;
  }
  if (m.type === 'drop') {
    stills.delete(m.id);
    return;
  }
  try {
    const s = stills.get(m.still ?? 0);
    if (!s) throw new Error(`render worker has no still ${m.still ?? 0}`);
    const bytes = frameBytes(width, height);
    const out = m.buffer && m.buffer.byteLength === bytes ? new Uint8Array(m.buffer) : new Uint8Array(bytes);
    let done = false;
    if (s.wasm) {
      try {
        sampleFrameWasm(s.wasm, m.view, width, height, out);
        done = true;
      } catch {
        // e.g. a view the kernel refuses or memory it cannot get: the JS reference renders this frame
      }
    }
    if (!done) renderFrame(s.still, m.view, width, height, out, scratch);
    if (s.layered && m.views) {
      const js = jsLayerSample(s.layered, scratch);
      const lw = s.layerWasm!;
      drawNearLayers(s.layered, m.views, width, height, out, (l, p, view, buf, w, h) => {
        const k = lw[l];
        if (k) {
          try {
            k.samplePlane(p, view, buf, 0, w, h);
            return;
          } catch {
            // the JS reference draws it
          }
        }
        js(l, p, view, buf, w, h);
      });
    }
    const reply: WorkerReply = { type: 'frame', index: m.index, data: out };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    const reply: WorkerReply = { type: 'error', index: m.index, message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
