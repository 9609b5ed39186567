/**
 * Tokens: stored hashed, yet the same live token can be handed out again (it is an HMAC of its row
 * id under the data folder's secret). Anonymous tokens are bound to their client id and counted per
 * address; the user and their starting credits are made with the first one.
 */
import { createHmac } from 'node:crypto';
import { StillmotionError } from '../errors.js';
import { newId, sha256, type Balance, type Principal, type Scope } from './rows.js';
import type { Sql } from './sql.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export class Tokens {
  constructor(private readonly sql: Sql, private readonly secret: Buffer) {}

  /** A token is derived from the secret and its row id, so the same live token can be handed out again while only its hash is stored. */
  tokenFor(tokenId: string): string {
    return `nmt_${createHmac('sha256', this.secret).update(`token:${tokenId}`).digest('base64url')}`;
  }

  /**
   * The client id's live token, or a new one. A client id is a secret like a token, and it is
   * bound: an existing client's token is handed out again (or renewed) only to an address that
   * has had a token for it before, or to a caller that shows one of its tokens (expired ones
   * too), so a leaked id alone does not open the account from elsewhere. New tokens count against
   * the address's weekly budget unless the address is exempt (the operator's own).
   */
  async issueAnonymousToken(o: { clientId: string; ip: string; ttlMs: number; startCredits: number; scopes: readonly Scope[]; perIpPerWeek: number; exempt?: boolean; presented?: string | null; now?: number }):
    Promise<{ token: string; expiresAt: number; scopes: Scope[]; credits: number; reused: boolean }> {
    const now = o.now ?? Date.now();
    return this.sql.tx(async (q) => {
      await q.query('select pg_advisory_xact_lock(hashtext($1))', [`client:${o.clientId}`]);
      let user = (await q.query<{ id: string }>('select id from users where client_id = $1', [o.clientId]))[0];
      if (user) {
        const known = await q.query('select 1 from tokens where user_id = $1 and client_id = $2 and (created_ip = $3 or (hash = $4 and not revoked)) limit 1',
          [user.id, o.clientId, o.ip, o.presented ? sha256(o.presented) : '']);
        if (!known.length) {
          throw new StillmotionError('TOKEN_INVALID', 'this client id was set up from another address; its token is handed out only there, or to a caller that sends one of its tokens', {
            hint: 'send the last token you got for it (Authorization: Bearer <token>, an expired one works), or start with a new client id',
          });
        }
      }
      const live = await q.query<{ id: string; expires_at: number; scopes: string; user_id: string }>(
        'select id, expires_at, scopes, user_id from tokens where client_id = $1 and not revoked and expires_at > $2 order by created_at desc limit 1', [o.clientId, now]);
      if (live[0]) {
        const acc = await q.query<Balance>('select available, frozen, total from accounts where user_id = $1', [live[0].user_id]);
        return { token: this.tokenFor(live[0].id), expiresAt: Number(live[0].expires_at), scopes: live[0].scopes.split(',') as Scope[], credits: acc[0]?.available ?? 0, reused: true };
      }
      if (!o.exempt) {
        await q.query('select pg_advisory_xact_lock(hashtext($1))', [`ip:${o.ip}`]);
        const recent = await q.query<{ n: number; first: number | null }>(
          'select count(*)::int as n, min(created_at) as first from tokens where created_ip = $1 and created_at > $2', [o.ip, now - WEEK_MS]);
        if ((recent[0]?.n ?? 0) >= o.perIpPerWeek) {
          const retryAfterS = Math.max(1, Math.ceil((Number(recent[0]!.first) + WEEK_MS - now) / 1000));
          throw new StillmotionError('RATE_LIMITED', `this address has asked for ${o.perIpPerWeek} new tokens in the last 7 days`, {
            hint: 'reuse your client id (the browser you used before gets its token back), wait, or ask the operator to add your address to exemptAddresses',
            details: { retry_after_s: retryAfterS, reason: 'tokens_per_address', limit: o.perIpPerWeek },
          });
        }
      }
      if (!user) {
        user = { id: newId('usr') };
        await q.query('insert into users (id, kind, client_id, created_at) values ($1, $2, $3, $4)', [user.id, 'anonymous', o.clientId, now]);
        await q.query('insert into accounts (user_id, available, frozen, total) values ($1, $2, 0, $2)', [user.id, o.startCredits]);
        await q.query('insert into ledger (user_id, kind, amount, at) values ($1, $2, $3, $4)', [user.id, 'grant', o.startCredits, now]);
      }
      const id = newId('tok');
      const token = this.tokenFor(id);
      const expiresAt = now + o.ttlMs;
      await q.query('insert into tokens (id, hash, user_id, client_id, scopes, created_ip, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        [id, sha256(token), user.id, o.clientId, o.scopes.join(','), o.ip, now, expiresAt]);
      const acc = await q.query<Balance>('select available from accounts where user_id = $1', [user.id]);
      return { token, expiresAt, scopes: [...o.scopes], credits: acc[0]!.available, reused: false };
    });
  }

  async authenticate(token: string, now = Date.now()): Promise<Principal | null> {
    if (!/^nmt_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    const rows = await this.sql.query<{ id: string; user_id: string; client_id: string | null; scopes: string; kind: 'anonymous' | 'registered'; expires_at: number; session_id: string | null }>(
      'select t.id, t.user_id, t.client_id, t.scopes, t.expires_at, t.session_id, u.kind from tokens t join users u on u.id = t.user_id where t.hash = $1 and not t.revoked and t.expires_at > $2',
      [sha256(token), now]);
    const r = rows[0];
    return r ? { userId: r.user_id, tokenId: r.id, kind: r.kind, clientId: r.client_id, scopes: r.scopes.split(',') as Scope[], expiresAt: Number(r.expires_at), sessionId: r.session_id } : null;
  }

  async revokeToken(tokenId: string): Promise<void> {
    await this.sql.query('update tokens set revoked = true where id = $1', [tokenId]);
  }
}
