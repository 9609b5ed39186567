/**
 * Render jobs (previews and exports): the row is the job's truth, whichever queue runs it. Specs,
 * outputs and errors are stored as JSON and read back checked (src/jobs/job.ts).
 */
import { decodeJobError, decodeJobOutput, decodeJobSpec, encodeJobValue, type Job, type JobError, type JobKind, type JobOutput, type JobSpec } from '../jobs/job.js';
import { norm, type JobRow, type JobState, type StoredFile } from './rows.js';
import type { Sql } from './sql.js';

const JOB_STATE_COLUMNS = 'id, user_id, session_id, kind, status, progress, output, error, attempts, created_at, started_at, finished_at, file_name';

export class Jobs {
  constructor(private readonly sql: Sql) {}

  async createJob(j: { readonly id: string; readonly user_id: string; readonly session_id: string; readonly kind: JobKind; readonly spec: JobSpec }): Promise<boolean> {
    const r = await this.sql.query('insert into jobs (id, user_id, session_id, kind, status, progress, spec, created_at) values ($1, $2, $3, $4, $5, 0, $6, $7) on conflict (id) do nothing returning id',
      [j.id, j.user_id, j.session_id, j.kind, 'pending', encodeJobValue(j.spec), Date.now()]);
    return r.length > 0;
  }

  async job(id: string): Promise<JobRow | null> {
    const r = await this.sql.query<StoredJob>('select * from jobs where id = $1', [id]);
    return r[0] ? jobOf(r[0]) : null;
  }

  /** The job without its spec: status reads stay cheap whatever the draft's size. */
  async jobState(id: string): Promise<JobState | null> {
    const r = await this.sql.query<StoredJobState>(`select ${JOB_STATE_COLUMNS} from jobs where id = $1`, [id]);
    return r[0] ? jobStateOf(r[0]) : null;
  }

  /**
   * An export, if its id is new and its user has fewer than `cap` waiting or running: the check and
   * the insert hold the user's lock together, so simultaneous submits cannot all pass the check.
   * Answers the job already under that id, or how many are busy when the cap is reached.
   */
  async createExport(j: { readonly id: string; readonly user_id: string; readonly session_id: string; readonly spec: JobSpec; readonly file_name?: string | null }, cap: number):
    Promise<{ created: JobState } | { existing: JobState } | { busy: number }> {
    return this.sql.tx(async (q) => {
      await q.query('select pg_advisory_xact_lock(hashtext($1))', [`exports:${j.user_id}`]);
      const existing = (await q.query<StoredJobState>(`select ${JOB_STATE_COLUMNS} from jobs where id = $1`, [j.id]))[0];
      if (existing) return { existing: jobStateOf(existing) };
      const busy = (await q.query<{ n: number }>("select count(*)::int as n from jobs where user_id = $1 and kind = 'export' and status in ('pending', 'processing')", [j.user_id]))[0]?.n ?? 0;
      if (busy >= cap) return { busy };
      const r = await q.query<StoredJobState>(`insert into jobs (id, user_id, session_id, kind, status, progress, spec, created_at, file_name) values ($1, $2, $3, 'export', 'pending', 0, $4, $5, $6) returning ${JOB_STATE_COLUMNS}`,
        [j.id, j.user_id, j.session_id, encodeJobValue(j.spec), Date.now(), j.file_name ?? null]);
      return { created: jobStateOf(r[0]!) };
    });
  }

  async jobStarted(id: string): Promise<void> {
    await this.sql.query("update jobs set status = 'processing', progress = 0, attempts = attempts + 1, started_at = $2 where id = $1", [id, Date.now()]);
  }

  async jobProgress(id: string, progress: number): Promise<void> {
    await this.sql.query("update jobs set progress = $2 where id = $1 and status = 'processing'", [id, Math.max(0, Math.min(99, Math.floor(progress)))]);
  }

  async jobFinished(id: string, r: { status: 'completed'; output: JobOutput } | { status: 'failed'; error: JobError } | { status: 'pending' }): Promise<void> {
    // Back to pending is the shutdown checkpoint: a graceful stop is not a crash, so it gives back the attempt jobStarted counted.
    if (r.status === 'pending') await this.sql.query("update jobs set status = 'pending', progress = 0, attempts = greatest(attempts - 1, 0) where id = $1", [id]);
    else if (r.status === 'completed') await this.sql.query("update jobs set status = 'completed', progress = 100, output = $2, finished_at = $3, size_bytes = $4 where id = $1", [id, encodeJobValue(r.output), Date.now(), r.output.size_bytes]);
    else await this.sql.query("update jobs set status = 'failed', error = $2, finished_at = $3 where id = $1", [id, encodeJobValue(r.error), Date.now()]);
  }

  /** Jobs a previous process left pending or processing, oldest first. */
  async unfinishedJobs(): Promise<JobRow[]> {
    return (await this.sql.query<StoredJob>("select * from jobs where status in ('pending', 'processing') order by created_at, id")).map(jobOf);
  }

  /**
   * Deletes finished jobs of `kind` that ended before `olderThan` (never a pending or processing
   * one). Returns the files they wrote; a preview's file is also a generated row's, and is only
   * returned when no generated row names it.
   */
  async sweepFinishedJobs(kind: JobKind, olderThan: number): Promise<StoredFile[]> {
    const rows = await this.sql.query<{ output: string | null }>(
      "delete from jobs where kind = $1 and status in ('completed', 'failed') and coalesce(finished_at, created_at) < $2 returning output", [kind, olderThan]);
    const out = rows.flatMap((r) => { const o = decodeJobOutput(r.output); return o ? [{ area: o.area, file: o.file } as StoredFile] : []; });
    if (kind !== 'preview' || !out.length) return out;
    const kept = new Set((await this.sql.query<{ file: string }>('select file from generated where file = any($1)', [out.map((f) => f.file)])).map((r) => r.file));
    return out.filter((f) => !kept.has(f.file));
  }
}

/** A jobs row as stored: its spec, output and error are JSON text. */
type StoredJob = Omit<Job, 'spec' | 'output' | 'error'> & { readonly spec: string; readonly output: string | null; readonly error: string | null };

const jobOf = (row: StoredJob): Job => {
  const r = norm(row);
  return { ...r, spec: decodeJobSpec(r.spec), output: decodeJobOutput(r.output), error: decodeJobError(r.error) };
};
type StoredJobState = Omit<StoredJob, 'spec'>;
const jobStateOf = (row: StoredJobState): JobState => {
  const r = norm(row);
  return { ...r, output: decodeJobOutput(r.output), error: decodeJobError(r.error) };
};
