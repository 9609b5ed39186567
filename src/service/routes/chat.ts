/**
 * `POST /run_sse`: one agent turn as a Server-Sent Events stream. Errors known before the turn
 * starts (token, session, credits, body) answer as JSON. The stream carries the turn's events,
 * heartbeats while work runs, and ends when the turn does. A client that goes away stops only
 * its own listener; the same message sent again while its turn runs follows that turn.
 */
import type { FastifyInstance } from 'fastify';
import { StillmotionError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { quotaLeft } from '../quota.js';

interface RunBody {
  app_name?: string;
  user_id?: string;
  session_id: string;
  new_message: { role?: string; parts: Array<{ text?: string }> };
}

const MAX_MESSAGE = 10_000;

export const chatRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  app.post<{ Body: RunBody }>('/run_sse', {
    schema: {
      body: {
        type: 'object', required: ['session_id', 'new_message'],
        properties: {
          app_name: { type: 'string', maxLength: 100 }, user_id: { type: 'string', maxLength: 100 }, session_id: { type: 'string', maxLength: 100 },
          new_message: { type: 'object', required: ['parts'], properties: { role: { type: 'string', maxLength: 20 }, parts: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object', properties: { text: { type: 'string', maxLength: MAX_MESSAGE } } } } } },
        },
      },
    },
  }, async (req, reply) => {
    const p = await ctx.auth.principal(req, 'write');
    if (req.body.user_id !== undefined && req.body.user_id !== 'me' && req.body.user_id !== p.userId) {
      throw new StillmotionError('SESSION_NOT_FOUND', 'no such session for this token', { hint: 'send "user_id": "me"' });
    }
    const session = await ctx.store.sessionOf(p, req.body.session_id);
    const message = req.body.new_message.parts.map((x) => (typeof x.text === 'string' ? x.text : '')).join('\n').trim();
    if (!message) throw new StillmotionError('BAD_REQUEST', 'new_message.parts[0].text: is empty', { details: { field: 'new_message.parts[0].text' } });
    if (!(await ctx.agent.joinableAnywhere(session.id, message))) {
      await quotaLeft(ctx.store, ctx.settings.userStorageQuotaBytes, p.userId);
      await ctx.agent.precheck(p, message, ctx.origin(req));
    }
    const { run } = ctx.agent.start(p, session, message, ctx.origin(req));

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders?.();
    let open = true;
    const heartbeat = setInterval(() => { if (open) res.write('event: heartbeat\ndata: \n\n'); }, ctx.settings.heartbeatMs);
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      off();
    };
    const off = run.subscribe((e) => {
      if (!open) return;
      if (e === null) { close(); res.end(); return; }
      res.write(`data: ${JSON.stringify(e)}\n\n`);
    });
    res.on('close', close);
  });
};
