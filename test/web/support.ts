/** What every browser test shares: Debian's chromium, its flags, where screenshots go, and why the tests skip. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const repo = new URL('../../../', import.meta.url).pathname; // dist/test/web → repo
export const shots = join(repo, 'test-artifacts', 'web');

export const skip: string | false = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`
  : !existsSync(join(repo, 'dist', 'web', 'index.html'))
    ? 'dist/web/index.html is missing (node scripts/build-web.js): browser tests skipped'
    : false;
