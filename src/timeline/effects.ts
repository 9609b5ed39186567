/**
 * Effects in a request applied to a draft (living photos, issue 14): new effects on the chosen
 * photo shots, changes to the ones there ("make the water calmer", "stop the clouds"), "only X
 * moves" as a static camera, and plain notes for what cannot be made: motion of people and animals
 * from one photo, or an effect whose place the words do not say (steam, a waterfall, hair).
 */
import type { EffectEdit, InstructionRequest } from '../language/request.js';
import * as E from './edit.js';
import type { Draft, Effect, Shot } from './types.js';

const clamp = (x: number, lo = 0.05, hi = 1) => Math.max(lo, Math.min(hi, Math.round(x * 100) / 100));

/** The words for an effect in the summary: "clouds drift left", "snow", "ripples on the water". */
export const effectWords = (e: Effect, lang: 'en' | 'zh' = 'en'): string => {
  if (lang === 'zh') return effectWordsZh(e);
  const where = typeof e.region === 'string' ? e.region : 'painted area';
  const dir = e.direction ? ` ${e.direction}` : '';
  switch (e.type) {
    case 'drift': return where === 'sky' ? `clouds drift${dir}` : `${where} drifts${dir}`;
    case 'ripple': return where === 'water' ? 'water ripples' : `${where} ripples`;
    case 'flow': return `${where === 'water' ? 'water' : where} flows${dir}`;
    case 'sway': return where === 'foliage' ? 'leaves sway' : `${where} sways`;
    case 'rise': return where === 'above-subject' || where === 'subject' ? 'steam or smoke rises' : `${where} rises`;
    default: return where === 'all' ? e.type : `${e.type} (${where})`;
  }
};

const REGION_ZH: Record<string, string> = {
  sky: '天空', water: '水面', foliage: '草木', subject: '主体', background: '背景', 'above-subject': '主体上方', all: '全画面', 'top-half': '上半部分', 'bottom-half': '下半部分',
  'left-half': '左半部分', 'right-half': '右半部分', 'top-third': '上面三分之一', 'middle-third': '中间三分之一', 'bottom-third': '下面三分之一',
  'left-third': '左边三分之一', 'right-third': '右边三分之一',
};
const DIR_ZH: Record<string, string> = { left: '向左', right: '向右', up: '向上', down: '向下', 'up-left': '向左上', 'up-right': '向右上', 'down-left': '向左下', 'down-right': '向右下' };
const TYPE_ZH: Record<string, string> = {
  drift: '飘动', flow: '流动', ripple: '荡漾', sway: '摇曳', rise: '升腾', dust: '浮尘', snow: '飘雪', rain: '下雨', sparkles: '闪光',
  bokeh: '光斑', petals: '花瓣飘落', embers: '火星', shine: '扫光', 'light-leak': '漏光', 'warm-shift': '暖光变化', flicker: '烛光闪烁', fog: '雾气',
};
const effectWordsZh = (e: Effect): string => {
  const where = typeof e.region === 'string' ? REGION_ZH[e.region] ?? e.region : '涂抹区域';
  if (e.type === 'drift' && e.region === 'sky') return `云${e.direction ? DIR_ZH[e.direction] : ''}飘`;
  if (e.type === 'rise' && (e.region === 'above-subject' || e.region === 'subject')) return '烟气升腾';
  return `${e.region === 'all' ? '' : where}${e.direction && (e.type === 'drift' || e.type === 'flow') ? DIR_ZH[e.direction] : ''}${TYPE_ZH[e.type] ?? e.type}`;
};

/** "Bring this photo to life", or a cinemagraph that names nothing that moves: the sky, the water and the trees, where the photo has them. */
const AMBIENT: readonly Effect[] = [
  { type: 'drift', region: 'sky', direction: null, speed: 0.4, strength: 0.5, auto: true },
  { type: 'ripple', region: 'water', direction: null, speed: 0.4, strength: 0.4, auto: true },
  { type: 'sway', region: 'foliage', direction: null, speed: 0.4, strength: 0.4, auto: true },
];

