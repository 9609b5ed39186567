/**
 * The service's settings: defaults, then an optional JSON config file, then the environment,
 * then overrides given in code. Validated once, at start, with an error naming the setting.
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { StillmotionError } from '../errors.js';
import { parseSize } from '../engine/index.js';

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
  readonly logRequests: boolean;
  /** Behind a reverse proxy: take the client's address from X-Forwarded-For (limits per address need it). */
  readonly trustProxy: boolean;
  /** Exports one user may have waiting or running at once (429 beyond). */
  readonly maxExportsPerUser: number;
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
  trustProxy: false,
  maxExportsPerUser: 3,
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
  STILLMOTION_TRUST_PROXY: 'trustProxy',
  STILLMOTION_MAX_EXPORTS_PER_USER: 'maxExportsPerUser',
};

const bad = (name: string, value: unknown, rule: string): StillmotionError =>
  new StillmotionError('INVALID_OPTION', `setting ${name}: ${rule}, got ${JSON.stringify(value)}`, { hint: 'fix it in the environment or in stillmotion.config.json', details: { setting: name } });

const coerce = (key: keyof Settings, raw: unknown, source: string): unknown => {
  const want = typeof DEFAULTS[key];
  const name = `${source}${key}`;
  if (key === 'databaseUrl' || key === 'publicUrl' || key === 'webDir') {
    if (raw === null || raw === '') return null;
    if (typeof raw !== 'string') throw bad(name, raw, 'must be a string');
    if (key !== 'webDir' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw bad(name, raw, 'must be a URL');
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
  if (s.heartbeatMs < 100 || s.heartbeatMs > 15_000) throw bad('heartbeatMs', s.heartbeatMs, 'must be from 100 to 15000 (clients need one at least every 15 s)');
  try { parseSize(s.previewSize); } catch (e) { throw bad('previewSize', s.previewSize, (e as Error).message.replace(/^.*?expected /, 'must be ')); }
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
