/** A render thread: holds the still's planes (shared memory) and renders the frames it is sent. */
import { parentPort } from 'node:worker_threads';
import { renderFrame, frameBytes, type FrameView } from './render-frame.js';
import { SamplerScratch } from './sampler.js';
import type { YuvStill } from './yuv.js';

export type WorkerRequest =
  | { type: 'init'; still: YuvStill; width: number; height: number }
  | { type: 'frame'; index: number; view: FrameView };
export type WorkerReply = { type: 'frame'; index: number; data: Uint8Array } | { type: 'error'; index: number; message: string };

let still: YuvStill | null = null;
let width = 0;
let height = 0;
const scratch = new SamplerScratch();

parentPort!.on('message', (m: WorkerRequest) => {
  if (m.type === 'init') {
    still = m.still;
    width = m.width;
    height = m.height;
    return;
  }
  try {
    if (!still) throw new Error('render worker used before init');
    const out = new Uint8Array(frameBytes(width, height));
    renderFrame(still, m.view, width, height, out, scratch);
    const reply: WorkerReply = { type: 'frame', index: m.index, data: out };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    const reply: WorkerReply = { type: 'error', index: m.index, message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
