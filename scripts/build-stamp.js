#!/usr/bin/env node
// Knows whether dist/ is older than the sources, so `npm start` (and `npm test`, `npm run bench`)
// build only when something changed. `npm install` builds (the `prepare` script).
//   node scripts/build-stamp.js begin    first step of `npm run build`: notes the newest source time
//   node scripts/build-stamp.js end      last step: the build is complete, keep that time as the stamp
//   node scripts/build-stamp.js ensure   build when a source is newer than the stamp, else nothing
// The time is taken before the build starts, so a file saved while it runs makes the next start build.
// Directories count too: a file deleted or renamed changes its folder's time.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const stampOf = (root) => join(root, 'dist', '.build-stamp');
const pendingOf = (root) => join(root, 'dist', '.build-pending');

/** Everything the build reads: our sources, its own scripts and configuration, the installed packages' lock. */
const inputDirs = ['src', 'web', 'test', 'bench', 'scripts'];
const inputFiles = ['tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json'];
/** What a complete build leaves; one missing means build. */
const outputs = ['dist/src/cli/main.js', 'dist/src/engine/render/sampler.wasm', 'dist/web/index.html', 'dist/pglite-template/.pglite-version'];

/** The newest modification time (ms) among the inputs, and which one it is. */
export const newestInput = (root = here) => {
  let newest = { ms: 0, path: '' };
  const see = (p) => {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) return null;
    if (s.mtimeMs > newest.ms) newest = { ms: s.mtimeMs, path: relative(root, p) };
    return s;
  };
  const walk = (d) => {
    const s = see(d);
    if (!s?.isDirectory()) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(join(d, e.name));
      else see(join(d, e.name));
    }
  };
  for (const d of inputDirs) walk(join(root, d));
  for (const f of inputFiles) see(join(root, f));
  return newest;
};

/** Why dist/ must be built again, or null when it is up to date. */
export const staleReason = (root = here) => {
  const missing = outputs.find((o) => !existsSync(join(root, o)));
  if (missing) return `${missing} is missing`;
  if (!existsSync(stampOf(root))) return 'no complete build recorded';
  const built = Number(readFileSync(stampOf(root), 'utf8'));
  const newest = newestInput(root);
  if (!(newest.ms <= built)) return `${newest.path} changed since the last build`;
  return null;
};

/** The first step of a build: remember how new the sources were when it started. */
export const beginBuild = (root = here) => {
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(pendingOf(root), String(newestInput(root).ms));
};

/** The last step: the build is complete. */
export const endBuild = (root = here) => renameSync(pendingOf(root), stampOf(root));

const mode = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) ? process.argv[2] : null;
if (mode === 'begin') beginBuild();
else if (mode === 'end') endBuild();
else if (mode === 'ensure') {
  const why = staleReason();
  if (why) {
    process.stderr.write(`Building (${why})…\n`);
    const npm = process.env.npm_execpath;
    const r = npm
      ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { stdio: 'inherit', cwd: here })
      : spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', cwd: here, shell: process.platform === 'win32' });
    process.exit(r.status ?? 1);
  }
} else if (mode !== null) {
  process.stderr.write(`usage: node scripts/build-stamp.js begin|end|ensure\n`);
  process.exit(2);
}
