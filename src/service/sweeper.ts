/**
 * Retention: what the server keeps is bounded in time and size. On an interval (and once soon
 * after start) the sweeper deletes chat previews beyond the newest few per session or past their
 * days, finished exports past their days, idle sessions with all they hold, finished preview jobs,
 * and the request log's old or surplus rows. Rows go first, in their transactions, then the files
 * those rows named; a file no row names any more (left by a crash between the two, or by a turn
 * that died after its render) is removed once it is an hour old. A pending or processing render is
 * never touched: its row is skipped by status, its session kept, and the file it is writing has a
 * dot name (`.<name>.partial`) the sweeper never reads.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredFile, Store } from '../store/store.js';
import type { Files } from '../media-storage/files.js';
import type { Settings } from './settings.js';

const DAY_MS = 24 * 3600 * 1000;
/** Finished preview jobs (their plans are what makes them big) are kept a day: nothing reads them after their turn. */
const PREVIEW_JOB_MS = DAY_MS;
/** A file no row names is removed only once it is this old: a render or upload names its file in a row moments after writing it. */
const ORPHAN_MS = 3600 * 1000;

export type RetentionSettings = Pick<Settings, 'keepPreviewsDays' | 'keepPreviewsPerSession' | 'keepExportsDays' | 'idleSessionDays' | 'requestLogDays' | 'requestLogMaxRows' | 'sweepIntervalS'>;

export interface SweepReport {
  readonly previews: number;
  readonly exports: number;
  readonly previewJobs: number;
  readonly sessions: number;
  readonly requests: number;
  /** Files without a row (older than an hour). */
  readonly orphans: number;
  /** Files removed in all, and their bytes. */
  readonly files: number;
  readonly bytes: number;
}

export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepReport> | null = null;
  private stopped = false;

  constructor(private readonly o: { store: Store; files: Files; settings: RetentionSettings; log?: (line: string) => void }) {}

  /** Sweeps once `delayMs` after start, then every `sweepIntervalS` (nothing when it is 0). */
  start(delayMs = 30_000): void {
    const every = this.o.settings.sweepIntervalS * 1000;
    if (every <= 0 || this.stopped) return;
    const tick = (next: number) => {
      this.timer = setTimeout(() => {
        void this.sweep().catch((e: unknown) => this.o.log?.(`sweep failed: ${(e as Error).message}`)).finally(() => { if (!this.stopped) tick(every); });
      }, next);
      this.timer.unref();
    };
    tick(Math.min(delayMs, every));
  }

  /** Stops the interval and waits for a sweep under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One sweep; `now` may be moved (tests and operators' tools ask "what would go on that day"). One at a time. */
  sweep(now = Date.now()): Promise<SweepReport> {
    this.running ??= this.run(now).finally(() => { this.running = null; });
    return this.running;
  }

  private async run(now: number): Promise<SweepReport> {
    const s = this.o.settings;
    const { store } = this.o;
    const before = (days: number) => (days > 0 ? now - days * DAY_MS : null);
    const gone: StoredFile[] = [];

    const sessionsAgo = before(s.idleSessionDays);
    const idle = sessionsAgo === null ? { sessions: 0, files: [] } : await store.sweepIdleSessions(sessionsAgo);
    gone.push(...idle.files);
    const previews = await store.sweepPreviews(s.keepPreviewsPerSession, before(s.keepPreviewsDays));
    gone.push(...previews);
    const exportsAgo = before(s.keepExportsDays);
    const exports = exportsAgo === null ? [] : await store.sweepFinishedJobs('export', exportsAgo);
    gone.push(...exports);
    const previewJobs = await store.sweepFinishedJobs('preview', now - PREVIEW_JOB_MS);
    gone.push(...previewJobs);
    const requests = await store.sweepRequests(before(s.requestLogDays), s.requestLogMaxRows);

    let files = 0, bytes = 0;
    const remove = async (path: string) => {
      const st = await stat(path).catch(() => null);
      if (!st) return;
      await rm(path, { force: true });
      files++;
      bytes += st.size;
    };
    for (const f of gone) await remove(this.o.files.path(f.area, f.file));

    // Files no row names, an hour old or more (never a dot file: a render still writing).
    const named = await store.referencedFiles();
    let orphans = 0;
    for (const area of ['media', 'thumbs', 'generated', 'renders'] as const) {
      for (const name of await readdir(join(this.o.files.root, area)).catch(() => [] as string[])) {
        if (name.startsWith('.') || named.has(`${area}/${name}`)) continue;
        let path: string;
        try { path = this.o.files.path(area, name); } catch { continue; }
        const st = await stat(path).catch(() => null);
        if (!st || !st.isFile() || now - st.mtimeMs < ORPHAN_MS) continue;
        await rm(path, { force: true });
        orphans++;
        files++;
        bytes += st.size;
      }
    }
    const report: SweepReport = { previews: previews.length, exports: exports.length, previewJobs: previewJobs.length, sessions: idle.sessions, requests, orphans, files, bytes };
    if (files || requests || idle.sessions) this.o.log?.(`sweep: ${JSON.stringify(report)}`);
    return report;
  }
}
