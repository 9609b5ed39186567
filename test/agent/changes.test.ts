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
