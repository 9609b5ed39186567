import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { frameBytes } from '../../src/engine/render/render-frame.js';
import { yuvToRgb } from '../../src/engine/render/yuv.js';
import {
  blendOverlayYuv420, graphemeCount, graphemes, overlayToYuv, renderTextOverlay, renderTextTrackOnFrame,
  safeArea, textAnimationAt, wrapText, type TextAnimation, type TextPosition, type TextStyle,
} from '../../src/engine/text/index.js';
import { textAnimationFor, textPositionFor, textStyleFor as defaultStyleFor, type TextRole } from '../../src/timeline/index.js';

/** A text as a draft states it: a role, and what it changes of the role's defaults. */
interface TextSegment { text: string; role: TextRole; style?: Partial<TextStyle>; position?: TextPosition; animation?: TextAnimation; startS: number; endS: number }

const GREY_Y = 126;
const greyFrame = (W: number, H: number): Uint8Array => {
  const f = new Uint8Array(frameBytes(W, H));
  f.fill(GREY_Y, 0, W * H);
  f.fill(128, W * H);
  return f;
};

interface Changed {
  count: number;
  mask: Uint8Array;
  box: { left: number; top: number; right: number; bottom: number } | null;
}

/** Luma pixels that moved by more than 2 code values (or whose chroma sample did). */
const changed = (f: Uint8Array, base: Uint8Array, W: number, H: number): Changed => {
  const mask = new Uint8Array(W * H);
  const CW = W >> 1, CH = H >> 1;
  let count = 0, left = W, top = H, right = -1, bottom = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const c = (y >> 1) * CW + (x >> 1);
      const inChroma = (x >> 1) < CW && (y >> 1) < CH;
      const d = Math.abs(f[p]! - base[p]!) > 2 ||
        (inChroma && (Math.abs(f[W * H + c]! - base[W * H + c]!) > 2 || Math.abs(f[W * H + CW * CH + c]! - base[W * H + CW * CH + c]!) > 2));
      if (!d) continue;
      mask[p] = 1;
      count++;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return { count, mask, box: count ? { left, top, right: right + 1, bottom: bottom + 1 } : null };
};

const draw = (W: number, H: number, segs: TextSegment[], t = 1): { f: Uint8Array; ch: Changed } => {
  const f = greyFrame(W, H);
  // Completed from the defaults table as a plan completes it, then drawn.
  renderTextTrackOnFrame(f, W, H, segs.map((g) => ({
    ...g, style: { ...defaultStyleFor(g.role, { width: W, height: H }), ...g.style }, position: g.position ?? textPositionFor(g.role), animation: g.animation ?? textAnimationFor(g.role),
  })), t);
  return { f, ch: changed(f, greyFrame(W, H), W, H) };
};

const seg = (text: string, role: TextRole, extra: Partial<TextSegment> = {}): TextSegment => ({ text, role, startS: 0, endS: 4, animation: 'none', ...extra });

const SNAP_DIR = join(tmpdir(), 'stillmotion-text');
const snapshot = async (f: Uint8Array, W: number, H: number, name: string): Promise<string> => {
  mkdirSync(SNAP_DIR, { recursive: true });
  const rgb = Buffer.alloc(W * H * 3);
  const CW = W >> 1, CH = H >> 1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = Math.min(y >> 1, CH - 1) * CW + Math.min(x >> 1, CW - 1);
      const [r, g, b] = yuvToRgb(f[y * W + x]!, f[W * H + c]!, f[W * H + CW * CH + c]!);
      const p = (y * W + x) * 3;
      rgb[p] = r;
      rgb[p + 1] = g;
      rgb[p + 2] = b;
    }
  }
  const path = join(SNAP_DIR, `${name}.png`);
  await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toFile(path);
  return path;
};

const CANVASES = [[1080, 1920], [1920, 1080]] as const;

