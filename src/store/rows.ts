/**
 * The rows the store's repositories read and write, as the service sees them, and the helpers
 * every repository shares (ids, hashes, number columns).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StillAnalysis } from '../engine/index.js';
import type { Job, JobStatus } from '../jobs/job.js';

export const newId = (prefix: string, bytes = 12): string => `${prefix}_${randomBytes(bytes).toString('base64url')}`;
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export type Scope = 'read' | 'write' | 'upload' | 'render';
export interface Principal {
  readonly userId: string;
  readonly tokenId: string;
  readonly kind: 'anonymous' | 'registered';
  readonly clientId: string | null;
  readonly scopes: readonly Scope[];
  /** Epoch ms. */
  readonly expiresAt: number;
  /** A token made from a claim link opens that one session only. */
  readonly sessionId: string | null;
}
export interface Balance { readonly available: number; readonly frozen: number; readonly total: number }
export interface SessionRow {
  readonly id: string; readonly task_id: string; readonly user_id: string; readonly task_name: string; readonly language: string | null;
  /** `view` holds the draft's display form (summary, timeline rows), JSON: the column kept its first name. */
  readonly draft: string; readonly draft_version: number; readonly view: string; readonly created_at: number; readonly updated_at: number;
  /** The clip the session's draft is (null before the session had clips: its draft is then its one clip). */
  readonly active_clip?: string | null;
  /** The photo the conversation is about ("this one"). */
  readonly focus?: string | null;
}
/** One clip of a session: a draft with its own version and history, and its display form. */
export interface ClipRow {
  readonly session_id: string; readonly id: string; readonly position: number; readonly draft: string; readonly draft_version: number;
  readonly view: string; readonly created_at: number; readonly updated_at: number;
}
/** A clip to save: `changed` ones get a new version (and a history row); the others only keep their place. */
export interface ClipSave { readonly id: string; readonly draft: string; readonly view: string; readonly changed: boolean }
export interface MediaRow {
  readonly id: string; readonly session_id: string; readonly user_id: string; readonly name: string; readonly kind: 'image' | 'video' | 'audio';
  readonly mime: string; readonly type: string; readonly width: number | null; readonly height: number | null; readonly duration_ms: number | null;
  readonly size_bytes: number; readonly file: string; readonly thumb: string | null; readonly created_at: number;
  readonly has_audio?: boolean | null;
  /** Upload order: when the upload request arrived (µs), plus the file's place in it. */
  readonly seq?: number | null;
  /** Photos: what analysis learned at upload (null for rows from before it was stored, or not a photo). */
  readonly analysis?: StillAnalysis | null;
}
export interface TurnRow {
  readonly id: string; readonly session_id: string; readonly message: string; readonly status: 'running' | 'completed' | 'failed';
  readonly text: string | null; readonly error: string | null; readonly cost: number; readonly created_at: number; readonly finished_at: number | null;
  /** The API process running it (several processes on one database), and what another one needs to finish it. */
  readonly owner?: string | null; readonly resume?: string | null;
}
export interface GeneratedRow {
  readonly id: string; readonly session_id: string; readonly turn_id: string | null; readonly kind: string; readonly file: string; readonly format: string;
  readonly width: number; readonly height: number; readonly duration_ms: number; readonly size_bytes: number; readonly created_at: number;
  /** The clip a preview shows (null: the session's one draft, before clips). */
  readonly clip_id?: string | null;
}
export type { JobStatus };
/** A job with its spec, output and error as typed values (src/jobs/job.ts reads and checks the stored JSON). */
export type JobRow = Job;
export interface ClaimRow {
  readonly id: string; readonly session_id: string; readonly uses: number; readonly max_uses: number; readonly revoked: boolean;
  readonly created_at: number; readonly expires_at: number;
}
/** A job without its spec (the plan, up to the body limit's size): what status reads need. */
export type JobState = Omit<JobRow, 'spec'> & { readonly file_name?: string | null };
/** A file the store's rows name, by area. */
export interface StoredFile { readonly area: 'media' | 'thumbs' | 'generated' | 'renders'; readonly file: string }
export interface RequestLogRow {
  readonly at: number; readonly method: string; readonly route: string; readonly status: number; readonly userId: string | null; readonly ip: string;
  readonly skillSource: string | null; readonly skillVersion: string | null; readonly skillPlatform: string | null;
}

/** bigint columns arrive as strings from some drivers: times and sizes become numbers. */
export const norm = <T>(row: T): T => {
  const o = { ...row } as Record<string, unknown>;
  for (const k of ['created_at', 'updated_at', 'finished_at', 'started_at', 'size_bytes', 'at', 'expires_at', 'seq']) {
    if (typeof o[k] === 'string') o[k] = Number(o[k]);
  }
  return o as T;
};
