/**
 * Chat turns: each names the process that runs it (`owner`, whose lease keeps it alive; null in a
 * one-process deployment). A turn that rendered is charged and completed in one transaction.
 */
import type { Ledger } from './ledger.js';
import type { ReadCache } from './read-cache.js';
import { newId, norm, type TurnRow } from './rows.js';
import type { Sql } from './sql.js';

export class Turns {
  constructor(private readonly sql: Sql, private readonly cache: ReadCache, private readonly ledger: Ledger, readonly owner: string | null) {}

  async startTurn(sessionId: string, message: string): Promise<string> {
    const id = newId('turn');
    await this.sql.query('insert into turns (id, session_id, message, status, created_at, owner) values ($1, $2, $3, $4, $5, $6)', [id, sessionId, message, 'running', Date.now(), this.owner]).finally(() => this.cache.forget(`t:${sessionId}`));
    return id;
  }

  async finishTurn(id: string, status: 'completed' | 'failed', text: string | null, error: string | null, cost: number): Promise<void> {
    const r = await this.sql.query<{ session_id: string }>('update turns set status = $2, text = $3, error = $4, cost = $5, finished_at = $6 where id = $1 returning session_id', [id, status, text, error, cost, Date.now()]);
    if (r[0]) this.cache.forget(`t:${r[0].session_id}`);
  }

  lastTurn(sessionId: string): Promise<TurnRow | null> {
    return this.cache.get(`t:${sessionId}`, async () => {
      const r = await this.sql.query<TurnRow>('select * from turns where session_id = $1 order by created_at desc, id desc limit 1', [sessionId]);
      return r[0] ? norm(r[0]) : null;
    });
  }

  /** After a crash: turns that were running are failed (their holds are released separately). */
  async failRunningTurns(reason: string, text: string): Promise<number> {
    this.cache.clear();
    return (await this.sql.query("update turns set status = 'failed', error = $1, text = coalesce(text, $2), finished_at = $3 where status = 'running' returning id", [reason, text, Date.now()])).length;
  }

  /** A turn that rendered: charged and marked completed in one transaction (a crash cannot leave one without the other). */
  async completeTurn(turnId: string, holdId: string | null, text: string, cost: number): Promise<void> {
    const now = Date.now();
    let user: string | null = null;
    let session: string | null = null;
    await this.sql.tx(async (q) => {
      if (holdId) user = await this.ledger.settleIn(q, holdId, 'charge', now);
      const r = await q.query<{ session_id: string }>("update turns set status = 'completed', text = $2, error = null, cost = $3, finished_at = $4 where id = $1 returning session_id", [turnId, text, cost, now]);
      session = r[0]?.session_id ?? null;
    }).finally(() => {
      if (user) this.cache.forget(`b:${user}`);
      if (session) this.cache.forget(`t:${session}`);
    });
  }
}