const TEXTS: Array<[string, TextRole, TextPosition?]> = [
  ['Summer Sale — up to 50% off everything', 'title'],
  ['夏日特卖 限时优惠', 'title'],
  ['こんにちは、世界！今日はいい天気ですね', 'subtitle'],
  ['안녕하세요 여러분, 반갑습니다', 'caption'],
  ['Shop now', 'cta'],
  ['@stillmotion', 'watermark'],
];

/** Glyph-only style (no shadow, outline or box) so changed pixels are ink. */
const plain: Partial<TextStyle> = { shadow: false, outline: undefined, box: undefined, color: '#ffffff' };

test('every role and script lands inside the safe area on 9:16 and 16:9', () => {
  for (const [W, H] of CANVASES) {
    const safe = safeArea({ width: W, height: H });
    for (const [text, role, position] of TEXTS) {
      for (const pos of position ? [position] : (['top-left', 'top', 'top-right', 'left', 'center', 'right', 'bottom-left', 'bottom', 'bottom-right', 'lower-third', undefined] as const)) {
        const { ch } = draw(W, H, [seg(text, role, pos ? { position: pos } : {})]);
        const what = `${W}x${H} ${role} ${pos ?? 'default'} "${text}"`;
        assert.ok(ch.box, `${what}: nothing drawn`);
        assert.ok(ch.box.left >= safe.left && ch.box.top >= safe.top && ch.box.right <= safe.right && ch.box.bottom <= safe.bottom,
          `${what}: ${JSON.stringify(ch.box)} not inside ${JSON.stringify(safe)}`);
      }
    }
  }
});

test('9:16 keeps text clear of the platform UI: top 12 %, bottom 20 %, right 12 %', () => {
  const s = safeArea({ width: 1080, height: 1920 });
  assert.ok(s.top >= 0.12 * 1920 - 1 && s.bottom <= 0.8 * 1920 + 1 && s.right <= 0.88 * 1080 + 1);
});

test('a very long text wraps and shrinks but never leaves the safe area', () => {
  const long = 'This is a rather long caption that keeps going and going so that it has to wrap onto many lines, '.repeat(6) + '非常长的中文字幕也必须换行而且不能超出画面'.repeat(4);
  for (const [W, H] of CANVASES) {
    const safe = safeArea({ width: W, height: H });
    const { ch } = draw(W, H, [seg(long, 'caption', { style: { size: 0.08 } })]);
    assert.ok(ch.box);
    assert.ok(ch.box.left >= safe.left && ch.box.top >= safe.top && ch.box.right <= safe.right && ch.box.bottom <= safe.bottom, JSON.stringify(ch.box));
  }
});

/** The same number of private-use code points from plane 15 (no bundled font maps them, so each is drawn as .notdef: tofu; Inter does map some BMP private-use points). */
const tofuOf = (text: string): string => graphemes(text).map((g, i) => (g === ' ' ? ' ' : String.fromCodePoint(0xf0000 + i))).join('');

test('CJK glyphs are really drawn: not tofu, plausible ink coverage', async () => {
  const W = 1920, H = 1080;
  for (const text of ['夏日特卖 限时优惠', 'こんにちは、世界', '안녕하세요 여러분']) {
    const real = draw(W, H, [seg(text, 'title', { style: plain })]);
    const tofu = draw(W, H, [seg(tofuOf(text), 'title', { style: plain })]);
    assert.ok(real.ch.box && tofu.ch.box);
    let differ = 0, union = 0;
    for (let i = 0; i < W * H; i++) {
      if (real.ch.mask[i] || tofu.ch.mask[i]) union++;
      if (real.ch.mask[i] !== tofu.ch.mask[i]) differ++;
    }
    assert.ok(differ / union > 0.4, `"${text}" looks like tofu: only ${(100 * differ / union).toFixed(1)} % of pixels differ`);
    const b = real.ch.box;
    const coverage = real.ch.count / ((b.right - b.left) * (b.bottom - b.top));
    assert.ok(coverage > 0.12 && coverage < 0.7, `"${text}" ink coverage ${coverage.toFixed(3)}`);
    // White ink on grey: changed pixels got brighter.
    let brighter = 0;
    for (let i = 0; i < W * H; i++) if (real.ch.mask[i] && real.f[i]! > GREY_Y) brighter++;
    assert.ok(brighter / real.ch.count > 0.9);
    if (text.startsWith('夏')) await snapshot(tofu.f, W, H, 'tofu-reference-16x9');
  }
});

