/**
 * One ordered list of SQL migrations for both databases. Times are epoch milliseconds (bigint),
 * so both adapters read them the same way. The credit balance carries its invariant as a CHECK:
 * available + frozen = total can never be written otherwise.
 */
import type { Sql } from './sql.js';

export const MIGRATIONS: readonly string[] = [
  `create table users (
     id text primary key,
     kind text not null,
     client_id text unique,
     created_at bigint not null
   );
   create table tokens (
     id text primary key,
     hash text not null unique,
     user_id text not null references users(id),
     client_id text,
     scopes text not null,
     created_ip text,
     created_at bigint not null,
     expires_at bigint not null,
     revoked boolean not null default false
   );
   create index tokens_client on tokens(client_id);
   create index tokens_ip on tokens(created_ip, created_at);
   create table accounts (
     user_id text primary key references users(id),
     available integer not null,
     frozen integer not null,
     total integer not null,
     constraint credits_add_up check (available + frozen = total and available >= 0 and frozen >= 0)
   );
   create table holds (
     id text primary key,
     user_id text not null references users(id),
     turn_id text,
     amount integer not null,
     status text not null,
     created_at bigint not null,
     settled_at bigint
   );
   create index holds_open on holds(status);
   create table ledger (
     id bigserial primary key,
     user_id text not null,
     kind text not null,
     amount integer not null,
     hold_id text,
     at bigint not null
   );
   create table sessions (
     id text primary key,
     task_id text not null unique,
     user_id text not null references users(id),
     task_name text not null,
     language text,
     draft text not null,
     draft_version integer not null,
     view text not null,
     created_at bigint not null,
     updated_at bigint not null
   );
   create index sessions_user on sessions(user_id);
   create table draft_history (
     session_id text not null references sessions(id),
     version integer not null,
     draft text not null,
     reason text not null,
     at bigint not null,
     primary key (session_id, version)
   );
   create table media (
     id text primary key,
     session_id text not null references sessions(id),
     user_id text not null,
     name text not null,
     kind text not null,
     mime text not null,
     type text not null,
     width integer,
     height integer,
     duration_ms integer,
     size_bytes bigint not null,
     file text not null,
     thumb text,
     created_at bigint not null
   );
   create index media_session on media(session_id, created_at);
   create table turns (
     id text primary key,
     session_id text not null references sessions(id),
     message text not null,
     status text not null,
     text text,
     error text,
     cost integer not null default 0,
     created_at bigint not null,
     finished_at bigint
   );
   create index turns_session on turns(session_id, created_at);
   create table generated (
     id text primary key,
     session_id text not null references sessions(id),
     turn_id text,
     kind text not null,
     file text not null,
     format text not null,
     width integer not null,
     height integer not null,
     duration_ms integer not null,
     size_bytes bigint not null,
     created_at bigint not null
   );
   create index generated_session on generated(session_id, created_at);
   create table jobs (
     id text primary key,
     user_id text not null,
     session_id text not null,
     kind text not null,
     status text not null,
     progress integer not null default 0,
     spec text not null,
     output text,
     error text,
     attempts integer not null default 0,
     created_at bigint not null,
     started_at bigint,
     finished_at bigint
   );
   create index jobs_status on jobs(status);
   create table claims (
     hash text primary key,
     user_id text not null,
     session_id text not null,
     task_id text not null,
     expires_at bigint not null
   );
   create table requests (
     id bigserial primary key,
     at bigint not null,
     method text not null,
     route text not null,
     status integer not null,
     user_id text,
     ip text,
     skill_source text,
     skill_version text,
     skill_platform text
   );`,
  // Clips without a sound track are not mixed (null: not known, treated as having one).
  `alter table media add column has_audio boolean`,
  // Tokens made from claim links open one session.
  `alter table tokens add column session_id text`,
  // Claim links have an id (to revoke them), a use count and a limit; their tokens name the link,
  // so revoking the link ends them too.
  `alter table claims add column id text;
   alter table claims add column uses integer not null default 0;
   alter table claims add column max_uses integer not null default 5;
   alter table claims add column revoked boolean not null default false;
   alter table claims add column created_at bigint;
   update claims set id = 'cl_' || substr(hash, 1, 24), created_at = expires_at - 604800000 where id is null;
   create unique index claims_id on claims(id);
   create index claims_session on claims(session_id);
   alter table tokens add column claim_id text;
   create index tokens_claim on tokens(claim_id)`,
  // Photos keep what analysis learned at upload (JSON: size, orientation, subject), read by every plan.
  `alter table media add column analysis text`,
  // Several API processes on one database: each running turn names the process that runs it, and
  // each process holds a lease it renews; a turn is failed only once its process's lease has run out.
  `alter table turns add column owner text;
   create table leases (
     owner text primary key,
     started_at bigint not null,
     expires_at bigint not null
   )`,
  // Retention and quotas: a finished render's size is a column (a user's stored bytes are one sum),
  // and what the sweeper looks for by age has an index.
  `alter table jobs add column size_bytes bigint;
   update jobs set size_bytes = (output::json->>'size_bytes')::bigint where output is not null;
   create index jobs_user on jobs(user_id, kind, status);
   create index jobs_session on jobs(session_id);
   create index jobs_finished on jobs(kind, status, finished_at);
   create index media_user on media(user_id);
   create index sessions_updated on sessions(updated_at);
   create index requests_at on requests(at)`,
  // Several clips in one session (issue 15): each clip a draft with its own history; the session's
  // draft stays the active clip's, for clients that know one draft. Media keep their upload order
  // (the order a request arrived, then the file's place in it), generated previews name their clip,
  // and an export keeps the file name it will download under.
  `alter table sessions add column active_clip text;
   alter table sessions add column focus text;
   create table clips (
     session_id text not null references sessions(id),
     id text not null,
     position integer not null,
     draft text not null,
     draft_version integer not null,
     view text not null,
     created_at bigint not null,
     updated_at bigint not null,
     primary key (session_id, id)
   );
   create table clip_history (
     session_id text not null,
     clip_id text not null,
     version integer not null,
     draft text not null,
     reason text not null,
     at bigint not null,
     primary key (session_id, clip_id, version)
   );
   alter table media add column seq bigint;
   update media set seq = created_at * 1000 where seq is null;
   alter table generated add column clip_id text;
   alter table jobs add column file_name text`,
  // A turn whose process died while its previews render is finished by another process: the turn
  // keeps what that needs (its hold, its preview jobs, its reply's parts) while it renders.
  `alter table turns add column resume text;
   create index turns_running on turns(session_id) where status = 'running'`,
];

/** Applies the migrations not applied yet, in one transaction each; safe when several processes start at once on PostgreSQL. */
export const migrate = async (sql: Sql): Promise<number> => {
  await sql.query('create table if not exists schema_migrations (version integer primary key, at bigint not null)');
  let applied = 0;
  for (let v = 1; v <= MIGRATIONS.length; v++) {
    const done = await sql.tx(async (q) => {
      if (sql.kind === 'postgres') await q.query('select pg_advisory_xact_lock(727274)');
      const rows = await q.query('select 1 from schema_migrations where version = $1', [v]);
      if (rows.length) return false;
      for (const stmt of MIGRATIONS[v - 1]!.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await q.query(stmt);
      await q.query('insert into schema_migrations (version, at) values ($1, $2)', [v, Date.now()]);
      return true;
    });
    if (done) applied++;
  }
  return applied;
};
