/** What every route reaches: settings, the store, files, the queue, the agent and the HTTP edge. */
import type { FastifyRequest } from 'fastify';
import type { Agent } from '../agent/turn.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Store } from '../store/store.js';
import type { MediaInfo } from '../timeline/index.js';
import type { Files, FileArea } from '../media-storage/files.js';
import type { Authenticator } from './http.js';
import type { Limiter } from './shared-limits.js';
import type { Settings } from './settings.js';

export interface Ctx {
  readonly settings: Settings;
  readonly store: Store;
  readonly files: Files;
  readonly queue: JobQueue;
  readonly agent: Agent;
  /** A session's media as the draft layer sees them (photos with their analysis). */
  media(sessionId: string): Promise<MediaInfo[]>;
  readonly auth: Authenticator;
  /** Requests per minute: in this process (RateLimiter), or in Redis across processes (RedisRateLimiter). */
  readonly limiter: Limiter;
  /** The origin clients reached us on (or the configured public URL), for absolute links. */
  origin(req: FastifyRequest): string;
  /** An absolute, signed link to a stored file. */
  fileUrl(req: FastifyRequest, area: FileArea, name: string): string;
}
