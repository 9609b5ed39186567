/**
 * Export: `POST /api/render/proxy/lambda` queues a full-quality render of a draft that refers only
 * to the session's own media; the status answers `status` and `progress` at the top level and in
 * `data`; the download serves the file with range requests. Exports cost no credits.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StillmotionError } from '../../errors.js';
import { FORMATS, QUALITIES } from '../../engine/settings.js';
import { fromCompact, isReady, toCompact, type CompactDraft } from '../../timeline/index.js';
import type { JobRow } from '../../store/store.js';
import type { Ctx } from '../context.js';
import type { JobOutput, JobSpec } from '../render-job.js';

interface ExportBody {
  id?: string;
  sessionId?: string;
  session_id?: string;
  draft: unknown;
  output?: { format?: string; quality?: string };
}

/** Session names the clients give when the user named nothing: the file is named after the photo then. */
const GENERIC_NAMES = /^(untitled|workspace project|new project|project|video|test|stillmotion(\s+\d{4}-\d\d-\d\d.*)?)$/i;

/**
 * The name a downloaded file gets: the project's (when the user gave it one), else the first
 * photo's with `-video` (as the CLI saves it), else `stillmotion-video`. Only what a file name can
 * hold on any system: no path separators, control or reserved characters; at most 80 characters.
 */
export const downloadName = (projectName: string | null, firstMediaName: string | null, format: string): string => {
  const clean = (s: string) => Array.from(s.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/(^|\s)\.+(?=\s|$)/g, ' ').replace(/\s+/g, ' ').trim().replace(/^[.\s]+|[.\s]+$/g, '')).slice(0, 80).join('').trim();
  const project = clean(projectName ?? '');
  if (project && !GENERIC_NAMES.test(project)) return `${project}.${format}`;
  const photo = clean((firstMediaName ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, ''));
  return `${photo || 'stillmotion'}-video.${format}`;
};

/** Content-Disposition for a name: an ASCII fallback, and the exact name in UTF-8 (RFC 6266, RFC 5987). */
export const attachment = (name: string): string => {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
};

/** Render ids are the client's, per user: two users may both say `render_1700000000`. */
const jobKey = (userId: string, id: string): string => `${userId}/${id}`;
const clientId = (job: JobRow): string => job.id.slice(job.user_id.length + 1);

export const exportRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  const { store } = ctx;

  /** The download's file name, chosen when the export was submitted (older jobs: from their id). */
  const fileName = (job: JobRow, format: string): string =>
    (JSON.parse(job.spec) as Partial<JobSpec>).file_name ?? `stillmotion-${clientId(job).replace(/[^A-Za-z0-9_.-]/g, '_')}.${format}`;

  const status = (req: FastifyRequest, job: JobRow) => {
    const out = job.output ? (JSON.parse(job.output) as JobOutput) : null;
    const data = {
      id: clientId(job), status: job.status, progress: job.status === 'completed' ? 100 : job.progress,
      ...(out ? {
        output: {
          url: ctx.fileUrl(req, out.area, out.file), download_url: `${ctx.origin(req)}/api/render/proxy/${encodeURIComponent(clientId(job))}/download`,
          format: out.format, width: out.width, height: out.height, duration_ms: out.duration_ms, size_bytes: out.size_bytes,
          file_name: fileName(job, out.format),
        },
      } : {}),
      ...(job.error ? { error: JSON.parse(job.error) as unknown } : {}),
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
    const sessionMedia = await store.mediaOf(session.id);
    const own = new Set(sessionMedia.map((m) => m.id));
    const foreign = [...draft.shots.map((s) => s.mediaId), ...draft.audio.flatMap((a) => (a.mediaId ? [a.mediaId] : []))].filter((m) => !own.has(m));
    if (foreign.length) throw new StillmotionError('MEDIA_NOT_FOUND', `the draft refers to media this session does not have: ${foreign.slice(0, 3).join(', ')}`, { details: { media_ids: foreign } });
    const format = req.body.output?.format ?? 'mp4';
    const first = sessionMedia.find((m) => m.id === draft.shots[0]?.mediaId);
    const spec: JobSpec = { draft: toCompact(draft), format: format as JobSpec['format'], quality: (req.body.output?.quality ?? 'high') as JobSpec['quality'], file_name: downloadName(session.task_name, first?.name ?? null, format) };
    if (!(await store.createJob({ id: key, user_id: p.userId, session_id: session.id, kind: 'export', spec: JSON.stringify(spec) }))) {
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
    const out = JSON.parse(job.output) as JobOutput;
    reply.header('content-disposition', attachment(fileName(job, out.format)));
    return reply.sendFile(out.file, ctx.files.path(out.area, out.file).replace(/[/\\][^/\\]+$/, ''));
  });
};
