#!/usr/bin/env node
// Builds the workspace page (web/) into dist/web with Vite, when the page's sources are present.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const config = join(root, 'web', 'vite.config.ts');
if (!existsSync(config)) process.exit(0);
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const r = spawnSync(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
