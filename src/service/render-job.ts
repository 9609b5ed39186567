/** The queue's work: render a job's draft (a chat preview or a full export) from the session's own media. */
import { randomBytes } from 'node:crypto';
import { fromCompact, renderDraft, type CompactDraft, type MediaInfo } from '../timeline/index.js';
import type { JobHandler } from '../jobs/queue.js';
import type { Store } from '../store/store.js';
import type { Format, Quality } from '../engine/settings.js';
import type { Files } from './files.js';

export interface JobSpec {
  readonly draft: CompactDraft;
  readonly format: Format;
  readonly quality: Quality;
  /** Preview size ('540p'); exports use the draft's own. */
  readonly size?: string;
  /** Exports: the name the download gets (the project's or the first photo's). */
  readonly file_name?: string;
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

export const renderJobHandler = (o: { store: Store; files: Files; maxImageBytes: number; maxPixels: number }): JobHandler => async (job, ctx): Promise<JobOutput> => {
  const spec = JSON.parse(job.spec) as JobSpec;
  const draft = fromCompact(spec.draft);
  const media = new Map((await o.store.mediaOf(job.session_id)).map((m) => [m.id, m]));
  const lookup = (id: string): MediaInfo | undefined => {
    const m = media.get(id);
    return m && {
      mediaId: m.id, path: o.files.path('media', m.file), kind: m.kind, name: m.name,
      ...(m.has_audio === false ? { hasAudio: false } : {}),
      ...(m.width !== null ? { width: m.width } : {}), ...(m.height !== null ? { height: m.height } : {}), ...(m.duration_ms !== null ? { durationMs: m.duration_ms } : {}),
    };
  };
  const area = job.kind === 'preview' ? 'generated' : 'renders';
  const file = `${job.kind === 'preview' ? 'prv' : 'out'}_${randomBytes(12).toString('base64url')}.${spec.format}`;
  const res = await renderDraft(draft, lookup, {
    output: o.files.path(area, file), signal: ctx.signal, format: spec.format, quality: spec.quality,
    ...(spec.size ? { size: spec.size } : {}), maxInputBytes: o.maxImageBytes, maxPixels: o.maxPixels,
    onProgress: (p) => ctx.onProgress(p.fraction * 100, p.stage),
  });
  const moves: Record<string, string> = {};
  draft.shots.forEach((s, i) => { const m = res.shots[i]?.move; if (m) moves[s.id] = m; });
  return { area, file, format: spec.format, width: res.width, height: res.height, duration_ms: res.duration_ms, size_bytes: res.size_bytes, moves };
};