const matches = (e: Effect, target: EffectEdit['target']): boolean => target === 'all' || e.type === target || e.region === target;

export const applyEffects = (d: Draft, req: InstructionRequest, which: E.Which): { draft: Draft; notes: string[]; handled: boolean } => {
  const notes: string[] = [];
  const idx: readonly number[] = which === 'all' ? d.shots.map((_, i) => i) : typeof which === 'number' ? [which] : which;
  const photos = new Set(idx.filter((i) => d.shots[i]?.kind === 'image'));
  const handled = !!(req.effects?.length || req.effect_edits?.length || req.impossible_motion?.length || req.cinemagraph || req.ambient);
  const ambient = !!req.ambient || (!!req.cinemagraph && !req.effects?.length && !req.effect_edits?.length);
  for (const m of req.impossible_motion ?? []) {
    notes.push(`people and animals moving ("${m}") cannot be made from one photo; the nearest is a slow push-in or light shifting: say "slow zoom in" or "warm light shifting"`);
  }
  const add: Effect[] = [];
  for (const e of req.effects ?? []) {
    if (e.polygon) {
      add.push({ type: e.type, region: { polygon: e.polygon }, direction: e.direction, speed: e.speed ?? 0.5, strength: e.strength ?? 0.5 });
      continue;
    }
    if (e.region === null) {
      // "only the waterfall moves" with the waterfall painted: the painted one is it.
      if (req.effects?.some((x) => x.polygon && x.type === e.type)) continue;
      notes.push(`"${e.phrase}": say where it is (the top third, the left half, the middle…) or paint it on the page; nothing was added for it`);
      continue;
    }
    add.push({ type: e.type, region: e.region, direction: e.direction, speed: e.speed ?? 0.5, strength: e.strength ?? 0.5 });
  }
  const shots: Shot[] = d.shots.map((s, i) => {
    if (!photos.has(i)) return s;
    let fx = [...(s.effects ?? [])];
    for (const a of add) {
      const at = fx.findIndex((x) => x.type === a.type && JSON.stringify(x.region) === JSON.stringify(a.region));
      if (at >= 0) fx[at] = a; else fx.push(a);
    }
    if (ambient) {
      for (const a of AMBIENT) {
        if (!fx.some((x) => x.type === a.type && x.region === a.region)) fx.push(a);
      }
    }
    for (const ed of req.effect_edits ?? []) {
      if (ed.change === 'stop') { fx = fx.filter((x) => !matches(x, ed.target)); continue; }
      fx = fx.map((x) => {
        if (!matches(x, ed.target)) return x;
        switch (ed.change) {
          case 'slower': return { ...x, speed: clamp(x.speed - 0.2) };
          case 'faster': return { ...x, speed: clamp(x.speed + 0.2) };
          case 'calmer': return { ...x, speed: clamp(x.speed - 0.1), strength: clamp(x.strength - 0.2) };
          case 'stronger': return { ...x, strength: clamp(x.strength + 0.2) };
          default: return x;
        }
      });
    }
    fx = fx.slice(0, 8);
    if (!fx.length && !s.effects?.length) return s;
    const { effects: _old, ...rest } = s;
    return fx.length ? { ...rest, effects: fx } : rest;
  });
  for (const ed of req.effect_edits ?? []) {
    if (!d.shots.some((s) => s.effects?.some((x) => matches(x, ed.target)))) notes.push(`there is no ${ed.target === 'all' ? '' : `"${ed.target}" `}motion to change yet`);
  }
  let out: Draft = shots.some((s, i) => s !== d.shots[i]) ? { ...d, shots } : d;
  // "Only the water moves, everything else still": the camera stays still too.
  if (req.cinemagraph && req.moves.length === 0) out = E.setShots(out, which, { move: 'static' });
  return { draft: out, notes, handled };
};
