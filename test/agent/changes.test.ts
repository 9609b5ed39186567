/** The agent says what an edit changed: a table of follow-ups applied to a one-photo draft. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeChanges } from '../../src/agent/changes.js';
import { noteIn, suggestions, T } from '../../src/agent/reply.js';
import { parseInstruction } from '../../src/language/index.js';
import { applyRequest, emptyDraft, summarize, type Draft } from '../../src/timeline/index.js';

const start = (): Draft => applyRequest(emptyDraft(), parseInstruction('animate this photo into a 5-second video'), [{ mediaId: 'm1', kind: 'image', name: 'a.jpg' }]).draft;
const after = (d: Draft, msg: string) => applyRequest(d, parseInstruction(msg), []).draft;

test('each follow-up is described by what it changed, in English and Chinese', () => {
  const d0 = start();
  const rows: Array<[string, RegExp, RegExp]> = [
    ['make it 8 seconds', /length 5 s → 8 s/, /时长 5 秒 → 8 秒/],
    ['make it a 9:16 reel', /canvas 9:16/, /画幅改为 9:16/],
    ['more dramatic', /stronger camera move/, /运镜幅度加大/],
    ["add the title 'Summer Sale'", /added title "Summer Sale"/, /添加标题“Summer Sale”/],
    ['pan left', /camera move pan-left/, /运镜改为向左平移/],
    ['make the clouds drift left', /in the picture: clouds drift left/, /画面动态：云向左飘/],
    ['add snow and rain', /in the picture: snow, rain/, /画面动态：飘雪、下雨/],
  ];
  for (const [msg, en, zh] of rows) {
    const d1 = after(d0, msg);
    assert.match(describeChanges(d0, d1, 'en').join('; '), en, msg);
    assert.match(describeChanges(d0, d1, 'zh').join('；'), zh, msg);
  }
  // Effects already there: stopped, or their pace or strength changed.
  const moving = after(d0, 'make the clouds drift left and add snow');
  assert.match(describeChanges(moving, after(moving, 'stop the clouds'), 'en').join('; '), /stopped: clouds drift left/);
  assert.match(describeChanges(moving, after(moving, '云再慢一点'), 'zh').join('；'), /调整：云向左飘/);
  assert.doesNotMatch(describeChanges(moving, after(moving, 'make it 8 seconds'), 'en').join('; '), /in the picture|stopped|adjusted/, 'untouched effects are not news');
  // One photo has nothing to cross-fade into: a transition changes nothing there, and nothing is said.
  assert.deepEqual(describeChanges(d0, after(d0, 'crossfade transitions'), 'en'), []);
  const two = applyRequest(emptyDraft(), parseInstruction('make a slideshow'), [{ mediaId: 'm1', kind: 'image', name: 'a.jpg' }, { mediaId: 'm2', kind: 'image', name: 'b.jpg' }]).draft;
  assert.ok(describeChanges(two, after(two, 'crossfade transitions'), 'en').includes('transitions: crossfade'));
  assert.ok(describeChanges(two, after(two, 'crossfade transitions'), 'zh').includes('转场：叠化'));
  const titled = after(d0, "add the title 'Hello'");
  assert.deepEqual(describeChanges(titled, after(titled, 'remove the title'), 'en'), ['removed title "Hello"']);
  assert.deepEqual(describeChanges(d0, d0, 'en'), [], 'no change, nothing said');
});

test('suggestions never repeat themselves', () => {
  // Each step takes away one of the usual suggestions; what is left must still be distinct.
  let d = start();
  for (const m of ['', "add the title 'x'", 'make it a 9:16 reel', 'add lo-fi music at 35%']) {
    if (m) d = after(d, m);
    for (const l of ['en', 'zh'] as const) {
      const s = suggestions(l, d);
      assert.equal(new Set(s).size, s.length, s.join(' | '));
      assert.ok(s.length >= 2 && s.length <= 3);
    }
  }
});

/** What a Chinese reader would still find in English: words of 3+ Latin letters outside quotes, file names and units. */
const english = (s: string): string[] =>
  s.replace(/“[^”]*”|"[^"]*"|「[^」]*」|'[^']*'/g, '')
    .replace(/\b[\w.-]+\.(jpe?g|png|webp|heic|mp4|mp3)\b/gi, '')
    .replace(/\b(fps|mp3|wav|m4a|aac|mp4|\d+p)\b/gi, '')
    .match(/[A-Za-z]{3,}/g) ?? [];

