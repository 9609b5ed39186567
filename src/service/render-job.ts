/** The queue's work: render a job's draft (a chat preview or a full export) from the session's own media. */
import { randomBytes } from 'node:crypto';
import { fromCompact, renderDraft, resolveDraft, type CompactDraft, type MediaInfo } from '../timeline/index.js';
import type { JobHandler } from '../jobs/queue.js';
import type { MediaRow, Store } from '../store/store.js';
import type { Format, Quality } from '../engine/settings.js';
import { isStillmotionError } from '../errors.js';
import { clientError, requestLang } from './client-error.js';
import type { Files } from './files.js';
import { checkDraftCounts, checkRenderSize, type RenderLimits } from './limits.js';

export interface JobSpec {
  readonly draft: CompactDraft;
  readonly format: Format;
  readonly quality: Quality;
  /** Preview size ('540p'); exports use the draft's own. */
  readonly size?: string;
}

export interface JobOutput {
  readonly area: 'generated' | 'renders';
  readonly file: string;
  readonly format: Format;
  readonly width: number;
  readonly height: number;
  readonly duration_ms: number;
  readonly size_bytes: number;
  /** The move each shot got (shot id → move). */
  readonly moves: Record<string, string>;
}

/** A session's media as the renderer looks it up (id → file on disk, kind, size, length). */
export const mediaLookup = (rows: readonly MediaRow[], files: Files): ((id: string) => MediaInfo | undefined) => {
  const media = new Map(rows.map((m) => [m.id, m]));
  return (id) => {
    const m = media.get(id);
    return m && {
      mediaId: m.id, path: files.path('media', m.file), kind: m.kind, name: m.name,
      ...(m.has_audio === false ? { hasAudio: false } : {}),
      ...(m.width !== null ? { width: m.width } : {}), ...(m.height !== null ? { height: m.height } : {}), ...(m.duration_ms !== null ? { durationMs: m.duration_ms } : {}),
    };
  };
};

export const renderJobHandler = (o: { store: Store; files: Files; maxImageBytes: number; maxPixels: number; limits: RenderLimits }): JobHandler => async (job, ctx): Promise<JobOutput> => {
  const spec = JSON.parse(job.spec) as JobSpec;
  // Exports were checked at the door; previews (drafts the agent made) and exports resumed under
  // new settings are checked here, before any work.
  checkDraftCounts(spec.draft, o.limits);
  const draft = fromCompact(spec.draft);
  const lookup = mediaLookup(await o.store.mediaOf(job.session_id), o.files);
  const area = job.kind === 'preview' ? 'generated' : 'renders';
  const file = `${job.kind === 'preview' ? 'prv' : 'out'}_${randomBytes(12).toString('base64url')}.${spec.format}`;
  const call = {
    output: o.files.path(area, file), signal: ctx.signal, format: spec.format, quality: spec.quality,
    ...(spec.size ? { size: spec.size } : {}), maxInputBytes: o.maxImageBytes, maxPixels: o.maxPixels,
    onProgress: (p: { fraction: number; stage: string }) => ctx.onProgress(p.fraction * 100, p.stage),
  };
  checkRenderSize(resolveDraft(draft, lookup, call).plan, o.limits);
  let res: Awaited<ReturnType<typeof renderDraft>>;
  try {
    res = await renderDraft(draft, lookup, call);
  } catch (e) {
    // The job's error is what the client reads: the file by its user's name, no server path, no
    // library text. Cancellation and time limits (our own words) pass through.
    if (ctx.signal.aborted || (isStillmotionError(e) && e.kind === 'INVALID_DRAFT')) throw e;
    const text = isStillmotionError(e) ? `${e.message} ${JSON.stringify(e.details)}` : String((e as Error)?.message ?? e);
    const rows = await o.store.mediaOf(job.session_id);
    const culprit = rows.find((m) => text.includes(o.files.path('media', m.file)) || text.includes(m.file));
    const session = await o.store.sessionOf({ userId: job.user_id }, job.session_id).catch(() => null);
    throw clientError(e, culprit?.name ?? null, requestLang(session?.language ?? null, null));
  }
  const moves: Record<string, string> = {};
  draft.shots.forEach((s, i) => { const m = res.shots[i]?.move; if (m) moves[s.id] = m; });
  return { area, file, format: spec.format, width: res.width, height: res.height, duration_ms: res.duration_ms, size_bytes: res.size_bytes, moves };
};
