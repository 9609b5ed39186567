/** The HTTP application: the edge (errors, limits, log), then the routes by area. */
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { StillmotionError } from '../errors.js';
import type { Ctx } from './context.js';
import { fromFastifyError, sendError, type RequestLog } from './http.js';
import { checkRequestValues } from './request-check.js';
import { authRoutes } from './routes/auth.js';
import { chatRoutes } from './routes/chat.js';
import { exportRoutes } from './routes/export.js';
import { sessionRoutes } from './routes/sessions.js';
import { staticRoutes, webRoot } from './routes/static.js';
import { uploadRoutes } from './routes/upload.js';

export const buildApp = async (ctx: Ctx, log: RequestLog, state: { closing: boolean }): Promise<FastifyInstance> => {
  const { settings } = ctx;
  const app = Fastify({
    logger: false, bodyLimit: settings.bodyLimitBytes, trustProxy: settings.trustProxy, return503OnClosing: true, forceCloseConnections: 'idle',
    // A body field of the wrong type is refused, never coerced ("text": 5 is not the message "5").
    ajv: { customOptions: { coerceTypes: false } },
    // A path that is not percent-encoded UTF-8 (`/%ED%A0%80`) is refused in our envelope too.
    frameworkErrors: (e, _req, reply) => {
      sendError(reply, e.code === 'FST_ERR_BAD_URL'
        ? new StillmotionError('BAD_REQUEST', 'path: not valid percent-encoded UTF-8', { hint: 'encode each part of the path with encodeURIComponent', details: { field: 'path' } })
        : fromFastifyError(e));
    },
  });
  const root = webRoot(settings.webDir);
  await app.register(multipart, { limits: { fileSize: settings.maxMediaBytes, files: 20, fields: 20, parts: 40, fieldSize: 64 * 1024 } });
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: false, decorateReply: true, serve: true });

  // An empty body with a JSON content type is no body (curl-based clients send the header on every call).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') { done(null, undefined); return; }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch (e) {
      done(new StillmotionError('BAD_REQUEST', `body: not valid JSON (${(e as Error).message})`, { hint: 'send a valid JSON body', details: { field: 'body' } }), undefined);
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    if (state.closing) throw new StillmotionError('UNAVAILABLE', 'the server is stopping');
    const started = performance.now();
    // Recorded when the answer ends, however it ends: an event stream the client dropped never
    // "finishes", and its attribution headers must still be kept.
    reply.raw.once('close', () => log.record(req, reply.raw.writableFinished ? reply.raw.statusCode : 499, performance.now() - started));
    if (req.url.startsWith('/api/') || req.url.startsWith('/run_sse')) ctx.limiter.hit(`ip:${req.ip}`);
  });
  // After authentication a token has its own budget too.
  app.addHook('preHandler', async (req) => {
    if (req.headers.authorization) {
      const h = req.headers.authorization;
      ctx.limiter.hit(`tok:${h.slice(-24)}`);
    }
  });
  // Before any schema or handler: no string the databases would refuse, no bomb of brackets.
  app.addHook('preValidation', async (req) => checkRequestValues(req));
  app.setErrorHandler((e: FastifyError, _req, reply) => sendError(reply, fromFastifyError(e)));
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new StillmotionError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));

  authRoutes(app, ctx);
  sessionRoutes(app, ctx);
  chatRoutes(app, ctx);
  uploadRoutes(app, ctx);
  exportRoutes(app, ctx);
  staticRoutes(app, ctx, root);
  return app;
};
