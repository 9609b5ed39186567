/**
 * The persistence port: plain SQL with `$1` parameters, the same text on the embedded database
 * (PGlite, in the data folder) and on PostgreSQL. Adapters implement only this.
 */
export interface Sql {
  readonly kind: 'embedded' | 'postgres';
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction; rolls back when it throws. */
  tx<T>(fn: (q: Pick<Sql, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
