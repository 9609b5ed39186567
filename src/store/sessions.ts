/**
 * Sessions and their drafts: the session row holds the active clip's draft and its display form;
 * clips hold one draft each; every saved version goes to a history table.
 */
import { StillmotionError } from '../errors.js';
import type { ReadCache } from './read-cache.js';
import { newId, norm, type ClipRow, type ClipSave, type SessionRow } from './rows.js';
import type { Sql } from './sql.js';

export class Sessions {
  constructor(private readonly sql: Sql, private readonly cache: ReadCache) {}

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
      ? await this.cache.get(`s:${sessionId}`, async () => (await this.sql.query<SessionRow>('select * from sessions where id = $1', [sessionId]))[0] ?? null)
      : null;
    if (!row || row.user_id !== userId) throw new StillmotionError('SESSION_NOT_FOUND', 'no such session for this token', { hint: 'create a new session with POST /api/tasks/me/with-session/nemo_agent' });
    return norm(row);
  }

  /** Saves a new draft version with its display form; the previous one stays in the history. */
  async saveDraft(sessionId: string, draft: string, display: string, reason: string): Promise<number> {
    const now = Date.now();
    this.cache.forget(`s:${sessionId}`);
    return this.sql.tx(async (q) => {
      const r = await q.query<{ draft_version: number }>('update sessions set draft = $2, view = $3, draft_version = draft_version + 1, updated_at = $4 where id = $1 returning draft_version', [sessionId, draft, display, now]);
      const v = r[0]!.draft_version;
      await q.query('insert into draft_history (session_id, version, draft, reason, at) values ($1, $2, $3, $4, $5)', [sessionId, v, draft, reason.slice(0, 500), now]);
      return v;
    }).finally(() => this.cache.forget(`s:${sessionId}`));
  }

  /** A session's clips in their order (empty for a session that never had more than its one draft). */
  clipsOf(sessionId: string): Promise<ClipRow[]> {
    return this.cache.get(`c:${sessionId}`, async () => (await this.sql.query<ClipRow>('select * from clips where session_id = $1 order by position, id', [sessionId])).map(norm));
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
    this.cache.forget(`s:${sessionId}`, `c:${sessionId}`);
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
    }).finally(() => this.cache.forget(`s:${sessionId}`, `c:${sessionId}`));
  }

  async clipHistory(sessionId: string, clipId: string): Promise<{ version: number; draft: string; reason: string; at: number }[]> {
    return (await this.sql.query<{ version: number; draft: string; reason: string; at: number }>('select version, draft, reason, at from clip_history where session_id = $1 and clip_id = $2 order by version', [sessionId, clipId])).map(norm);
  }

  /** Replaces the draft's display form without a new draft version. */
  async setDisplay(sessionId: string, display: string): Promise<void> {
    this.cache.forget(`s:${sessionId}`);
    await this.sql.query('update sessions set view = $2 where id = $1', [sessionId, display]).finally(() => this.cache.forget(`s:${sessionId}`));
  }

  async draftHistory(sessionId: string): Promise<{ version: number; draft: string; reason: string; at: number }[]> {
    return (await this.sql.query<{ version: number; draft: string; reason: string; at: number }>('select version, draft, reason, at from draft_history where session_id = $1 order by version', [sessionId])).map(norm);
  }
}
