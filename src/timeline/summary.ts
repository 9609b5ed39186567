/** The one-line summary API.md shows: `Timeline (3 tracks): 1. Video: … (0-10s) 2. BGM: … 3. Title: "…" (0-3s)`. */
import { timing } from './timing.js';
import type { Draft } from './types.js';

const sec = (ms: number) => {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}` : s.toFixed(1);
};
const span = (a: number, b: number) => `${sec(a)}-${sec(b)}s`;

export const summarize = (d: Draft, mediaMs: Readonly<Record<string, number>> = {}, names: Readonly<Record<string, string>> = {}): string => {
  const tm = timing(d, mediaMs);
  const parts: string[] = [];
  if (d.shots.length) {
    const what = d.shots.length === 1
      ? (d.shots[0]!.label ?? names[d.shots[0]!.mediaId] ?? `1 ${d.shots[0]!.kind === 'video' ? 'clip' : 'photo'}`)
      : `${d.shots.length} shots`;
    const moves = [...new Set(d.shots.map((s) => s.move).filter((m) => m !== 'auto'))];
    parts.push(`Video: ${what}${moves.length ? `, ${moves.join('/')}` : ''} (${span(0, tm.totalMs)})`);
  }
  for (const a of d.audio) {
    const end = a.durationMs === null ? tm.totalMs : a.startMs + a.durationMs;
    const name = a.label ?? (a.mediaId ? names[a.mediaId] : null) ?? a.style ?? 'music';
    parts.push(`BGM: ${name} (${span(a.startMs, end)}, ${Math.round(a.volume * 100)}%)`);
  }
  for (const x of d.texts) {
    const end = x.durationMs === null ? tm.totalMs : x.startMs + x.durationMs;
    const role = x.role[0]!.toUpperCase() + x.role.slice(1);
    parts.push(`${role === 'Cta' ? 'CTA' : role}: "${x.text}" (${span(x.startMs, end)})`);
  }
  const tracks = (d.shots.length ? 1 : 0) + d.audio.length + d.texts.length;
  if (tracks === 0) return 'Timeline (0 tracks): empty';
  return `Timeline (${tracks} track${tracks === 1 ? '' : 's'}): ${parts.map((p, i) => `${i + 1}. ${p}`).join(' ')}`;
};
