/** Generated media (the chat previews), per session, and their retention. */
import type { ReadCache } from './read-cache.js';
import { norm, type GeneratedRow, type StoredFile } from './rows.js';
import type { Sql } from './sql.js';

export class Previews {
  constructor(private readonly sql: Sql, private readonly cache: ReadCache) {}

  async addGenerated(g: GeneratedRow): Promise<void> {
    await this.sql.query('insert into generated (id, session_id, turn_id, kind, file, format, width, height, duration_ms, size_bytes, created_at, clip_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      [g.id, g.session_id, g.turn_id, g.kind, g.file, g.format, g.width, g.height, g.duration_ms, g.size_bytes, g.created_at, g.clip_id ?? null]).finally(() => this.cache.forget(`g:${g.session_id}`));
  }

  generatedOf(sessionId: string): Promise<GeneratedRow[]> {
    return this.cache.get(`g:${sessionId}`, async () => (await this.sql.query<GeneratedRow>('select * from generated where session_id = $1 order by created_at, id', [sessionId])).map(norm));
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
    this.cache.forget(...new Set(rows.map((r) => `g:${r.session_id}`)));
    return rows.map((r) => ({ area: 'generated', file: r.file }));
  }
}
