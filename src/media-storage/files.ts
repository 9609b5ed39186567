/**
 * Where the service keeps files (under the data folder, by generated names only: a name a user
 * sent never reaches a path) and the signed links that serve them without a bearer token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FILE_AREAS = ['media', 'thumbs', 'generated', 'renders', 'tmp'] as const;
export type FileArea = (typeof FILE_AREAS)[number];

const SAFE = /^[A-Za-z0-9_-]{4,80}\.[a-z0-9]{1,5}$/;

export class Files {
  readonly secret: Buffer;

  constructor(readonly root: string) {
    for (const a of FILE_AREAS) mkdirSync(join(root, a), { recursive: true });
    // One secret per data folder: signs links and derives tokens; survives restarts.
    const keyFile = join(root, 'secret.key');
    // Several processes may start at once on a shared folder: the key is written whole under a
    // name of its own, then linked into place; the first link wins and every process reads that one.
    if (!existsSync(keyFile)) {
      const mine = `${keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(mine, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      try {
        linkSync(mine, keyFile);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        rmSync(mine, { force: true });
      }
    }
    this.secret = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
  }

  /** The absolute path of a stored file; throws on any name we did not make. */
  path(area: FileArea, name: string): string {
    if (!FILE_AREAS.includes(area) || !SAFE.test(name)) throw new Error(`not a stored file name: ${area}/${name}`);
    return join(this.root, area, name);
  }

  /** `/api/files/<area>/<name>?exp=…&sig=…`, valid for `ttlS` seconds. */
  link(area: FileArea, name: string, ttlS: number, now = Date.now()): string {
    const exp = Math.floor(now / 1000) + ttlS;
    // Round the expiry so the same file gets the same link for an hour (browser caches stay warm).
    const e = Math.ceil(exp / 3600) * 3600;
    return `/api/files/${area}/${name}?exp=${e}&sig=${this.sign(`${area}/${name}:${e}`)}`;
  }

  verify(area: string, name: string, exp: unknown, sig: unknown, now = Date.now()): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < now) return false;
    const want = Buffer.from(this.sign(`${area}/${name}:${exp}`));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private sign(s: string): string {
    return createHmac('sha256', this.secret).update(`file:${s}`).digest('base64url').slice(0, 32);
  }
}
