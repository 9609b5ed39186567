/** The request log: one row per API request (route, status, user, skill), written in batches. */
import type { RequestLogRow } from './rows.js';
import type { Sql } from './sql.js';

export class Requests {
  constructor(private readonly sql: Sql) {}

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

  /** The request log: rows before `olderThan` (null: any age) and all but the newest `maxRows`. Returns how many went. */
  async sweepRequests(olderThan: number | null, maxRows: number): Promise<number> {
    let n = 0;
    const count = async (sql: string, args: unknown[]) => Number((await this.sql.query<{ n: number }>(`with d as (${sql} returning 1) select count(*)::int as n from d`, args))[0]?.n ?? 0);
    if (olderThan !== null) n += await count('delete from requests where at < $1', [olderThan]);
    const edge = (await this.sql.query<{ id: string | number }>('select id from requests order by id desc offset $1 limit 1', [maxRows]))[0];
    if (edge) n += await count('delete from requests where id <= $1', [edge.id]);
    return n;
  }
}
