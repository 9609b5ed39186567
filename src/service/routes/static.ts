/** Signed file links, the workspace page (with its client-side routes) and a health check. */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StillmotionError } from '../../errors.js';
import { FILE_AREAS, type FileArea } from '../../media-storage/files.js';
import type { Ctx } from '../context.js';
import { ok } from '../http.js';
import { checkRange } from '../range.js';

export const webRoot = (configured: string | null): string =>
  configured ?? join(dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'web');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Stillmotion</title><body style="font-family:system-ui;margin:3rem">
<h1>Stillmotion</h1><p>The API is running. The workspace page is not built: run <code>npm run build</code> and reload.</p></body>`;

export const staticRoutes = (app: FastifyInstance, ctx: Ctx, root: string): void => {
  const hasPage = existsSync(join(root, 'index.html'));

  app.get<{ Params: { area: string; name: string }; Querystring: { exp?: string; sig?: string } }>('/api/files/:area/:name', async (req, reply) => {
    const { area, name } = req.params;
    if (!(FILE_AREAS as readonly string[]).includes(area) || area === 'tmp' || !ctx.files.verify(area, name, req.query.exp, req.query.sig)) {
      throw new StillmotionError('MEDIA_NOT_FOUND', 'this file link is unknown or has expired', { hint: 'read the state again for fresh links' });
    }
    let path: string;
    try { path = ctx.files.path(area as FileArea, name); } catch { throw new StillmotionError('MEDIA_NOT_FOUND', 'no such file'); }
    const size = await stat(path).then((st) => st.size, () => null);
    if (size === null) throw new StillmotionError('MEDIA_NOT_FOUND', 'the file is gone', { hint: 'render it again' });
    checkRange(req, size);
    reply.header('cache-control', 'private, max-age=3600');
    return reply.sendFile(name, dirname(path));
  });

  app.get('/healthz', async () => ok({ status: 'ok', queue: ctx.queue.depth, turns: ctx.agent.running, ...(ctx.queue.counts ? { jobs: await ctx.queue.counts() } : {}) }));

  const page = async (_req: FastifyRequest, reply: FastifyReply) =>
    hasPage ? reply.sendFile('index.html', root) : reply.type('text/html; charset=utf-8').send(NOT_BUILT);
  for (const path of ['/', '/workspace', '/workspace/*']) app.get(path, page);
};
