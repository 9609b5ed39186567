/**
 * Export: `POST /api/render/proxy/lambda` queues a full-quality render of a draft that refers only
 * to the session's own media; the status answers `status` and `progress` at the top level and in
 * `data`; the download serves the file with range requests. Exports cost no credits.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StillmotionError } from '../../errors.js';
import { FORMATS, QUALITIES, type Format, type Quality } from '../../engine/index.js';
import { fromCompact, isReady, planDraft, resolveDraft, type CompactDraft } from '../../timeline/index.js';
import type { JobState, Principal } from '../../store/store.js';
import type { JobError } from '../../jobs/job.js';
import type { Ctx } from '../context.js';
import { checkRange } from '../range.js';
import { checkDraftCounts } from '../limits.js';
import { checkPlan } from '../render-job.js';
import { quotaLeft } from '../quota.js';

interface ExportBody {
  id?: string;
  sessionId?: string;
  session_id?: string;
  draft: unknown;
  output?: { format?: string; quality?: string };
}

/** A job's recorded error as a client reads it: an unexpected one (5000) without its own text. */
const publicJobError = (e: JobError): JobError => {
  return e.code === 5000 ? { code: 5000, message: 'an unexpected error happened on the server' } : { code: e.code, message: e.message };
};

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

const withFormat = (name: string, format: string): string => name.replace(/\.[A-Za-z0-9]{1,5}$/, '') + `.${format}`;

/** Content-Disposition for a name: an ASCII fallback, and the exact name in UTF-8 (RFC 6266, RFC 5987). */
export const attachment = (name: string): string => {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
};

/** Render ids are the client's, per user: two users may both say `render_1700000000`. */
const jobKey = (userId: string, id: string): string => `${userId}/${id}`;
const clientId = (job: JobState): string => job.id.slice(job.user_id.length + 1);
/** API.md's `render_<ms>`, with a random tail so that nobody can guess it. */
const newRenderId = (): string => `render_${Date.now()}_${randomBytes(9).toString('base64url')}`;
/** A job a token may see: its user's export, and for a one-session (claim) token only that session's. */
const visible = (p: Principal, job: JobState): boolean =>
  job.user_id === p.userId && job.kind === 'export' && (!p.sessionId || job.session_id === p.sessionId);

