/**
 * The one-line summary API.md shows: `Timeline (3 tracks): 1. Video: … (0-10s) 2. BGM: … 3. Title: "…" (0-3s)`.
 * That English form is the API's `summary`, which clients parse (the labels and the `(0-10s)`
 * spans are the format); the Chinese form says the same for people to read, with the move,
 * transition and role names in Chinese.
 */
import type { MoveName } from '../engine/index.js';
import { timing } from './timing.js';
import type { Draft, TextRole, TransitionType } from './types.js';

export type SummaryLang = 'en' | 'zh';

/** Camera moves as a Chinese reader says them. */
export const MOVE_ZH: Readonly<Record<MoveName, string>> = {
  auto: '自动运镜', 'zoom-in': '缓慢推近', 'zoom-out': '缓慢拉远', 'pan-left': '向左平移', 'pan-right': '向右平移',
  'pan-up': '向上平移', 'pan-down': '向下平移', 'pan-up-left': '向左上平移', 'pan-up-right': '向右上平移',
  'pan-down-left': '向左下平移', 'pan-down-right': '向右下平移', 'ken-burns': '推移（肯·伯恩斯）', static: '静止',
  'dolly-in': '推镜头（3D）', 'dolly-out': '拉镜头（3D）', 'dolly-zoom': '希区柯克变焦', 'orbit-left': '向左环绕', 'orbit-right': '向右环绕',
  'parallax-left': '向左视差平移', 'parallax-right': '向右视差平移', 'parallax-up': '向上视差升降', 'parallax-down': '向下视差升降', '3d-zoom': '3D 推进',
};

export const TRANSITION_ZH: Readonly<Record<TransitionType, string>> = {
  cut: '直切', crossfade: '叠化', fade_black: '黑场过渡', fade_white: '白场过渡', slide_left: '向左滑入', slide_right: '向右滑入',
  slide_up: '向上滑入', slide_down: '向下滑入', push_left: '向左推入', push_right: '向右推入', push_up: '向上推入', push_down: '向下推入',
  wipe: '擦除', zoom: '缩放', blur: '模糊过渡',
};

export const ROLE_ZH: Readonly<Record<TextRole, string>> = { title: '标题', caption: '说明文字', subtitle: '字幕', cta: '行动号召', watermark: '水印' };

/** A move's name in a language (ids the table does not know are shown as they are). */
export const moveName = (m: string, lang: SummaryLang): string => (lang === 'zh' ? (MOVE_ZH as Record<string, string>)[m] ?? m : m);

const sec = (ms: number) => {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}` : s.toFixed(1);
};

export const summarize = (d: Draft, mediaMs: Readonly<Record<string, number>> = {}, names: Readonly<Record<string, string>> = {}, lang: SummaryLang = 'en'): string => {
  const zh = lang === 'zh';
  const span = (a: number, b: number) => (zh ? `${sec(a)}–${sec(b)} 秒` : `${sec(a)}-${sec(b)}s`);
  const tm = timing(d, mediaMs);
  const parts: string[] = [];
  if (d.shots.length) {
    const one = d.shots[0]!;
    const what = d.shots.length === 1
      ? (one.label ?? names[one.mediaId] ?? (zh ? `1 ${one.kind === 'video' ? '段视频' : '张照片'}` : `1 ${one.kind === 'video' ? 'clip' : 'photo'}`))
      : (zh ? `${d.shots.length} 个镜头` : `${d.shots.length} shots`);
    const moves = [...new Set(d.shots.map((s) => s.move).filter((m) => m !== 'auto'))];
    parts.push(zh
      ? `视频：${what}${moves.length ? `，${moves.map((m) => moveName(m, 'zh')).join('/')}` : ''}（${span(0, tm.totalMs)}）`
      : `Video: ${what}${moves.length ? `, ${moves.join('/')}` : ''} (${span(0, tm.totalMs)})`);
  }
  for (const a of d.audio) {
    const end = a.durationMs === null ? tm.totalMs : a.startMs + a.durationMs;
    const name = a.label ?? (a.mediaId ? names[a.mediaId] : null) ?? a.style ?? (zh ? '音乐' : 'music');
    parts.push(zh ? `背景音乐：${name}（${span(a.startMs, end)}，${Math.round(a.volume * 100)}%）` : `BGM: ${name} (${span(a.startMs, end)}, ${Math.round(a.volume * 100)}%)`);
  }
  for (const x of d.texts) {
    const end = x.durationMs === null ? tm.totalMs : x.startMs + x.durationMs;
    if (zh) {
      parts.push(`${ROLE_ZH[x.role]}：“${x.text}”（${span(x.startMs, end)}）`);
      continue;
    }
    const role = x.role[0]!.toUpperCase() + x.role.slice(1);
    parts.push(`${role === 'Cta' ? 'CTA' : role}: "${x.text}" (${span(x.startMs, end)})`);
  }
  const tracks = (d.shots.length ? 1 : 0) + d.audio.length + d.texts.length;
  if (zh) return tracks === 0 ? '时间线（0 条轨道）：空' : `时间线（${tracks} 条轨道）：${parts.map((p, i) => `${i + 1}. ${p}`).join(' ')}`;
  if (tracks === 0) return 'Timeline (0 tracks): empty';
  return `Timeline (${tracks} track${tracks === 1 ? '' : 's'}): ${parts.map((p, i) => `${i + 1}. ${p}`).join(' ')}`;
};
