/**
 * Export: `POST /api/render/proxy/lambda` queues a full-quality render of a draft that refers only
 * to the session's own media; the status answers `status` and `progress` at the top level and in
 * `data`; the download serves the file with range requests. Exports cost no credits.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StillmotionError } from '../../errors.js';
import { FORMATS, QUALITIES, type Format, type Quality } from '../../engine/index.js';
import { fromCompact, isReady, planDraft, resolveDraft, type CompactDraft } from '../../timeline/index.js';
import type { JobRow } from '../../store/store.js';
import type { Ctx } from '../context.js';

interface ExportBody {
  id?: string;
  sessionId?: string;
  session_id?: string;
  draft: unknown;
  output?: { format?: string; quality?: string };
}

/** Render ids are the client's, per user: two users may both say `render_1700000000`. */
const jobKey = (userId: string, id: string): string => `${userId}/${id}`;
const clientId = (job: JobRow): string => job.id.slice(job.user_id.length + 1);

export const exportRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  const { store } = ctx;

  const status = (req: FastifyRequest, job: JobRow) => {
    const out = job.output;
    const data = {
      id: clientId(job), status: job.status, progress: job.status === 'completed' ? 100 : job.progress,
      ...(out ? {
        output: {
          url: ctx.fileUrl(req, out.area, out.file), download_url: `${ctx.origin(req)}/api/render/proxy/${encodeURIComponent(clientId(job))}/download`,
          format: out.format, width: out.width, height: out.height, duration_ms: out.duration_ms, size_bytes: out.size_bytes,
        },
      } : {}),
      ...(job.error ? { error: job.error } : {}),
      created_at: new Date(job.created_at).toISOString(),
    };
    return { code: 0, message: job.status, status: data.status, progress: data.progress, data };
  };

  const ownJob = async (userId: string, id: string): Promise<JobRow> => {
    const job = await store.job(jobKey(userId, id));
    if (!job || job.user_id !== userId || job.kind !== 'export') throw new StillmotionError('RENDER_NOT_FOUND', `no render ${id} for this token`, { hint: 'submit the export again' });
    return job;
  };

  app.post<{ Body: ExportBody }>('/api/render/proxy/lambda', {
    schema: {
      body: {
        type: 'object', required: ['draft'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' },
          sessionId: { type: 'string', maxLength: 100 }, session_id: { type: 'string', maxLength: 100 },
          draft: { type: 'object' },
          output: { type: 'object', properties: { format: { type: 'string', enum: [...FORMATS] }, quality: { type: 'string', enum: [...QUALITIES] } } },
        },
      },
    },
  }, async (req, reply) => {
    const p = await ctx.auth.principal(req, 'render');
    if (ctx.settings.exportRequiresAttribution && typeof req.headers['x-skill-source'] !== 'string') {
      throw new StillmotionError('EXPORT_REFUSED', 'this server exports only for attributed client integrations', { hint: 'send the X-Skill-Source, X-Skill-Version and X-Skill-Platform headers' });
    }
    const sid = req.body.sessionId ?? req.body.session_id;
    if (!sid) throw new StillmotionError('BAD_REQUEST', 'sessionId: is required', { details: { field: 'sessionId' } });
    const session = await store.sessionOf(p, sid);
    const id = req.body.id ?? `render_${Date.now()}`;
    const key = jobKey(p.userId, id);
    const existing = await store.job(key);
    if (existing) return status(req, existing);
    const busy = await store.activeExports(p.userId);
    if (busy >= ctx.settings.maxExportsPerUser) {
      throw new StillmotionError('RATE_LIMITED', `${busy} exports are already waiting or rendering for this token`, { hint: 'wait for one to finish, then send this one again', details: { retry_after_s: 10 } });
    }
    const draft = fromCompact(req.body.draft as CompactDraft);
    if (!isReady(draft)) throw new StillmotionError('INVALID_DRAFT', 'the draft has no video segments to render', { hint: 'add a photo in a chat turn first' });
    const media = new Map((await ctx.media(session.id)).map((m) => [m.mediaId, m]));
    const foreign = [...draft.shots.map((s) => s.mediaId), ...draft.audio.flatMap((a) => (a.mediaId ? [a.mediaId] : []))].filter((m) => !media.has(m));
    if (foreign.length) throw new StillmotionError('MEDIA_NOT_FOUND', `the draft refers to media this session does not have: ${foreign.slice(0, 3).join(', ')}`, { details: { media_ids: foreign } });
    // The export's plan is made now, from the media's stored analyses: the job renders exactly it.
    const lookup = (mid: string) => media.get(mid);
    const plan = planDraft(resolveDraft(draft, lookup, { format: (req.body.output?.format ?? 'mp4') as Format, quality: (req.body.output?.quality ?? 'high') as Quality }), lookup);
    if (!(await store.createJob({ id: key, user_id: p.userId, session_id: session.id, kind: 'export', spec: { plan } }))) {
      return status(req, await ownJob(p.userId, id));
    }
    ctx.queue.enqueue(key);
    reply.code(200);
    return status(req, (await store.job(key))!);
  });

  app.get<{ Params: { id: string } }>('/api/render/proxy/lambda/:id', async (req) => {
    const p = await ctx.auth.principal(req, 'read');
    return status(req, await ownJob(p.userId, req.params.id));
  });

  app.delete<{ Params: { id: string } }>('/api/render/proxy/lambda/:id', async (req) => {
    const p = await ctx.auth.principal(req, 'render');
    const job = await ownJob(p.userId, req.params.id);
    ctx.queue.cancel(job.id);
    return status(req, (await store.job(job.id))!);
  });

  app.get<{ Params: { id: string } }>('/api/render/proxy/:id/download', async (req, reply: FastifyReply) => {
    const p = await ctx.auth.principal(req, 'read');
    const job = await ownJob(p.userId, req.params.id);
    if (job.status !== 'completed' || !job.output) {
      throw new StillmotionError('RENDER_NOT_FOUND', `render ${job.id} is ${job.status}, not completed`, { hint: 'poll GET /api/render/proxy/lambda/<id> until it is completed', details: { status: job.status } });
    }
    const out = job.output;
    const safe = clientId(job).replace(/[^A-Za-z0-9_.-]/g, '_');
    reply.header('content-disposition', `attachment; filename="stillmotion-${safe}.${out.format}"`);
    return reply.sendFile(out.file, ctx.files.path(out.area, out.file).replace(/[/\\][^/\\]+$/, ''));
  });
};
