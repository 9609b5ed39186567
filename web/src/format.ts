/** Numbers people read: durations, sizes, percentages. */
import { lang } from './i18n';

/** 5000 → "5 s", 1500 → "1.5 s", 75000 → "1:15". */
export const duration = (ms: number): string => {
  const s = Math.max(0, ms) / 1000;
  if (s >= 60) {
    const m = Math.floor(s / 60);
    const r = Math.round(s - m * 60);
    return `${m}:${String(r).padStart(2, '0')}`;
  }
  const v = Math.round(s * 10) / 10;
  return lang === 'zh' ? `${v} 秒` : `${v} s`;
};

/** A point on the timeline: 0 → "0s", 3500 → "3.5s". */
export const at = (ms: number): string => {
  const s = Math.round(Math.max(0, ms) / 100) / 10;
  return s >= 60 ? duration(ms) : `${s}s`;
};

/** Sizes in decimal units, as the server states its limits (50 MB = 50,000,000 bytes). */
export const bytes = (n: number): string => {
  const fmt = (v: number) => (v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));
  if (n >= 1e9) return `${fmt(n / 1e9)} GB`;
  if (n >= 1e6) return `${fmt(n / 1e6)} MB`;
  if (n >= 1e3) return `${fmt(n / 1e3)} KB`;
  return `${n} B`;
};

/** A wait people read: 604191 → "6 days 23 hours", 2700 → "45 minutes", 30 → "30 seconds". */
export const wait = (seconds: number): string => {
  const s = Math.max(1, Math.ceil(seconds));
  const zh = lang === 'zh';
  const unit = (n: number, en: string, cn: string) => (zh ? `${n} ${cn}` : `${n} ${en}${n === 1 ? '' : 's'}`);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.ceil((s % 3600) / 60);
  if (d > 0) return [unit(d, 'day', '天'), h > 0 ? unit(h, 'hour', '小时') : ''].filter(Boolean).join(' ');
  if (h > 0) return [unit(h, 'hour', '小时'), m > 0 && m < 60 ? unit(m, 'minute', '分钟') : ''].filter(Boolean).join(' ');
  if (s >= 60) return unit(Math.ceil(s / 60), 'minute', '分钟');
  return unit(s, 'second', '秒');
};

export const pct = (p: number): number => Math.max(0, Math.min(100, Math.round(p)));

/** Camera moves by name, for people. Unknown names are shown with dashes turned to spaces. */
const MOVES_EN: Record<string, string> = {
  'zoom-in': 'Zoom in', 'zoom-out': 'Zoom out', 'pan-left': 'Pan left', 'pan-right': 'Pan right',
  'pan-up': 'Pan up', 'pan-down': 'Pan down', 'pan-up-left': 'Pan up-left', 'pan-up-right': 'Pan up-right',
  'pan-down-left': 'Pan down-left', 'pan-down-right': 'Pan down-right', 'ken-burns': 'Ken Burns', static: 'Still', auto: 'Auto',
  'dolly-in': 'Dolly in', 'dolly-out': 'Dolly out', 'dolly-zoom': 'Dolly zoom', 'orbit-left': 'Orbit left', 'orbit-right': 'Orbit right',
  'parallax-left': 'Parallax left', 'parallax-right': 'Parallax right', 'parallax-up': 'Crane up', 'parallax-down': 'Crane down', '3d-zoom': '3D zoom',
};
/** How the page names the depth a move used. */
const DEPTH_EN: Record<string, string> = { iphone: 'depth from the iPhone', 'iphone-heic': 'depth from the iPhone (HEIC)', gdepth: 'Android depth', matte: 'portrait matte', estimated: 'estimated depth' };
const DEPTH_ZH: Record<string, string> = { iphone: 'iPhone 深度', 'iphone-heic': 'iPhone 深度（HEIC）', gdepth: '安卓深度图', matte: '人像蒙版', estimated: '估算深度' };
export const depthName = (d: string): string => (lang === 'zh' ? DEPTH_ZH[d] : DEPTH_EN[d]) ?? d;
const MOVES_ZH: Record<string, string> = {
  'zoom-in': '推进', 'zoom-out': '拉远', 'pan-left': '左移', 'pan-right': '右移', 'pan-up': '上移', 'pan-down': '下移',
  'pan-up-left': '左上移', 'pan-up-right': '右上移', 'pan-down-left': '左下移', 'pan-down-right': '右下移',
  'ken-burns': '肯·伯恩斯', static: '静止', auto: '自动',
  'dolly-in': '推镜头', 'dolly-out': '拉镜头', 'dolly-zoom': '希区柯克变焦', 'orbit-left': '向左环绕', 'orbit-right': '向右环绕',
  'parallax-left': '左移视差', 'parallax-right': '右移视差', 'parallax-up': '升镜头', 'parallax-down': '降镜头', '3d-zoom': '3D 推进',
};
export const moveName = (move: string): string =>
  (lang === 'zh' ? MOVES_ZH[move] : MOVES_EN[move]) ?? move.replace(/[-_]+/g, ' ');
