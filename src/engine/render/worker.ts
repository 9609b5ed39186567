/**
 * A render thread: holds the still's planes (shared memory) and renders the frames it is sent,
 * with the wasm SIMD sampler (its own copy of the planes), or the JS reference if wasm fails.
 */
import { parentPort } from 'node:worker_threads';
import { renderFrame, frameBytes, type FrameView } from './render-frame.js';
import { SamplerScratch } from './sampler.js';
import { loadStillWasm, sampleFrameWasm, type WasmStill } from './sampler-wasm.js';
import type { YuvStill } from './yuv.js';
import { applyLiving, type LivingStill } from '../living/render.js';

export type WorkerRequest =
  | { type: 'init'; still: YuvStill | null; width: number; height: number }
  /** Another still this thread may be asked to render (a slideshow's next shot). */
  | { type: 'still'; id: number; still: YuvStill; /** Effects and their masks (living photos). */ living?: LivingStill }
  | { type: 'drop'; id: number }
  | { type: 'frame'; index: number; view: FrameView; still?: number; /** A spent frame to render into (recycled, no new pages). */ buffer?: ArrayBuffer; /** The shot's own frame index (for effects). */ t?: number };
export type WorkerReply = { type: 'frame'; index: number; data: Uint8Array } | { type: 'error'; index: number; message: string };

interface Loaded { still: YuvStill; wasm: WasmStill | null; living?: LivingStill }
const stills = new Map<number, Loaded>();
let width = 0;
let height = 0;
const scratch = new SamplerScratch();

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
    stills.set(m.id, { still: m.still, wasm: loadWasm(m.still), ...(m.living ? { living: m.living } : {}) });
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
    if (s.living && s.living.effects.length) applyLiving(s.living, s.still, m.view, m.t ?? 0, width, height, out);
    const reply: WorkerReply = { type: 'frame', index: m.index, data: out };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    const reply: WorkerReply = { type: 'error', index: m.index, message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
