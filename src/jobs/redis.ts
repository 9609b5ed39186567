/**
 * Redis for the distributed deployment: one way to open a connection (the URL from REDIS_URL),
 * the key prefix every process shares, and BullMQ's names for the two lanes. Job ids are the
 * store's (`<user>/<client id>` for exports may hold `:`, which BullMQ refuses): they travel as
 * base64url.
 */
import { Redis } from 'ioredis';
import { StillmotionError } from '../errors.js';
import type { Lane } from './queue.js';

export interface RedisOptions {
  readonly url: string;
  /** Prefix of every key and queue name. */
  readonly prefix: string;
}

/**
 * A connection that waits for Redis to come back rather than failing commands (BullMQ's blocking
 * reads need `maxRetriesPerRequest: null`); `lazyConnect` so a wrong URL is a coded error at start.
 */
export const openRedis = async (url: string, name: string): Promise<Redis> => {
  const r = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, connectionName: name, enableReadyCheck: true });
  r.on('error', () => undefined); // reconnects by itself; a start that cannot connect fails below
  try {
    await r.connect();
  } catch (e) {
    r.disconnect();
    throw new StillmotionError('UNAVAILABLE', `Redis at ${redactUrl(url)} does not answer: ${(e as Error).message}`, { hint: 'start Redis, or fix REDIS_URL (unset it to run renders in this process)' });
  }
  return r;
};

/** A URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

export const QUEUE_NAMES: Readonly<Record<Lane, string>> = { preview: 'previews', export: 'exports' };

export const toBullId = (jobId: string): string => `j${Buffer.from(jobId).toString('base64url')}`;
export const fromBullId = (bullId: string): string => Buffer.from(bullId.slice(1), 'base64url').toString();

/** The channel cancel requests travel on, and the key that keeps one for a worker that has not subscribed the job yet. */
export const cancelChannel = (prefix: string): string => `${prefix}:cancel`;
export const cancelKey = (prefix: string, jobId: string): string => `${prefix}:cancel:${toBullId(jobId)}`;
