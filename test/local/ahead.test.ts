/**
 * What the one-shot path does ahead of its render (issue 17, the serial part before the first
 * frame): the instruction parser loads only for words, and render threads started while the photo
 * is analysed are the ones its render uses, or end without holding the process open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { decodeFrames } from '../../src/engine/ffmpeg/index.js';
import { checkOptions, draftFromWords, guessPlan, LocalMedia, parseWords, planLocal, renderLocal, requirePhoto } from '../../src/local/make.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());

let runs = 0;
/** Runs `code` (an ES module, from a file: threads inherit node's flags, and `--input-type` fails them) in a fresh node; returns its stdout and the dist modules it loaded. */
const fresh = (code: string): { stdout: string; loaded: string[] } => {
  const file = tmp.path(`fresh-${runs++}.mjs`);
  writeFileSync(file, code);
  // A loader hook reports every module loaded, on stderr.
  const hook = `export async function load(u, c, next) { process.stderr.write('L ' + u + '\\n'); return next(u, c); }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const dist = new URL('../..', import.meta.url).href;
  return { stdout: r.stdout, loaded: r.stderr.split('\n').filter((l) => l.startsWith(`L ${dist}`)).map((l) => l.slice(2 + dist.length)) };
};
const make = JSON.stringify(new URL('../../src/local/make.js', import.meta.url).href);

test('the parser loads only when there are words to parse', () => {
  const none = fresh(`const m = await import(${make}); console.log(await m.parseWords(undefined));`);
  assert.equal(none.stdout.trim(), 'null');
  assert.ok(none.loaded.includes('src/local/make.js'), none.loaded.join(' '));
  assert.deepEqual(none.loaded.filter((f) => f.startsWith('src/language/') && f !== 'src/language/request.js'), []);
  const words = fresh(`const m = await import(${make}); console.log((await m.parseWords('slow zoom in')).moves.length);`);
  assert.equal(words.stdout.trim(), '1');
  assert.ok(words.loaded.includes('src/language/parse.js'));
});

test('a draft from parsed words is the one the words make; no words is the empty request', async () => {
  const info = { mediaId: '/p.jpg', kind: 'image' as const, name: 'p.jpg', width: 1600, height: 1000 };
  const options = checkOptions({});
  const made = draftFromWords([info], await parseWords('pan left, 4 seconds'), options);
  assert.equal(made.request?.moves[0]?.direction, 'left');
  assert.notDeepEqual(made.draft, draftFromWords([info], null, options).draft);
  assert.deepEqual(draftFromWords([info], undefined, options), draftFromWords([info], null, options));
});

test('threads started ahead render the same frames as threads the render starts, and are taken once', async () => {
  const photo = await texturedJpeg(tmp.path('p.jpg'), 1200, 800);
  const render = async (ahead: boolean) => {
    const media = new LocalMedia();
    if (ahead) media.startThreads();
    const options = checkOptions({ move: 'zoom-in', duration: 0.5, size: '360p' });
    const info = requirePhoto(await media.addAhead(photo, (sized) => guessPlan(sized, null, options)));
    const { plan } = await planLocal(draftFromWords([info], null, options).draft, media, {});
    const out = tmp.path(`${ahead}.mp4`);
    try {
      await renderLocal(plan, media, { output: out });
      assert.equal(await media.takeThreads(), null, 'the render took the threads');
    } finally {
      await media.close();
    }
    const h = createHash('sha256');
    for (const f of await decodeFrames(out, { pixFmt: 'rgb24' })) h.update(f);
    return h.digest('hex');
  };
  assert.equal(await render(true), await render(false));
});

test('threads started ahead of a render of another size are ended; unused, they hold nothing open', async () => {
  const media = new LocalMedia();
  media.startThreads(2);
  assert.equal(await media.takeThreads(3), null);
  media.startThreads(3);
  const pool = await media.takeThreads(3);
  assert.equal(pool?.size, 3);
  await pool?.close();
  // A process whose threads are up but never given a render ends by itself.
  const idle = fresh(`const m = await import(${make}); const media = new m.LocalMedia(); media.startThreads(); console.log((await media.takeThreads()).size);`);
  assert.equal(idle.stdout.trim(), '2');
});

test('threads handed to a render that fails before its frames (an empty plan, a bad colour) are closed by it', async () => {
  const { renderPlan, startRenderThreads } = await import('../../src/engine/index.js');
  const output = { format: 'mp4', quality: 'high', preset: 'veryfast', loudnorm: false } as const;
  const empty = { version: 1, width: 64, height: 64, fps: 30, frames: 30, background: '#000000', shots: [], texts: [], audio: [], output };
  for (const [plan, code] of [[empty, 'INVALID_DRAFT'], [{ ...empty, shots: [{}], background: 'not a colour' }, 'INVALID_OPTION']] as const) {
    const pool = await startRenderThreads(1);
    await assert.rejects(renderPlan(plan as never, { output: tmp.path('never.mp4'), locate: (id) => id, pool }), (e: { kind?: string }) => e.kind === code);
    // A closed pool refuses work at once; an open one would wait for a canvas that never comes.
    const refused = await Promise.race([pool.render(0, { x: 0, y: 0, w: 1 }).then(() => 'rendered', (e: Error) => e.message), new Promise((r) => setTimeout(r, 20_000, 'still open')).then(async (v) => { await pool.close(); return v; })]);
    assert.match(String(refused), /closed/, `${code}: the pool was closed`);
  }
});
