/**
 * The credits ledger: balances (`accounts`, whose CHECK holds available + frozen = total, none
 * negative), reservations (`holds`, settled exactly once) and the append-only `ledger`. Every
 * movement is one transaction that updates the balance and appends its entry.
 */
import { StillmotionError } from '../errors.js';
import type { ReadCache } from './read-cache.js';
import { newId, type Balance } from './rows.js';
import type { Sql } from './sql.js';

export class Ledger {
  constructor(private readonly sql: Sql, private readonly cache: ReadCache) {}

  balance(userId: string): Promise<Balance> {
    return this.cache.get(`b:${userId}`, async () => {
      const r = await this.sql.query<Balance>('select available, frozen, total from accounts where user_id = $1', [userId]);
      return r[0] ?? { available: 0, frozen: 0, total: 0 };
    });
  }

  /** Freezes `amount`; throws INSUFFICIENT_CREDITS when available is short. Returns the hold's id. */
  async reserve(userId: string, amount: number, turnId: string | null): Promise<string> {
    const holdId = newId('hold');
    const now = Date.now();
    this.cache.forget(`b:${userId}`);
    await this.sql.tx(async (q) => {
      const r = await q.query<Balance>(
        'update accounts set available = available - $2, frozen = frozen + $2 where user_id = $1 and available >= $2 returning available, frozen, total', [userId, amount]);
      if (!r[0]) {
        const b = (await q.query<Balance>('select available, frozen, total from accounts where user_id = $1', [userId]))[0];
        throw new StillmotionError('INSUFFICIENT_CREDITS', `this needs ${amount} credits; ${b?.available ?? 0} are available${b?.frozen ? ` (${b.frozen} reserved by running work)` : ''}`, { details: { needed: amount, available: b?.available ?? 0 } });
      }
      await q.query('insert into holds (id, user_id, turn_id, amount, status, created_at) values ($1, $2, $3, $4, $5, $6)', [holdId, userId, turnId, amount, 'held', now]);
      await q.query('insert into ledger (user_id, kind, amount, hold_id, at) values ($1, $2, $3, $4, $5)', [userId, 'reserve', amount, holdId, now]);
    }).finally(() => this.cache.forget(`b:${userId}`));
    return holdId;
  }

  /** Charges or releases a hold, once: a second settle of the same hold does nothing. */
  async settle(holdId: string, outcome: 'charge' | 'release'): Promise<boolean> {
    let user: string | null = null;
    return this.sql.tx(async (q) => {
      user = await this.settleIn(q, holdId, outcome, Date.now());
      return user !== null;
    }).finally(() => { if (user) this.cache.forget(`b:${user}`); });
  }

  /** Inside a transaction: settles the hold if it is still held; returns its user, or null (the caller forgets the balance). */
  async settleIn(q: Pick<Sql, 'query'>, holdId: string, outcome: 'charge' | 'release', now: number): Promise<string | null> {
    const h = (await q.query<{ user_id: string; amount: number }>(
      "update holds set status = $2, settled_at = $3 where id = $1 and status = 'held' returning user_id, amount", [holdId, outcome === 'charge' ? 'charged' : 'released', now]))[0];
    if (!h) return null;
    if (outcome === 'charge') await q.query('update accounts set frozen = frozen - $2, total = total - $2 where user_id = $1', [h.user_id, h.amount]);
    else await q.query('update accounts set frozen = frozen - $2, available = available + $2 where user_id = $1', [h.user_id, h.amount]);
    await q.query('insert into ledger (user_id, kind, amount, hold_id, at) values ($1, $2, $3, $4, $5)', [h.user_id, outcome, h.amount, holdId, now]);
    return h.user_id;
  }

  /** After a crash no turn is running: every open hold is released. */
  async releaseOpenHolds(): Promise<number> {
    const open = await this.sql.query<{ id: string }>("select id from holds where status = 'held'");
    let n = 0;
    for (const h of open) if (await this.settle(h.id, 'release')) n++;
    return n;
  }
}
