import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  durationValue, emptyRequest, formatRequest, parseChineseInt, parseInstruction, parseNumber, parsePercent,
  type InstructionRequest,
} from '../../src/language/index.js';
import { parseUnguarded } from '../../src/language/parse.js';
import { ROWS } from './sentences.js';

const CONTRACT_KEYS = Object.keys(emptyRequest()) as Array<keyof InstructionRequest>;
/** Fields present only when a sentence states them (edits; living photos, issue 14). */
const OPTIONAL = ['edits', 'refs', 'beat_sync', 'background', 'effects', 'effect_edits', 'cinemagraph', 'ambient', 'looks', 'impossible_motion'];
const EMPTY = emptyRequest() as unknown as Record<string, unknown>;

test('the table has at least 220 sentences, about a quarter or more in Chinese', () => {
  assert.ok(ROWS.length >= 220, `only ${ROWS.length} rows`);
  const cjk = ROWS.filter(([s]) => /[\u4e00-\u9fff]/.test(s)).length;
  assert.ok(cjk / ROWS.length >= 0.25, `only ${cjk} Chinese rows`);
});

for (const [i, [sentence, expected]] of ROWS.entries()) {
  test(`row ${i}: ${sentence.slice(0, 70)}`, () => {
    const got = parseInstruction(sentence);
    const g = got as unknown as Record<string, unknown>;
    const e = expected as unknown as Record<string, unknown>;
    for (const k of CONTRACT_KEYS) {
      if (k in e) assert.deepEqual(g[k], e[k], `${k} of "${sentence}"`);
      else assert.deepEqual(g[k], EMPTY[k], `${k} of "${sentence}" should stay ${JSON.stringify(EMPTY[k])}`);
    }
    assert.deepEqual(got.edits, expected.edits, `edits of "${sentence}"`);
    assert.deepEqual(got.beat_sync, expected.beat_sync, `beat_sync of "${sentence}"`);
    assert.deepEqual(got.background, expected.background, `background of "${sentence}"`);
    if ('refs' in expected) assert.deepEqual(got.refs, expected.refs, `refs of "${sentence}"`);
    // Exactly the contract fields (plus edits and the optional living-photo fields of issue 14 when
    // present; test/language/effects.test.ts checks those), serialisable as one JSON object.
    assert.deepEqual(Object.keys(got).filter((k) => !OPTIONAL.includes(k)).sort(), [...CONTRACT_KEYS].sort());
    assert.deepEqual(JSON.parse(JSON.stringify(got)), got);
  });
}

test('numbers: English and Chinese numerals, percentages, full-width digits', () => {
  assert.equal(parseChineseInt('十五'), 15);
  assert.equal(parseChineseInt('二十'), 20);
  assert.equal(parseChineseInt('三十五'), 35);
  assert.equal(parseChineseInt('一百二十'), 120);
  assert.equal(parseNumber('两'), 2);
  assert.equal(parseNumber('一点五'), 1.5);
  assert.equal(parseNumber('twenty-five'), 25);
  assert.equal(parseNumber('one and a half'), 1.5);
  assert.equal(parsePercent('百分之三十五'), 0.35);
  assert.equal(parsePercent('35%'), 0.35);
  assert.equal(parsePercent('12 percent'), 0.12);
  assert.equal(durationValue('五秒'), 5);
  assert.equal(durationValue('十五秒'), 15);
  assert.equal(durationValue('一分钟'), 60);
  assert.equal(durationValue('一分半'), 90);
  assert.equal(durationValue('1分30秒'), 90);
  assert.equal(durationValue('1.5 s'), 1.5);
  assert.equal(durationValue('a minute and a half'), 90);
  assert.equal(durationValue('half a second'), 0.5);
  assert.equal(durationValue('500ms'), 0.5);
  assert.equal(parseInstruction('１５秒').duration_s, 15);
  assert.equal(parseInstruction('ｚｏｏｍ ｉｎ，３０ｆｐｓ').fps, 30);
});

