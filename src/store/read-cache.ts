/**
 * Reads kept until this process writes them, shared by the repositories of one store: one process
 * per database (`npm start`; the embedded database cannot be shared anyway). With several
 * processes on one database (REDIS_URL) it is off: another process's write would leave it stale,
 * and a read costs well under a millisecond on PostgreSQL (`npm run bench`, scale).
 *
 * Keys name the repository's area and its id: `s:` session, `c:` clips, `m:` media, `t:` last turn,
 * `g:` previews, `k:` claim links (all by session id), `b:` balance (by user id).
 */
export class ReadCache {
  private readonly map = new Map<string, Promise<unknown>>();

  constructor(readonly enabled: boolean) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) return load();
    let p = this.map.get(key) as Promise<T> | undefined;
    if (!p) {
      if (this.map.size > 20_000) this.map.clear();
      p = load();
      this.map.set(key, p);
      p.catch(() => this.map.delete(key));
    }
    return p;
  }

  forget(...keys: string[]): void {
    for (const k of keys) this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }
}
