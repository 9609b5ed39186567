/**
 * What spans every table: a user's stored bytes, deleting idle sessions with all they hold, and
 * the set of files the rows name (what the orphan sweep keeps).
 */
import { decodeJobOutput } from '../jobs/job.js';
import type { ReadCache } from './read-cache.js';
import type { StoredFile } from './rows.js';
import type { Sql } from './sql.js';

export class Retention {
  constructor(private readonly sql: Sql, private readonly cache: ReadCache) {}

  /** Bytes a user keeps on the server: uploaded media, chat previews and finished exports. */
  async storageUsed(userId: string): Promise<number> {
    const r = await this.sql.query<{ n: string | number | null }>(
      `select (select coalesce(sum(size_bytes), 0) from media where user_id = $1)
            + (select coalesce(sum(g.size_bytes), 0) from generated g join sessions s on s.id = g.session_id where s.user_id = $1)
            + (select coalesce(sum(size_bytes), 0) from jobs where user_id = $1 and kind = 'export' and status = 'completed') as n`, [userId]);
    return Number(r[0]?.n ?? 0);
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
      this.cache.forget(`s:${id}`, `c:${id}`, `m:${id}`, `g:${id}`, `t:${id}`, `k:${id}`);
      if (got) { sessions++; files.push(...got); }
    }
    return { sessions, files };
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
}
