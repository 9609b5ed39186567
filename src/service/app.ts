/** The HTTP application: the edge (errors, limits, log), then the routes by area. */
import { tmpdir } from 'node:os';
import Fastify, { LogController, type FastifyInstance, type FastifyError, type FastifyBaseLogger } from 'fastify';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { StillmotionError } from '../errors.js';
import type { Ctx } from './context.js';
import { exemptCheck, trustProxyFn } from './addresses.js';
import { BodyDeadlines } from './deadlines.js';
import { bearer, fromFastifyError, sendError, type RequestLog } from './http.js';
import { checkRequestValues } from './request-check.js';
import { authRoutes } from './routes/auth.js';
import { chatRoutes } from './routes/chat.js';
import { exportRoutes } from './routes/export.js';
import { sessionRoutes } from './routes/sessions.js';
import { staticRoutes, webRoot } from './routes/static.js';
import { uploadRoutes } from './routes/upload.js';

/**
 * Sent with every answer. The page loads only its own script and styles, talks only to this
 * server, shows images and media from it (and from blob: previews of files being uploaded), and
 * cannot be framed; no answer is sniffed into another type; no URL (claim links carry a
 * secret) leaks in a Referer.
 */
export const securityHeaders = (publicUrl: string | null): Record<string, string> => {
  const self = `'self'${publicUrl ? ` ${new URL(publicUrl).origin}` : ''}`;
  return {
    'content-security-policy': [
      "default-src 'none'", "script-src 'self'", "style-src 'self'", `img-src ${self} data: blob:`, `media-src ${self} blob:`,
      `connect-src ${self}`, "font-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
};

/** A route the service answers: its method(s) and URL pattern as registered (`/api/render/proxy/lambda/:id`). */
export interface RouteEntry { readonly methods: readonly string[]; readonly url: string }

const ROUTES = new WeakMap<FastifyInstance, RouteEntry[]>();

/** The routes `buildApp` registered (the page's static files aside): docs/api.md documents each (test/docs.test.ts). */
export const routesOf = (app: FastifyInstance): readonly RouteEntry[] => ROUTES.get(app) ?? [];

export const buildApp = async (ctx: Ctx, log: RequestLog, logger: FastifyBaseLogger, state: { closing: boolean }): Promise<FastifyInstance> => {
  const { settings } = ctx;
  const trust = trustProxyFn(settings.trustProxy);
  const app = Fastify({
    // Fastify's own request lines are off: RequestLog writes one per failed request, with its code.
    loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: settings.bodyLimitBytes, ...(trust ? { trustProxy: trust } : {}), return503OnClosing: true, forceCloseConnections: 'idle',
    // A body field of the wrong type is refused, never coerced ("text": 5 is not the message "5").
    ajv: { customOptions: { coerceTypes: false } },
    // A path that is not percent-encoded UTF-8 (`/%ED%A0%80`) is refused in our envelope too.
    frameworkErrors: (e, _req, reply) => {
      sendError(reply, e.code === 'FST_ERR_BAD_URL'
        ? new StillmotionError('BAD_REQUEST', 'path: not valid percent-encoded UTF-8', { hint: 'encode each part of the path with encodeURIComponent', details: { field: 'path' } })
        : fromFastifyError(e));
    },
  });
  const exempt = exemptCheck(settings);
  const deadlines = new BodyDeadlines(settings.bodyIdleTimeoutMs);
  app.addHook('onClose', async () => deadlines.close());
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
  const headers = securityHeaders(settings.publicUrl);
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(headers);
    if (state.closing) throw new StillmotionError('UNAVAILABLE', 'the server is stopping');
    const started = performance.now();
    // Recorded when the answer ends, however it ends: an event stream the client dropped never
    // "finishes", and its attribution headers must still be kept.
    reply.raw.once('close', () => log.record(req, reply.raw.writableFinished ? reply.raw.statusCode : 499, performance.now() - started));
    // Bodies arrive within a time limit: uploads get longer than JSON.
    deadlines.watch(req, reply, req.routeOptions.url?.startsWith('/api/upload-video/') ? settings.uploadTimeoutMs : settings.bodyTimeoutMs);
    // By the route the router matched, not by the raw URL: `/%61pi/…` and `GET http://host/api/…`
    // reach the same handlers as `/api/…`. The page and its files are not counted; unknown paths are.
    const route = req.routeOptions.url;
    if ((route === undefined || route.startsWith('/api/') || route === '/run_sse') && !exempt(req)) await ctx.limiter.hit(`ip:${req.ip}`);
  });
  // A token has its own budget too, whatever its spelling in the header (spaces, case of "Bearer").
  app.addHook('preHandler', async (req) => {
    const token = bearer(req);
    if (token) await ctx.limiter.hit(`tok:${token}`);
  });
  const hide = [ctx.files.root, tmpdir()];
  app.setErrorHandler((e: FastifyError, req, reply) => {
    const err = fromFastifyError(e);
    if (err.kind === 'INTERNAL') log.error(req, err);
    return sendError(reply, err, hide);
  });
  // Before any schema or handler: no string the databases would refuse, no bomb of brackets.
  app.addHook('preValidation', async (req) => checkRequestValues(req));
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new StillmotionError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));

  const routes: RouteEntry[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    // Fastify adds a HEAD route for each GET by itself; the GET is the one listed.
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    if (methods.length) routes.push({ methods, url: r.url });
  });
  authRoutes(app, ctx);
  sessionRoutes(app, ctx);
  chatRoutes(app, ctx);
  uploadRoutes(app, ctx);
  exportRoutes(app, ctx);
  staticRoutes(app, ctx, root);
  return app;
};
