/** Claim links: a secret link that makes a token for one session, with a use limit; revocable. */
import { randomBytes } from 'node:crypto';
import { newId, norm, sha256, type ClaimRow, type Scope } from './rows.js';
import type { ReadCache } from './read-cache.js';
import type { Sql } from './sql.js';
import type { Tokens } from './tokens.js';

export class Claims {
  constructor(private readonly sql: Sql, private readonly cache: ReadCache, private readonly tokens: Tokens) {}

  async createClaim(userId: string, sessionId: string, taskId: string, ttlMs: number, maxUses: number): Promise<{ claimToken: string; claim: ClaimRow }> {
    const claimToken = `clm_${randomBytes(24).toString('base64url')}`;
    const now = Date.now();
    const claim: ClaimRow = { id: newId('cl', 9), session_id: sessionId, uses: 0, max_uses: maxUses, revoked: false, created_at: now, expires_at: now + ttlMs };
    await this.sql.query('insert into claims (hash, id, user_id, session_id, task_id, expires_at, uses, max_uses, revoked, created_at) values ($1, $2, $3, $4, $5, $6, 0, $7, false, $8)',
      [sha256(claimToken), claim.id, userId, sessionId, taskId, claim.expires_at, maxUses, now]).finally(() => this.cache.forget(`k:${sessionId}`));
    return { claimToken, claim };
  }

  /**
   * Redeems a claim link: counts one use (never past its limit, also under concurrent redeems)
   * and makes a token for its one session, tied to the link. Null, with the reason, when refused.
   */
  async redeemClaim(claimToken: string, scopes: readonly Scope[], now = Date.now()):
    Promise<{ ok: true; token: string; userId: string; sessionId: string; taskId: string; expiresAt: number } | { ok: false; why: 'unknown' | 'expired' | 'revoked' | 'used' ; maxUses?: number }> {
    if (!/^clm_[A-Za-z0-9_-]{20,80}$/.test(claimToken)) return { ok: false, why: 'unknown' };
    const hash = sha256(claimToken);
    const out = await this.sql.tx(async (q) => {
      const r = await q.query<{ id: string; user_id: string; session_id: string; task_id: string; expires_at: number }>(
        'update claims set uses = uses + 1 where hash = $1 and not revoked and expires_at > $2 and uses < max_uses returning id, user_id, session_id, task_id, expires_at', [hash, now]);
      const c = r[0];
      if (!c) {
        const why = (await q.query<{ revoked: boolean; expires_at: number; uses: number; max_uses: number }>('select revoked, expires_at, uses, max_uses from claims where hash = $1', [hash]))[0];
        if (!why) return { ok: false, why: 'unknown' } as const;
        return why.revoked ? { ok: false, why: 'revoked' } as const : Number(why.expires_at) <= now ? { ok: false, why: 'expired' } as const : { ok: false, why: 'used', maxUses: why.max_uses } as const;
      }
      const id = newId('tok');
      const token = this.tokens.tokenFor(id);
      await q.query('insert into tokens (id, hash, user_id, client_id, scopes, created_ip, created_at, expires_at, session_id, claim_id) values ($1, $2, $3, null, $4, null, $5, $6, $7, $8)',
        [id, sha256(token), c.user_id, scopes.join(','), now, Number(c.expires_at), c.session_id, c.id]);
      return { ok: true, token, userId: c.user_id, sessionId: c.session_id, taskId: c.task_id, expiresAt: Number(c.expires_at) } as const;
    });
    // Forgotten once the use is committed: a read in between would keep the old count.
    if (out.ok) this.cache.forget(`k:${out.sessionId}`);
    return out;
  }

  /** A session's claim links (newest first), for its state. */
  async claimsOf(sessionId: string): Promise<ClaimRow[]> {
    // Read by every state request (the page polls it): kept until this process changes a claim.
    return this.cache.get(`k:${sessionId}`, async () =>
      (await this.sql.query<ClaimRow>('select id, session_id, uses, max_uses, revoked, created_at, expires_at from claims where session_id = $1 and id is not null order by created_at desc, id limit 50', [sessionId])).map(norm));
  }

  /** Revokes a claim link of this user and every token made from it; false when the user has no such link. */
  async revokeClaim(userId: string, claimId: string): Promise<ClaimRow | null> {
    const row = await this.sql.tx(async (q) => {
      const r = await q.query<ClaimRow>('update claims set revoked = true where id = $1 and user_id = $2 returning id, session_id, uses, max_uses, revoked, created_at, expires_at', [claimId, userId]);
      if (!r[0]) return null;
      await q.query('update tokens set revoked = true where claim_id = $1', [claimId]);
      return norm(r[0]);
    });
    if (row) this.cache.forget(`k:${row.session_id}`);
    return row;
  }
}