test('formatRequest gives a short multi-line summary', () => {
  const s = formatRequest(parseInstruction('15 s vertical video, slow zoom in, title "Summer Sale" at the top, upbeat music at 30%, no wobble please'));
  assert.match(s, /^intent: generate/);
  assert.match(s, /length: 15 s/);
  assert.match(s, /zoom in/);
  assert.match(s, /"Summer Sale" at top/);
  assert.match(s, /upbeat/);
  assert.match(s, /30%/);
  assert.ok(s.split('\n').length <= 12);
  assert.equal(formatRequest(parseInstruction('')), 'intent: unknown');
});

/** Deterministic pseudo-random generator (mulberry32). */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

test('property: 2000 random inputs never throw and give a well-formed request', () => {
  const rand = rng(20240607);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const words = ['zoom', 'in', 'pan', 'left', '5', 'seconds', '秒', '每张', '竖屏', 'music', '"', '“', '「', "'", 'title', '%', '百分之', 'fade', 'no', 'export',
    'x', ':', '9:16', '1080p', 'fps', '第', '张', 'the', 'slow', 'orbit', 'and', '，', '。', '\u0000', '\n', '🎬', '👍🏽', '\u202e', '\ud800', 'a', 'half', 'to'];
  const gens: Array<() => string> = [
    // random code points across planes
    () => Array.from({ length: Math.floor(rand() * 200) }, () => String.fromCodePoint(rand() < 0.3 ? 0x10000 + Math.floor(rand() * 0xfffff) : Math.floor(rand() * 0xd7ff))).join(''),
    // emoji soup
    () => Array.from({ length: Math.floor(rand() * 300) }, () => String.fromCodePoint(0x1f300 + Math.floor(rand() * 0x300))).join(''),
    // 10 KB of text made of lexicon words
    () => Array.from({ length: 2500 }, () => pick(words)).join(' ').slice(0, 10240),
    // control characters
    () => Array.from({ length: Math.floor(rand() * 500) }, () => String.fromCharCode(Math.floor(rand() * 32))).join(''),
    // deeply repeated words and unbalanced quotes
    () => `${pick(words)} `.repeat(1 + Math.floor(rand() * 3000)),
    () => '"'.repeat(Math.floor(rand() * 2000)) + 'zoom in'.repeat(Math.floor(rand() * 500)),
    () => 'a'.repeat(Math.floor(rand() * 10000)) + ' zoom',
    () => `${'1'.repeat(Math.floor(rand() * 3000))}% 9:${'9'.repeat(200)} ${'一'.repeat(Math.floor(rand() * 3000))}秒`,
    // mutated table sentences
    () => {
      const s = pick(ROWS)[0];
      let out = '';
      for (const ch of s) out += rand() < 0.1 ? pick(words) : ch;
      return out.repeat(1 + Math.floor(rand() * 20));
    },
  ];
  // Speed is measured by `npm run bench` (parser rate and p99), not asserted here.
  // The extractors themselves, without parseInstruction's catch-all (which would turn any exception
  // into "not understood" and hide it from this test).
  for (let i = 0; i < 2000; i++) {
    const input = gens[i % gens.length]!();
    let r: InstructionRequest;
    try {
      r = parseUnguarded(input);
    } catch (e) {
      assert.fail(`generator ${i % gens.length} input ${JSON.stringify(input.slice(0, 80))}… threw ${(e as Error).stack}`);
    }
    // Optional fields appear only when stated (OPTIONAL).
    assert.deepEqual(Object.keys(r).filter((k) => !OPTIONAL.includes(k)).sort(), [...CONTRACT_KEYS].sort());
    assert.ok(Array.isArray(r.not_understood) && r.not_understood.every((s) => typeof s === 'string'));
    assert.ok(Array.isArray(r.moves) && Array.isArray(r.texts) && Array.isArray(r.transitions));
    assert.ok(r.duration_s === null || (Number.isFinite(r.duration_s) && r.duration_s > 0), `duration_s ${r.duration_s}`);
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'the request survives JSON');
    // The guarded entry gives the same answer when nothing throws.
    assert.deepEqual(parseInstruction(input), r);
  }
  // Non-strings from JavaScript callers do not throw either.
  assert.equal(parseInstruction(undefined as unknown as string).intent, 'unknown');
  assert.equal(parseInstruction(42 as unknown as string).intent, 'unknown');
});

