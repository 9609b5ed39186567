/** The agent says what an edit changed: a table of follow-ups applied to a one-photo draft. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeChanges } from '../../src/agent/changes.js';
import { suggestions } from '../../src/agent/reply.js';
import { parseInstruction } from '../../src/language/index.js';
import { applyRequest, emptyDraft, type Draft } from '../../src/timeline/index.js';

const start = (): Draft => applyRequest(emptyDraft(), parseInstruction('animate this photo into a 5-second video'), [{ mediaId: 'm1', kind: 'image', name: 'a.jpg' }]).draft;
const after = (d: Draft, msg: string) => applyRequest(d, parseInstruction(msg), []).draft;

test('each follow-up is described by what it changed, in English and Chinese', () => {
  const d0 = start();
  const rows: Array<[string, RegExp, RegExp]> = [
    ['make it 8 seconds', /length 5 s → 8 s/, /时长 5 s → 8 s/],
    ['make it a 9:16 reel', /canvas 9:16/, /画幅改为 9:16/],
    ['more dramatic', /stronger camera move/, /运镜幅度加大/],
    ["add the title 'Summer Sale'", /added title "Summer Sale"/, /添加标题“Summer Sale”/],
    ['pan left', /camera move pan-left/, /运镜改为 pan-left/],
    ['crossfade transitions', /^$|transitions/, /^$|转场/],
  ];
  for (const [msg, en, zh] of rows) {
    const d1 = after(d0, msg);
    assert.match(describeChanges(d0, d1, 'en').join('; '), en, msg);
    assert.match(describeChanges(d0, d1, 'zh').join('；'), zh, msg);
  }
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