export const exportRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  const { store } = ctx;

  /** The download's file name: the project's, else the first photo's (see downloadName). */
  const fileName = async (job: JobState, format: string): Promise<string> => {
    const [session, media] = await Promise.all([store.sessionOf({ userId: job.user_id }, job.session_id).catch(() => null), store.mediaOf(job.session_id)]);
    const first = media.find((m) => m.kind === 'image') ?? media[0];
    return downloadName(session?.task_name ?? null, first?.name ?? null, format);
  };

  const status = async (req: FastifyRequest, job: JobState) => {
    const out = job.output;
    const name = out ? job.file_name ? withFormat(job.file_name, out.format) : await fileName(job, out.format) : null;
    const data = {
      id: clientId(job), status: job.status, progress: job.status === 'completed' ? 100 : job.progress,
      ...(out ? {
        output: {
          url: ctx.fileUrl(req, out.area, out.file), download_url: `${ctx.origin(req)}/api/render/proxy/${encodeURIComponent(clientId(job))}/download`,
          format: out.format, width: out.width, height: out.height, duration_ms: out.duration_ms, size_bytes: out.size_bytes,
          file_name: name,
        },
      } : {}),
      ...(job.error ? { error: publicJobError(job.error) } : {}),
      created_at: new Date(job.created_at).toISOString(),
    };
    // API.md: a client following the brief reads `status`, `progress` and `output.url` at the top level.
    return { code: 0, message: job.status, status: data.status, progress: data.progress, ...(data.output ? { output: data.output } : {}), data };
  };

  /** Another user's render, or another session's for a claim token, is answered exactly like one that does not exist. */
  const notFound = (id: string) => new StillmotionError('RENDER_NOT_FOUND', `no render ${id} for this token`, { hint: 'submit the export again' });
  const ownJob = async (p: Principal, id: string): Promise<JobState> => {
    const job = await store.jobState(jobKey(p.userId, id));
    if (!job || !visible(p, job)) throw notFound(id);
    return job;
  };
  /** The same id again answers the same render; an id another session of this user holds is not this token's to see. */
  const again = (req: FastifyRequest, p: Principal, id: string, job: JobState) => {
    if (visible(p, job)) return status(req, job);
    throw new StillmotionError('BAD_REQUEST', 'id: is already used by another render', { hint: 'leave id out to get a fresh one, or choose another', details: { field: 'id' } });
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
    const limits = ctx.settings;
    checkDraftCounts(req.body.draft, limits);
    const id = req.body.id ?? newRenderId();
    const key = jobKey(p.userId, id);
    const seen = await store.jobState(key);
    if (seen) return again(req, p, id, seen);
    const draft = fromCompact(req.body.draft as CompactDraft);
    if (!isReady(draft)) throw new StillmotionError('INVALID_DRAFT', 'the draft has no video segments to render', { hint: 'add a photo in a chat turn first' });
    const media = new Map((await ctx.media(session.id)).map((m) => [m.mediaId, m]));
    const foreign = [...draft.shots.map((s) => s.mediaId), ...draft.audio.flatMap((a) => (a.mediaId ? [a.mediaId] : []))].filter((m) => !media.has(m));
    if (foreign.length) throw new StillmotionError('MEDIA_NOT_FOUND', `the draft refers to media this session does not have: ${foreign.slice(0, 3).join(', ')}`, { details: { media_ids: foreign } });
    // The export's plan is made now, from the media's stored analyses: the job renders exactly it.
    const lookup = (mid: string) => media.get(mid);
    const plan = planDraft(resolveDraft(draft, lookup, { format: (req.body.output?.format ?? 'mp4') as Format, quality: (req.body.output?.quality ?? 'high') as Quality }), lookup);
    checkPlan(plan, limits);
    await quotaLeft(store, ctx.settings.userStorageQuotaBytes, p.userId);
    // The file is named now, after this draft's first photo when the session has several clips
    // (each clip's export its own file): "beach-video.mp4", or "Summer - beach.mp4" in a named project.
    const clipCount = (await store.clipsOf(session.id)).length;
    const firstName = media.get(draft.shots.find((x) => x.kind === 'image')?.mediaId ?? draft.shots[0]!.mediaId)?.name ?? null;
    const format = req.body.output?.format ?? 'mp4';
    const project = downloadName(session.task_name, null, format);
    const file_name = clipCount > 1 && firstName
      ? project.endsWith(`-video.${format}`) ? downloadName(null, firstName, format) : downloadName(`${session.task_name} - ${firstName.replace(/\.[A-Za-z0-9]{1,5}$/, '')}`, null, format)
      : null;
    const r = await store.createExport({ id: key, user_id: p.userId, session_id: session.id, spec: { plan }, file_name }, ctx.settings.maxExportsPerUser);
    if ('existing' in r) return again(req, p, id, r.existing);
    if ('busy' in r) {
      throw new StillmotionError('RATE_LIMITED', `${r.busy} exports are already waiting or rendering for this token (setting maxExportsPerUser)`, { hint: 'wait for one to finish, then send this one again', details: { retry_after_s: 10, setting: 'maxExportsPerUser', limit: ctx.settings.maxExportsPerUser } });
    }
    ctx.queue.enqueue(key, 'export');
    reply.code(200);
    return status(req, r.created);
  });

  app.get<{ Params: { id: string } }>('/api/render/proxy/lambda/:id', async (req) => {
    const p = await ctx.auth.principal(req, 'read');
    return status(req, await ownJob(p, req.params.id));
  });

  app.delete<{ Params: { id: string } }>('/api/render/proxy/lambda/:id', async (req) => {
    const p = await ctx.auth.principal(req, 'render');
    const job = await ownJob(p, req.params.id);
    await ctx.queue.cancel(job.id);
    return status(req, (await store.jobState(job.id)) ?? job);
  });

  app.get<{ Params: { id: string } }>('/api/render/proxy/:id/download', async (req, reply: FastifyReply) => {
    const p = await ctx.auth.principal(req, 'read');
    const job = await ownJob(p, req.params.id);
    if (job.status !== 'completed' || !job.output) {
      throw new StillmotionError('RENDER_NOT_FOUND', `render ${clientId(job)} is ${job.status}, not completed`, { hint: 'poll GET /api/render/proxy/lambda/<id> until it is completed', details: { status: job.status } });
    }
    const out = job.output;
    const path = ctx.files.path(out.area, out.file);
    checkRange(req, await stat(path).then((st) => st.size, () => { throw new StillmotionError('RENDER_NOT_FOUND', `the file of render ${clientId(job)} is gone`, { hint: 'submit the export again' }); }));
    reply.header('content-disposition', attachment(job.file_name ? withFormat(job.file_name, out.format) : await fileName(job, out.format)));
    return reply.sendFile(out.file, dirname(path));
  });
};
