/**
 * `POST /api/upload-video/nemo_agent/me/<sid>`: multipart `files` parts, or JSON `{urls}`. Each
 * file is streamed to disk under the limit of its type; what was saved before a refusal stays
 * saved and is listed in the error's data.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { StillmotionError, toStillmotionError } from '../../errors.js';
import type { MediaRow } from '../../store/store.js';
import type { Ctx } from '../context.js';
import { requestLang } from '../client-error.js';
import { onBodyTimeout } from '../deadlines.js';
import { fetchUrl } from '../fetch-url.js';
import { errorBody, ok } from '../http.js';
import { ingest, tooLarge } from '../ingest.js';
import { quotaError, quotaLeft } from '../quota.js';
import { checkMe, mediaInfo } from './sessions.js';

export const uploadRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  const { settings, store, files } = ctx;
  const limits = { maxImageBytes: settings.maxImageBytes, maxMediaBytes: settings.maxMediaBytes, maxPixels: settings.maxPixels };

  app.post<{ Params: { user: string; sid: string }; Body: unknown }>('/api/upload-video/nemo_agent/:user/:sid', {
    // A declared body larger than any file could be is refused before a byte is read.
    onRequest: async (req) => {
      const len = Number(req.headers['content-length']);
      if (Number.isFinite(len) && len > settings.maxMediaBytes + 1024 * 1024) throw tooLarge('the upload', settings.maxMediaBytes, 'media', len);
    },
  }, async (req, reply) => {
    // Upload order is the order requests arrived in (µs), then the files' order within one:
    // the photos' numbers ("the second photo") are this order, whatever finishes first.
    const arrived = Math.round((performance.timeOrigin + performance.now()) * 1000);
    let nth = 0;
    const p = await ctx.auth.principal(req, 'upload');
    checkMe(req.params.user);
    const s = await store.sessionOf(p, req.params.sid);
    const lang = requestLang(s.language, req.headers['accept-language']);
    const saved: MediaRow[] = [];
    onBodyTimeout(req, () => ({ files: saved.map((m) => mediaInfo(ctx, req, m)) }));
    // Thumbnails of transparent photos show the canvas colour the video will show behind them.
    const bg = (JSON.parse(s.draft) as { bg?: unknown }).bg;
    const background = typeof bg === 'string' ? bg : undefined;
    // The quota is read before each file is taken (and checked while it streams).
    const quota = () => quotaLeft(store, settings.userStorageQuotaBytes, p.userId);
    const save = async (stream: Readable, name: string | undefined, q: { left: number; used: number }) => {
      const seq = arrived + nth++;
      const overQuota = (bytes: number) => (bytes > q.left ? quotaError(q.used + bytes, settings.userStorageQuotaBytes) : null);
      const m = { ...(await ingest(stream, name, { files, limits: { ...limits, overQuota }, sessionId: s.id, userId: p.userId, lang, background })), seq };
      try {
        await store.addMedia(m);
      } catch (e) {
        await Promise.all([rm(files.path('media', m.file), { force: true }), m.thumb ? rm(files.path('thumbs', m.thumb), { force: true }) : null]);
        throw e;
      }
      saved.push(m);
    };
    try {
      if (req.isMultipart()) {
        let seen = 0;
        for await (const part of req.parts()) {
          if (part.type !== 'file') continue;
          if (part.fieldname !== 'files' && part.fieldname !== 'file' && part.fieldname !== 'files[]') { part.file.resume(); continue; }
          seen++;
          const q = await quota().catch((e: unknown) => { part.file.resume(); throw e; });
          await save(part.file, part.filename, q);
        }
        if (!seen) throw new StillmotionError('BAD_REQUEST', 'files: no file parts in the form', { hint: 'send each file as a "files" field of multipart/form-data', details: { field: 'files' } });
      } else {
        const body = req.body as { urls?: unknown; source_type?: unknown } | undefined;
        const urls = body?.urls;
        if (!Array.isArray(urls) || urls.length === 0 || urls.length > 10 || !urls.every((u) => typeof u === 'string' && u.length <= 2048)) {
          throw new StillmotionError('BAD_REQUEST', 'urls: must be a list of 1–10 links (or send multipart files)', { details: { field: 'urls' } });
        }
        if (body?.source_type !== undefined && body.source_type !== 'url') throw new StillmotionError('BAD_REQUEST', 'source_type: must be "url"', { details: { field: 'source_type' } });
        for (const u of urls as string[]) {
          // One deadline for the whole download (connect, redirects, every byte): a server that
          // trickles a byte at a time never trips a per-read timeout.
          const deadline = AbortSignal.timeout(settings.urlTimeoutMs);
          const q = await quota();
          try {
            const got = await fetchUrl(u, { allowPrivate: settings.allowPrivateUrls, maxRedirects: settings.maxRedirects, signal: deadline });
            if (got.contentLength !== null && got.contentLength > settings.maxMediaBytes) { got.stream.destroy(); throw tooLarge(got.name, settings.maxMediaBytes, 'media', got.contentLength); }
            await save(got.stream, got.name, q);
          } catch (e) {
            if (!deadline.aborted) throw e;
            throw new StillmotionError('TIMEOUT', `cannot fetch ${u.slice(0, 200)}: the download did not finish within ${Math.round(settings.urlTimeoutMs / 1000)} s`, {
              hint: 'send a link to a faster server, or upload the file itself', details: { field: 'urls', limit_ms: settings.urlTimeoutMs },
            });
          }
        }
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      const err = code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge('a file', settings.maxMediaBytes, 'media')
        : code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' ? new StillmotionError('BAD_REQUEST', 'files: too many parts in one upload (at most 20 files)', { details: { field: 'files' } })
          : e instanceof StillmotionError ? e
            // Broken forms (no boundary, cut short) are the sender's mistake, not ours.
            : /multipart|boundary|part terminated|unexpected end of form|malformed/i.test((e as Error).message ?? '')
              ? new StillmotionError('BAD_REQUEST', 'files: the form could not be read (cut short or malformed)', { hint: 'send multipart/form-data with one "files" field per file', details: { field: 'files' } })
              : toStillmotionError(e);
      // Stop reading whatever the client is still sending.
      reply.header('connection', 'close');
      const body = errorBody(err, [files.root, tmpdir()]);
      return reply.code(err.http).send({ ...body, data: { ...body.data, files: saved.map((m) => mediaInfo(ctx, req, m)) } });
    }
    return ok({ files: saved.map((m) => mediaInfo(ctx, req as FastifyRequest, m)) });
  });
};
