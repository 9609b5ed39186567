/**
 * The service's settings: defaults, then an optional JSON config file, then the environment,
 * then overrides given in code. Validated once, at start, with an error naming the setting.
 */
import { readFileSync, existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { StillmotionError } from '../errors.js';
import { parseSize } from '../engine/index.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

export interface Settings {
  readonly port: number;
  readonly host: string;
  /** Embedded database, media and renders live here. */
  readonly dataDir: string;
  /** PostgreSQL instead of the embedded database when set. */
  readonly databaseUrl: string | null;
  /** Public origin used in absolute links (claim/bind); defaults to the listening address. */
  readonly publicUrl: string | null;
  readonly startCredits: number;
  /** Credits a generation/edit turn costs (reserved at start, charged at the end, released on failure). */
  readonly turnCost: number;
  readonly tokenTtlDays: number;
  /** New anonymous tokens per source address per 7 days. */
  readonly tokensPerIpPerWeek: number;
  readonly maxImageBytes: number;
  readonly maxMediaBytes: number;
  readonly maxPixels: number;
  /** Requests per minute per source address and per token (429 with Retry-After beyond). */
  readonly rateLimitPerMinute: number;
  readonly bodyLimitBytes: number;
  /** Allow URL uploads from private, loopback and link-local addresses (off: SSRF guard). */
  readonly allowPrivateUrls: boolean;
  readonly maxRedirects: number;
  /** Preview size rendered by chat turns ('540p', '360p', …). */
  readonly previewSize: string;
  /** Renders running at once. */
  readonly concurrency: number;
  readonly jobTimeoutMs: number;
  /** Attempts of an export interrupted by a crash before it is failed. */
  readonly maxJobAttempts: number;
  /** Export only for registered users (anonymous tokens then get 402). */
  readonly exportRegisteredOnly: boolean;
  /** Refuse export (402) when a request carries no X-Skill-Source attribution header. */
  readonly exportRequiresAttribution: boolean;
  readonly heartbeatMs: number;
  readonly turnTimeoutMs: number;
  /** Where the workspace page's built files are; null: next to the package (dist/web). */
  readonly webDir: string | null;
  /** Signed file links live this long. */
  readonly fileLinkTtlS: number;
  /** Also log requests that succeeded (failed ones are always logged at `warn`). */
  readonly logRequests: boolean;
  /** The server log's level: debug, info, warn, error or silent. */
  readonly logLevel: LogLevel;
  /**
   * Behind reverse proxies: false (no proxy: the peer is the client), a number of proxy hops in
   * front of us (the client is that many entries from the right of X-Forwarded-For), or the
   * proxies' addresses/CIDRs (entries they added are skipped from the right). Never the left-most.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Exports one user may have waiting or running at once (429 beyond). */
  readonly maxExportsPerUser: number;
  /** The operator's own addresses/CIDRs: no per-address limits (requests per minute, new tokens per week). */
  readonly exemptAddresses: readonly string[];
  /** Host names (besides the listening address and this machine's names) the Host header may carry into links. */
  readonly allowedHosts: readonly string[];
  /** A JSON body must have arrived in full within this time (408 beyond). */
  readonly bodyTimeoutMs: number;
  /** An upload (multipart body) must have arrived in full within this time (408 beyond). */
  readonly uploadTimeoutMs: number;
  /** A body that sends nothing for this long is ended (408). */
  readonly bodyIdleTimeoutMs: number;
  /** A URL upload (connect, redirects and the whole body) must be done within this time (5004 beyond). */
  readonly urlTimeoutMs: number;
  /** How many times a claim link can be redeemed. */
  readonly claimMaxUses: number;
  /** Chat previews rendering at once, in a lane of their own: a preview never waits behind an export. */
  readonly previewConcurrency: number;
  /** Longest video a render may make (export or preview), in seconds (4011 beyond). */
  readonly maxDurationS: number;
  /** Most pixels in a frame: 3840x2160 by default, in any shape (4011 beyond). */
  readonly maxCanvasPixels: number;
  /** Highest frame rate (4011 beyond). */
  readonly maxFps: number;
  /** Tracks in a draft (4011 beyond). */
  readonly maxTracks: number;
  /** Segments in one track of a draft (4011 beyond). */
  readonly maxSegmentsPerTrack: number;
  /**
   * Redis for the distributed queue (BullMQ), its events and the shared rate limits. Null (the
   * default): renders run in this process. Set: `serve` takes no render itself; `stillmotion
   * worker` processes render, all sharing DATABASE_URL, this and the media folder.
   */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key and queue name (several deployments, or tests, on one Redis). */
  readonly redisPrefix: string;
  /** Media, renders and the signing secret, shared by every process (a mounted volume); null: the data folder. */
  readonly mediaDir: string | null;
  /** A worker holds a job's lock this long (renewed at half of it): a worker silent for longer is taken as dead and its job runs elsewhere. */
  readonly jobLockMs: number;
  /** First retry of a failed render waits this long, doubling per attempt (distributed queue). */
  readonly jobRetryDelayMs: number;
  /** An API process's lease on its running turns: renewed at a third of it; a process silent for longer is taken as dead. */
  readonly leaseMs: number;
}

export const DEFAULTS: Settings = {
  port: 8080,
  host: '0.0.0.0',
  dataDir: './data',
  databaseUrl: null,
  publicUrl: null,
  startCredits: 100,
  turnCost: 5,
  tokenTtlDays: 7,
  tokensPerIpPerWeek: 10,
  maxImageBytes: 50 * 1024 * 1024,
  maxMediaBytes: 500 * 1024 * 1024,
  maxPixels: 200_000_000,
  rateLimitPerMinute: 600,
  bodyLimitBytes: 2 * 1024 * 1024,
  allowPrivateUrls: false,
  maxRedirects: 3,
  previewSize: '540p',
  concurrency: 1,
  jobTimeoutMs: 10 * 60_000,
  maxJobAttempts: 2,
  exportRegisteredOnly: false,
  exportRequiresAttribution: false,
  heartbeatMs: 10_000,
  turnTimeoutMs: 15 * 60_000,
  webDir: null,
  fileLinkTtlS: 7 * 24 * 3600,
  logRequests: false,
  logLevel: 'info',
  trustProxy: false,
  maxExportsPerUser: 3,
  exemptAddresses: ['127.0.0.0/8', '::1'],
  allowedHosts: [],
  bodyTimeoutMs: 30_000,
  uploadTimeoutMs: 10 * 60_000,
  bodyIdleTimeoutMs: 30_000,
  urlTimeoutMs: 60_000,
  claimMaxUses: 5,
  previewConcurrency: 1,
  maxDurationS: 600,
  maxCanvasPixels: 3840 * 2160,
  maxFps: 60,
  maxTracks: 16,
  maxSegmentsPerTrack: 500,
  redisUrl: null,
  redisPrefix: 'stillmotion',
  mediaDir: null,
  jobLockMs: 30_000,
  jobRetryDelayMs: 2_000,
  leaseMs: 30_000,
};

/** Environment variable → setting. */
const ENV: Readonly<Record<string, keyof Settings>> = {
  PORT: 'port',
  HOST: 'host',
  STILLMOTION_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  STILLMOTION_PUBLIC_URL: 'publicUrl',
  STILLMOTION_START_CREDITS: 'startCredits',
  STILLMOTION_TURN_COST: 'turnCost',
  STILLMOTION_TOKEN_TTL_DAYS: 'tokenTtlDays',
  STILLMOTION_TOKENS_PER_IP_PER_WEEK: 'tokensPerIpPerWeek',
  STILLMOTION_MAX_IMAGE_BYTES: 'maxImageBytes',
  STILLMOTION_MAX_MEDIA_BYTES: 'maxMediaBytes',
  STILLMOTION_MAX_PIXELS: 'maxPixels',
  STILLMOTION_RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  STILLMOTION_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  STILLMOTION_ALLOW_PRIVATE_URLS: 'allowPrivateUrls',
  STILLMOTION_MAX_REDIRECTS: 'maxRedirects',
  STILLMOTION_PREVIEW_SIZE: 'previewSize',
  STILLMOTION_CONCURRENCY: 'concurrency',
  STILLMOTION_JOB_TIMEOUT_MS: 'jobTimeoutMs',
  STILLMOTION_MAX_JOB_ATTEMPTS: 'maxJobAttempts',
  STILLMOTION_EXPORT_REGISTERED_ONLY: 'exportRegisteredOnly',
  STILLMOTION_EXPORT_REQUIRES_ATTRIBUTION: 'exportRequiresAttribution',
  STILLMOTION_HEARTBEAT_MS: 'heartbeatMs',
  STILLMOTION_TURN_TIMEOUT_MS: 'turnTimeoutMs',
  STILLMOTION_WEB_DIR: 'webDir',
  STILLMOTION_FILE_LINK_TTL_S: 'fileLinkTtlS',
  STILLMOTION_LOG_REQUESTS: 'logRequests',
  STILLMOTION_LOG_LEVEL: 'logLevel',
  STILLMOTION_TRUST_PROXY: 'trustProxy',
  STILLMOTION_MAX_EXPORTS_PER_USER: 'maxExportsPerUser',
  STILLMOTION_EXEMPT_ADDRESSES: 'exemptAddresses',
  STILLMOTION_ALLOWED_HOSTS: 'allowedHosts',
  STILLMOTION_BODY_TIMEOUT_MS: 'bodyTimeoutMs',
  STILLMOTION_UPLOAD_TIMEOUT_MS: 'uploadTimeoutMs',
  STILLMOTION_BODY_IDLE_TIMEOUT_MS: 'bodyIdleTimeoutMs',
  STILLMOTION_URL_TIMEOUT_MS: 'urlTimeoutMs',
  STILLMOTION_CLAIM_MAX_USES: 'claimMaxUses',
  STILLMOTION_PREVIEW_CONCURRENCY: 'previewConcurrency',
  STILLMOTION_MAX_DURATION_S: 'maxDurationS',
  STILLMOTION_MAX_CANVAS_PIXELS: 'maxCanvasPixels',
  STILLMOTION_MAX_FPS: 'maxFps',
  STILLMOTION_MAX_TRACKS: 'maxTracks',
  STILLMOTION_MAX_SEGMENTS_PER_TRACK: 'maxSegmentsPerTrack',
  REDIS_URL: 'redisUrl',
  STILLMOTION_REDIS_PREFIX: 'redisPrefix',
  STILLMOTION_MEDIA_DIR: 'mediaDir',
  STILLMOTION_JOB_LOCK_MS: 'jobLockMs',
  STILLMOTION_JOB_RETRY_DELAY_MS: 'jobRetryDelayMs',
  STILLMOTION_LEASE_MS: 'leaseMs',
};

const bad = (name: string, value: unknown, rule: string): StillmotionError =>
  new StillmotionError('INVALID_OPTION', `setting ${name}: ${rule}, got ${JSON.stringify(value)}`, { hint: 'fix it in the environment or in stillmotion.config.json', details: { setting: name } });

/** An address or a CIDR block (`10.0.0.0/8`, `::1`, `fd00::/8`). */
export const isAddressOrCidr = (s: string): boolean => {
  const [ip, bits, ...rest] = s.split('/');
  const fam = isIP(ip ?? '');
  if (!fam || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (fam === 4 ? 32 : 128));
};

/** A list from JSON (an array) or the environment (comma-separated). */
const list = (name: string, raw: unknown, item: (s: string) => boolean, rule: string): string[] => {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((x) => x.trim()).filter(Boolean) : null;
  if (!items || !items.every((x): x is string => typeof x === 'string' && item(x))) throw bad(name, raw, rule);
  return items;
};

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

const coerce = (key: keyof Settings, raw: unknown, source: string): unknown => {
  const want = typeof DEFAULTS[key];
  const name = `${source}${key}`;
  if (key === 'trustProxy') {
    // `true` (the old spelling) is one proxy in front: the right-most X-Forwarded-For entry.
    if (raw === true || (typeof raw === 'string' && /^(true|yes|on)$/i.test(raw))) return 1;
    if (raw === false || raw === null || raw === 0 || (typeof raw === 'string' && /^(0|false|no|off|)$/i.test(raw))) return false;
    const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof n === 'number') {
      if (!Number.isInteger(n) || n < 1 || n > 10) throw bad(name, raw, 'must be false, a number of proxy hops from 1 to 10, or a list of proxy addresses/CIDRs');
      return n;
    }
    return list(name, raw, isAddressOrCidr, 'must be false, a number of proxy hops, or a list of proxy addresses/CIDRs');
  }
  if (key === 'exemptAddresses') return list(name, raw ?? [], isAddressOrCidr, 'must be a list of addresses or CIDRs (e.g. 127.0.0.0/8,::1,192.168.1.0/24)');
  if (key === 'allowedHosts') return list(name, raw ?? [], (h) => HOST_NAME.test(h) || isIP(h.replace(/^\[|\]$/g, '')) > 0, 'must be a list of host names (e.g. studio.local,192.168.1.20)');
  if (key === 'databaseUrl' || key === 'publicUrl' || key === 'webDir' || key === 'redisUrl' || key === 'mediaDir') {
    if (raw === null || raw === '') return null;
    if (typeof raw !== 'string') throw bad(name, raw, 'must be a string');
    if (key !== 'webDir' && key !== 'mediaDir' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw bad(name, raw, 'must be a URL');
    if (key === 'publicUrl') {
      // Copied into every link: an http(s) origin (and path prefix), nothing else.
      let u: URL;
      try { u = new URL(raw); } catch { throw bad(name, raw, 'must be a URL'); }
      if (!/^https?:$/.test(u.protocol) || u.username || u.password || u.search || u.hash) throw bad(name, raw, 'must be an http(s) URL without credentials, query or fragment');
      return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
    }
    return raw;
  }
  if (want === 'number') {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw bad(name, raw, 'must be a number ≥ 0');
    return n;
  }
  if (want === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string' && /^(1|true|yes|on)$/i.test(raw)) return true;
    if (typeof raw === 'string' && /^(0|false|no|off|)$/i.test(raw)) return false;
    throw bad(name, raw, 'must be true or false');
  }
  if (key === 'logLevel' && !LOG_LEVELS.includes(raw as LogLevel)) throw bad(name, raw, `must be one of ${LOG_LEVELS.join(', ')}`);
  if (typeof raw !== 'string' || raw === '') throw bad(name, raw, 'must be a non-empty string');
  return raw;
};

const check = (s: Settings): Settings => {
  const int = (k: keyof Settings, min: number, max: number) => {
    const v = s[k] as number;
    if (!Number.isInteger(v) || v < min || v > max) throw bad(k, v, `must be a whole number from ${min} to ${max}`);
  };
  int('port', 0, 65535);
  int('concurrency', 1, 64);
  int('turnCost', 0, 1_000_000);
  int('startCredits', 0, 1_000_000_000);
  int('maxRedirects', 0, 10);
  int('maxJobAttempts', 1, 10);
  int('claimMaxUses', 1, 1000);
  for (const k of ['bodyTimeoutMs', 'uploadTimeoutMs', 'bodyIdleTimeoutMs', 'urlTimeoutMs'] as const) {
    if (s[k] < 100 || s[k] > 24 * 3600_000) throw bad(k, s[k], 'must be from 100 to 86400000 ms');
  }
  int('maxExportsPerUser', 1, 1000);
  int('previewConcurrency', 1, 64);
  int('maxCanvasPixels', 256, 7680 * 7680);
  int('maxTracks', 1, 1000);
  int('maxSegmentsPerTrack', 1, 100_000);
  if (!(s.maxDurationS >= 1 && s.maxDurationS <= 86_400)) throw bad('maxDurationS', s.maxDurationS, 'must be from 1 to 86400 seconds');
  if (!(s.maxFps >= 1 && s.maxFps <= 60)) throw bad('maxFps', s.maxFps, 'must be from 1 to 60 (the draft format stops at 60)');
  if (s.heartbeatMs < 100 || s.heartbeatMs > 15_000) throw bad('heartbeatMs', s.heartbeatMs, 'must be from 100 to 15000 (clients need one at least every 15 s)');
  try { parseSize(s.previewSize); } catch (e) { throw bad('previewSize', s.previewSize, (e as Error).message.replace(/^.*?expected /, 'must be ')); }
  if (s.redisUrl && !/^rediss?:\/\//i.test(s.redisUrl)) throw bad('redisUrl', s.redisUrl, 'must be a redis:// or rediss:// URL');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(s.redisPrefix)) throw bad('redisPrefix', s.redisPrefix, 'must be 1 to 64 letters, digits, _ . or -');
  int('jobLockMs', 1000, 3_600_000);
  int('jobRetryDelayMs', 0, 3_600_000);
  int('leaseMs', 1000, 3_600_000);
  if (s.maxImageBytes < 1024) throw bad('maxImageBytes', s.maxImageBytes, 'must be at least 1024');
  return s;
};

/** Settings from defaults ← config file ← environment ← overrides. */
export const loadSettings = (env: NodeJS.ProcessEnv = process.env, overrides: Partial<Settings> = {}, cwd = process.cwd()): Settings => {
  const out: Record<string, unknown> = { ...DEFAULTS };
  const file = env.STILLMOTION_CONFIG ? resolve(cwd, env.STILLMOTION_CONFIG) : resolve(cwd, 'stillmotion.config.json');
  if (env.STILLMOTION_CONFIG && !existsSync(file)) throw new StillmotionError('INVALID_OPTION', `STILLMOTION_CONFIG names ${file}, which does not exist`, { hint: 'fix the path or unset it' });
  if (existsSync(file)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new StillmotionError('INVALID_OPTION', `${file} is not valid JSON: ${(e as Error).message}`, { hint: 'fix the file or remove it' });
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new StillmotionError('INVALID_OPTION', `${file} must hold a JSON object of settings`, { hint: 'see README, "Settings"' });
    for (const [k, v] of Object.entries(json)) {
      if (!(k in DEFAULTS)) throw new StillmotionError('INVALID_OPTION', `${file}: unknown setting "${k}"`, { hint: `known settings: ${Object.keys(DEFAULTS).join(', ')}` });
      out[k] = coerce(k as keyof Settings, v, `${file}: `);
    }
  }
  for (const [variable, key] of Object.entries(ENV)) {
    const v = env[variable];
    if (v !== undefined) out[key] = coerce(key, v, `${variable} → `);
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    if (!(k in DEFAULTS)) throw new StillmotionError('INVALID_OPTION', `unknown setting "${k}"`, { hint: `known settings: ${Object.keys(DEFAULTS).join(', ')}` });
    out[k] = coerce(k as keyof Settings, v, '');
  }
  return check(out as unknown as Settings);
};

export const SETTINGS_ENV = ENV;