test('outline and box change pixels around the glyphs', () => {
  const W = 1920, H = 1080;
  const base = draw(W, H, [seg('Outline 描边', 'title', { position: 'center', style: plain })]).ch;
  const outl = draw(W, H, [seg('Outline 描边', 'title', { position: 'center', style: { ...plain, outline: { color: '#000000', width: 0.08 } } })]);
  const boxed = draw(W, H, [seg('Outline 描边', 'title', { position: 'center', style: { ...plain, box: { color: '#000000', opacity: 0.7, padding: 0.4 } } })]);
  assert.ok(base.box && outl.ch.box && boxed.ch.box);
  // The outline adds a dark ring: pixels changed only with it, and they are darker than grey.
  let ring = 0, ringDark = 0;
  for (let i = 0; i < W * H; i++) {
    if (outl.ch.mask[i] && !base.mask[i]) {
      ring++;
      if (outl.f[i]! < GREY_Y) ringDark++;
    }
  }
  assert.ok(ring > base.count * 0.3, `outline ring ${ring} vs glyph ${base.count}`);
  assert.ok(ringDark / ring > 0.8, `dark ring ${ringDark}/${ring}`);
  assert.ok(outl.ch.box.left < base.box.left && outl.ch.box.top < base.box.top && outl.ch.box.right > base.box.right);
  // The box fills a rectangle around the glyphs, padded by ~0.4 em on every side.
  const fontPx = defaultStyleFor('title', { width: W, height: H }).size * H;
  const bb = boxed.ch.box;
  assert.ok(base.box.left - bb.left > 0.3 * fontPx && bb.right - base.box.right > 0.3 * fontPx);
  assert.ok(base.box.top - bb.top > 0.2 * fontPx && bb.bottom - base.box.bottom > 0.2 * fontPx);
  const inner = (bb.right - bb.left - 40) * (bb.bottom - bb.top - 40);
  let filled = 0;
  for (let y = bb.top + 20; y < bb.bottom - 20; y++) for (let x = bb.left + 20; x < bb.right - 20; x++) if (boxed.ch.mask[y * W + x]) filled++;
  assert.equal(filled, inner, 'box interior fully covered');
});

test('fade: nothing at t=0, full strength mid-segment, gone at the end', () => {
  const W = 1280, H = 720;
  const s = seg('Fade in, fade out', 'title', { animation: 'fade', startS: 2, endS: 6 });
  const full = draw(W, H, [{ ...s, animation: 'none' }], 4);
  const at0 = draw(W, H, [s], 2);
  const mid = draw(W, H, [s], 4);
  const late = draw(W, H, [s], 5.999);
  assert.ok(full.ch.count > 5000);
  assert.ok(at0.ch.count <= full.ch.count * 0.01, `t=0 changed ${at0.ch.count}`);
  assert.equal(Buffer.compare(Buffer.from(mid.f), Buffer.from(full.f)), 0, 'mid-segment equals the static render');
  assert.ok(late.ch.count <= full.ch.count * 0.05);
  assert.equal(draw(W, H, [s], 6).ch.count, 0, 'segment end is exclusive');
  const a = textAnimationAt('fade', 0.2, 4);
  assert.ok(a.opacity > 0.2 && a.opacity < 0.8);
});