test('no words make the empty request (the local path uses emptyRequest() instead of parsing "")', () => {
  assert.deepEqual(parseInstruction(''), emptyRequest());
  assert.deepEqual(parseInstruction('   '), emptyRequest());
});

test('follow-ups people type (2026-12-06): text size, colour looks, where the frame starts and ends, trending music, 把…删掉', () => {
  const size = (s: string) => parseInstruction(s).edits?.text_size;
  assert.deepEqual(size('make the text bigger'), { change: 'bigger', role: null });
  assert.deepEqual(size('make the title a bit smaller'), { change: 'smaller', role: 'title' });
  assert.deepEqual(size('the text is too small'), { change: 'bigger', role: null });
  assert.deepEqual(size('字再大一点'), { change: 'bigger', role: null });
  assert.deepEqual(size('标题小一点'), { change: 'smaller', role: 'title' });
  assert.equal(size("add the title 'Big Sale'"), undefined, 'a new title is not a size change');
  assert.deepEqual(size("add the title 'Iceland' and make it bigger"), { change: 'bigger', role: 'title' }, '"it" is the title the sentence names');
  assert.equal(size('make it bigger'), undefined, 'alone, "it" names no text');
  for (const s of ['make the text bigger', 'the title is way too big', '字再大一点']) assert.deepEqual(parseInstruction(s).not_understood, [], s);
  assert.deepEqual(parseInstruction('make it black and white').looks, ['black and white']);
  assert.deepEqual(parseInstruction('add a vignette and film grain').looks, ['vignette', 'film grain']);
  assert.deepEqual(parseInstruction('调色，黑白').looks, ['调色', '黑白']);
  assert.notEqual(parseInstruction('make it black and white').intent, 'unknown', 'answered, not asked to rephrase');
  assert.equal(parseInstruction('warm light shifting').looks, undefined, 'a light effect is not a colour look');
  const zoom = (s: string) => parseInstruction(s).moves.map((m) => `${m.type} ${m.direction}`);
  assert.deepEqual(zoom('start wide and end close on the face'), ['zoom in']);
  assert.deepEqual(zoom('start close and pull back'), ['zoom out']);
  assert.equal(parseInstruction('make it more cinematic').speed, 'slow');
  assert.equal(parseInstruction('cinematic music').speed, null, 'cinematic music is music');
  assert.equal(parseInstruction('trending music').music?.style, 'trending');
  assert.deepEqual(parseInstruction('keep it smooth').not_understood, []);
  assert.equal(parseInstruction('把第二张去掉').refs?.remove, true);
  assert.deepEqual(parseInstruction('把第二张去掉').photos, [2]);
  assert.deepEqual(parseInstruction('把文字删掉').edits?.remove, ['texts']);
  assert.deepEqual(parseInstruction('camera still').moves.map((m) => m.type), ['static']);
});

