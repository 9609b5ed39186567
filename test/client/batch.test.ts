/**
 * The CLI chat's batch workflow (issue 15): three photos from two folders, one instruction each,
 * then `export all` saves each clip next to its own photo, named after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import type { ServerHandle } from '../../src/service/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { clientEnv, run, startTestServer } from './support/harness.js';

const tmp = tempDir('stillmotion-batch-');
let srv: ServerHandle;

test.before(async () => { srv = await startTestServer(tmp.path('server')); });
test.after(async () => {
  await srv?.close();
  tmp.remove();
});

test('chat: three photos, one instruction each, "export all" saves each clip next to its photo', async () => {
  const env = clientEnv(tmp.path('home'));
  const one = tmp.path('trip'), two = tmp.path('shop');
  mkdirSync(one, { recursive: true });
  mkdirSync(two, { recursive: true });
  const a = await texturedJpeg(join(one, 'beach.jpg'), 900, 600, 1);
  const b = await texturedJpeg(join(two, 'bag.jpg'), 900, 600, 2);
  const c = await texturedJpeg(join(one, 'sunset.jpg'), 900, 600, 3);
  const r = await run(['chat', '--api', srv.url, a, b, c], tmp.dir, env, [
    'make the first photo a 1-second 480p zoom in',
    'make bag.jpg a 1-second 480p video that pans left',
    'make a 1-second 480p 9:16 version of the last one',
    'export all',
    'quit',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Clip 3 of 3 is ready/, r.out);
  const saved = [join(one, 'beach-video.mp4'), join(two, 'bag-video.mp4'), join(one, 'sunset-video.mp4')];
  for (const f of saved) {
    assert.ok(r.out.includes(`Saved ${f}`), `${f} in:\n${r.out}`);
    assert.ok(existsSync(f), f);
  }
  const dims = await Promise.all(saved.map(async (f) => { const p = await probeMedia(f); return `${p.video?.width}x${p.video?.height}`; }));
  assert.deepEqual(dims, ['854x480', '854x480', '480x854']);
});
