/**
 * The job row changes the distributed queue needs, each one conditional statement so that any
 * number of API processes and workers can race on the same row: a claim takes only an open job,
 * a cancel fails only a job no worker holds, a fallback failure never overwrites a result.
 */
import type { Sql } from '../store/sql.js';
import { encodeJobValue, type JobError } from './job.js';

/** Marks the job processing for one more attempt; null when it is no longer open (cancelled, done). */
export const claimJob = async (sql: Pick<Sql, 'query'>, id: string, now = Date.now()): Promise<{ attempts: number } | null> => {
  const r = await sql.query<{ attempts: number }>(
    "update jobs set status = 'processing', progress = 0, attempts = attempts + 1, started_at = $2 where id = $1 and status in ('pending', 'processing') returning attempts", [id, now]);
  return r[0] ?? null;
};

/** Back to pending for a retry (the attempt stays counted) or a hand-back at shutdown (`giveBack`: it does not count). */
export const reopenJob = async (sql: Pick<Sql, 'query'>, id: string, giveBack: boolean): Promise<void> => {
  await sql.query(`update jobs set status = 'pending', progress = 0${giveBack ? ', attempts = greatest(attempts - 1, 0)' : ''} where id = $1 and status = 'processing'`, [id]);
};

/** Fails the job only if it is still pending (no worker holds it): a cancel that wins the race. */
export const failPendingJob = async (sql: Pick<Sql, 'query'>, id: string, error: JobError, now = Date.now()): Promise<boolean> =>
  (await sql.query("update jobs set status = 'failed', error = $2, finished_at = $3 where id = $1 and status = 'pending' returning id", [id, encodeJobValue(error), now])).length > 0;

/** Fails the job if it is still open, whoever held it (the queue gave up on it: stalled too often). */
export const failOpenJob = async (sql: Pick<Sql, 'query'>, id: string, error: JobError, now = Date.now()): Promise<boolean> =>
  (await sql.query("update jobs set status = 'failed', error = $2, finished_at = $3 where id = $1 and status in ('pending', 'processing') returning id", [id, encodeJobValue(error), now])).length > 0;

/** Open jobs created before `before`, for the sweep that finds jobs the queue lost. */
export const openJobsBefore = async (sql: Pick<Sql, 'query'>, before: number): Promise<{ id: string; kind: 'preview' | 'export' }[]> =>
  sql.query<{ id: string; kind: 'preview' | 'export' }>("select id, kind from jobs where status in ('pending', 'processing') and created_at < $1 order by created_at limit 500", [before]);
