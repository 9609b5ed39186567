/** The compositor's entry point: draw every text layer active at a time onto a frame. */
import { blendOverlayYuv420 } from './blend.js';
import { textAnimationAt } from './animation.js';
import { Worker } from 'node:worker_threads';
import { primeTextOverlay, renderTextOverlay } from './render-overlay.js';
import type { OverlayJob, OverlayReply } from './overlay-worker.js';
import type { TextLayer } from './types.js';

/** Layers are active on [startS, endS); they are drawn in array order (later on top). */
export const renderTextTrackOnFrame = (frame: Uint8Array, W: number, H: number, layers: readonly TextLayer[], tS: number): void => {
  const canvas = { width: W, height: H };
  for (const layer of layers) {
    if (!(tS >= layer.startS && tS < layer.endS)) continue;
    const anim = textAnimationAt(layer.animation, tS - layer.startS, layer.endS - layer.startS, layer.text);
    if (anim.opacity <= 0.002) continue;
    const overlay = renderTextOverlay(layer.text, layer.style, layer.position, canvas, anim.visibleChars);
    blendOverlayYuv420(frame, W, H, overlay, anim.opacity, anim.dx * H, anim.dy * H, anim.scale);
  }
};

/** At most this many distinct overlays are drawn ahead (the cache holds 128; a long typewriter draws the rest as it goes). */
const AHEAD_MAX = 100;

/**
 * Draws, on a thread of its own, every overlay the frames of a render will ask for (one per layer,
 * or one per visible-character count of a typewriter), and puts them in the overlay cache: the
 * frames then only blend. Layout and resvg are synchronous and would otherwise hold the main
 * thread (the service's requests) for a tenth of a second per title.
 */
export const prerenderTextTrack = async (W: number, H: number, layers: readonly TextLayer[], fps: number, frames: number): Promise<void> => {
  const canvas = { width: W, height: H };
  const jobs: OverlayJob[] = [];
  const seen = new Set<string>();
  for (const layer of layers) {
    const from = Math.max(0, Math.floor(layer.startS * fps)), to = Math.min(frames, Math.ceil(layer.endS * fps));
    for (let f = from; f < to && jobs.length < AHEAD_MAX; f++) {
      const tS = f / fps;
      if (!(tS >= layer.startS && tS < layer.endS)) continue;
      const anim = textAnimationAt(layer.animation, tS - layer.startS, layer.endS - layer.startS, layer.text);
      if (anim.opacity <= 0.002) continue;
      const key = JSON.stringify([layer.text, layer.style, layer.position, anim.visibleChars]);
      if (seen.has(key)) continue;
      seen.add(key);
      jobs.push({ text: layer.text, style: layer.style, position: layer.position, canvas, visibleChars: anim.visibleChars });
    }
  }
  if (!jobs.length) return;
  const reply = await new Promise<OverlayReply>((resolve) => {
    const w = new Worker(new URL('./overlay-worker.js', import.meta.url));
    w.once('message', (m: OverlayReply) => { resolve(m); void w.terminate(); });
    w.once('error', (e) => resolve({ ok: false, message: e.message }));
    w.once('exit', (code) => resolve({ ok: false, message: `overlay thread exited (${code})` }));
    w.postMessage(jobs);
  });
  // A thread that failed leaves the cache as it was: the frames draw the overlays themselves.
  if (!reply.ok) return;
  reply.overlays.forEach((o, i) => {
    const j = jobs[i]!;
    primeTextOverlay(j.text, j.style, j.position, j.canvas, j.visibleChars, { ...o, rgba: Buffer.from(o.rgba.buffer, o.rgba.byteOffset, o.rgba.byteLength) });
  });
};
