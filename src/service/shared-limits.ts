/**
 * Requests per minute counted in Redis, so that every API process counts against one budget per
 * address and per token: one script per hit increments the window's counter and sets its expiry
 * together (atomic: simultaneous hits on several processes are each counted once). Keys hold a
 * hash of what they count (a token never reaches Redis).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StillmotionError } from '../errors.js';

const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

export interface Limiter {
  /** Counts one request for `key`; throws RATE_LIMITED (429, with retry_after_s) past the limit. */
  hit(key: string): void | Promise<void>;
}

export class RedisRateLimiter implements Limiter {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly perMinute: number) {}

  async hit(key: string): Promise<void> {
    if (this.perMinute <= 0) return;
    const k = `${this.prefix}:rl:${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
    const [n, ttl] = (await this.redis.eval(HIT, 1, k, 60_000)) as [number, number];
    if (n > this.perMinute) {
      throw new StillmotionError('RATE_LIMITED', `more than ${this.perMinute} requests in a minute`, { details: { retry_after_s: Math.max(1, Math.ceil(Math.max(ttl, 0) / 1000)) } });
    }
  }
}
