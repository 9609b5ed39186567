/**
 * What changed between two snapshots of a session's state: used when a turn ends without a word
 * from the agent, and after a lost stream. Pure; the CLI turns the result into a sentence.
 */
import type { CompactDraftLike, GeneratedMedia, SessionState } from './api.js';
import type { Lang } from './router.js';

export interface StateChanges {
  /** Nothing observable changed. */
  readonly none: boolean;
  readonly draftChanged: boolean;
  readonly summaryBefore: string | null;
  readonly summaryAfter: string | null;
  /** Segment counts per track kind, before → after, only where they differ. */
  readonly tracks: Array<{ kind: 'video' | 'audio' | 'text'; before: number; after: number }>;
  readonly newPreviews: GeneratedMedia[];
  readonly newMedia: number;
  readonly canvasChanged: boolean;
  readonly canvasAfter: { width?: number; height?: number; fps?: number; aspect?: string } | null;
}

const KIND: Record<number, 'video' | 'audio' | 'text'> = { 0: 'video', 1: 'audio', 7: 'text' };

export const segmentCounts = (d: CompactDraftLike | undefined): Record<'video' | 'audio' | 'text', number> => {
  const c = { video: 0, audio: 0, text: 0 };
  for (const t of d?.t ?? []) {
    const k = KIND[t.tt];
    if (k) c[k] += t.sg?.length ?? 0;
  }
  return c;
};

/** API.md: ready to export when `t` has at least one track with a non-empty `sg`. */
export const draftReady = (d: CompactDraftLike | undefined): boolean => (d?.t ?? []).some((t) => (t.sg?.length ?? 0) > 0);

/** The summary a person reading `lang` is shown (the server's English one when it has no other). */
export const summaryFor = (s: SessionState | null | undefined, lang: Lang): string | null => {
  const v = s?.summaries?.[lang] ?? s?.summary;
  return typeof v === 'string' ? v : null;
};

/** `lang`: the language the summaries are shown in. */
export const diffState = (before: SessionState | null, after: SessionState | null, lang: Lang = 'en'): StateChanges => {
  const b = before ?? {};
  const a = after ?? {};
  const draftChanged = (b.draft_version !== undefined && a.draft_version !== undefined)
    ? b.draft_version !== a.draft_version
    : JSON.stringify(b.draft ?? null) !== JSON.stringify(a.draft ?? null);
  const cb = segmentCounts(b.draft);
  const ca = segmentCounts(a.draft);
  const tracks = (['video', 'audio', 'text'] as const).filter((k) => cb[k] !== ca[k]).map((k) => ({ kind: k, before: cb[k], after: ca[k] }));
  const seen = new Set((b.generated_media ?? []).map((g) => g.id));
  const newPreviews = (a.generated_media ?? []).filter((g) => !seen.has(g.id));
  const newMedia = Math.max(0, (a.video_infos?.length ?? 0) - (b.video_infos?.length ?? 0));
  const canvasChanged = JSON.stringify(b.canvas_config ?? null) !== JSON.stringify(a.canvas_config ?? null);
  const summaryBefore = summaryFor(b, lang);
  const summaryAfter = summaryFor(a, lang);
  const none = !draftChanged && tracks.length === 0 && newPreviews.length === 0 && newMedia === 0 && !canvasChanged && summaryBefore === summaryAfter;
  const canvasAfter = (a.canvas_config ?? null) as StateChanges['canvasAfter'];
  return { none, draftChanged, summaryBefore, summaryAfter, tracks, newPreviews, newMedia, canvasChanged, canvasAfter };
};
