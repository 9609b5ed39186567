/**
 * A render thread: holds the still's planes (shared memory) and renders the frames it is sent,
 * with the wasm SIMD sampler (its own copy of the planes), or the JS reference if wasm fails.
 */
import { parentPort } from 'node:worker_threads';
import { renderFrame, frameBytes, type FrameView } from './render-frame.js';
import { SamplerScratch } from './sampler.js';
import { loadStillWasm, sampleFrameWasm, type WasmStill } from './sampler-wasm.js';
import type { YuvStill } from './yuv.js';

export type WorkerRequest =
  | { type: 'init'; still: YuvStill; width: number; height: number }
  | { type: 'frame'; index: number; view: FrameView; /** A spent frame to render into (recycled, no new pages). */ buffer?: ArrayBuffer };
export type WorkerReply = { type: 'frame'; index: number; data: Uint8Array } | { type: 'error'; index: number; message: string };

let still: YuvStill | null = null;
let width = 0;
let height = 0;
const scratch = new SamplerScratch();
let wasmStill: WasmStill | null = null;

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
    still = m.still;
    width = m.width;
    height = m.height;
    wasmStill = null; // drop the previous still's copy before making the new one
    wasmStill = loadWasm(m.still);
    return;
  }
  try {
    if (!still) throw new Error('render worker used before init');
    const bytes = frameBytes(width, height);
    const out = m.buffer && m.buffer.byteLength === bytes ? new Uint8Array(m.buffer) : new Uint8Array(bytes);
    let done = false;
    if (wasmStill) {
      try {
        sampleFrameWasm(wasmStill, m.view, width, height, out);
        done = true;
      } catch {
        // e.g. a view the kernel refuses or memory it cannot get: the JS reference renders this frame
      }
    }
    if (!done) renderFrame(still, m.view, width, height, out, scratch);
    const reply: WorkerReply = { type: 'frame', index: m.index, data: out };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    const reply: WorkerReply = { type: 'error', index: m.index, message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