test('a Chinese reply is all Chinese: the summary, the changes, the notes (only quoted words and units stay as they are)', () => {
  // Every note the draft layer can give, by the sentences that cause them.
  const causes = ['parallax effect', 'orbit around the bottle', 'camera roll', 'handheld shake', 'make it 21:9', '48 fps', 'add lo-fi music', 'add background music',
    'make the clouds drift', 'add a title', '镜头环绕', '加背景音乐', 'make her blink', 'make the flag wave', 'stop the clouds'];
  const notes = new Set<string>();
  for (const c of causes) for (const n of applyRequest(start(), parseInstruction(c), []).notes) notes.add(n);
  // Living photos (issue 14): a sky the photo does not have is a note of the resolver.
  notes.add('no sky was found in lake.jpg, so the drift was not added; name the part by position ("the top third") or paint it on the page');
  notes.add('no clear subject was found in cup.jpg for the steam to rise from, so it was not added; name the part by position ("the top third") or paint it on the page');
  assert.ok(notes.size >= 10, `only ${notes.size} kinds of note: ${[...notes].join(' | ')}`);
  for (const n of notes) {
    const zh = noteIn(n, 'zh');
    assert.deepEqual(english(zh), [], `note "${n}" in Chinese: "${zh}"`);
    assert.equal(noteIn(n, 'en'), n);
  }
  // A whole reply after a few edits, with the summary a Chinese session gets.
  let d = start();
  for (const m of ["加标题 'Summer Sale'", '改成 9:16 竖屏', '加轻音乐，音量 35%', '向左平移', 'orbit around the bottle']) {
    const next = after(d, m);
    const applied = applyRequest(d, parseInstruction(m), []);
    const text = T.done('zh', {
      seconds: 5, moves: next.shots.map((s) => (s.move === 'auto' ? 'zoom-in' : s.move)), changes: describeChanges(d, next, 'zh'),
      summary: summarize(next, {}, { m1: 'a.jpg' }, 'zh'), notes: applied.notes, suggestions: suggestions('zh', next),
    });
    assert.deepEqual(english(text), [], `after "${m}": ${text}`);
    assert.match(text, /时间线（\d 条轨道）/);
    d = next;
  }
  assert.deepEqual(english(T.status('zh', summarize(d, {}, {}, 'zh'))), []);
  assert.deepEqual(english(T.failed('zh', 'the video encoder failed: x264 exited', 5001)), []);
  assert.deepEqual(english(T.noCredits('zh', 'this needs 5 credits; 0 are available', { needed: 5, available: 0 })), []);
  // The check itself sees English when it is there.
  assert.deepEqual(english(T.status('zh', summarize(d))), ['Timeline', 'tracks', 'Video', 'orbit', 'right', 'BGM', 'Rainy', 'Window', 'Title']);
});

test('text size in words: bigger and smaller scale the text from its role\'s size, the reply says so, the render draws it so', async () => {
  const { resolveText, fromCompact, toCompact } = await import('../../src/timeline/index.js');
  const titled = after(start(), "add the title 'Summer Sale' and the caption 'Today only'");
  for (const [words, role, scale] of [['make the text bigger', null, 1.25], ['make the title a bit smaller', 'title', 0.8], ['字再大一点', null, 1.25], ['the title is way too small', 'title', 1.25]] as const) {
    const d = after(titled, words);
    for (const t of d.texts) assert.equal(t.style.scale ?? 1, role === null || t.role === role ? scale : 1, `${words}: ${t.role}`);
    assert.match(describeChanges(titled, d, 'en').join('; '), new RegExp(`"Summer Sale" ${scale > 1 ? 'bigger' : 'smaller'}`), words);
    assert.deepEqual(fromCompact(JSON.parse(JSON.stringify(toCompact(d)))).texts, d.texts, 'the scale survives the compact form');
  }
  const big = after(titled, 'make the title bigger').texts.find((t) => t.role === 'title')!;
  const plain = titled.texts.find((t) => t.role === 'title')!;
  const canvas = { width: 1080, height: 1920 };
  assert.ok(Math.abs(resolveText(big, canvas, 5).style.size / resolveText(plain, canvas, 5).style.size - 1.25) < 1e-9, 'drawn a quarter bigger on any canvas');
  // Each ask scales again, within limits the schema enforces.
  let d = titled;
  for (let i = 0; i < 12; i++) d = after(d, 'bigger text');
  assert.equal(d.texts[0]!.style.scale, 3);
  const bad = JSON.parse(JSON.stringify(toCompact(titled)));
  bad.t.find((t: { tt: number }) => t.tt === 7).sg[0].m.style = { scale: 9 };
  assert.throws(() => fromCompact(bad), /style\.scale: must be <= 3/);
  const both = after(start(), "add the title 'Iceland' and make it bigger");
  assert.deepEqual(both.texts.map((t) => [t.text, t.style.scale]), [['Iceland', 1.25]], 'the new title, made bigger in the same sentence');
  const movedBigger = describeChanges(titled, after(titled, 'move the title to the bottom and make it bigger'), 'en').join('; ');
  assert.match(movedBigger, /moved "Summer Sale"/);
  assert.match(movedBigger, /"Summer Sale" bigger/, 'both changes are said');
  // No text yet: said, nothing changed.
  const r = applyRequest(start(), parseInstruction('make the text bigger'), []);
  assert.match(r.notes.join(' '), /there is no text to make bigger yet/);
});