test('a second reading (2026-12-06): the new words stay out of ordinary sentences', () => {
  const r = (s: string) => parseInstruction(s);
  // Moving a text is not resizing it.
  assert.equal(r('put the title up top').edits?.text_size, undefined);
  assert.equal(r('put the title up top').texts[0]?.position, 'top');
  assert.equal(r('move the text down a little').edits?.text_size, undefined);
  // "Bring … to life" inside a title, a speed change, or an intro is not the scene's motion.
  for (const s of ["add a title 'Bring your ideas to life'", "add a caption 'Live life to the fullest'", 'make it move faster', 'make it move to the left', 'add some life to the intro']) assert.equal(r(s).ambient, undefined, s);
  assert.equal(r("add the title 'Snow Day'").effects, undefined, 'the words of a title are not an effect');
  // Wind that blows, not a road that winds or a turbine.
  for (const s of ['the road winds through the hills, drone shot', 'the wind turbine farm, slow pan right', "add the title 'Windy City'", 'a breezy summer sale promo']) assert.equal(r(s).effects, undefined, s);
  assert.deepEqual(r('wind blowing through the trees').effects?.map((e) => e.region), ['foliage']);
  // 拍 is "taken" (a photo), 拍打 is waves beating.
  for (const s of ['在树下拍的照片，加点音乐', '这张是在山顶拍的天空，加上标题', '在河边拍的照片']) assert.equal(r(s).effects, undefined, s);
  // What stays calm does not move; said alone, its motion stops.
  assert.deepEqual(r('make the waves move and the sky stays calm').effects?.map((e) => e.type), ['ripple']);
  assert.deepEqual(r('make the waves move and the sky stays calm').not_understood, []);
  assert.deepEqual(r('only the clouds move and the lake stays calm').effects?.map((e) => e.type), ['drift']);
  assert.deepEqual(r('the lake stays calm').effect_edits, [{ target: 'water', change: 'stop' }]);
  // Looks only where a look is asked for.
  for (const s of ['a filter coffee shop promo', 'use a water filter product photo', 'whole grain bread ad, zoom in', 'show the contrast between old and new', 'long exposure waterfall']) assert.equal(r(s).looks, undefined, s);
  assert.deepEqual(r('add an instagram filter').looks?.length, 1);
  assert.deepEqual(r('more contrast').looks?.length, 1);
  // Chinese sizes: 太 asks the other way; 大小 and 大气 are not sizes; 把…放大 is the text, not the camera.
  assert.deepEqual(r('字太小了').edits?.text_size, { change: 'bigger', role: null });
  assert.deepEqual(r('字幕太大了').edits?.text_size?.change, 'smaller');
  assert.deepEqual(r('标题太小').texts, [], 'not a title reading 太小');
  assert.deepEqual(r('把标题放大一点').edits?.text_size, { change: 'bigger', role: 'title' });
  assert.deepEqual(r('把标题放大一点').moves, [], 'not a camera zoom');
  assert.deepEqual(r('字号调大一点').edits?.text_size?.change, 'bigger');
  assert.equal(r('文字大小不变，加点音乐').edits?.text_size, undefined);
  assert.equal(r('标题大气一点').edits?.text_size, undefined);
  // Chinese "and" between scene nouns moves both, as English "and" does.
  assert.deepEqual(r('让云和水都动起来').effects?.map((e) => `${e.type} ${e.region}`).sort(), ['drift sky', 'ripple water']);
  assert.deepEqual(r('让树和草随风摆动').effects?.map((e) => e.type), ['sway'], 'one kind once');
  // Moving a text up or down is a text move, not a size, a camera move or a title reading 往下.
  assert.deepEqual(r('move the title up').edits?.text_move, { dir: 'up', role: 'title' });
  assert.deepEqual(r('lower the title').edits?.text_move, { dir: 'down', role: 'title' });
  assert.deepEqual(r('字幕往下一点').edits?.text_move?.dir, 'down');
  assert.deepEqual(r('the title a bit lower').moves, [], 'not a camera move');
  assert.equal(r('lower the music').edits?.text_move, undefined);
  assert.equal(r('put the title up top').edits?.text_move, undefined, 'a place named is a position');
  assert.deepEqual(r('move the camera up').moves.map((m) => `${m.type} ${m.direction}`), ['pan up'], 'the camera, not a text');
  // A close-up to start, then a pan: no zoom out made up.
  assert.deepEqual(r('start with a close-up of the cake, then pan right').moves.map((m) => m.type), ['pan']);
});
