/** The queue's work: render a job's plan (a chat preview or a full export) from the session's own media. */
import { randomBytes } from 'node:crypto';
import { StillmotionError } from '../errors.js';
import { renderPlan } from '../engine/index.js';
import type { JobHandler } from '../jobs/queue.js';
import type { JobOutput } from '../jobs/job.js';
import type { Store } from '../store/store.js';
import type { Files } from './files.js';

export const renderJobHandler = (o: { store: Store; files: Files; maxImageBytes: number; maxPixels: number }): JobHandler => async (job, ctx): Promise<JobOutput> => {
  if (!job.spec) {
    throw new StillmotionError('INVALID_DRAFT', 'this render was queued by an older version of the server in a form it no longer renders', { hint: 'submit the export again' });
  }
  const plan = job.spec.plan;
  const files = new Map((await o.store.mediaOf(job.session_id)).map((m) => [m.id, m.file]));
  const locate = (id: string): string => {
    const f = files.get(id);
    if (!f) throw new StillmotionError('MEDIA_NOT_FOUND', `the plan refers to media "${id}" this session does not have`, { details: { media_id: id } });
    return o.files.path('media', f);
  };
  const area = job.kind === 'preview' ? 'generated' : 'renders';
  const file = `${job.kind === 'preview' ? 'prv' : 'out'}_${randomBytes(12).toString('base64url')}.${plan.output.format}`;
  const res = await renderPlan(plan, {
    output: o.files.path(area, file), locate, signal: ctx.signal, limits: { maxImageBytes: o.maxImageBytes, maxPixels: o.maxPixels },
    onProgress: (p) => ctx.onProgress(p.fraction * 100, p.stage),
  });
  return { area, file, format: res.format, width: res.width, height: res.height, duration_ms: res.duration_ms, size_bytes: res.size_bytes };
};