test('typewriter reveals by grapheme and is done by 60 % of the segment', async () => {
  const W = 1080, H = 1920;
  const text = '夏日特卖 Summer 👍🏽 限时优惠 한국어';
  const s = seg(text, 'caption', { animation: 'typewriter', startS: 0, endS: 5 });
  const t30 = draw(W, H, [s], 1.5);
  const t80 = draw(W, H, [s], 4);
  const allShown = draw(W, H, [{ ...s, animation: 'none' }], 4);
  // The caption's box is there from the start; count the white ink inside it.
  const ink = (f: Uint8Array) => f.subarray(0, W * H).reduce((n, y) => n + (y > 180 ? 1 : 0), 0);
  assert.ok(t30.ch.count > 0 && ink(t30.f) > 500 && ink(t30.f) < ink(t80.f) * 0.75, `${ink(t30.f)} vs ${ink(t80.f)}`);
  assert.equal(Buffer.compare(Buffer.from(t80.f), Buffer.from(allShown.f)), 0);
  const n = graphemeCount(text);
  assert.equal(n, [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length);
  assert.ok(n < text.length, 'the emoji with skin tone and surrogate pairs count once');
  for (let t = 0; t <= 5; t += 0.1) {
    const a = textAnimationAt('typewriter', t, 5, text);
    assert.ok(Number.isInteger(a.visibleChars) && a.visibleChars! >= 0 && a.visibleChars! <= n);
    if (t >= 3) assert.equal(a.visibleChars, n);
  }
  assert.equal(textAnimationAt('typewriter', 0, 5, text).visibleChars, 0);
  assert.equal(textAnimationAt('fade', 1, 5, text).visibleChars, null);
  await snapshot(t30.f, W, H, 'typewriter-30pct-9x16');
});

test('slide-up and pop follow their curves', () => {
  const s0 = textAnimationAt('slide-up', 0, 4);
  assert.ok(Math.abs(s0.dy - 0.04) < 1e-9 && s0.opacity === 0);
  const s1 = textAnimationAt('slide-up', 0.25, 4);
  assert.ok(s1.dy > 0 && s1.dy < 0.02, 'ease-out: most of the way after half the slide');
  assert.equal(textAnimationAt('slide-up', 2, 4).dy, 0);
  assert.ok(Math.abs(textAnimationAt('pop', 0, 4).scale - 0.85) < 1e-9);
  let peak = 0;
  for (let t = 0; t < 0.5; t += 0.01) peak = Math.max(peak, textAnimationAt('pop', t, 4).scale);
  assert.ok(peak > 1.03 && peak <= 1.04 + 1e-9);
  assert.equal(textAnimationAt('pop', 1, 4).scale, 1);
  // Pop and slide draw something sensible mid-animation.
  const W = 1280, H = 720;
  const c = { width: W, height: H };
  const ov = renderTextOverlay('Pop!', defaultStyleFor('cta', c), 'center', c);
  const popped = greyFrame(W, H), still = greyFrame(W, H);
  blendOverlayYuv420(popped, W, H, ov, 1, 0, 0, 0.85);
  blendOverlayYuv420(still, W, H, ov, 1);
  const pb = changed(popped, greyFrame(W, H), W, H).box!, sb = changed(still, greyFrame(W, H), W, H).box!;
  const ratio = (pb.right - pb.left) / (sb.right - sb.left);
  assert.ok(Math.abs(ratio - 0.85) < 0.02, `scaled width ratio ${ratio}`);
  assert.ok(Math.abs((pb.left + pb.right) / 2 - (sb.left + sb.right) / 2) <= 1.5, 'scales about its centre');
  const slid = draw(W, H, [seg('Slide', 'title', { animation: 'slide-up' })], 0.2);
  const rest = draw(W, H, [seg('Slide', 'title', { animation: 'none' })], 0.2);
  assert.ok(slid.ch.box!.top > rest.ch.box!.top, 'starts lower');
});

test('line wrapping keeps graphemes whole and respects CJK punctuation', () => {
  const m = (g: string) => (g.codePointAt(0)! > 0x2e80 ? 1 : 0.5);
  const lines = wrapText('今日はいい天気ですね。明日も晴れ。', 5, m);
  for (const l of lines) {
    assert.ok(l.reduce((s, g) => s + m(g), 0) <= 5);
    assert.notEqual(l[0], '。', 'no line starts with a full stop');
  }
  assert.equal(lines.flat().join(''), '今日はいい天気ですね。明日も晴れ。');
  const emoji = wrapText('👍🏽👍🏽👍🏽👍🏽', 1, () => 1);
  assert.deepEqual(emoji, [['👍🏽'], ['👍🏽'], ['👍🏽'], ['👍🏽']]);
  assert.deepEqual(wrapText('Hello big world', 4, () => 0.5).map((l) => l.join('')), ['Hello', 'big', 'world']);
});

test('overlays are cached, premultiplied and clipped to the canvas', () => {
  const c = { width: 1920, height: 1080 };
  const style = defaultStyleFor('title', c);
  const a = renderTextOverlay('Cached', style, 'center', c);
  assert.equal(renderTextOverlay('Cached', { ...style }, 'center', c), a);
  assert.notEqual(renderTextOverlay('Cached', style, 'center', c, 3), a);
  assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.width <= c.width && a.y + a.height <= c.height);
  assert.equal(a.rgba.length, a.width * a.height * 4);
  for (let p = 0; p < a.rgba.length; p += 4) assert.ok(a.rgba[p]! <= a.rgba[p + 3]! && a.rgba[p + 2]! <= a.rgba[p + 3]!);
  assert.equal(overlayToYuv(a), overlayToYuv(a));
  assert.equal(renderTextOverlay('   ', style, 'center', c).width, 0);
});

