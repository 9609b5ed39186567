/** Uploaded media of a session, in upload order, each photo with the analysis made at upload. */
import type { StillAnalysis } from '../engine/index.js';
import type { ReadCache } from './read-cache.js';
import { norm, type MediaRow } from './rows.js';
import type { Sql } from './sql.js';

export class Media {
  constructor(private readonly sql: Sql, private readonly cache: ReadCache) {}

  async addMedia(m: MediaRow): Promise<void> {
    await this.sql.query('insert into media (id, session_id, user_id, name, kind, mime, type, width, height, duration_ms, size_bytes, file, thumb, created_at, has_audio, analysis, seq) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)',
      [m.id, m.session_id, m.user_id, m.name, m.kind, m.mime, m.type, m.width, m.height, m.duration_ms, m.size_bytes, m.file, m.thumb, m.created_at, m.has_audio ?? null, m.analysis ? JSON.stringify(m.analysis) : null, m.seq ?? m.created_at * 1000]).finally(() => this.cache.forget(`m:${m.session_id}`));
  }

  mediaOf(sessionId: string): Promise<MediaRow[]> {
    return this.cache.get(`m:${sessionId}`, async () => (await this.sql.query<MediaRow & { analysis: string | null }>('select * from media where session_id = $1 order by coalesce(seq, created_at * 1000), created_at, id', [sessionId]))
      .map((r) => ({ ...norm(r), analysis: readAnalysis(r.analysis) })));
  }

  /** Stores a photo's analysis made at first use (media uploaded before analyses were kept). */
  async setMediaAnalysis(mediaId: string, sessionId: string, analysis: StillAnalysis): Promise<void> {
    this.cache.forget(`m:${sessionId}`);
    await this.sql.query('update media set analysis = $2 where id = $1', [mediaId, JSON.stringify(analysis)]).finally(() => this.cache.forget(`m:${sessionId}`));
  }
}

const readAnalysis = (text: string | null | undefined): StillAnalysis | null => {
  if (!text) return null;
  try {
    const a = JSON.parse(text) as StillAnalysis;
    return a && a.version === 1 ? a : null;
  } catch {
    return null;
  }
};
