/**
 * One path from words to video: the same sentence through `animate -p`, `animate --slideshow -p` and
 * a chat turn of the service gives the same render plan, for a table of sentences in English and
 * Chinese (moves, framing, aspect, platform, lengths, titles). The CLI doors print their plan with
 * --dry-run; the chat turn hands its plan to the `render_preview` call (and renders it, at the
 * service's preview size, which the CLI doors are given as --size).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import { FLAT_FOR, isDepthMove, type RenderPlan } from '../src/engine/index.js';
import { tempDir, texturedJpeg } from './support/fixtures.js';
import { runSse, setup, testServer, uploadFile, type TestServer } from './service/support.js';

const tmp = tempDir();

type Photo = 'land' | 'wide' | 'tall';
interface Expect { move?: string | RegExp; aspect?: string; fps?: number; frames?: number; texts?: number }

/** Sentence, photo, and what its plan must show (so the doors cannot agree on ignoring the words). */
const ROWS: ReadonlyArray<readonly [string, Photo, Expect]> = [
  // Moves (the five of issue 12's table first).
  ['orbit around the bottle', 'land', { move: 'orbit-right' }],
  ['parallax effect', 'land', { move: '3d-zoom' }],
  ['handheld shake', 'land', { move: 'ken-burns' }],
  ['dolly left', 'land', { move: 'parallax-left' }],
  ['pan up and to the left', 'land', { move: 'pan-up-left' }],
  ['zoom in and pan left', 'land', { move: 'ken-burns' }],
  ['slow zoom in', 'land', { move: 'zoom-in' }],
  ['zoom out slowly', 'land', { move: 'zoom-out' }],
  ['pan right, 8 seconds', 'land', { move: 'pan-right', frames: 240 }],
  ['ken burns effect', 'land', { move: 'ken-burns' }],
  ['static shot, no movement', 'land', { move: 'static' }],
  ['tilt down slowly', 'tall', { move: 'pan-down' }],
  ['pan down and to the right', 'land', { move: 'pan-down-right' }],
  ['push in on the subject', 'land', { move: 'dolly-in' }],
  ['pull back to reveal the scene', 'land', { move: 'dolly-out' }],
  ['dramatic zoom', 'land', { move: 'zoom-in' }],
  ['subtle drift', 'land', { move: 'ken-burns' }],
  ['fast pan right', 'wide', { move: 'pan-right' }],
  // Framing and aspect: a photo far from the canvas's shape gets a pan along it, toward the subject.
  ['make it vertical', 'wide', { aspect: '9:16', move: /^pan-(left|right)$/ }],
  ['square video', 'wide', { aspect: '1:1', move: /^pan-(left|right)$/ }],
  ['9:16', 'land', { aspect: '9:16' }],
  ['4:5 portrait', 'land', { aspect: '4:5' }],
  ['make it 16:9', 'tall', { aspect: '16:9', move: /^pan-(up|down)$/ }],
  ['21:9 cinematic', 'land', { aspect: '16:9' }],
  ['10 seconds, 60fps', 'land', { fps: 60, frames: 600 }],
  ['24 fps, slow', 'land', { fps: 24, frames: 120 }],
  ['animate this photo into a 5-second video with smooth motion', 'tall', { aspect: '9:16', frames: 150 }],
  // Platforms.
  ['for TikTok', 'land', { aspect: '9:16' }],
  ['instagram reels', 'wide', { aspect: '9:16' }],
  ['instagram feed post', 'land', { aspect: '4:5' }],
  ['youtube shorts', 'land', { aspect: '9:16' }],
  ['for youtube', 'tall', { aspect: '16:9' }],
  // Chinese.
  ['慢慢推进', 'land', { move: 'dolly-in' }],
  ['镜头拉远', 'land', { move: 'dolly-out' }],
  ['向左平移', 'land', { move: 'pan-left' }],
  ['向右摇镜头', 'land', { move: 'pan-right' }],
  ['做成竖屏', 'wide', { aspect: '9:16', move: /^pan-(left|right)$/ }],
  ['横屏 16:9', 'tall', { aspect: '16:9' }],
  ['方形视频', 'land', { aspect: '1:1' }],
  ['抖音', 'land', { aspect: '9:16' }],
  ['快速推近，10秒', 'land', { move: 'dolly-in', frames: 300 }],
  ['缓慢向上移动', 'tall', { move: 'pan-up' }],
  ['肯·伯恩斯效果', 'land', { move: 'ken-burns' }],
  ['环绕拍摄', 'land', { move: 'orbit-right' }],
  ['视差效果', 'land', { move: '3d-zoom' }],
  ['手持晃动', 'land', { move: 'ken-burns' }],
  ['做成9:16的竖屏视频，慢慢推近', 'land', { aspect: '9:16', move: 'dolly-in' }],
  // Texts and music words go into the same plan.
  ["9:16 reel, slow zoom, title 'Summer Sale', lo-fi music at 35%", 'land', { aspect: '9:16', move: 'zoom-in', texts: 1 }],
  ['做一个8秒的竖屏视频，慢慢推进，标题「夏日特卖」', 'land', { aspect: '9:16', move: 'dolly-in', frames: 240, texts: 1 }],
];

const PREVIEW = '360p';