test('blend: opaque white fill gives Y=235 and neutral chroma; opacity 0 leaves the frame alone', () => {
  const W = 64, H = 32;
  const rgba = Buffer.alloc(10 * 6 * 4, 255);
  const ov = { rgba, width: 10, height: 6, x: 3, y: 5, premultiplied: true as const };
  const f = greyFrame(W, H);
  blendOverlayYuv420(f, W, H, ov, 1);
  assert.equal(f[5 * W + 3], 235);
  assert.equal(f[10 * W + 12], 235);
  assert.equal(f[4 * W + 3], GREY_Y);
  assert.equal(f[W * H + 3 * (W >> 1) + 2], 128);
  const g = greyFrame(W, H);
  blendOverlayYuv420(g, W, H, ov, 0);
  assert.equal(Buffer.compare(Buffer.from(g), Buffer.from(greyFrame(W, H))), 0);
  // Half-transparent red, premultiplied, dx/dy rounded to whole pixels, clipped at the edge.
  const red = Buffer.alloc(4 * 4 * 4);
  for (let p = 0; p < red.length; p += 4) red.set([128, 0, 0, 128], p);
  const h = greyFrame(W, H);
  blendOverlayYuv420(h, W, H, { rgba: red, width: 4, height: 4, x: 62, y: 0, premultiplied: true }, 1, 0.4, 2.4);
  assert.ok(h[2 * W + 62]! < GREY_Y && h[1 * W + 62] === GREY_Y);
  assert.ok(h[W * H + (W * H) / 4 + 1 * (W >> 1) + 31]! > 140, 'Cr rises under red');
});

