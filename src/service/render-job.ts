/** The queue's work: render a job's plan (a chat preview or a full export) from the session's own media. */
import { randomBytes } from 'node:crypto';
import { isStillmotionError, StillmotionError } from '../errors.js';
import { renderPlan, type RenderPlan } from '../engine/index.js';
import type { JobHandler } from '../jobs/queue.js';
import type { JobOutput } from '../jobs/job.js';
import type { Store } from '../store/store.js';
import { clientError, requestLang } from './client-error.js';
import type { Files } from '../media-storage/files.js';
import { renderFileName, sweepEarlierAttempts } from '../media-storage/index.js';
import { checkPlanCounts, checkRenderSize, type RenderLimits } from './limits.js';

/** A plan's size against the server's limits: exports are checked at the door, previews and resumed jobs here. */
export const checkPlan = (plan: RenderPlan, limits: RenderLimits): void => {
  checkPlanCounts(plan, limits);
  checkRenderSize(plan, limits);
};

export const renderJobHandler = (o: { store: Store; files: Files; maxImageBytes: number; maxPixels: number; limits: RenderLimits }): JobHandler => async (job, ctx): Promise<JobOutput> => {
  if (!job.spec) {
    throw new StillmotionError('INVALID_DRAFT', 'this render was queued by an older version of the server in a form it no longer renders', { hint: 'submit the export again' });
  }
  const plan = job.spec.plan;
  // Previews (plans the agent made) and exports resumed under new settings are checked before any work.
  checkPlan(plan, o.limits);
  const rows = await o.store.mediaOf(job.session_id);
  const files = new Map(rows.map((m) => [m.id, m.file]));
  const locate = (id: string): string => {
    const f = files.get(id);
    if (!f) throw new StillmotionError('MEDIA_NOT_FOUND', `the plan refers to media "${id}" this session does not have`, { details: { media_id: id } });
    return o.files.path('media', f);
  };
  const area = job.kind === 'preview' ? 'generated' : 'renders';
  const file = renderFileName(job.kind === 'preview' ? 'prv' : 'out', job.id, randomBytes(9).toString('base64url'), plan.output.format);
  if (job.attempts > 0) sweepEarlierAttempts(o.files.root, area, file);
  try {
    const res = await renderPlan(plan, {
      output: o.files.path(area, file), locate, signal: ctx.signal, limits: { maxImageBytes: o.maxImageBytes, maxPixels: o.maxPixels },
      onProgress: (p) => ctx.onProgress(p.fraction * 100, p.stage),
    });
    return { area, file, format: res.format, width: res.width, height: res.height, duration_ms: res.duration_ms, size_bytes: res.size_bytes };
  } catch (e) {
    // The job's error is what the client reads: the file by its user's name, no server path, no
    // library text. Cancellation and time limits (our own words) pass through.
    if (ctx.signal.aborted || (isStillmotionError(e) && (e.kind === 'INVALID_DRAFT' || e.kind === 'MEDIA_NOT_FOUND'))) throw e;
    const text = isStillmotionError(e) ? `${e.message} ${JSON.stringify(e.details)}` : String((e as Error)?.message ?? e);
    const culprit = rows.find((m) => text.includes(o.files.path('media', m.file)) || text.includes(m.file));
    const session = await o.store.sessionOf({ userId: job.user_id }, job.session_id).catch(() => null);
    throw clientError(e, culprit?.name ?? null, requestLang(session?.language ?? null, null));
  }
};
