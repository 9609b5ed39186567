/** What every browser test shares: Debian's chromium, its flags, where screenshots go, and why the tests skip. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const repo = new URL('../../../', import.meta.url).pathname; // dist/test/web → repo
export const shots = join(repo, 'test-artifacts', 'web');

export const skip: string | false = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`
  : !existsSync(join(repo, 'dist', 'web', 'index.html'))
    ? 'dist/web/index.html is missing (node scripts/build-web.js): browser tests skipped'
    : false;

/** Waits until the page's chat turn is over: the send button is enabled again. */
export const turnDone = (page: Page, timeoutMs: number) => page.waitForFunction(() => {
  const send = document.querySelector<HTMLButtonElement>('.send-btn');
  return !!send && !send.disabled;
}, null, { timeout: timeoutMs });

/** The session's state as the server has it (GET /api/state/…/latest with the page's own token and session). */
export const projectState = <S>(page: Page): Promise<S> => page.evaluate(async () => {
  const token = localStorage.getItem('stillmotion.token');
  const sid = (JSON.parse(localStorage.getItem('stillmotion.session') ?? 'null') as { session_id: string }).session_id;
  const r = await fetch(`/api/state/nemo_agent/me/${encodeURIComponent(sid)}/latest`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await r.json()) as { data: { state: unknown } }).data.state;
}) as Promise<S>;
