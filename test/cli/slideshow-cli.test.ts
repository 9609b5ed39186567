import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());

const capture = (cwd: string) => {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '', e = '';
  out.on('data', (d) => { o += d; });
  err.on('data', (d) => { e += d; });
  return { io: { stdout: out, stderr: err, cwd, env: {} }, text: () => ({ out: o, err: e }) };
};

test('slideshow from an instruction, then the saved draft renders and summarises', async () => {
  await texturedJpeg(tmp.path('a.jpg'), 900, 600, 1);
  await texturedJpeg(tmp.path('b.jpg'), 900, 600, 2);
  await texturedJpeg(tmp.path('c.jpg'), 600, 900, 3);
  const c = capture(tmp.dir);
  const code = await main(['animate', 'a.jpg', 'b.jpg', 'c.jpg', '--slideshow', '-p', "6-second reel, title 'Summer Sale', crossfades", '--size', '480p', '-o', 'reel.mp4', '--save-draft', 'reel.json'], c.io);
  assert.equal(code, 0, c.text().err);
  assert.match(c.text().out, /Timeline \(2 tracks\): 1\. Video: 3 shots \(0-6s\) 2\. Title: "Summer Sale" \(0-3s\)/);
  const p = await probeMedia(tmp.path('reel.mp4'), { countFrames: true });
  assert.deepEqual([p.video?.width, p.video?.height, p.video?.frames], [480, 854, 180], 'reel → 9:16, 6 s at 30 fps');
  const draft = JSON.parse(readFileSync(tmp.path('reel.json'), 'utf8'));
  assert.equal(draft.t[0].sg[0].m.tr.type, 'crossfade');
  const s = capture(tmp.dir);
  assert.equal(await main(['draft', 'summary', 'reel.json'], s.io), 0);
  assert.match(s.text().out, /^Timeline \(2 tracks\)/);
  const r = capture(tmp.dir);
  assert.equal(await main(['render', 'reel.json', '-o', 'again.webm', '--format', 'webm', '--quality', 'low', '--json'], r.io), 0, r.text().err);
  const res = JSON.parse(r.text().out.trim().split('\n').pop()!);
  assert.equal(res.type, 'result');
  assert.equal((await probeMedia(tmp.path('again.webm'))).video?.codec, 'vp9');
});

test('a bad draft file is refused with the path of the problem', async () => {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(tmp.path('bad.json'), JSON.stringify({ t: [{ tt: 0, sg: [{ s: 0, d: -5, m: { media_id: 'a.jpg' } }] }] }));
  const c = capture(tmp.dir);
  assert.equal(await main(['render', 'bad.json'], c.io), 2);
  assert.match(c.text().err, /error 4007: t\[0\]\.sg\[0\]\.d: must be > 0, got -5/);
});