test('blend over a transparent frame (alpha plane): text shows in its own colour and raises the alpha', () => {
  // The frame of a transparent output: yuv420p then a W*H alpha plane. Left half transparent, right half opaque grey.
  const W = 64, H = 32;
  const base = frameBytes(W, H);
  const frame = () => {
    const f = new Uint8Array(base + W * H);
    f.set(greyFrame(W, H));
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) f[base + y * W + x] = x < W / 2 ? 0 : 255;
    return f;
  };
  const white = { rgba: Buffer.alloc(W * 8 * 4, 255), width: W, height: 8, x: 0, y: 4, premultiplied: true as const };
  const f = frame();
  blendOverlayYuv420(f, W, H, white, 1);
  assert.equal(f[6 * W + 5], 235, 'white over transparent is white');
  assert.equal(f[base + 6 * W + 5], 255, 'and opaque');
  assert.equal(f[6 * W + 50], 235);
  assert.equal(f[base + 20 * W + 5], 0, 'alpha outside the text is untouched');
  // Half-transparent white: over transparent it stays white at half alpha (not grey); over opaque grey it mixes.
  const half = Buffer.alloc(W * 8 * 4);
  for (let p = 0; p < half.length; p += 4) half.set([128, 128, 128, 128], p);
  const g = frame();
  blendOverlayYuv420(g, W, H, { ...white, rgba: half }, 1);
  assert.ok(Math.abs(g[6 * W + 5]! - 235) <= 1, `Y ${g[6 * W + 5]} over transparent`);
  assert.ok(Math.abs(g[base + 6 * W + 5]! - 128) <= 1, `alpha ${g[base + 6 * W + 5]}`);
  assert.ok(Math.abs(g[6 * W + 50]! - (GREY_Y + 235) / 2) <= 1.5, `Y ${g[6 * W + 50]} over grey`);
  assert.equal(g[base + 6 * W + 50], 255);
  assert.ok(Math.abs(g[W * H + 3 * (W >> 1) + 2]! - 128) <= 1, 'chroma neutral under white over transparent');
});

/** The blend as it was written first, sample by sample over the whole overlay box: the reference for the blender's byte-exact output. */
const blendReference = (frame: Uint8Array, W: number, H: number, ov: ReturnType<typeof overlayToYuv>, X: number, Y: number, o: number): void => {
  const clamp8 = (x: number): number => (x <= 0 ? 0 : x >= 255 ? 255 : (x + 0.5) | 0);
  const { width: w, height: h, a, y, u, v } = ov;
  const x0 = Math.max(0, X), x1 = Math.min(W, X + w), y0 = Math.max(0, Y), y1 = Math.min(H, Y + h);
  if (x1 <= x0 || y1 <= y0) return;
  const CW = W >> 1, CH = H >> 1, uOff = W * H, vOff = uOff + CW * CH, aOff = vOff + CW * CH;
  const A = frame.length >= aOff + W * H ? aOff : -1;
  for (let cy = Math.max(0, Y >> 1); cy < Math.min(CH, (Y + h + 1) >> 1); cy++) {
    for (let cx = Math.max(0, X >> 1); cx < Math.min(CW, (X + w + 1) >> 1); cx++) {
      let sa = 0, su = 0, sv = 0;
      for (let j = 0; j < 2; j++) {
        const ly = 2 * cy + j - Y;
        if (ly < 0 || ly >= h) continue;
        for (let i = 0; i < 2; i++) {
          const lx = 2 * cx + i - X;
          if (lx < 0 || lx >= w) continue;
          sa += a[ly * w + lx]!; su += u[ly * w + lx]!; sv += v[ly * w + lx]!;
        }
      }
      if (sa === 0) continue;
      const ta = (sa / 4) * o, q = cy * CW + cx;
      if (A < 0) {
        frame[uOff + q] = clamp8(frame[uOff + q]! * (1 - ta) + (su / 4) * o);
        frame[vOff + q] = clamp8(frame[vOff + q]! * (1 - ta) + (sv / 4) * o);
        continue;
      }
      const p = A + 2 * cy * W + 2 * cx;
      const ba = (frame[p]! + frame[p + 1]! + frame[p + W]! + frame[p + W + 1]!) / (4 * 255);
      const under = ba * (1 - ta), out = ta + under;
      frame[uOff + q] = clamp8((frame[uOff + q]! * under + (su / 4) * o) / out);
      frame[vOff + q] = clamp8((frame[vOff + q]! * under + (sv / 4) * o) / out);
    }
  }
  for (let fy = y0; fy < y1; fy++) {
    for (let fx = x0; fx < x1; fx++) {
      const k = (fy - Y) * w + (fx - X), p = fy * W + fx, al = a[k]!;
      if (al === 0) continue;
      if (A < 0) { frame[p] = clamp8(frame[p]! * (1 - al * o) + y[k]! * o); continue; }
      const ta = al * o, under = (frame[A + p]! / 255) * (1 - ta), out = ta + under;
      frame[p] = clamp8((frame[p]! * under + y[k]! * o) / out);
      frame[A + p] = clamp8(out * 255);
    }
  }
};

