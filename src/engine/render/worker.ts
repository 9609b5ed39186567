/**
 * A render thread: holds the still's planes (shared memory) and renders the frames it is sent,
 * with the wasm SIMD sampler (its own copy of the planes), or the JS reference if wasm fails.
 */
import { parentPort } from 'node:worker_threads';
import { renderFrame, frameBytes, type FrameView } from './render-frame.js';
import { SamplerScratch, samplePlane } from './sampler.js';
import { loadStillWasm, sampleFrameWasm, WasmLayered, WasmMixer, type WasmStill } from './sampler-wasm.js';
import { rgbToYuvRows, type YuvStill } from './yuv.js';
import { applyLiving, type LivingStill } from '../living/render.js';
import { drawNearLayers, isLayered, jsLayerSample, nearPlacements, type LayeredStill } from './layered.js';
import { composeTransition, type TransitionKind } from '../compose/transitions.js';
import { layerRows, planLayers, type LayerJob } from '../depth/layers.js';
import type { DepthMap } from '../depth/map.js';

export type WorkerRequest =
  | { type: 'init'; still: YuvStill | null; width: number; height: number; /** Frames carry an alpha plane after the chroma (yuva420p). */ alpha?: boolean }
  /** Another still this thread may be asked to render (a slideshow's next shot). */
  | { type: 'still'; id: number; still: YuvStill | LayeredStill; /** Effects and their masks (living photos). */ living?: LivingStill }
  | { type: 'drop'; id: number }
  | {
    type: 'frame'; index: number; view: FrameView; still?: number; /** A spent frame to render into (recycled, no new pages). */ buffer?: ArrayBuffer;
    /** A layered still: one view per layer, farthest first (`view` is the farthest's). */
    views?: readonly FrameView[];
    /** The shot's own frame index (for effects). */
    t?: number;
  }
  /** Work split across the threads: part of a depth layer build (src/engine/depth/layers.ts), or a band of a photo's planes. */
  | { type: 'task'; task: number; work: PoolTask }
  /** Two frames of a transition to blend here (a whole frame of arithmetic: never on the main thread); the result is written into `a`. */
  | { type: 'mix'; index: number; kind: TransitionKind; p: number; a: Uint8Array; b: Uint8Array };
export type WorkerReply =
  | { type: 'frame'; index: number; data: Uint8Array; /** A mix's second frame, handed back to be recycled. */ spare?: Uint8Array }
  | { type: 'error'; index: number; message: string }
  | { type: 'task-done'; task: number; result: LayerJob | null }
  | { type: 'task-error'; task: number; message: string };

export type PoolTask =
  | { kind: 'plan-layers'; rgb: Uint8Array; width: number; height: number; depth: DepthMap }
  | { kind: 'layer-rows'; job: LayerJob; r0: number; r1: number }
  /** Rows [r0, r1) of a photo's RGB picture (shared) into its shared planes `out` (off the main thread, a band per thread). */
  | { kind: 'yuv-rows'; rgb: Uint8Array; width: number; height: number; channels: number; out: YuvStill; r0: number; r1: number };

interface Loaded { still: YuvStill; wasm: WasmStill | null; layered?: LayeredStill; layeredWasm?: WasmLayered | null; living?: LivingStill }
const stills = new Map<number, Loaded>();
let width = 0;
let height = 0;
let alpha = false;
const scratch = new SamplerScratch();
/** Transitions' cross-fades on the SIMD kernel (made on first use; the JS loop if it cannot load). */
let mixer: WasmMixer | null | undefined;
const wasmMix = (a: Uint8Array, b: Uint8Array, p: number, out: Uint8Array): void => {
  if (mixer === undefined) {
    try { mixer = new WasmMixer(); } catch { mixer = null; }
  }
  if (mixer) {
    try { mixer.mix(a, b, p, out); return; } catch { /* the JS loop mixes it */ }
  }
  composeTransition('crossfade', a, b, p, width, height, out);
};

/**
 * A layered still: all its layers in one wasm kernel instance (the frame is composited there), or
 * the JS reference for the near layers if that cannot load. The farthest layer gets a sampler of
 * its own too when effects need it (they move its pixels before the near layers cover them) or
 * when the layered kernel could not load.
 */
