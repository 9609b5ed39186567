/**
 * The bundled fonts. Everything comes from npm packages that ship the font files, so a
 * render never depends on the machine's fonts (resvg runs with loadSystemFonts: false).
 *
 *   sans    Inter 400/700/900                 @expo-google-fonts/inter (OFL)
 *   serif   Playfair Display 400/700/900      @expo-google-fonts/playfair-display (OFL)
 *   display Anton (one heavy weight)          @expo-google-fonts/anton (OFL)
 *   CJK     Noto Sans S Chinese 400/700       @embedpdf/fonts-sc (OFL): GB2312 hanzi, JIS kanji, kana
 *           Noto Sans Korean 400/700/900      @embedpdf/fonts-kr (OFL): all 11 172 Hangul syllables
 *   emoji   Noto Emoji (monochrome) 400/700   @expo-google-fonts/noto-emoji (OFL)
 *
 * Each character is drawn by the first face in this order that has it: the Latin face, the
 * Chinese face (Han, kana, CJK punctuation), the Korean face (Hangul), emoji. svg.ts names
 * that face on every run, so resvg's own fallback never picks. Japanese is drawn with the
 * Simplified Chinese face (it covers kana and all JIS level-1 kanji; a few kanji take their
 * Chinese shapes); hanja in Korean text do too, so one text never mixes two Han designs.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { readFontMetrics, type FontMetrics } from './sfnt-metrics.js';
import type { TextFont, TextWeight } from './types.js';

export interface FontFace {
  readonly family: string;
  readonly file: string;
}

const require = createRequire(import.meta.url);
const pkgDirs = new Map<string, string>();

/** The folder of an installed package (their `exports` hide package.json, so climb from main). */
const pkgDir = (name: string): string => {
  const hit = pkgDirs.get(name);
  if (hit !== undefined) return hit;
  let dir = dirname(require.resolve(name));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === name) break;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = up;
  }
  pkgDirs.set(name, dir);
  return dir;
};

const face = (pkg: string, path: string, family: string) => (): FontFace => ({ family, file: join(pkgDir(pkg), path) });

const EXPO_WEIGHT: Record<TextWeight, string> = { 400: '400Regular', 700: '700Bold', 900: '900Black' };
const expo = (pkg: string, base: string, family: string, w: TextWeight) =>
  face(`@expo-google-fonts/${pkg}`, `${EXPO_WEIGHT[w]}/${base}_${EXPO_WEIGHT[w]}.ttf`, family);

const latinFace = (font: TextFont, w: TextWeight): (() => FontFace) => {
  if (font === 'serif') return expo('playfair-display', 'PlayfairDisplay', 'Playfair Display', w);
  if (font === 'display') return face('@expo-google-fonts/anton', '400Regular/Anton_400Regular.ttf', 'Anton');
  return expo('inter', 'Inter', 'Inter', w);
};

const scFace = (w: TextWeight) =>
  face('@embedpdf/fonts-sc', `fonts/NotoSansHans-${w === 400 ? 'Regular' : 'Bold'}.otf`, 'Noto Sans S Chinese');
const krFace = (w: TextWeight) =>
  face('@embedpdf/fonts-kr', `fonts/NotoSansKR-${w === 400 ? 'Regular' : w === 700 ? 'Bold' : 'Black'}.otf`, 'Noto Sans Korean');
const emojiFace = (w: TextWeight) =>
  face('@expo-google-fonts/noto-emoji', w === 400 ? '400Regular/NotoEmoji_400Regular.ttf' : '700Bold/NotoEmoji_700Bold.ttf', 'Noto Emoji');

const metricsCache = new Map<string, FontMetrics>();
export const metricsOf = (f: FontFace): FontMetrics => {
  let m = metricsCache.get(f.file);
  if (m === undefined) {
    m = readFontMetrics(f.file);
    metricsCache.set(f.file, m);
  }
  return m;
};

export interface FontStack {
  /** Faces in fallback order; the first is the primary (Latin) face. */
  readonly faces: readonly FontFace[];
  /** The face that draws a code point (the primary face's .notdef when none has it). */
  faceFor(cp: number): FontFace;
}

const stackCache = new Map<string, FontStack>();

/** The faces needed to draw `text` in a style, primary first. */
export const fontStackFor = (font: TextFont, weight: TextWeight, text: string): FontStack => {
  const cps = [...new Set(Array.from(text, (c) => c.codePointAt(0)!))];
  const all = [latinFace(font, weight)(), scFace(weight)(), krFace(weight)(), emojiFace(weight)()];
  const key = `${all.map((f) => f.file).join('|')}\n${cps.join(',')}`;
  const hit = stackCache.get(key);
  if (hit !== undefined) return hit;
  const primary = all[0]!;
  const owner = new Map<number, FontFace>();
  const used = new Set<FontFace>([primary]);
  for (const cp of cps) {
    if (cp < 0x20) continue;
    const f = all.find((x) => metricsOf(x).has(cp)) ?? primary;
    owner.set(cp, f);
    used.add(f);
  }
  const stack: FontStack = { faces: all.filter((f) => used.has(f)), faceFor: (cp) => owner.get(cp) ?? primary };
  if (stackCache.size > 256) stackCache.clear();
  stackCache.set(key, stack);
  return stack;
};