test('blend: only the text\'s own pixels are touched, with the same bytes as blending the whole box sample by sample (odd and even places, clipped, over alpha)', () => {
  const W = 96, H = 54;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
  // Sparse glyph-like coverage: runs of ink, holes, soft edges.
  const ow = 37, oh = 21;
  const rgba = Buffer.alloc(ow * oh * 4);
  for (let i = 0; i < ow * oh; i++) {
    if (rnd() < 0.45) continue;
    const al = rnd() < 0.5 ? 255 : Math.floor(rnd() * 256);
    rgba.set([Math.floor(rnd() * (al + 1)), Math.floor(rnd() * (al + 1)), Math.floor(rnd() * (al + 1)), al], i * 4);
  }
  const ov = { rgba, width: ow, height: oh, x: 0, y: 0, premultiplied: true as const };
  const yuv = overlayToYuv(ov);
  const base = frameBytes(W, H);
  const picture = (alpha: boolean) => {
    const f = new Uint8Array(base + (alpha ? W * H : 0));
    for (let i = 0; i < f.length; i++) f[i] = Math.floor(rnd() * 256);
    return f;
  };
  let checked = 0;
  for (const alpha of [false, true]) {
    for (const [dx, dy] of [[10, 7], [11, 8], [10, 9], [13, 13], [-5, -3], [-6, 40], [70, -9], [75, 44], [95, 53], [-40, 0], [0, 60]] as const) {
      for (const o of [1, 0.37]) {
        const a = picture(alpha);
        const b = Uint8Array.from(a);
        blendOverlayYuv420(a, W, H, ov, o, dx, dy);
        blendReference(b, W, H, yuv, dx, dy, o);
        assert.ok(Buffer.from(a).equals(Buffer.from(b)), `at ${dx},${dy}, opacity ${o}${alpha ? ', alpha plane' : ''}`);
        checked++;
      }
    }
  }
  assert.equal(checked, 44);
});

test('centred text is centred by its ink on the picture, Chinese punctuation and 9:16 included', () => {
  for (const [W, H] of CANVASES) {
    for (const text of ['夏日特卖', '夏日特卖！', '标题「夏日特卖」', 'Summer Sale', 'SALE 夏日特卖，限时！']) {
      for (const pos of ['top', 'center', 'bottom'] as const) {
        const { ch } = draw(W, H, [seg(text, 'title', { position: pos, style: plain })]);
        assert.ok(ch.box);
        const mid = (ch.box.left + ch.box.right) / 2 / W;
        // One pixel of 1080 either way is 0.001; resvg's anti-aliasing is below that.
        assert.ok(Math.abs(mid - 0.5) < 0.004, `${W}x${H} ${pos} "${text}": ink centred at ${(100 * mid).toFixed(1)} % of the width`);
      }
    }
  }
  // Vertically too, for the centre row (away from the platform UI on 9:16, it still sits mid-picture).
  for (const [W, H] of CANVASES) {
    const { ch } = draw(W, H, [seg('Summer Sale', 'title', { position: 'center', style: plain })]);
    const midY = (ch.box!.top + ch.box!.bottom) / 2 / H;
    assert.ok(Math.abs(midY - 0.5) < 0.03, `${W}x${H}: centre row at ${(100 * midY).toFixed(1)} % of the height`);
  }
});