const capture = (cwd: string) => {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '', e = '';
  out.on('data', (d) => { o += d; });
  err.on('data', (d) => { e += d; });
  return { io: { stdout: out, stderr: err, cwd, env: {} }, text: () => ({ out: o, err: e }) };
};

/** The plan a CLI door prints with --dry-run --json. */
const cliPlan = async (args: string[]): Promise<RenderPlan> => {
  const c = capture(tmp.dir);
  const code = await main([...args, '--dry-run', '--json', '--size', PREVIEW, '--quality', 'medium'], c.io);
  const { out, err } = c.text();
  assert.equal(code, 0, `${args.join(' ')}: ${err}${out}`);
  const ev = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; plan?: RenderPlan }).find((l) => l.type === 'plan');
  assert.ok(ev?.plan, `${args.join(' ')} printed a plan`);
  return ev.plan;
};

/** The plan a chat turn renders: a new session, the photo uploaded, the sentence sent. */
const chatPlan = async (srv: TestServer, sentence: string, photo: string): Promise<RenderPlan> => {
  const a = await setup(srv.url);
  const up = await uploadFile(a, photo.split('/').pop()!, readFileSync(photo), 'image/jpeg');
  assert.equal(up.json.code, 0, JSON.stringify(up.json));
  const r = await runSse(a, sentence);
  const last = r.events.filter((e) => e.json).at(-1)?.json;
  assert.equal(last?.turn_complete, true);
  assert.equal(last?.error_code, undefined, `${sentence}: the turn failed: ${r.text}`);
  const call = r.events.flatMap((e) => ((e.json?.content as { parts?: Array<{ function_call?: { name: string; args: { plan?: RenderPlan } } }> } | undefined)?.parts ?? []))
    .map((p) => p.function_call).find((f) => f?.name === 'render_preview');
  assert.ok(call?.args.plan, `${sentence}: the render_preview call carries its plan`);
  return call.args.plan;
};

/** Media ids differ by door (a path, an uploaded media id): named by what they are. */
const normalised = (p: RenderPlan, names: Readonly<Record<string, string>>): unknown =>
  JSON.parse(JSON.stringify(p, (k, v: unknown) => (k === 'media' && typeof v === 'string' ? names[v] ?? (v.startsWith('med_') ? 'uploaded' : v) : v)));

const check = (sentence: string, plan: RenderPlan, e: Expect) => {
  const shot = plan.shots[0]!;
  assert.equal(shot.kind, 'image');
  const move = shot.kind === 'image' ? shot.motion.move : '';
  if (e.move instanceof RegExp) assert.match(move, e.move, sentence);
  // A depth move is made as such when the photo's estimated depth is trusted, else as its flat move.
  else if (e.move) assert.ok(move === e.move || (isDepthMove(e.move) && FLAT_FOR[e.move] === move), `${sentence}: ${move}, expected ${e.move}`);
  if (e.aspect) {
    const [w, h] = e.aspect.split(':').map(Number) as [number, number];
    assert.ok(Math.abs(plan.width / plan.height - w / h) < 0.01, `${sentence}: ${plan.width}x${plan.height} is ${e.aspect}`);
    assert.equal(Math.min(plan.width, plan.height), 360, `${sentence}: the preview size`);
  }
  if (e.fps) assert.equal(plan.fps, e.fps, sentence);
  if (e.frames) assert.equal(plan.frames, e.frames, sentence);
  assert.equal(plan.texts.length, e.texts ?? 0, `${sentence}: texts`);
  for (const t of plan.texts) assert.ok(t.style.font && t.style.size > 0 && t.position && t.animation, `${sentence}: the text's full style is in the plan`);
};

test('the same sentence makes the same plan through animate -p, --slideshow -p and a chat turn', { timeout: 900_000 }, async () => {
  assert.ok(ROWS.length >= 40, `${ROWS.length} rows`);
  assert.ok(ROWS.filter(([s]) => /[\u4e00-\u9fff]/.test(s)).length >= 12, 'Chinese rows');
  const photos: Record<Photo, string> = {
    land: await texturedJpeg(tmp.path('land.jpg'), 1800, 1200, 11),
    wide: await texturedJpeg(tmp.path('wide.jpg'), 2400, 900, 12),
    tall: await texturedJpeg(tmp.path('tall.jpg'), 1000, 1700, 13),
  };
  const names = Object.fromEntries(Object.entries(photos).map(([k, v]) => [v, 'uploaded'])) as Record<string, string>;
  const srv = await testServer('embedded', { previewSize: PREVIEW, turnCost: 0 });
  try {
    for (const [sentence, photo, expect] of ROWS) {
      const one = await cliPlan(['animate', photos[photo], '-p', sentence]);
      const show = await cliPlan(['animate', photos[photo], '--slideshow', '-p', sentence]);
      const chat = await chatPlan(srv, sentence, photos[photo]);
      check(sentence, one, expect);
      assert.deepEqual(normalised(show, names), normalised(one, names), `${sentence}: --slideshow -p and animate -p`);
      assert.deepEqual(normalised(chat, names), normalised(one, names), `${sentence}: a chat turn and animate -p`);
    }
  } finally {
    await srv.stop();
    tmp.remove();
  }
});