test('what is not made is said, in English and Chinese: colour looks, a missing text, no trees, nothing sure to move', () => {
  const looks = applyRequest(start(), parseInstruction('make it black and white with film grain'), []);
  const note = looks.notes.find((n) => /colour looks/.test(n))!;
  assert.match(note, /colour looks \(black and white, film grain\) are not made yet: the photos keep their own colours/);
  assert.match(noteIn(note, 'zh'), /暂不支持调色效果（black and white, film grain）/);
  const none = applyRequest(start(), parseInstruction('make the text bigger'), []).notes.find((n) => /no text/.test(n))!;
  assert.match(noteIn(none, 'zh'), /还没有可以放大的文字/);
  assert.match(noteIn('no trees, leaves or grass were found in a.jpg, so the sway was not added; name the part by position ("the top third") or paint it on the page', 'zh'), /在 a\.jpg 中没有找到树木或草地/);
  assert.match(noteIn('nothing in a.jpg is sure to move by itself (no sky or water was found, nor trees under a sky), so only the camera brings it to life; say what should move and where ("make the leaves sway", "the top third drifts left") or paint it on the page', 'zh'), /在 a\.jpg 中没有找到能自己动起来的部分.*只用运镜/);
});

test('moving a text up or down: one place along its column of the picture, said as moved', () => {
  const titled = after(start(), "add the title 'Summer Sale' and the caption 'Today only'");
  const pos = (d: Draft) => Object.fromEntries(d.texts.map((t) => [t.role, t.position]));
  assert.deepEqual(pos(titled), { title: null, caption: null }, 'the roles\' own places (title top, caption lower third)');
  const down = after(titled, 'move the title down');
  assert.deepEqual(pos(down), { title: 'center', caption: null });
  assert.match(describeChanges(titled, down, 'en').join('; '), /moved "Summer Sale"/);
  assert.deepEqual(pos(after(down, 'the title a bit lower')).title, 'lower-third');
  assert.deepEqual(after(down, 'the title a bit lower').shots[0]!.move, down.shots[0]!.move, 'not a camera move');
  assert.deepEqual(pos(after(titled, 'move the caption up')), { title: null, caption: 'center' });
  assert.deepEqual(pos(after(titled, '字幕往上移一点')).caption, 'center', '字幕 with no subtitle is the caption there is');
  assert.deepEqual(pos(after(titled, '把标题往下挪')).title, 'center');
  assert.deepEqual(pos(after(titled, 'move the title up')), pos(titled), 'at the top it stays');
  assert.deepEqual(pos(after(titled, 'put the title up top')).title, 'top', 'a place named is that place');
  const mark = after(start(), "add a watermark 'shop.com'");
  assert.deepEqual(mark.texts.map((t) => after(mark, 'move the watermark up').texts.find((x) => x.id === t.id)!.position), ['right'], 'a corner moves within its side');
  assert.match(applyRequest(start(), parseInstruction('move the title up'), []).notes.join(' '), /there is no title to move up yet/);
});

test('a text to move that is not there, in Chinese', () => {
  const n = applyRequest(start(), parseInstruction('标题往上移一点'), []).notes.find((x) => /to move up/.test(x))!;
  assert.match(noteIn(n, 'zh'), /还没有可以上移的文字/);
});