test('full frames: every text of a busy frame is drawn where its position says (snapshots written to look at)', async () => {
  for (const [W, H] of CANVASES) {
    const segs: TextSegment[] = [
      seg('Summer Sale — up to 50% off everything', 'title'),
      seg('夏日特卖 限时优惠', 'caption', { position: 'center' }),
      seg('こんにちは、世界！今日はいい天気ですね', 'subtitle', { position: 'lower-third' }),
      seg('지금 구매하세요', 'cta'),
      seg('@stillmotion', 'watermark', { position: 'top-left' }),
    ];
    const { f } = draw(W, H, segs);
    console.log(`# snapshot ${await snapshot(f, W, H, `roles-${W}x${H}`)}`);
    const safe = safeArea({ width: W, height: H });
    const alone = segs.map((s) => draw(W, H, [s]));
    for (const [k, s] of segs.entries()) {
      const one = alone[k]!.ch;
      assert.ok(one.box, `"${s.text}" drew nothing`);
      // The busy frame shows this text as drawn alone, wherever no other text's box reaches.
      const others = alone.filter((_, j) => j !== k).map((a) => a.ch.box!);
      let free = 0, same = 0;
      const b0 = one.box;
      for (let y = b0.top; y < b0.bottom; y++) {
        for (let x = b0.left; x < b0.right; x++) {
          const i = y * W + x;
          if (!one.mask[i] || others.some((b) => x >= b.left && x < b.right && y >= b.top && y < b.bottom)) continue;
          free++;
          if (Math.abs(f[i]! - alone[k]!.f[i]!) <= 2) same++;
        }
      }
      // (On 9:16 the lower third and the bottom row overlap: the CTA's box covers most of the subtitle.)
      assert.ok(free > 1000 && same / free > 0.99, `"${s.text}": ${same}/${free} of its uncovered pixels as drawn alone`);
      const cx = (one.box.left + one.box.right) / 2, cy = (one.box.top + one.box.bottom) / 2;
      const where = `${W}x${H} ${s.role} "${s.text}" box ${JSON.stringify(one.box)}`;
      switch (s.position ?? { title: 'top', cta: 'bottom' }[s.role as 'title' | 'cta']) {
        case 'top': assert.ok(one.box.top - safe.top < 0.05 * H && Math.abs(cx - W / 2) < 0.01 * W, where); break;
        case 'bottom': assert.ok(safe.bottom - one.box.bottom < 0.05 * H && Math.abs(cx - W / 2) < 0.01 * W, where); break;
        case 'center': assert.ok(Math.abs(cy - H / 2) < 0.03 * H && Math.abs(cx - W / 2) < 0.01 * W, where); break;
        case 'lower-third': assert.ok(Math.abs(cy - 0.75 * H) < 0.03 * H, where); break;
        case 'top-left': assert.ok(one.box.left - safe.left < 0.01 * W && one.box.top - safe.top < 0.01 * H, where); break;
        default: assert.fail(`no rule for ${where}`);
      }
    }
  }
  // The font settings reach the pixels: each differs from the same words in the default face.
  const W = 1920, H = 1080;
  const variants: TextSegment[] = [
    seg('Serif 標題 Playfair', 'title', { position: 'top', style: { font: 'serif', weight: 700 } }),
    seg('DISPLAY 展示 ANTON', 'title', { position: 'center', style: { font: 'display', outline: { color: '#e63946', width: 0.06 } } }),
    seg('Regular 400 한국어 日本語', 'caption', { position: 'bottom-left', style: { weight: 400, align: 'left' } }),
  ];
  const { f } = draw(W, H, variants);
  console.log(`# snapshot ${await snapshot(f, W, H, 'fonts-1920x1080')}`);
  for (const v of variants) {
    const styled = draw(W, H, [v]);
    const plainFace = draw(W, H, [{ ...v, style: {} }]);
    // The white glyph fill (above Y 200), apart from boxes, outlines and shadows.
    let differ = 0, union = 0;
    for (let i = 0; i < W * H; i++) {
      const a = styled.f[i]! > 200, b = plainFace.f[i]! > 200;
      if (a || b) union++;
      if (a !== b) differ++;
    }
    assert.ok(union > 1000 && differ / union > 0.3, `"${v.text}": only ${(100 * differ / union).toFixed(1)} % of the glyph pixels differ from the default face`);
  }
});
