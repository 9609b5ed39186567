/** Rendering a draft: resolve it, then let the engine's compositor draw it, with text as an overlay layer. */
import type { CompositionResult } from './compose/render-plan.js';
import type { ProgressListener } from './progress.js';
import { resolveDraft, type MediaInfo, type ResolveOptions } from '../timeline/resolve.js';
import type { Draft } from '../timeline/types.js';

export interface RenderDraftCall extends ResolveOptions {
  readonly output: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

export const renderDraft = async (draft: Draft, lookup: (id: string) => MediaInfo | undefined, call: RenderDraftCall): Promise<CompositionResult & { notes: readonly string[] }> => {
  const r = resolveDraft(draft, lookup, call);
  let drawOverlays: ((frame: Uint8Array, w: number, h: number, i: number, t: number) => void) | undefined;
  if (r.texts.length) {
    const text = await import('./text/index.js');
    const segs = r.texts.map((t) => ({ text: t.text, role: t.role, style: t.style, position: t.position ?? undefined, animation: t.animation, startS: t.startS, endS: t.endS }));
    drawOverlays = (frame, w, h, _i, t) => text.renderTextTrackOnFrame(frame, w, h, segs as never, t);
  }
  const openClip = draft.shots.some((s) => s.kind === 'video') ? (await import('./media/clip-frames.js')).openClip : undefined;
  const { renderComposition } = await import('./compose/render-plan.js');
  const res = await renderComposition(r.plan, { output: call.output, signal: call.signal, onProgress: call.onProgress, drawOverlays, openClip: openClip as never });
  return { ...res, notes: r.notes };
};
