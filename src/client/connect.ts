/**
 * Which server, and who we are to it. The server: `--api`, else STILLMOTION_API_URL or
 * NEMO_API_URL, else one started in this process on a private loopback port. The identity:
 * NEMO_TOKEN when set, else an anonymous token for a client id kept in
 * `$XDG_CONFIG_HOME/stillmotion/client_id` (default `~/.config/…`). Tokens stay in memory only.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiClient, type ApiClientOptions } from './api.js';

export interface Target {
  readonly url: string;
  readonly embedded: boolean;
  /** A server on this machine: polled fast (API.md allows it). */
  readonly loopback: boolean;
  close(): Promise<void>;
}

const home = (env: NodeJS.ProcessEnv): string => env.HOME || homedir();

export const configDir = (env: NodeJS.ProcessEnv): string => join(env.XDG_CONFIG_HOME || join(home(env), '.config'), 'stillmotion');
export const dataDir = (env: NodeJS.ProcessEnv): string => env.STILLMOTION_DATA_DIR || join(env.XDG_DATA_HOME || join(home(env), '.local', 'share'), 'stillmotion');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The persisted client id: read it, or create and keep one (0600, in a 0700 folder). */
export const clientId = (env: NodeJS.ProcessEnv): string => {
  const file = join(configDir(env), 'client_id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (UUID.test(id)) return id;
  } catch {
    // not there yet
  }
  const id = randomUUID();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
};

export const isLoopback = (url: string): boolean => {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return h === 'localhost' || h === '::1' || /^127\./.test(h);
  } catch {
    return false;
  }
};

export const resolveTarget = async (api: string | undefined, env: NodeJS.ProcessEnv, settings?: Partial<import('../service/index.js').Settings>): Promise<Target> => {
  const url = api ?? env.STILLMOTION_API_URL ?? env.NEMO_API_URL;
  if (url) {
    const u = url.replace(/\/+$/, '');
    return { url: u, embedded: false, loopback: isLoopback(u), close: async () => {} };
  }
  // Loaded only when no server is named: the service (database, web framework) is heavy.
  const { startServer } = await import('../service/index.js');
  const dir = dataDir(env);
  mkdirSync(dir, { recursive: true });
  // The built-in server is embedded: a DATABASE_URL meant for a real deployment is not its database.
  const srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: dir, quiet: true, env: { ...env, DATABASE_URL: undefined, REDIS_URL: undefined, STILLMOTION_MEDIA_DIR: undefined }, ...(settings ? { settings } : {}) });
  return { url: srv.url, embedded: true, loopback: true, close: () => srv.close() };
};

export interface Identity {
  readonly api: ApiClient;
  readonly source: 'env' | 'anonymous';
  readonly credits: number | null;
}

/** An ApiClient with a token; on 1001 it gets a new anonymous token for the same client id. */
export const authenticate = async (
  url: string, env: NodeJS.ProcessEnv,
  o: Pick<ApiClientOptions, 'onRateLimited' | 'skill' | 'fetch'> & { onTokenRenewed?: () => void; signal?: AbortSignal },
): Promise<Identity> => {
  let id: string | undefined;
  const anon = async (): Promise<{ token: string; credits: number }> => {
    id ??= clientId(env);
    const t = await api.anonymousToken(id, o.signal);
    return { token: t.token, credits: t.credits };
  };
  const api: ApiClient = new ApiClient({
    baseUrl: url, skill: o.skill, onRateLimited: o.onRateLimited, fetch: o.fetch,
    renewToken: async () => {
      const t = await anon();
      o.onTokenRenewed?.();
      return t.token;
    },
  });
  const envToken = env.NEMO_TOKEN?.trim();
  if (envToken) {
    api.setToken(envToken);
    return { api, source: 'env', credits: null };
  }
  const t = await anon();
  api.setToken(t.token);
  return { api, source: 'anonymous', credits: t.credits };
};
