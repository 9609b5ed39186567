import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import type { ServerHandle } from '../../src/service/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { clientEnv, run, startTestServer } from './support/harness.js';

const tmp = tempDir('stillmotion-client-');
let srv: ServerHandle;
let photo: string;

test.before(async () => {
  srv = await startTestServer(tmp.path('server'));
  photo = await texturedJpeg(tmp.path('photo.jpg'), 900, 600, 1);
});
test.after(async () => {
  await srv?.close();
  tmp.remove();
});

/** The token this client id holds (asking again while it is live returns the same one). */
const tokenOf = async (env: NodeJS.ProcessEnv): Promise<string> => {
  const id = readFileSync(join(env.XDG_CONFIG_HOME!, 'stillmotion', 'client_id'), 'utf8').trim();
  const r = await fetch(`${srv.url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'X-Client-Id': id } });
  return ((await r.json()) as { data: { token: string } }).data.token;
};

test('ask in English: upload, turn, export and download in one command gives a probed MP4', async () => {
  const env = clientEnv(tmp.path('en'));
  const r = await run(['ask', 'animate this photo into a 2-second 480p video with smooth motion', '--file', photo, '-o', 'clip.mp4', '--api', srv.url], tmp.dir, env);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0]!, /^Setting up/);
  assert.match(lines[1]!, /^Ready, 100 credits/);
  assert.match(r.out, /Uploaded photo\.jpg \(900x600\)/);
  assert.match(r.out, /Your preview is ready: 2\.0 s/);
  assert.doesNotMatch(r.out, /edit_timeline|render_preview|function_call/, 'tool activity is not shown');
  assert.match(r.out, /Exporting \(mp4, high quality\)/);
  const clip = tmp.path('clip.mp4');
  assert.match(r.out, new RegExp(`Saved ${clip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(854x480, 2s`));
  const p = await probeMedia(clip);
  assert.equal(p.video?.codec, 'h264');
  assert.deepEqual([p.video?.width, p.video?.height], [854, 480]);
  assert.ok(Math.abs(p.durationS - 2) < 0.1, `duration ${p.durationS}`);
  assert.ok(p.moovBeforeMdat);
  // The client id was kept in the config folder given by XDG_CONFIG_HOME, and no token was printed.
  const token = await tokenOf(env);
  assert.ok(!r.out.includes(token) && !r.err.includes(token));
});

test('ask in Chinese with --json: NDJSON only on stdout, Chinese replies, a probed MP4', async () => {
  const env = clientEnv(tmp.path('zh'));
  copyFileSync(photo, tmp.path('照片.jpg'));
  const r = await run(['ask', '把这张照片做成 2 秒的平滑运镜视频，标清', '--file', '照片.jpg', '-o', 'out/视频.mp4', '--json', '--api', srv.url], tmp.dir, env);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const types = r.events.map((e) => e.type);
  for (const t of ['setup', 'ready', 'uploaded', 'turn_start', 'text', 'turn_done', 'export_submitted', 'exported', 'result']) assert.ok(types.includes(t), `event ${t} in ${types.join(',')}`);
  assert.ok(types.indexOf('exported') > types.indexOf('turn_done'), 'export after the turn');
  const text = r.events.filter((e) => e.type === 'text').map((e) => e.text).join('');
  assert.match(text, /预览已生成：2\.0 秒/);
  const done = r.events.find((e) => e.type === 'exported')!;
  assert.equal(done.path, tmp.path('out/视频.mp4'));
  const p = await probeMedia(done.path as string);
  assert.equal(p.video?.codec, 'h264');
  assert.equal(p.video?.height, 480);
  assert.ok(Math.abs(p.durationS - 2) < 0.1);
  const token = await tokenOf(env);
  assert.ok(!r.out.includes(token));
  assert.ok(!JSON.stringify(r.events).includes('"token"'));
});

test('chat in English: a dragged path with spaces, a turn, status, credits, export next to the photo', async () => {
  const env = clientEnv(tmp.path('chat-en'));
  const dir = tmp.path('chat-en/My Photos');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  copyFileSync(photo, join(dir, 'beach day.jpg'));
  const dragged = `${join(dir, 'beach day.jpg').replace(/ /g, '\\ ')} `; // how macOS Terminal pastes a dropped file
  const r = await run(['chat', '--api', srv.url], tmp.dir, env, [
    dragged, 'animate this photo into a 2-second 480p video', 'status', 'credits', 'export', 'open in browser', 'quit',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Setting up Stillmotion…\nReady, 100 credits\./);
  assert.match(r.out, /Uploaded beach day\.jpg \(900x600\)/);
  assert.match(r.out, /Your preview is ready: 2\.0 s/);
  assert.match(r.out, /Timeline \(1 track\): 1\. Video: beach day\.jpg.*\(0-2s\)\n1 uploaded file, 1 preview; ready to export\./);
  assert.match(r.out, /Credits: 95 available \(95 total\)\./);
  const saved = join(dir, 'beach day-video.mp4');
  assert.ok(r.out.includes(`Saved ${saved} (854x480, 2s`), r.out);
  assert.ok(existsSync(saved));
  const link = /Open this project in the web workspace: (\S+)/.exec(r.out)?.[1];
  assert.ok(link?.startsWith(`${srv.url}/workspace/claim?ct=clm_`), link);
  assert.equal(r.err, '');
});

test('chat in Chinese: photo on the command line, --out folder, replies and client messages in Chinese', async () => {
  const env = clientEnv(tmp.path('chat-zh'), { LANG: 'zh_CN.UTF-8' });
  const r = await run(['chat', photo, '--api', srv.url, '--out', 'exports'], tmp.dir, env, [
    '导出', '做成 2 秒视频，标清', '状态', '积分', '导出', '退出',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^正在准备 Stillmotion…\n准备好了，积分 100。/);
  assert.match(r.out, /已上传 photo\.jpg/);
  assert.match(r.out, /还没有可以导出的内容/, 'export before anything is on the timeline: told, not attempted');
  assert.match(r.out, /预览已生成：2\.0 秒/);
  assert.match(r.out, /已上传 1 个文件，1 个预览；可以导出。/);
  assert.match(r.out, /积分：可用 95（共 95）。/);
  assert.match(r.out, /正在导出（mp4，高画质）…/);
  const saved = tmp.path('exports/photo-video.mp4');
  assert.ok(r.out.includes(`已保存 ${saved}（854x480，2s`), r.out);
  assert.ok(existsSync(saved));
});

test('with no server named, an embedded one starts in-process on a private port', async () => {
  // Runs last: the loopback server stops, and the embedded one opens its data folder (a fresh database takes ~10 s to create).
  const url = srv.url;
  await srv.close();
  const env = clientEnv(tmp.path('embedded'), { STILLMOTION_DATA_DIR: tmp.path('server') });
  const r = await run(['ask', 'credits', '--json'], tmp.dir, env);
  assert.equal(r.code, 0, r.err);
  const ready = r.events.find((e) => e.type === 'ready')!;
  assert.equal(ready.server, 'embedded');
  assert.match(ready.url as string, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(ready.url, url);
  assert.ok(r.events.some((e) => e.type === 'credits' && e.available === 100));
});