const loadLayered = (s: LayeredStill, withEffects: boolean): Loaded => {
  const far = s.layers[0]!.still;
  let layeredWasm: WasmLayered | null = null;
  try {
    layeredWasm = new WasmLayered(s);
  } catch {
    // the JS reference draws the near layers
  }
  return { still: far, wasm: layeredWasm && !withEffects ? null : loadWasm(far), layered: s, layeredWasm };
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
    alpha = m.alpha === true;
    stills.clear(); // drop the previous still's copy before making the new one
    if (m.still) stills.set(0, { still: m.still, wasm: loadWasm(m.still) });
    return;
  }
  if (m.type === 'still') {
    stills.set(m.id, { ...(isLayered(m.still) ? loadLayered(m.still, m.living !== undefined) : { still: m.still, wasm: loadWasm(m.still) }), ...(m.living ? { living: m.living } : {}) });
    return;
  }
  if (m.type === 'drop') {
    stills.delete(m.id);
    return;
  }
  if (m.type === 'task') {
    try {
      const w = m.work;
      let result: LayerJob | null = null;
      if (w.kind === 'plan-layers') result = planLayers(w.rgb, w.width, w.height, w.depth);
      else if (w.kind === 'yuv-rows') rgbToYuvRows(w.rgb, w.width, w.height, w.channels, w.out, w.r0, w.r1);
      else layerRows(w.job, w.r0, w.r1);
      const reply: WorkerReply = { type: 'task-done', task: m.task, result };
      parentPort!.postMessage(reply);
    } catch (e) {
      const reply: WorkerReply = { type: 'task-error', task: m.task, message: e instanceof Error ? e.message : String(e) };
      parentPort!.postMessage(reply);
    }
    return;
  }
  if (m.type === 'mix') {
    try {
      composeTransition(m.kind, m.a, m.b, m.p, width, height, m.a, wasmMix);
      const reply: WorkerReply = { type: 'frame', index: m.index, data: m.a, spare: m.b };
      parentPort!.postMessage(reply, [m.a.buffer as ArrayBuffer, m.b.buffer as ArrayBuffer].filter((b, i, all) => all.indexOf(b) === i));
    } catch (e) {
      const reply: WorkerReply = { type: 'error', index: m.index, message: e instanceof Error ? e.message : String(e) };
      parentPort!.postMessage(reply);
    }
    return;
  }
  try {
    const s = stills.get(m.still ?? 0);
    if (!s) throw new Error(`render worker has no still ${m.still ?? 0}`);
    const bytes = frameBytes(width, height) + (alpha ? width * height : 0);
    const out = m.buffer && m.buffer.byteLength === bytes ? new Uint8Array(m.buffer) : new Uint8Array(bytes);
    // Effects: flows move the photo's own pixels (on a depth move, the farthest layer's, before
    // the nearer layers cover it), overlays draw over everything (in front of the subject).
    const living = s.living && s.living.effects.length ? s.living : null;
    let done = false, nearDone = false;
    if (s.layered && m.views && s.layeredWasm && !living) {
      try {
        s.layeredWasm.render(m.views, nearPlacements(s.layered, m.views, width, height), width, height, out);
        done = nearDone = true;
      } catch {
        // the JS reference renders this frame
      }
    }
    if (!done && s.wasm) {
      try {
        sampleFrameWasm(s.wasm, m.view, width, height, out);
        done = true;
      } catch {
        // e.g. a view the kernel refuses or memory it cannot get: the JS reference renders this frame
      }
    }
    if (!done) renderFrame(s.still, m.view, width, height, out, scratch);
    const wasm = s.wasm;
    const sample = (v: FrameView, o: Uint8Array, h = height) => {
      if (wasm) {
        try { sampleFrameWasm(wasm, v, width, h, o); return; } catch { /* the JS reference renders it */ }
      }
      renderFrame(s.still, v, width, h, o, scratch);
    };
    if (living) applyLiving(living, s.still, m.view, m.t ?? 0, width, height, out, sample, 'flows');
    if (s.layered && m.views && !nearDone) {
      let drawn = false;
      if (s.layeredWasm) {
        try {
          s.layeredWasm.drawNear(nearPlacements(s.layered, m.views, width, height), width, height, out);
          drawn = true;
        } catch {
          // the JS reference draws them
        }
      }
      if (!drawn) drawNearLayers(s.layered, m.views, width, height, out, jsLayerSample(s.layered, scratch));
    }
    if (living) applyLiving(living, s.still, m.view, m.t ?? 0, width, height, out, sample, 'overlays');
    if (alpha) {
      const base = frameBytes(width, height);
      if (s.still.a) {
        const scale = (m.view.w * s.still.width) / width;
        samplePlane(s.still.a, { left: m.view.x * s.still.width, top: m.view.y * s.still.height, scale }, out, base, width, height, scratch);
      } else out.fill(255, base, base + width * height);
    }
    const reply: WorkerReply = { type: 'frame', index: m.index, data: out };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    const reply: WorkerReply = { type: 'error', index: m.index, message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
