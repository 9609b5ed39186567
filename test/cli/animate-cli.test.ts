import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { outputPaths } from '../../src/cli/commands/animate.js';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());

const capture = (cwd: string, tty = false) => {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '', e = '';
  out.on('data', (d) => { o += d; });
  err.on('data', (d) => { e += d; });
  Object.assign(err, { isTTY: tty, columns: 100 });
  return { io: { stdout: out, stderr: err, cwd, env: {} }, text: () => ({ out: o, err: e }) };
};

test('animate several photos with --json: NDJSON only on stdout, one clip per photo named after it', async () => {
  const a = await texturedJpeg(tmp.path('beach.jpg'), 900, 600, 1);
  await texturedJpeg(tmp.path('street.jpg'), 600, 900, 2);
  const c = capture(tmp.dir);
  const code = await main(['animate', a, 'street.jpg', '-o', 'out/', '--json', '-d', '1', '--size', '480p'], c.io);
  const { out } = c.text();
  assert.equal(code, 0);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(lines.every((l) => typeof l.type === 'string'), 'every stdout line is a JSON event');
  const results = lines.filter((l) => l.type === 'result');
  assert.equal(results.length, 2);
  assert.ok(lines.some((l) => l.type === 'progress' && typeof l.fraction === 'number' && 'eta_s' in l));
  for (const [i, name] of ['beach', 'street'].entries()) {
    const r = results[i]!;
    assert.equal(r.output, tmp.path(`out/${name}.mp4`));
    for (const k of ['output', 'width', 'height', 'fps', 'frames', 'duration_ms', 'size_bytes', 'move', 'subject']) assert.ok(k in r, `result has ${k}`);
    assert.ok(existsSync(r.output as string));
  }
  assert.deepEqual([results[0]!.width, results[0]!.height], [854, 480]);
  assert.deepEqual([results[1]!.width, results[1]!.height], [480, 854]);
  const p = await probeMedia(results[1]!.output as string, { countFrames: true });
  assert.equal(p.video?.frames, 30);
});

test('a terminal gets a progress bar with stage, percent and ETA on stderr, and a summary line', async () => {
  await texturedJpeg(tmp.path('bar.jpg'), 800, 450, 3);
  const c = capture(tmp.dir, true);
  const code = await main(['animate', 'bar.jpg', '-o', 'bar.mp4', '-d', '2', '--size', '720p'], c.io);
  const { out, err } = c.text();
  assert.equal(code, 0);
  assert.match(err, /render +\[#+-*\] +\d+%/);
  assert.match(out, /bar\.mp4 +1280x720 30fps 60 frames 2\.00s/);
});

test('user mistakes: one line with the code and a hint, and the documented exit code', async () => {
  const c = capture(tmp.dir);
  assert.equal(await main(['animate', 'nope.jpg'], c.io), 14);
  assert.match(c.text().err, /^error 4006: cannot read .*nope\.jpg/m);
  const d = capture(tmp.dir);
  assert.equal(await main(['animate', 'bar.jpg', '--fps', '29'], d.io), 2);
  assert.match(d.text().err, /error 4005: fps: expected one of 24, 25, 30, 50, 60/);
  assert.match(d.text().err, /hint:/);
  const e = capture(tmp.dir);
  assert.equal(await main(['animate', 'bar.jpg', '--bogus'], e.io), 2);
  const f = capture(tmp.dir);
  assert.equal(await main(['animate', 'bar.jpg', '--fps', '29', '--json'], f.io), 2);
  assert.equal(JSON.parse(f.text().out.trim()).code, 4005);
  const g = capture(tmp.dir);
  assert.equal(await main(['frobnicate'], g.io), 2);
  // Help asked of a command is the help, not an unknown option; after `--` it is a word like any other.
  const h = capture(tmp.dir);
  assert.equal(await main(['animate', 'bar.jpg', '--help'], h.io), 0);
  assert.match(h.text().out, /animate flags:/);
  const u = capture(tmp.dir);
  assert.equal(await main(['frobnicate', '--help'], u.io), 2, 'an unknown command stays unknown');
  const i = capture(tmp.dir);
  assert.equal(await main(['understand', '--', '--help'], i.io), 0);
  assert.doesNotMatch(i.text().out, /animate flags:/);
});

test('output naming: file for one photo, folder for several, duplicates numbered', () => {
  assert.deepEqual(outputPaths(['a.jpg'], 'x.mp4', 'mp4', '/w'), ['/w/x.mp4']);
  assert.deepEqual(outputPaths(['p/a.jpg'], undefined, 'webm', '/w'), ['/w/p/a.webm']);
  assert.deepEqual(outputPaths(['a.jpg', 'b/a.png', 'c.heic'], 'out', 'mp4', '/w'), ['/w/out/a.mp4', '/w/out/a-2.mp4', '/w/out/c.mp4']);
});
