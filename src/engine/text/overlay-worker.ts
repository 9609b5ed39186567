/** A thread that draws text overlays (layout and resvg are synchronous, and take a tenth of a second for a big title). */
import { parentPort } from 'node:worker_threads';
import { drawTextOverlay } from './render-overlay.js';
import type { Canvas, TextOverlay, TextPosition, TextStyle } from './types.js';

export interface OverlayJob { readonly text: string; readonly style: TextStyle; readonly position: TextPosition; readonly canvas: Canvas; readonly visibleChars: number | null }
export type OverlayReply = { ok: true; overlays: TextOverlay[] } | { ok: false; message: string };

parentPort!.once('message', (jobs: OverlayJob[]) => {
  try {
    const overlays = jobs.map((j) => drawTextOverlay(j.text, j.style, j.position, j.canvas, j.visibleChars));
    const reply: OverlayReply = { ok: true, overlays: overlays.map((o) => ({ ...o, rgba: new Uint8Array(o.rgba) as Buffer })) };
    parentPort!.postMessage(reply, reply.overlays.map((o) => o.rgba.buffer as ArrayBuffer).filter((b, i, all) => b.byteLength > 0 && all.indexOf(b) === i));
  } catch (e) {
    const reply: OverlayReply = { ok: false, message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
