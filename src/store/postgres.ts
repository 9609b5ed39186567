/** PostgreSQL through `pg`, when DATABASE_URL is set. Same SQL as the embedded database. */
import pg from 'pg';
import type { Sql } from './sql.js';

// bigint columns come back as numbers (credits and sizes stay far below 2^53).
pg.types.setTypeParser(20, (v: string) => Number(v));

export const openPostgres = async (url: string): Promise<Sql> => {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on('error', () => { /* an idle client lost its connection: the pool replaces it */ });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: async <T>(text: string, params: readonly unknown[] = []) => (await pool.query(text, params as unknown[])).rows as T[],
    tx: async (fn) => {
      const c = await pool.connect();
      try {
        await c.query('begin');
        const r = await fn({ query: async <T>(text: string, params: readonly unknown[] = []) => (await c.query(text, params as unknown[])).rows as T[] });
        await c.query('commit');
        return r;
      } catch (e) {
        await c.query('rollback').catch(() => undefined); // a broken connection rolls back by itself; the first error is the one to throw
        throw e;
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
};
