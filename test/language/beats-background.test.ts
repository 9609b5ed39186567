/** The parser's table for cuts on the beat and backgrounds, English and Chinese. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstruction } from '../../src/language/index.js';

const BEAT: ReadonlyArray<readonly [string, { on: boolean; every?: number | 'bar' | null; accent?: 'pulse' | 'flash' | null }]> = [
  ['cut to the beat', { on: true, every: null, accent: null }],
  ['beat sync the photos', { on: true }],
  ['make a beat-synced slideshow', { on: true }],
  ['switch photos on the beat', { on: true }],
  ['sync the cuts to the music', { on: true }],
  ['cut on every beat', { on: true, every: 1 }],
  ['cut to the beat, every other beat', { on: true, every: 2 }],
  ['cut to the beat every 4 beats', { on: true, every: 4 }],
  ['beat sync, one photo every bar', { on: true, every: 'bar' }],
  ['beat sync with a zoom pulse', { on: true, accent: 'pulse' }],
  ['cut to the beat and flash on each cut', { on: true, accent: 'flash' }],
  ['no beat sync', { on: false }],
  ['卡点', { on: true, every: null }],
  ['做一个卡点图片视频', { on: true }],
  ['踩点视频', { on: true }],
  ['跟着节拍切换照片', { on: true }],
  ['卡点，每两拍换一张', { on: true, every: 2 }],
  ['卡点，每拍一张', { on: true, every: 1 }],
  ['卡点 每小节切换', { on: true, every: 'bar' }],
  ['卡点加闪光', { on: true, accent: 'flash' }],
  ['踩点，画面缩放', { on: true, accent: 'pulse' }],
  ['不要卡点', { on: false }],
];

const BG: ReadonlyArray<readonly [string, { kind: 'color' | 'blur' | 'transparent'; color?: string | null }]> = [
  ['use a white background', { kind: 'color', color: 'white' }],
  ['on a black background', { kind: 'color', color: 'black' }],
  ['background color #1a2b3c', { kind: 'color', color: '#1a2b3c' }],
  ['set the background to #fff', { kind: 'color', color: '#fff' }],
  ['grey background', { kind: 'color', color: 'gray' }],
  ['blurred background', { kind: 'blur' }],
  ['blur the background', { kind: 'blur' }],
  ['transparent background', { kind: 'transparent' }],
  ['keep the transparency', { kind: 'transparent' }],
  ['export a transparent webm', { kind: 'transparent' }],
  ['白色背景', { kind: 'color', color: 'white' }],
  ['白底', { kind: 'color', color: 'white' }],
  ['背景换成黑色', { kind: 'color', color: 'black' }],
  ['背景模糊', { kind: 'blur' }],
  ['模糊背景', { kind: 'blur' }],
  ['透明背景', { kind: 'transparent' }],
  ['保留透明', { kind: 'transparent' }],
];

test('parser: cuts on the beat (卡点, 踩点, "cut to the beat", "beat sync", "on the beat"), how often, accents', () => {
  for (const [s, want] of BEAT) {
    const r = parseInstruction(s);
    assert.ok(r.beat_sync, `"${s}" asks for beat sync`);
    assert.equal(r.beat_sync.on, want.on, s);
    if ('every' in want) assert.equal(r.beat_sync.every, want.every, `${s}: every`);
    if ('accent' in want) assert.equal(r.beat_sync.accent, want.accent, `${s}: accent`);
    assert.notEqual(r.intent, 'unknown', s);
  }
  for (const s of ['add upbeat music', 'make it 10 seconds', 'lofi beats at 30%']) assert.equal(parseInstruction(s).beat_sync, undefined, `"${s}" is not beat sync`);
});

test('parser: backgrounds in words (colour, hex, blurred, transparent; English and Chinese)', () => {
  for (const [s, want] of BG) {
    const r = parseInstruction(s);
    assert.ok(r.background, `"${s}" names a background`);
    assert.equal(r.background.kind, want.kind, s);
    if ('color' in want) assert.equal(r.background.color, want.color, s);
    assert.deepEqual(r.not_understood, [], `${s}: all understood`);
  }
  for (const s of ['white text', 'add a title', 'make it black and white']) assert.equal(parseInstruction(s).background, undefined, `"${s}" is not a background`);
});
