// The check `npm start` runs before serving: build only when a source is newer than the last build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

interface Stamp {
  staleReason(root: string): string | null;
  beginBuild(root: string): void;
  endBuild(root: string): void;
}
const script = new URL('../../../scripts/build-stamp.js', import.meta.url).href; // dist/test/scripts → repo
const { staleReason, beginBuild, endBuild } = (await import(script)) as Stamp;

const outputs = ['dist/src/cli/main.js', 'dist/src/engine/render/sampler.wasm', 'dist/web/index.html', 'dist/pglite-template/.pglite-version'];
const past = (s: number) => new Date(Date.now() - s * 1000);

/** A fake checkout whose every file and folder is `age` seconds old. */
const checkout = (age: number): string => {
  const root = mkdtempSync(join(tmpdir(), 'sm-stamp-'));
  for (const f of ['src/a.ts', 'src/sub/b.ts', 'web/src/main.ts', 'package.json', ...outputs]) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), 'x');
  }
  for (const f of ['src/a.ts', 'src/sub/b.ts', 'src/sub', 'src', 'web/src/main.ts', 'web/src', 'web', 'package.json']) utimesSync(join(root, f), past(age), past(age));
  return root;
};

test('a build stamps the sources it saw; nothing newer means no build', () => {
  const root = checkout(60);
  try {
    assert.equal(staleReason(root), 'no complete build recorded');
    beginBuild(root);
    endBuild(root);
    assert.equal(staleReason(root), null);
  } finally { rmSync(root, { recursive: true, force: true }); }
});

test('an edited, added or deleted source, or a missing output, makes the next start build', () => {
  const root = checkout(60);
  try {
    beginBuild(root);
    endBuild(root);
    utimesSync(join(root, 'src/sub/b.ts'), past(1), past(1));
    assert.match(staleReason(root) ?? '', /src\/sub\/b\.ts changed/);

    beginBuild(root);
    endBuild(root);
    assert.equal(staleReason(root), null);
    rmSync(join(root, 'web/src/main.ts'));
    utimesSync(join(root, 'web/src'), new Date(Date.now() + 1000), new Date(Date.now() + 1000));
    assert.match(staleReason(root) ?? '', /web\/src changed/);

    beginBuild(root);
    endBuild(root);
    rmSync(join(root, 'dist/web/index.html'));
    assert.equal(staleReason(root), 'dist/web/index.html is missing');
  } finally { rmSync(root, { recursive: true, force: true }); }
});

test('a file saved while the build runs is newer than its stamp', () => {
  const root = checkout(60);
  try {
    beginBuild(root);
    utimesSync(join(root, 'src/a.ts'), past(0), past(0)); // saved during the build
    endBuild(root);
    assert.match(staleReason(root) ?? '', /src\/a\.ts changed/);
  } finally { rmSync(root, { recursive: true, force: true }); }
});
