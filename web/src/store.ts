/** What the page remembers in localStorage: the client id, the bearer token and the session. Never in a URL. */
import type { SessionData } from './types';

const KEY = { client: 'stillmotion.client_id', token: 'stillmotion.token', session: 'stillmotion.session' } as const;

const get = (k: string): string | null => {
  try { return localStorage.getItem(k); } catch { return null; }
};
const set = (k: string, v: string | null): void => {
  try {
    if (v === null) localStorage.removeItem(k);
    else localStorage.setItem(k, v);
  } catch { /* private mode: keep working for this page's life */ }
};

const uuid = (): string => {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID exists only in secure contexts (https or localhost); fall back to the same format.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

export const store = {
  clientId(): string {
    let id = get(KEY.client);
    if (!id) {
      id = uuid();
      set(KEY.client, id);
    }
    return id;
  },
  token: (): string | null => get(KEY.token),
  setToken: (token: string | null): void => set(KEY.token, token),
  session(): SessionData | null {
    try {
      const s = JSON.parse(get(KEY.session) ?? 'null') as SessionData | null;
      return s && typeof s.session_id === 'string' && typeof s.task_id === 'string' ? s : null;
    } catch {
      return null;
    }
  },
  setSession: (s: SessionData | null): void => set(KEY.session, s ? JSON.stringify(s) : null),
};
