/**
 * Recovery by leases, for several API processes on one database. Each process holds a row in
 * `leases` that it renews every third of `leaseMs`; every turn it starts names it (`turns.owner`).
 * A sweep (at start, then every `leaseMs`) looks only at running turns whose owner's lease has run
 * out: one whose previews were rendering (it kept a resume record) is adopted, and this process
 * finishes it; the others are failed. It releases only the credit holds whose turn is no longer
 * running: a process that starts never ends another live process's turns or their reservations.
 *
 * Jobs are not the sweep's: BullMQ hands a dead worker's job to another (see bullmq-queue.ts);
 * the sweep only queues again rows the queue never got (`requeueLost`).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Sql } from '../store/sql.js';
import type { Store, TurnRow } from '../store/store.js';

export const newOwnerId = (): string => `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface SweepResult { readonly failedTurns: number; readonly releasedHolds: number; readonly adoptedTurns?: number }

export const renewLease = async (sql: Pick<Sql, 'query'>, owner: string, leaseMs: number, now = Date.now()): Promise<void> => {
  await sql.query('insert into leases (owner, started_at, expires_at) values ($1, $2, $3) on conflict (owner) do update set expires_at = excluded.expires_at', [owner, now, now + leaseMs]);
};

/**
 * Adopts (with `adopt`) the running turns of processes whose lease has run out that can be
 * finished, fails the others, then releases holds of turns that no longer run.
 */
export const sweepDeadOwners = async (store: Store, reason: string, text: string, now = Date.now(), adopt?: (t: TurnRow & { readonly resume: string }) => void): Promise<SweepResult> => {
  const adopted = adopt ? await store.turns.adoptTurns(now) : [];
  for (const t of adopted) adopt!(t);
  const failed = await store.sql.query<{ id: string }>(
    `update turns set status = 'failed', error = $1, text = coalesce(text, $2), finished_at = $3
     where status = 'running' and (owner is null or owner not in (select owner from leases where expires_at > $3)) returning id`, [reason, text, now]);
  const holds = await store.sql.query<{ id: string }>(
    `select h.id from holds h left join turns t on t.id = h.turn_id
     where h.status = 'held' and (t.id is null or t.status <> 'running')`);
  let released = 0;
  for (const h of holds) if (await store.settle(h.id, 'release')) released++;
  // Leases long gone are forgotten (a day: the turns they covered were failed long ago).
  await store.sql.query('delete from leases where expires_at < $1', [now - 24 * 3600_000]);
  return { failedTurns: failed.length, releasedHolds: released, ...(adopt ? { adoptedTurns: adopted.length } : {}) };
};

/** The lease of this process: renewed on a timer; `sweep` runs the recovery above on another. */
export class Lease {
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(private readonly store: Store, readonly owner: string, private readonly leaseMs: number) {}

  static async take(store: Store, owner: string, leaseMs: number): Promise<Lease> {
    await renewLease(store.sql, owner, leaseMs);
    return new Lease(store, owner, leaseMs);
  }

  /** Renews every third of the lease; runs `every` each lease period (errors are the callback's). */
  keep(every: () => Promise<void>): void {
    const renew = setInterval(() => void renewLease(this.store.sql, this.owner, this.leaseMs).catch(() => undefined), Math.max(200, Math.floor(this.leaseMs / 3)));
    const sweep = setInterval(() => void every().catch(() => undefined), this.leaseMs);
    renew.unref();
    sweep.unref();
    this.timers.push(renew, sweep);
  }

  /** Stops renewing and gives the lease up (this process's turns have ended by then). */
  async release(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.store.sql.query('delete from leases where owner = $1', [this.owner]).catch(() => undefined);
  }
}
