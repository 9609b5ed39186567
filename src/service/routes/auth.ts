/** Tokens, claim links and the credits balance. */
import type { FastifyInstance } from 'fastify';
import { StillmotionError } from '../../errors.js';
import type { Scope } from '../../store/store.js';
import type { Ctx } from '../context.js';
import { ok } from '../http.js';

const CLAIM_TTL_S = 7 * 24 * 3600;

export const authRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  const { store, settings } = ctx;
  // What a token may do: export only when the operator has not reserved it for registered users.
  const scopes: readonly Scope[] = ['read', 'write', 'upload', ...(settings.exportRegisteredOnly ? [] : ['render' as const])];

  app.post('/api/auth/anonymous-token', async (req) => {
    const clientId = req.headers['x-client-id'];
    if (typeof clientId !== 'string' || clientId.trim() === '') {
      throw new StillmotionError('BAD_REQUEST', 'the X-Client-Id header is missing', { hint: 'generate a client id (a UUID), keep it, and send it as X-Client-Id', details: { field: 'X-Client-Id' } });
    }
    if (!/^[\x21-\x7e]{1,128}$/.test(clientId)) {
      throw new StillmotionError('BAD_REQUEST', 'X-Client-Id must be 1–128 visible ASCII characters (a UUID is best)', { details: { field: 'X-Client-Id' } });
    }
    const t = await store.issueAnonymousToken({
      clientId, ip: req.ip, ttlMs: settings.tokenTtlDays * 24 * 3600 * 1000, startCredits: settings.startCredits, scopes, perIpPerWeek: settings.tokensPerIpPerWeek,
    });
    return ok({ token: t.token, credits: t.credits, expires_at: new Date(t.expiresAt).toISOString(), scopes: t.scopes });
  });

  app.post<{ Body: { task_id: string; session_id: string } }>('/api/auth/claim-token', {
    schema: { body: { type: 'object', required: ['session_id'], properties: { task_id: { type: 'string', maxLength: 100 }, session_id: { type: 'string', maxLength: 100 } } } },
  }, async (req) => {
    const p = await ctx.auth.principal(req, 'read');
    const s = await store.sessionOf(p, req.body.session_id);
    if (req.body.task_id && req.body.task_id !== s.task_id) throw new StillmotionError('SESSION_NOT_FOUND', 'that task and session do not belong together', { hint: 'send the task_id and session_id you got together' });
    const claim = await store.createClaim(p.userId, s.id, s.task_id, CLAIM_TTL_S * 1000);
    return ok({ claim_token: claim, expires_in: CLAIM_TTL_S, url: `${ctx.origin(req)}/workspace/claim?ct=${claim}` });
  });

  // The workspace page redeems a claim link for a token of its own (in the body, never in a URL),
  // good for that one session only: it cannot open the user's other projects or start new ones.
  app.post<{ Body: { claim_token: string } }>('/api/auth/claim-token/redeem', {
    schema: { body: { type: 'object', required: ['claim_token'], properties: { claim_token: { type: 'string', maxLength: 200 } } } },
  }, async (req) => {
    const c = await store.claim(req.body.claim_token);
    if (!c) throw new StillmotionError('TOKEN_INVALID', 'this claim link is unknown or has expired', { hint: 'ask for a new link from the chat that made it' });
    const token = await store.issueSessionToken(c.userId, c.sessionId, scopes, c.expiresAt);
    return ok({ token, expires_at: new Date(c.expiresAt).toISOString(), scopes, task_id: c.taskId, session_id: c.sessionId });
  });

  app.get('/api/credits/balance/simple', async (req) => {
    const p = await ctx.auth.principal(req, 'read');
    return ok(await store.balance(p.userId));
  });
};
