/** Opening the store's database: PostgreSQL when a URL is given, else the embedded one in the data folder. */
import type { Sql } from './sql.js';

export const openSql = async (o: { databaseUrl: string | null; dataDir: string }): Promise<Sql> =>
  o.databaseUrl
    ? (await import('./postgres.js')).openPostgres(o.databaseUrl)
    : (await import('./embedded.js')).openEmbedded(o.dataDir);
