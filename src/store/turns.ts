/**
 * Chat turns: each names the process that runs it (`owner`, whose lease keeps it alive; null in a
 * one-process deployment). A turn that rendered is charged and completed in one transaction.
 *
 * Several API processes: one session runs one turn at a time. `claimTurn` checks and inserts
 * under the session's lock (a transaction-scoped advisory lock: no connection is held while the
 * turn runs), so a turn sent to another process waits for the running one, or follows it when it
 * is the same message. While its previews render, a turn keeps a resume record, so that when its
 * process dies another one can adopt it (`adoptTurns`) and finish it.
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
    const r = await this.sql.query<{ session_id: string }>('update turns set status = $2, text = $3, error = $4, cost = $5, finished_at = $6, resume = null where id = $1 returning session_id', [id, status, text, error, cost, Date.now()]);
    if (r[0]) this.cache.forget(`t:${r[0].session_id}`);
  }

  /**
   * Starts a turn unless one runs in the session: then answers that turn, to follow it (the same
   * message) or to wait for it. Checked and inserted under the session's lock.
   */
  async claimTurn(sessionId: string, message: string): Promise<{ started: string } | { running: TurnRow }> {
    return this.sql.tx(async (q) => {
      await q.query('select pg_advisory_xact_lock(hashtext($1))', [`turn:${sessionId}`]);
      const r = await q.query<TurnRow>("select * from turns where session_id = $1 and status = 'running' order by created_at, id limit 1", [sessionId]);
      if (r[0]) return { running: norm(r[0]) };
      const id = newId('turn');
      await q.query('insert into turns (id, session_id, message, status, created_at, owner) values ($1, $2, $3, $4, $5, $6)', [id, sessionId, message, 'running', Date.now(), this.owner]);
      return { started: id };
    }).finally(() => this.cache.forget(`t:${sessionId}`));
  }

  /** Whether the session's running turn (on any process) is this message: a request for it follows that turn. */
  async runningWith(sessionId: string, message: string): Promise<boolean> {
    return (await this.sql.query("select 1 from turns where session_id = $1 and status = 'running' and message = $2 limit 1", [sessionId, message])).length > 0;
  }

  async turn(id: string): Promise<TurnRow | null> {
    const r = await this.sql.query<TurnRow>('select * from turns where id = $1', [id]);
    return r[0] ? norm(r[0]) : null;
  }

  /** What another process needs to finish this turn if this one dies (JSON; see the agent's ResumeRecord). */
  async setResume(id: string, record: string): Promise<void> {
    await this.sql.query("update turns set resume = $2 where id = $1 and status = 'running'", [id, record]);
  }

  /**
   * Takes over the running turns that have a resume record and whose process's lease ran out
   * (one conditional update: of several processes sweeping at once, one gets each turn).
   */
  async adoptTurns(now = Date.now()): Promise<Array<TurnRow & { readonly resume: string }>> {
    if (!this.owner) return [];
    const r = await this.sql.query<TurnRow & { resume: string }>(
      `update turns set owner = $1 where status = 'running' and resume is not null
         and (owner is null or owner not in (select owner from leases where expires_at > $2)) returning *`, [this.owner, now]);
    return r.map(norm);
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

  /**
   * A turn that rendered: charged and marked completed in one transaction (a crash cannot leave one
   * without the other). A turn no longer running (failed by recovery meanwhile) stays as it is, uncharged.
   */
  async completeTurn(turnId: string, holdId: string | null, text: string, cost: number): Promise<void> {
    const now = Date.now();
    let user: string | null = null;
    let session: string | null = null;
    await this.sql.tx(async (q) => {
      const r = await q.query<{ session_id: string }>("update turns set status = 'completed', text = $2, error = null, cost = $3, finished_at = $4, resume = null where id = $1 and status = 'running' returning session_id", [turnId, text, cost, now]);
      session = r[0]?.session_id ?? null;
      if (session && holdId) user = await this.ledger.settleIn(q, holdId, 'charge', now);
    }).finally(() => {
      if (user) this.cache.forget(`b:${user}`);
      if (session) this.cache.forget(`t:${session}`);
    });
  }
}
