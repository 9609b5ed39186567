/** Rendering a draft: resolve it, then let the engine's compositor draw it, with text as an overlay layer. */
import type { CompositionResult } from '../engine/compose/render-composition.js';
import type { ProgressListener } from '../engine/progress.js';
import { resolveDraft, type MediaInfo, type ResolveOptions } from './resolve.js';
import type { Draft } from './types.js';

export interface RenderDraftCall extends ResolveOptions {
  readonly output: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

export const renderDraft = async (draft: Draft, lookup: (id: string) => MediaInfo | undefined, call: RenderDraftCall): Promise<CompositionResult & { notes: readonly string[] }> => {
  const r = resolveDraft(draft, lookup, call);
  let drawOverlays: ((frame: Uint8Array, w: number, h: number, i: number, t: number) => Promise<void>) | undefined;
  if (r.texts.length) {
    const text = await import('./text/index.js');
    const segs = r.texts.map((t) => ({ text: t.text, role: t.role, style: t.style, position: t.position ?? undefined, animation: t.animation, startS: t.startS, endS: t.endS }));
    // One text at a time, letting the event loop in when drawing has taken a while: many texts on
    // screen at once cost time, never one long stall of the process.
    let since = performance.now();
    drawOverlays = async (frame, w, h, _i, t) => {
      for (const seg of segs) {
        if (!(t >= seg.startS && t < seg.endS)) continue;
        text.renderTextTrackOnFrame(frame, w, h, [seg] as never, t);
        if (performance.now() - since > 10) {
          await new Promise<void>((res) => setImmediate(res));
          since = performance.now();
        }
      }
    };
  }
  const openClip = draft.shots.some((s) => s.kind === 'video') ? (await import('../engine/media/clip-frames.js')).openClip : undefined;
  const { renderComposition } = await import('../engine/compose/render-composition.js');
  const res = await renderComposition(r.plan, { output: call.output, signal: call.signal, onProgress: call.onProgress, drawOverlays, openClip: openClip as never });
  return { ...res, notes: r.notes };
};
