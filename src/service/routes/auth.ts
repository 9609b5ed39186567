/** Tokens, claim links and the credits balance. */
import type { FastifyInstance } from 'fastify';
import { StillmotionError } from '../../errors.js';
import type { ClaimRow, Scope } from '../../store/store.js';
import { exemptCheck } from '../addresses.js';
import type { Ctx } from '../context.js';
import { bearer, ok } from '../http.js';

const CLAIM_TTL_S = 7 * 24 * 3600;

/** A claim link as clients see it (never its token). */
export const claimInfo = (c: ClaimRow) => ({
  claim_id: c.id, uses: c.uses, max_uses: c.max_uses, revoked: c.revoked,
  created_at: new Date(c.created_at).toISOString(), expires_at: new Date(c.expires_at).toISOString(),
});

export const authRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  const { store, settings } = ctx;
  // What a token may do: export only when the operator has not reserved it for registered users.
  const scopes: readonly Scope[] = ['read', 'write', 'upload', ...(settings.exportRegisteredOnly ? [] : ['render' as const])];
  const exempt = exemptCheck(settings);

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
      exempt: exempt(req), presented: bearer(req),
    });
    return ok({ token: t.token, credits: t.credits, expires_at: new Date(t.expiresAt).toISOString(), scopes: t.scopes });
  });

  app.post<{ Body: { task_id?: string; session_id: string; max_uses?: number } }>('/api/auth/claim-token', {
    schema: { body: { type: 'object', required: ['session_id'], properties: { task_id: { type: 'string', maxLength: 100 }, session_id: { type: 'string', maxLength: 100 }, max_uses: { type: 'integer', minimum: 1, maximum: settings.claimMaxUses } } } },
  }, async (req) => {
    const p = await ctx.auth.principal(req, 'read');
    // Only the owner shares: a link's holder cannot mint fresh links (each with its own uses) and
    // so re-share the project past the owner's limit and out of reach of the owner's revoke.
    if (p.sessionId) throw new StillmotionError('BAD_REQUEST', 'a token from a claim link cannot make new claim links', { hint: "ask the project's owner for another link", details: { field: 'authorization' } });
    const s = await store.sessionOf(p, req.body.session_id);
    if (req.body.task_id && req.body.task_id !== s.task_id) throw new StillmotionError('SESSION_NOT_FOUND', 'that task and session do not belong together', { hint: 'send the task_id and session_id you got together' });
    const { claimToken, claim } = await store.createClaim(p.userId, s.id, s.task_id, CLAIM_TTL_S * 1000, req.body.max_uses ?? settings.claimMaxUses);
    return ok({ claim_token: claimToken, claim_id: claim.id, max_uses: claim.max_uses, expires_in: CLAIM_TTL_S, url: `${ctx.origin(req)}/workspace/claim?ct=${claimToken}` });
  });

  // The workspace page redeems a claim link for a token of its own (in the body, never in a URL),
  // good for that one session only: it cannot open the user's other projects or start new ones.
  // Each redeem counts one use of the link; the link's limit and its revocation are final.
  app.post<{ Body: { claim_token: string } }>('/api/auth/claim-token/redeem', {
    schema: { body: { type: 'object', required: ['claim_token'], properties: { claim_token: { type: 'string', maxLength: 200 } } } },
  }, async (req) => {
    const c = await store.redeemClaim(req.body.claim_token, scopes);
    if (!c.ok) {
      const why = { unknown: 'this claim link is unknown', expired: 'this claim link has expired', revoked: 'this claim link was revoked by its owner', used: `this claim link has been used ${c.maxUses ?? ''} times, its limit` }[c.why];
      throw new StillmotionError('TOKEN_INVALID', why, { hint: 'ask the owner of the project for a new link', details: { reason: c.why } });
    }
    return ok({ token: c.token, expires_at: new Date(c.expiresAt).toISOString(), scopes, task_id: c.taskId, session_id: c.sessionId });
  });

  // The owner revokes a link: it cannot be redeemed again, and the tokens made from it stop working.
  app.delete<{ Params: { id: string } }>('/api/auth/claim-token/:id', async (req) => {
    const p = await ctx.auth.principal(req, 'write');
    if (p.sessionId) throw new StillmotionError('TOKEN_INVALID', 'a token from a claim link cannot revoke links', { hint: "revoke links with the project owner's own token" });
    const c = /^cl_[A-Za-z0-9_-]{4,40}$/.test(req.params.id) ? await store.revokeClaim(p.userId, req.params.id) : null;
    if (!c) throw new StillmotionError('TOKEN_INVALID', `no claim link ${req.params.id.slice(0, 60)} for this token`, { hint: 'read claim_id from the claim-token answer or the state\'s claims' });
    ctx.auth.forget();
    return ok(claimInfo(c));
  });

  app.get('/api/credits/balance/simple', async (req) => {
    const p = await ctx.auth.principal(req, 'read');
    return ok(await store.balance(p.userId));
  });
};
