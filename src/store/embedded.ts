/** The embedded default: PGlite (PostgreSQL compiled to WebAssembly) keeping its files in the data folder. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Sql } from './sql.js';

export const openEmbedded = async (dataDir: string): Promise<Sql> => {
  const dir = join(dataDir, 'db');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const query = async <T>(text: string, params: readonly unknown[] = []): Promise<T[]> =>
    (await db.query<T>(text, params as unknown[])).rows;
  return {
    kind: 'embedded',
    query,
    tx: (fn) => db.transaction(async (t) => fn({ query: async <T>(text: string, params: readonly unknown[] = []) => (await t.query<T>(text, params as unknown[])).rows })),
    close: () => db.close(),
  };
};
