/**
 * What the service keeps, as domain operations over the SQL port: tokens (hashed), sessions and
 * their drafts with history, media, turns, generated media, jobs, claims, the request log and the
 * credits ledger. Every credit movement is one transaction that updates the balance (whose CHECK
 * holds available + frozen = total) and appends to the ledger.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { StillmotionError } from '../errors.js';
import type { StillAnalysis } from '../engine/index.js';
import { decodeJobError, decodeJobOutput, decodeJobSpec, encodeJobValue, type Job, type JobError, type JobKind, type JobOutput, type JobSpec, type JobStatus } from '../jobs/job.js';
import { migrate } from './migrations.js';
import type { Sql } from './sql.js';

export const newId = (prefix: string, bytes = 12): string => `${prefix}_${randomBytes(bytes).toString('base64url')}`;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export type Scope = 'read' | 'write' | 'upload' | 'render';
export interface Principal {
  readonly userId: string;
  readonly tokenId: string;
  readonly kind: 'anonymous' | 'registered';
  readonly clientId: string | null;
  readonly scopes: readonly Scope[];
  /** Epoch ms. */
  readonly expiresAt: number;
  /** A token made from a claim link opens that one session only. */
  readonly sessionId: string | null;
}
export interface Balance { readonly available: number; readonly frozen: number; readonly total: number }
export interface SessionRow {
  readonly id: string; readonly task_id: string; readonly user_id: string; readonly task_name: string; readonly language: string | null;
  /** `view` holds the draft's display form (summary, timeline rows), JSON: the column kept its first name. */
  readonly draft: string; readonly draft_version: number; readonly view: string; readonly created_at: number; readonly updated_at: number;
  /** The clip the session's draft is (null before the session had clips: its draft is then its one clip). */
  readonly active_clip?: string | null;
  /** The photo the conversation is about ("this one"). */
  readonly focus?: string | null;
}
/** One clip of a session: a draft with its own version and history, and its display form. */
export interface ClipRow {
  readonly session_id: string; readonly id: string; readonly position: number; readonly draft: string; readonly draft_version: number;
  readonly view: string; readonly created_at: number; readonly updated_at: number;
}
/** A clip to save: `changed` ones get a new version (and a history row); the others only keep their place. */
export interface ClipSave { readonly id: string; readonly draft: string; readonly view: string; readonly changed: boolean }
export interface MediaRow {
  readonly id: string; readonly session_id: string; readonly user_id: string; readonly name: string; readonly kind: 'image' | 'video' | 'audio';
  readonly mime: string; readonly type: string; readonly width: number | null; readonly height: number | null; readonly duration_ms: number | null;
  readonly size_bytes: number; readonly file: string; readonly thumb: string | null; readonly created_at: number;
  readonly has_audio?: boolean | null;
  /** Upload order: when the upload request arrived (µs), plus the file's place in it. */
  readonly seq?: number | null;
  /** Photos: what analysis learned at upload (null for rows from before it was stored, or not a photo). */
  readonly analysis?: StillAnalysis | null;
}
export interface TurnRow {
  readonly id: string; readonly session_id: string; readonly message: string; readonly status: 'running' | 'completed' | 'failed';
  readonly text: string | null; readonly error: string | null; readonly cost: number; readonly created_at: number; readonly finished_at: number | null;
}
export interface GeneratedRow {
  readonly id: string; readonly session_id: string; readonly turn_id: string | null; readonly kind: string; readonly file: string; readonly format: string;
  readonly width: number; readonly height: number; readonly duration_ms: number; readonly size_bytes: number; readonly created_at: number;
  /** The clip a preview shows (null: the session's one draft, before clips). */
  readonly clip_id?: string | null;
}
export type { JobStatus };
/** A job with its spec, output and error as typed values (src/jobs/job.ts reads and checks the stored JSON). */
export type JobRow = Job;
export interface ClaimRow {
  readonly id: string; readonly session_id: string; readonly uses: number; readonly max_uses: number; readonly revoked: boolean;
  readonly created_at: number; readonly expires_at: number;
}
/** A job without its spec (the plan, up to the body limit's size): what status reads need. */
export type JobState = Omit<JobRow, 'spec'> & { readonly file_name?: string | null };
/** A file the store's rows name, by area. */
export interface StoredFile { readonly area: 'media' | 'thumbs' | 'generated' | 'renders'; readonly file: string }
const JOB_STATE_COLUMNS = 'id, user_id, session_id, kind, status, progress, output, error, attempts, created_at, started_at, finished_at, file_name';
export interface RequestLogRow {
  readonly at: number; readonly method: string; readonly route: string; readonly status: number; readonly userId: string | null; readonly ip: string;
  readonly skillSource: string | null; readonly skillVersion: string | null; readonly skillPlatform: string | null;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface StoreOptions {
  /** Keep reads of sessions, media, turns and balances until this process writes them (default true: one process per database). */
  readonly cache?: boolean;
  /** Written on every turn this store starts: the process whose lease keeps it alive. */
  readonly owner?: string;
}

export class Store {
  /**
   * Reads of a session's parts and of balances, kept until this process writes them: one process
   * per database (`npm start`; the embedded one cannot be shared anyway). With several processes
   * on one database (REDIS_URL) it is off (`cache: false`): another process's write would leave it
   * stale, and a read costs well under a millisecond on PostgreSQL (`npm run bench`, scale).
   */
  private readonly cache = new Map<string, Promise<unknown>>();

