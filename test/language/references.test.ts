/**
 * References to photos and clips (issue 15): ordinals in upload order, counting from the end,
 * file names, "this one", "all of them", one video per photo, "only", "the others", "remove …",
 * in English and Chinese. A table of sentences and the `photos` and `refs` they give; then how
 * the session resolves them against its photos (src/timeline/clips.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInstruction, type PhotoRefs, type PhotoSelection } from '../../src/language/index.js';
import { applyToClips, emptyDraft, resolveReferences, type MediaRef } from '../../src/timeline/index.js';

const ROWS: ReadonlyArray<readonly [string, PhotoSelection | null, PhotoRefs | undefined]> = [
  ['make the first photo a slow zoom in', [1], undefined],
  ['photo 2: pan left', [2], undefined],
  ['zoom in on the second one', [2], undefined],
  ['make a 9:16 version of the third with the title "New in"', [3], undefined],
  ['the last one should zoom out', null, { from_end: [1] }],
  ['zoom in on the last photo', null, { from_end: [1] }],
  ['pan the second to last picture to the right', null, { from_end: [2] }],
  ['make it last 10 seconds', null, undefined],
  ['show the title for the last 3 seconds', null, undefined],
  ['第二张向左平移', [2], undefined],
  ['第三张照片慢慢推近', [3], undefined],
  ['最后一张放大', null, { from_end: [1] }],
  ['倒数第二张向右平移', null, { from_end: [2] }],
  ['make mate_TwoWings.jpg pan left', null, { names: ['mate_TwoWings.jpg'] }],
  ['把 IMG_2041.HEIC 做成竖屏', null, { names: ['IMG_2041.HEIC'] }],
  ['make this one pan left', null, { this: true }],
  ['这张慢一点', null, { this: true }],
  ['make all of them 9:16', 'all', undefined],
  ['所有照片都改成竖屏', 'all', undefined],
  ['make a separate video for each photo', null, { separate: true }],
  ['one video per photo please', null, { separate: true }],
  ['each photo gets its own video', null, { separate: true }],
  ['每张照片单独做一个视频', null, { separate: true }],
  ['给每张图片分别生成视频', null, { separate: true }],
  ['only use the second photo', [2], { only: true }],
  ['只用第二张', [2], { only: true }],
  ['remove the other photos', null, { others: true }],
  ['去掉其他照片', null, { others: true }],
  ['remove the second photo', [2], { remove: true }],
  ['delete photo 3', [3], { remove: true }],
  ['删掉第二张', [2], { remove: true }],
  ['删除最后一张', null, { from_end: [1], remove: true }],
  ['remove the title', null, undefined],
];

for (const [sentence, photos, refs] of ROWS) {
  test(`references: ${sentence}`, () => {
    const r = parseInstruction(sentence);
    assert.deepEqual(r.photos, photos, `photos of "${sentence}"`);
    assert.deepEqual(r.refs, refs, `refs of "${sentence}"`);
    assert.ok(!r.not_understood.some((w) => /mate|img_|第|张|last|other|其他|separate|单独/i.test(w)), `nothing of the reference is left over: ${JSON.stringify(r.not_understood)}`);
  });
}

const MEDIA: MediaRef[] = [
  { mediaId: 'm1', kind: 'image', name: 'red.png' },
  { mediaId: 'song', kind: 'audio', name: 'song.mp3' },
  { mediaId: 'm2', kind: 'image', name: 'mate_TwoWings.jpg' },
  { mediaId: 'm3', kind: 'image', name: 'Blue Sky 2.png' },
];

test('references resolve in upload order (music is not a photo), by name with or without the extension, or say why not', () => {
  const ref = (s: string, focus: string | null = null) => resolveReferences(parseInstruction(s), s, MEDIA, focus, null);
  assert.deepEqual(ref('make the second photo pan left').ref, { kind: 'some', ids: ['m2'] });
  assert.deepEqual(ref('the last one should zoom out').ref, { kind: 'some', ids: ['m3'] });
  assert.deepEqual(ref('最后一张放大').ref, { kind: 'some', ids: ['m3'] });
  assert.deepEqual(ref('make MATE_TWOWINGS.JPG pan left').ref, { kind: 'some', ids: ['m2'] });
  assert.deepEqual(ref('make mate_TwoWings pan left').ref, { kind: 'some', ids: ['m2'] });
  assert.deepEqual(ref('give Blue Sky 2.png a title').ref, { kind: 'some', ids: ['m3'] });
  assert.deepEqual(ref('make this one pan left', 'm1').ref, { kind: 'some', ids: ['m1'] });
  assert.deepEqual(ref('make this one pan left').ref, { kind: 'none' }, 'without a photo in focus, "this" is the whole video');
  assert.deepEqual(ref('make all of them 9:16').ref, { kind: 'all' });
  const missing = ref('make photo 5 zoom in');
  assert.deepEqual(missing.ref, { kind: 'unresolved' });
  assert.deepEqual(missing.problems, ['there is no photo 5: this session has 3 photos (1. red.png, 2. mate_TwoWings.jpg, 3. Blue Sky 2.png)']);
  assert.match(ref('make green.jpg pan left').problems[0]!, /^no photo is named green\.jpg/);
});

test('one instruction per photo makes one clip per photo; one about a photo of a slideshow changes only its shot', () => {
  const s0 = { clips: [{ id: 'clip1', draft: emptyDraft() }], active: 'clip1', focus: null };
  const go = (s: typeof s0 | ReturnType<typeof applyToClips>, text: string) => {
    const r = applyToClips({ clips: s.clips, active: s.active, focus: s.focus }, parseInstruction(text), MEDIA, text);
    return r;
  };
  let s = go(s0, 'make the first photo a slow zoom in');
  assert.deepEqual(s.clips.map((c) => c.draft.shots.map((x) => x.mediaId)), [['m1']]);
  s = go(s, "make a 9:16 version of the third with the title 'New in'");
  s = go(s, 'make mate_TwoWings.jpg pan left');
  assert.deepEqual(s.clips.map((c) => c.draft.shots.map((x) => x.mediaId)), [['m1'], ['m2'], ['m3']], 'clips in upload order');
  assert.deepEqual(s.clips.map((c) => c.draft.shots[0]!.move), ['zoom-in', 'pan-left', 'auto']);
  assert.deepEqual(s.clips.map((c) => c.draft.canvas.aspect), ['auto', 'auto', '9:16']);
  assert.deepEqual(s.clips.map((c) => c.draft.texts.map((t) => t.text)), [[], [], ['New in']]);
  assert.deepEqual(s.changed, [s.clips[1]!.id], 'only the clip the words were about changed');

  let t = go(s0, 'make a slideshow');
  assert.deepEqual(t.clips.map((c) => c.draft.shots.map((x) => x.mediaId)), [['m1', 'm2', 'm3']]);
  t = go(t, 'make photo 2 pan left');
  assert.deepEqual(t.clips[0]!.draft.shots.map((x) => x.move), ['auto', 'pan-left', 'auto']);
  const none = go(t, 'make photo 9 pan right');
  assert.deepEqual(none.changed, []);
  assert.equal(none.problems.length, 1);
  const others = go(t, 'remove the other photos');
  assert.deepEqual(others.clips[0]!.draft.shots.map((x) => x.mediaId), ['m2'], '"the others" are the ones besides the photo in focus');
  const sep = go(t, 'make a separate video for each photo');
  assert.deepEqual(sep.clips.map((c) => c.draft.shots.map((x) => `${x.mediaId}:${x.move}`)), [['m1:auto'], ['m2:pan-left'], ['m3:auto']]);
  const all = go(sep, 'make all of them 9:16');
  assert.deepEqual(all.clips.map((c) => c.draft.canvas.aspect), ['9:16', '9:16', '9:16']);
  assert.equal(all.changed.length, 3);
});

test('every kind of edit reaches the clip: background, beat sync and motion inside the picture change it', () => {
  // A clip applies only the fields it knows of: each of these once said "Nothing on the timeline changed".
  let s = applyToClips({ clips: [{ id: 'clip1', draft: emptyDraft() }], active: 'clip1', focus: null }, parseInstruction('make a video'), MEDIA, 'make a video');
  const go = (text: string) => {
    const r = applyToClips({ clips: s.clips, active: s.active, focus: s.focus }, parseInstruction(text), MEDIA, text);
    assert.deepEqual(r.problems, [], text);
    assert.ok(r.changed.length > 0, `"${text}" changed nothing`);
    s = r;
    return r.clips.find((c) => c.id === r.active)!.draft;
  };
  assert.equal(go('use a white background').canvas.background, 'white');
  assert.ok(go('cut to the beat').beat, 'beat sync set');
  assert.equal(go('make the clouds drift left').shots[0]!.effects?.[0]?.type, 'drift');
});

test('words that ask for no edit change no clip, however many clips there are', () => {
  // Every request is applied to its target clips (no list of "fields that edit"): this checks the other
  // half of that rule, that a request asking nothing leaves each draft exactly as it was.
  const s0 = { clips: [{ id: 'clip1', draft: emptyDraft() }], active: 'clip1', focus: null };
  let s = applyToClips(s0, parseInstruction('make a separate video for each photo'), MEDIA, 'make a separate video for each photo');
  assert.equal(s.clips.length, 3);
  for (const text of ['how many credits do I have?', 'hello', 'what can you do', 'thanks!', '你好']) {
    const r = applyToClips({ clips: s.clips, active: s.active, focus: s.focus }, parseInstruction(text), MEDIA, text);
    assert.deepEqual(r.changed, [], `"${text}" changed ${r.changed.join(', ')}`);
    assert.deepEqual(r.clips.map((c) => JSON.stringify(c.draft)), s.clips.map((c) => JSON.stringify(c.draft)), text);
    s = r;
  }
});
