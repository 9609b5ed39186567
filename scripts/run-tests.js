#!/usr/bin/env node
// Runs the compiled test files (dist/test/**/*.test.js) with node:test.
// `npm test -- engine` runs only the files whose path contains "engine".
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'dist', 'test');
const filters = process.argv.slice(2);
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
walk(dir);
const chosen = files
  .filter((f) => filters.length === 0 || filters.some((s) => relative(dir, f).includes(s)))
  .sort();
if (chosen.length === 0) {
  console.error(`no test files match ${filters.join(' ') || '(all)'} under ${dir}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...chosen], { stdio: 'inherit' });
process.exit(r.status ?? 1);