  private constructor(readonly sql: Sql, private readonly secret: Buffer, private readonly o: StoreOptions) {}

  /** The process that owns the turns this store starts (leases: src/service/leases.ts); null in a one-process deployment. */
  get owner(): string | null {
    return this.o.owner ?? null;
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.o.cache === false) return load();
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      if (this.cache.size > 20_000) this.cache.clear();
      p = load();
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  private forget(...keys: string[]): void {
    for (const k of keys) this.cache.delete(k);
  }

  static async open(sql: Sql, secret: Buffer, o: StoreOptions = {}): Promise<Store> {
    await migrate(sql);
    return new Store(sql, secret, o);
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  /** A token is derived from the secret and its row id, so the same live token can be handed out again while only its hash is stored. */
  private tokenFor(tokenId: string): string {
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

  // --- credits ---------------------------------------------------------------------------

  balance(userId: string): Promise<Balance> {
    return this.cached(`b:${userId}`, async () => {
      const r = await this.sql.query<Balance>('select available, frozen, total from accounts where user_id = $1', [userId]);
      return r[0] ?? { available: 0, frozen: 0, total: 0 };
    });
  }

  /** Freezes `amount`; throws INSUFFICIENT_CREDITS when available is short. Returns the hold's id. */
  async reserve(userId: string, amount: number, turnId: string | null): Promise<string> {
    const holdId = newId('hold');
    const now = Date.now();
    this.forget(`b:${userId}`);
    await this.sql.tx(async (q) => {
      const r = await q.query<Balance>(
        'update accounts set available = available - $2, frozen = frozen + $2 where user_id = $1 and available >= $2 returning available, frozen, total', [userId, amount]);
      if (!r[0]) {
        const b = (await q.query<Balance>('select available, frozen, total from accounts where user_id = $1', [userId]))[0];
        throw new StillmotionError('INSUFFICIENT_CREDITS', `this needs ${amount} credits; ${b?.available ?? 0} are available${b?.frozen ? ` (${b.frozen} reserved by running work)` : ''}`, { details: { needed: amount, available: b?.available ?? 0 } });
      }
      await q.query('insert into holds (id, user_id, turn_id, amount, status, created_at) values ($1, $2, $3, $4, $5, $6)', [holdId, userId, turnId, amount, 'held', now]);
      await q.query('insert into ledger (user_id, kind, amount, hold_id, at) values ($1, $2, $3, $4, $5)', [userId, 'reserve', amount, holdId, now]);
    }).finally(() => this.forget(`b:${userId}`));
    return holdId;
  }

  /** Charges or releases a hold, once: a second settle of the same hold does nothing. */
  async settle(holdId: string, outcome: 'charge' | 'release'): Promise<boolean> {
    let user: string | null = null;
    return this.sql.tx(async (q) => {
      user = await this.settleIn(q, holdId, outcome, Date.now());
      return user !== null;
    }).finally(() => { if (user) this.forget(`b:${user}`); });
  }

  /** Inside a transaction: settles the hold if it is still held; returns its user, or null. */
  private async settleIn(q: Pick<Sql, 'query'>, holdId: string, outcome: 'charge' | 'release', now: number): Promise<string | null> {
    const h = (await q.query<{ user_id: string; amount: number }>(
      "update holds set status = $2, settled_at = $3 where id = $1 and status = 'held' returning user_id, amount", [holdId, outcome === 'charge' ? 'charged' : 'released', now]))[0];
    if (!h) return null;
    if (outcome === 'charge') await q.query('update accounts set frozen = frozen - $2, total = total - $2 where user_id = $1', [h.user_id, h.amount]);
    else await q.query('update accounts set frozen = frozen - $2, available = available + $2 where user_id = $1', [h.user_id, h.amount]);
    await q.query('insert into ledger (user_id, kind, amount, hold_id, at) values ($1, $2, $3, $4, $5)', [h.user_id, outcome, h.amount, holdId, now]);
    return h.user_id;
  }

  /** A turn that rendered: charged and marked completed in one transaction (a crash cannot leave one without the other). */
  async completeTurn(turnId: string, holdId: string | null, text: string, cost: number): Promise<void> {
    const now = Date.now();
    let user: string | null = null;
    let session: string | null = null;
    await this.sql.tx(async (q) => {
      if (holdId) user = await this.settleIn(q, holdId, 'charge', now);
      const r = await q.query<{ session_id: string }>("update turns set status = 'completed', text = $2, error = null, cost = $3, finished_at = $4 where id = $1 returning session_id", [turnId, text, cost, now]);
      session = r[0]?.session_id ?? null;
    }).finally(() => {
      if (user) this.forget(`b:${user}`);
      if (session) this.forget(`t:${session}`);
    });
  }

  /** After a crash no turn is running: every open hold is released. */
  async releaseOpenHolds(): Promise<number> {
    const open = await this.sql.query<{ id: string }>("select id from holds where status = 'held'");
    let n = 0;
    for (const h of open) if (await this.settle(h.id, 'release')) n++;
    return n;
  }

  // --- sessions and drafts ----------------------------------------------------------------

  async createSession(userId: string, taskName: string, language: string | null, draft: string, display: string): Promise<{ taskId: string; sessionId: string }> {
    const sessionId = newId('ses');
    const taskId = newId('task');
    const now = Date.now();
    await this.sql.tx(async (q) => {
      await q.query('insert into sessions (id, task_id, user_id, task_name, language, draft, draft_version, view, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8)',
        [sessionId, taskId, userId, taskName, language, draft, display, now]);
      await q.query('insert into draft_history (session_id, version, draft, reason, at) values ($1, 1, $2, $3, $4)', [sessionId, draft, 'created', now]);
    });
    return { taskId, sessionId };
  }

  /** The session if it is this user's (and this token's, for a one-session token); otherwise 1002, the same answer whether it exists or not. */
  async sessionOf(who: { readonly userId: string; readonly sessionId?: string | null }, sessionId: unknown): Promise<SessionRow> {
    const userId = who.userId;
    if (who.sessionId && who.sessionId !== sessionId) throw new StillmotionError('SESSION_NOT_FOUND', 'no such session for this token', { hint: 'this token opens one project only' });
    const row = typeof sessionId === 'string' && sessionId.length <= 100
      ? await this.cached(`s:${sessionId}`, async () => (await this.sql.query<SessionRow>('select * from sessions where id = $1', [sessionId]))[0] ?? null)
      : null;
    if (!row || row.user_id !== userId) throw new StillmotionError('SESSION_NOT_FOUND', 'no such session for this token', { hint: 'create a new session with POST /api/tasks/me/with-session/nemo_agent' });
    return norm(row);
  }

  /** Saves a new draft version with its display form; the previous one stays in the history. */
  async saveDraft(sessionId: string, draft: string, display: string, reason: string): Promise<number> {
    const now = Date.now();
    this.forget(`s:${sessionId}`);
    return this.sql.tx(async (q) => {
      const r = await q.query<{ draft_version: number }>('update sessions set draft = $2, view = $3, draft_version = draft_version + 1, updated_at = $4 where id = $1 returning draft_version', [sessionId, draft, display, now]);
      const v = r[0]!.draft_version;
      await q.query('insert into draft_history (session_id, version, draft, reason, at) values ($1, $2, $3, $4, $5)', [sessionId, v, draft, reason.slice(0, 500), now]);
      return v;
    }).finally(() => this.forget(`s:${sessionId}`));
  }

  /** A session's clips in their order (empty for a session that never had more than its one draft). */
  clipsOf(sessionId: string): Promise<ClipRow[]> {
    return this.cached(`c:${sessionId}`, async () => (await this.sql.query<ClipRow>('select * from clips where session_id = $1 order by position, id', [sessionId])).map(norm));
  }

  /**
   * Saves a session's clips in one transaction: changed clips get a new version and a history row,
   * clips not listed are deleted, every clip takes its place in the list, and the session's draft
   * becomes the active clip's (a new session version, in its history too). Returns the session's version.
   */
  async saveClips(sessionId: string, o: { clips: readonly ClipSave[]; active: string; focus: string | null; reason: string }): Promise<number> {
    const now = Date.now();
    const act = o.clips.find((c) => c.id === o.active) ?? o.clips[0];
    if (!act) throw new StillmotionError('INTERNAL', 'a session keeps at least one clip');
    this.forget(`s:${sessionId}`, `c:${sessionId}`);
    const reason = o.reason.slice(0, 500);
    return this.sql.tx(async (q) => {
      const ids = o.clips.map((c) => c.id);
      await q.query('delete from clips where session_id = $1 and not (id = any($2::text[]))', [sessionId, ids]);
      for (const [i, c] of o.clips.entries()) {
        if (c.changed) {
          const r = await q.query<{ draft_version: number }>(
            `insert into clips (session_id, id, position, draft, draft_version, view, created_at, updated_at) values ($1, $2, $3, $4, 1, $5, $6, $6)
             on conflict (session_id, id) do update set position = $3, draft = $4, view = $5, draft_version = clips.draft_version + 1, updated_at = $6 returning draft_version`,
            [sessionId, c.id, i + 1, c.draft, c.view, now]);
          await q.query('insert into clip_history (session_id, clip_id, version, draft, reason, at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing', [sessionId, c.id, r[0]!.draft_version, c.draft, reason, now]);
        } else {
          await q.query(`insert into clips (session_id, id, position, draft, draft_version, view, created_at, updated_at) values ($1, $2, $3, $4, 1, $5, $6, $6)
             on conflict (session_id, id) do update set position = $3, view = $5`, [sessionId, c.id, i + 1, c.draft, c.view, now]);
        }
      }
      const r = await q.query<{ draft_version: number }>('update sessions set draft = $2, view = $3, draft_version = draft_version + 1, active_clip = $4, focus = $5, updated_at = $6 where id = $1 returning draft_version',
        [sessionId, act.draft, act.view, act.id, o.focus, now]);
      const v = r[0]!.draft_version;
      await q.query('insert into draft_history (session_id, version, draft, reason, at) values ($1, $2, $3, $4, $5)', [sessionId, v, act.draft, reason, now]);
      return v;
    }).finally(() => this.forget(`s:${sessionId}`, `c:${sessionId}`));
  }

  async clipHistory(sessionId: string, clipId: string): Promise<{ version: number; draft: string; reason: string; at: number }[]> {
    return (await this.sql.query<{ version: number; draft: string; reason: string; at: number }>('select version, draft, reason, at from clip_history where session_id = $1 and clip_id = $2 order by version', [sessionId, clipId])).map(norm);
  }

  /** Replaces the draft's display form without a new draft version. */
  async setDisplay(sessionId: string, display: string): Promise<void> {
    this.forget(`s:${sessionId}`);
    await this.sql.query('update sessions set view = $2 where id = $1', [sessionId, display]).finally(() => this.forget(`s:${sessionId}`));
  }

  async draftHistory(sessionId: string): Promise<{ version: number; draft: string; reason: string; at: number }[]> {
    return (await this.sql.query<{ version: number; draft: string; reason: string; at: number }>('select version, draft, reason, at from draft_history where session_id = $1 order by version', [sessionId])).map(norm);
  }

  // --- media ------------------------------------------------------------------------------

  async addMedia(m: MediaRow): Promise<void> {
    await this.sql.query('insert into media (id, session_id, user_id, name, kind, mime, type, width, height, duration_ms, size_bytes, file, thumb, created_at, has_audio, analysis, seq) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)',
      [m.id, m.session_id, m.user_id, m.name, m.kind, m.mime, m.type, m.width, m.height, m.duration_ms, m.size_bytes, m.file, m.thumb, m.created_at, m.has_audio ?? null, m.analysis ? JSON.stringify(m.analysis) : null, m.seq ?? m.created_at * 1000]).finally(() => this.forget(`m:${m.session_id}`));
  }

  mediaOf(sessionId: string): Promise<MediaRow[]> {
    return this.cached(`m:${sessionId}`, async () => (await this.sql.query<MediaRow & { analysis: string | null }>('select * from media where session_id = $1 order by coalesce(seq, created_at * 1000), created_at, id', [sessionId]))
      .map((r) => ({ ...norm(r), analysis: readAnalysis(r.analysis) })));
  }

  /** Stores a photo's analysis made at first use (media uploaded before analyses were kept). */
  async setMediaAnalysis(mediaId: string, sessionId: string, analysis: StillAnalysis): Promise<void> {
    this.forget(`m:${sessionId}`);
    await this.sql.query('update media set analysis = $2 where id = $1', [mediaId, JSON.stringify(analysis)]).finally(() => this.forget(`m:${sessionId}`));
  }

  // --- turns and what they made -------------------------------------------------------------

  async startTurn(sessionId: string, message: string): Promise<string> {
    const id = newId('turn');
    await this.sql.query('insert into turns (id, session_id, message, status, created_at, owner) values ($1, $2, $3, $4, $5, $6)', [id, sessionId, message, 'running', Date.now(), this.owner]).finally(() => this.forget(`t:${sessionId}`));
    return id;
  }

  async finishTurn(id: string, status: 'completed' | 'failed', text: string | null, error: string | null, cost: number): Promise<void> {
    const r = await this.sql.query<{ session_id: string }>('update turns set status = $2, text = $3, error = $4, cost = $5, finished_at = $6 where id = $1 returning session_id', [id, status, text, error, cost, Date.now()]);
    if (r[0]) this.forget(`t:${r[0].session_id}`);
  }

  lastTurn(sessionId: string): Promise<TurnRow | null> {
    return this.cached(`t:${sessionId}`, async () => {
      const r = await this.sql.query<TurnRow>('select * from turns where session_id = $1 order by created_at desc, id desc limit 1', [sessionId]);
      return r[0] ? norm(r[0]) : null;
    });
  }

  /** After a crash: turns that were running are failed (their holds are released separately). */
  async failRunningTurns(reason: string, text: string): Promise<number> {
    this.cache.clear();
    return (await this.sql.query("update turns set status = 'failed', error = $1, text = coalesce(text, $2), finished_at = $3 where status = 'running' returning id", [reason, text, Date.now()])).length;
  }

  async addGenerated(g: GeneratedRow): Promise<void> {
    await this.sql.query('insert into generated (id, session_id, turn_id, kind, file, format, width, height, duration_ms, size_bytes, created_at, clip_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      [g.id, g.session_id, g.turn_id, g.kind, g.file, g.format, g.width, g.height, g.duration_ms, g.size_bytes, g.created_at, g.clip_id ?? null]).finally(() => this.forget(`g:${g.session_id}`));
  }

  generatedOf(sessionId: string): Promise<GeneratedRow[]> {
    return this.cached(`g:${sessionId}`, async () => (await this.sql.query<GeneratedRow>('select * from generated where session_id = $1 order by created_at, id', [sessionId])).map(norm));
  }

  // --- jobs ---------------------------------------------------------------------------------

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

  // --- storage and retention ---------------------------------------------------------------

  /** Bytes a user keeps on the server: uploaded media, chat previews and finished exports. */
  async storageUsed(userId: string): Promise<number> {
    const r = await this.sql.query<{ n: string | number | null }>(
      `select (select coalesce(sum(size_bytes), 0) from media where user_id = $1)
            + (select coalesce(sum(g.size_bytes), 0) from generated g join sessions s on s.id = g.session_id where s.user_id = $1)
            + (select coalesce(sum(size_bytes), 0) from jobs where user_id = $1 and kind = 'export' and status = 'completed') as n`, [userId]);
    return Number(r[0]?.n ?? 0);
  }

  /**
   * Deletes chat previews beyond the newest `keepPerSession` of each session, and those created
   * before `olderThan` except each session's newest (null: no age limit). Returns their files.
   */
  async sweepPreviews(keepPerSession: number, olderThan: number | null): Promise<StoredFile[]> {
    const rows = await this.sql.query<{ session_id: string; file: string }>(
      `delete from generated where id in (
         select id from (select id, created_at, row_number() over (partition by session_id order by created_at desc, id desc) as rn from generated) x
         where rn > $1 or (rn > 1 and $2::bigint is not null and created_at < $2::bigint))
       returning session_id, file`, [keepPerSession, olderThan]);
    this.forget(...new Set(rows.map((r) => `g:${r.session_id}`)));
    return rows.map((r) => ({ area: 'generated', file: r.file }));
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

  /**
   * Deletes sessions with no change since `olderThan` (draft, upload, turn or render), with
   * everything they hold: media, previews, exports, turns, the draft history, claim links and the
   * tokens made from them. A session with a running turn or an unfinished render is kept. Returns
   * the files to remove and how many sessions went.
   */
  async sweepIdleSessions(olderThan: number, limit = 200): Promise<{ sessions: number; files: StoredFile[] }> {
    const idle = await this.sql.query<{ id: string }>(
      `select s.id from sessions s where s.updated_at < $1
         and not exists (select 1 from turns t where t.session_id = s.id and (t.status = 'running' or t.created_at >= $1))
         and not exists (select 1 from media m where m.session_id = s.id and m.created_at >= $1)
         and not exists (select 1 from jobs j where j.session_id = s.id and (j.status in ('pending', 'processing') or j.created_at >= $1))
       order by s.updated_at limit $2`, [olderThan, limit]);
    const files: StoredFile[] = [];
    let sessions = 0;
    for (const { id } of idle) {
      const got = await this.sql.tx(async (q) => {
        // Checked again under the transaction: a turn or render that started meanwhile keeps the session.
        const busy = await q.query("select 1 from turns where session_id = $1 and status = 'running' union all select 1 from jobs where session_id = $1 and status in ('pending', 'processing') limit 1", [id]);
        if (busy.length) return null;
        const f: StoredFile[] = [];
        for (const m of await q.query<{ file: string; thumb: string | null }>('delete from media where session_id = $1 returning file, thumb', [id])) {
          f.push({ area: 'media', file: m.file });
          if (m.thumb) f.push({ area: 'thumbs', file: m.thumb });
        }
        for (const g of await q.query<{ file: string }>('delete from generated where session_id = $1 returning file', [id])) f.push({ area: 'generated', file: g.file });
        for (const j of await q.query<{ output: string | null }>('delete from jobs where session_id = $1 returning output', [id])) {
          const o = decodeJobOutput(j.output);
          if (o) f.push({ area: o.area, file: o.file });
        }
        await q.query('delete from turns where session_id = $1', [id]);
        await q.query('delete from draft_history where session_id = $1', [id]);
        await q.query('delete from clip_history where session_id = $1', [id]);
        await q.query('delete from clips where session_id = $1', [id]);
        await q.query('update tokens set revoked = true where session_id = $1', [id]);
        await q.query('delete from claims where session_id = $1', [id]);
        await q.query('delete from sessions where id = $1', [id]);
        return f;
      });
      this.forget(`s:${id}`, `m:${id}`, `g:${id}`, `t:${id}`);
      if (got) { sessions++; files.push(...got); }
    }
    return { sessions, files };
  }

  /** The request log: rows before `olderThan` (null: any age) and all but the newest `maxRows`. Returns how many went. */
  async sweepRequests(olderThan: number | null, maxRows: number): Promise<number> {
    let n = 0;
    const count = async (sql: string, args: unknown[]) => Number((await this.sql.query<{ n: number }>(`with d as (${sql} returning 1) select count(*)::int as n from d`, args))[0]?.n ?? 0);
    if (olderThan !== null) n += await count('delete from requests where at < $1', [olderThan]);
    const edge = (await this.sql.query<{ id: string | number }>('select id from requests order by id desc offset $1 limit 1', [maxRows]))[0];
    if (edge) n += await count('delete from requests where id <= $1', [edge.id]);
    return n;
  }

  /** Every stored file a row names (media, thumbnails, previews, render outputs): what the orphan sweep keeps. */
  async referencedFiles(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const m of await this.sql.query<{ file: string; thumb: string | null }>('select file, thumb from media')) { out.add(`media/${m.file}`); if (m.thumb) out.add(`thumbs/${m.thumb}`); }
    for (const g of await this.sql.query<{ file: string }>('select file from generated')) out.add(`generated/${g.file}`);
    for (const j of await this.sql.query<{ output: string }>('select output from jobs where output is not null')) {
      const o = decodeJobOutput(j.output);
      if (o) out.add(`${o.area}/${o.file}`);
    }
    return out;
  }

  // --- claims and the request log --------------------------------------------------------------

  async createClaim(userId: string, sessionId: string, taskId: string, ttlMs: number, maxUses: number): Promise<{ claimToken: string; claim: ClaimRow }> {
    const claimToken = `clm_${randomBytes(24).toString('base64url')}`;
    const now = Date.now();
    const claim: ClaimRow = { id: newId('cl', 9), session_id: sessionId, uses: 0, max_uses: maxUses, revoked: false, created_at: now, expires_at: now + ttlMs };
    await this.sql.query('insert into claims (hash, id, user_id, session_id, task_id, expires_at, uses, max_uses, revoked, created_at) values ($1, $2, $3, $4, $5, $6, 0, $7, false, $8)',
      [sha256(claimToken), claim.id, userId, sessionId, taskId, claim.expires_at, maxUses, now]);
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
    return this.sql.tx(async (q) => {
      const r = await q.query<{ id: string; user_id: string; session_id: string; task_id: string; expires_at: number }>(
        'update claims set uses = uses + 1 where hash = $1 and not revoked and expires_at > $2 and uses < max_uses returning id, user_id, session_id, task_id, expires_at', [hash, now]);
      const c = r[0];
      if (!c) {
        const why = (await q.query<{ revoked: boolean; expires_at: number; uses: number; max_uses: number }>('select revoked, expires_at, uses, max_uses from claims where hash = $1', [hash]))[0];
        if (!why) return { ok: false, why: 'unknown' } as const;
        return why.revoked ? { ok: false, why: 'revoked' } as const : Number(why.expires_at) <= now ? { ok: false, why: 'expired' } as const : { ok: false, why: 'used', maxUses: why.max_uses } as const;
      }
      const id = newId('tok');
      const token = this.tokenFor(id);
      await q.query('insert into tokens (id, hash, user_id, client_id, scopes, created_ip, created_at, expires_at, session_id, claim_id) values ($1, $2, $3, null, $4, null, $5, $6, $7, $8)',
        [id, sha256(token), c.user_id, scopes.join(','), now, Number(c.expires_at), c.session_id, c.id]);
      return { ok: true, token, userId: c.user_id, sessionId: c.session_id, taskId: c.task_id, expiresAt: Number(c.expires_at) } as const;
    });
  }

  /** A session's claim links (newest first), for its state. */
  async claimsOf(sessionId: string): Promise<ClaimRow[]> {
    const rows = await this.sql.query<ClaimRow>('select id, session_id, uses, max_uses, revoked, created_at, expires_at from claims where session_id = $1 and id is not null order by created_at desc, id limit 50', [sessionId]);
    return rows.map(norm);
  }

  /** Revokes a claim link of this user and every token made from it; false when the user has no such link. */
  async revokeClaim(userId: string, claimId: string): Promise<ClaimRow | null> {
    return this.sql.tx(async (q) => {
      const r = await q.query<ClaimRow>('update claims set revoked = true where id = $1 and user_id = $2 returning id, session_id, uses, max_uses, revoked, created_at, expires_at', [claimId, userId]);
      if (!r[0]) return null;
      await q.query('update tokens set revoked = true where claim_id = $1', [claimId]);
      return norm(r[0]);
    });
  }

  async logRequests(rows: readonly RequestLogRow[]): Promise<void> {
    if (!rows.length) return;
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.at, r.method, r.route, r.status, r.userId, r.ip, r.skillSource, r.skillVersion, r.skillPlatform);
      const b = i * 9;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9})`;
    });
    await this.sql.query(`insert into requests (at, method, route, status, user_id, ip, skill_source, skill_version, skill_platform) values ${tuples.join(', ')}`, values);
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

const readAnalysis = (text: string | null | undefined): StillAnalysis | null => {
  if (!text) return null;
  try {
    const a = JSON.parse(text) as StillAnalysis;
    return a && a.version === 1 ? a : null;
  } catch {
    return null;
  }
};

/** bigint columns arrive as strings from some drivers: times and sizes become numbers. */
const norm = <T>(row: T): T => {
  const o = { ...row } as Record<string, unknown>;
  for (const k of ['created_at', 'updated_at', 'finished_at', 'started_at', 'size_bytes', 'at', 'expires_at', 'seq']) {
    if (typeof o[k] === 'string') o[k] = Number(o[k]);
  }
  return o as T;
};
