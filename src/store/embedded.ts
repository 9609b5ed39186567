/** The embedded default: PGlite (PostgreSQL compiled to WebAssembly) keeping its files in the data folder. */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Sql } from './sql.js';

/** An empty database initialised at build time (scripts/pglite-template.js), when it matches this PGlite. */
const template = (): string | null => {
  const dir = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'pglite-template');
  try {
    const want = (JSON.parse(readFileSync(join(dirname(new URL(import.meta.resolve('@electric-sql/pglite')).pathname), '..', 'package.json'), 'utf8')) as { version: string }).version;
    return readFileSync(join(dir, '.pglite-version'), 'utf8') === want ? dir : null;
  } catch {
    return null;
  }
};

export const openEmbedded = async (dataDir: string): Promise<Sql> => {
  const dir = join(dataDir, 'db');
  const fresh = !existsSync(dir) || readdirSync(dir).length === 0;
  const seed = fresh ? template() : null;
  if (seed) cpSync(seed, dir, { recursive: true, filter: (src) => !src.endsWith('.pglite-version') });
  else mkdirSync(dir, { recursive: true });
  // PostgreSQL's default 128 MB of shared buffers is most of PGlite's memory; our tables are small.
  const db = await PGlite.create(dir, { postgresqlconf: ['shared_buffers = 16MB', 'work_mem = 4MB'] });
  const query = async <T>(text: string, params: readonly unknown[] = []): Promise<T[]> =>
    (await db.query<T>(text, params as unknown[])).rows;
  return {
    kind: 'embedded',
    query,
    tx: (fn) => db.transaction(async (t) => fn({ query: async <T>(text: string, params: readonly unknown[] = []) => (await t.query<T>(text, params as unknown[])).rows })),
    close: () => db.close(),
  };
};
