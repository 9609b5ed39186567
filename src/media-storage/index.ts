/**
 * The media storage port: where uploads, thumbnails, previews and exports live, and the secret
 * that signs their links and derives tokens. Every process of a deployment (API processes and
 * render workers) must see the same files and the same secret.
 *
 * Shipped adapter: a shared folder (the data folder for `npm start`; `STILLMOTION_MEDIA_DIR`, a
 * volume mounted on every machine, for `serve` + `worker`). Renders are written as `.partial` and
 * renamed when whole, so no process ever serves a half-written file.
 *
 * The port is what the service uses of `Files` (./files.ts): a local path per stored
 * file, signed links, and a sweep of what a dead process left half-written. An object-store
 * adapter fits next to it: `path` becomes a local cache filled on read, and a `publish` step after
 * the encoder's rename uploads the file (the rename stays the moment a render becomes visible).
 */
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Files, type FileArea } from './files.js';

export interface MediaStorage {
  readonly kind: 'shared-folder';
  /** Where the files are (for messages that must hide it). */
  readonly root: string;
  /** Shared by every process: signs file links and derives tokens. */
  readonly secret: Buffer;
  /** A path this process reads or writes the stored file at. */
  path(area: FileArea, name: string): string;
  link(area: FileArea, name: string, ttlS: number, now?: number): string;
  verify(area: string, name: string, exp: unknown, sig: unknown, now?: number): boolean;
}

/** The shared-folder adapter: `Files` on the media folder (or the data folder). */
export const openMediaStorage = (o: { mediaDir: string | null; dataDir: string }): Files & MediaStorage => {
  const f = new Files(resolve(o.mediaDir ?? o.dataDir)) as Files & { kind: 'shared-folder' };
  Object.defineProperty(f, 'kind', { value: 'shared-folder' });
  return f;
};

/**
 * Removes what a stopped process left half-written: render `.partial` files and upload parts.
 * `olderThanMs` 0 (one process: nothing of ours runs yet) removes all of them; on a shared folder
 * only those older than any live render or upload could be (another process may be writing the rest).
 */
export const sweepHalfWritten = (root: string, olderThanMs: number, now = Date.now()): number => {
  let n = 0;
  const old = (p: string) => {
    if (olderThanMs <= 0) return true;
    try { return now - statSync(p).mtimeMs > olderThanMs; } catch { return false; }
  };
  for (const area of ['generated', 'renders'] as const) {
    for (const f of safeList(join(root, area))) {
      const p = join(root, area, f);
      if (f.startsWith('.') && f.endsWith('.partial') && old(p)) { rmSync(p, { force: true }); n++; }
    }
  }
  for (const f of safeList(join(root, 'tmp'))) {
    const p = join(root, 'tmp', f);
    if (old(p)) { rmSync(p, { force: true, recursive: true }); n++; }
  }
  return n;
};

const safeList = (dir: string): string[] => {
  try { return readdirSync(dir); } catch { return []; }
};

/**
 * A render's file name: its kind, a tag of its job's id, and a random part. The tag lets a new
 * attempt of the job find what an earlier attempt left half-written (`sweepEarlierAttempts`).
 */
export const renderFileName = (kind: 'prv' | 'out', jobId: string, random: string, format: string): string =>
  `${kind}_${createHash('sha256').update(jobId).digest('hex').slice(0, 12)}_${random}.${format}`;

/**
 * Removes the half-written files of earlier attempts of a job, at the start of a new one: a worker
 * killed mid-render leaves its `.partial` behind (its encoder even finishes writing it), and the
 * queue hands the job to this attempt only once that worker's lock ran out. An encoder still
 * writing an unlinked file is harmless: nothing will rename it. Returns how many went.
 */
export const sweepEarlierAttempts = (root: string, area: 'generated' | 'renders', name: string): number => {
  const [kind, tag] = name.split('_');
  if (!kind || !tag) return 0;
  const stem = `${kind}_${tag}_`;
  let n = 0;
  for (const f of safeList(join(root, area))) {
    if (f.startsWith(`.${stem}`) && f.endsWith('.partial')) { rmSync(join(root, area, f), { force: true }); n++; }
  }
  return n;
};
