/**
 * The draft's display form: what a page or client shows of it, the one-line summary and the
 * tracks as rows, with every time resolved (shot starts and lengths) and the camera move each shot
 * got in its plan. Kept with the draft so reading the state costs no resolving. (Not to be confused
 * with a camera view, the part of a photo one frame shows.)
 */
import { canvasFor, summarize, timing, type Draft } from '../timeline/index.js';
import { isDepthMove } from '../engine/index.js';
import { effectWords } from '../timeline/effects.js';

export interface DisplayItem {
  readonly id: string;
  readonly start_ms: number;
  readonly duration_ms: number;
  readonly label: string;
  readonly media_id?: string;
  readonly move?: string;
  /** Photos: the depth the move used (iphone, iphone-heic, gdepth, matte, estimated), and how the page says it ("Dolly in · depth from the iPhone"). */
  readonly depth?: string;
  readonly move_label?: string;
  /** Photos: the motion inside the picture, in words ("clouds drift left", "云向左飘"), when the shot has effects. */
  readonly effects?: ReadonlyArray<{ readonly en: string; readonly zh: string }>;
  readonly volume?: number;
  readonly text?: string;
  readonly role?: string;
}
export interface DraftDisplay {
  /** API.md's one-line summary, English labels (clients parse it). */
  readonly summary: string;
  /** The same line in Chinese, for people to read (absent in views stored before it existed). */
  readonly summary_zh?: string;
  readonly duration_ms: number;
  /** The canvas as it will render: size follows the first photo when the aspect is 'auto'. */
  readonly canvas: { readonly width: number; readonly height: number; readonly fps: number; readonly aspect: string; readonly background: string; readonly size: string };
  readonly tracks: ReadonlyArray<{ readonly kind: 'video' | 'audio' | 'text'; readonly items: readonly DisplayItem[] }>;
}

export interface DisplayMedia { readonly id: string; readonly name: string; readonly duration_ms: number | null; readonly width: number | null; readonly height: number | null }

const canvasOf = (d: Draft, media: readonly DisplayMedia[]): DraftDisplay['canvas'] => {
  const byId = new Map(media.map((m) => [m.id, m]));
  const c = canvasFor(d, (id) => {
    const m = byId.get(id);
    return m && { mediaId: id, kind: 'image', ...(m.width && m.height ? { width: m.width, height: m.height } : {}) };
  });
  return { width: c.width, height: c.height, fps: c.fps, aspect: c.aspect === 'custom' ? d.canvas.aspect : c.aspect, background: d.canvas.background, size: d.canvas.size };
};

/** The summary a person reading `lang` sees. */
export const summaryIn = (v: Pick<DraftDisplay, 'summary' | 'summary_zh'>, lang: 'en' | 'zh'): string => (lang === 'zh' ? v.summary_zh ?? v.summary : v.summary);

/** `moves`: the move each shot (by id) got in its plan; shots not planned yet show their asked move. */
export interface ShotDepthShown { readonly depth: string | null; readonly label: string }

export const displayOf = (d: Draft, media: readonly DisplayMedia[], moves: Readonly<Record<string, string>> = {}, depth: Readonly<Record<string, ShotDepthShown>> = {}): DraftDisplay => {
  const mediaMs: Record<string, number> = {};
  const names: Record<string, string> = {};
  for (const m of media) {
    if (m.duration_ms) mediaMs[m.id] = m.duration_ms;
    names[m.id] = m.name;
  }
  const tm = timing(d, mediaMs);
  const total = tm.totalMs;
  const tracks: DraftDisplay['tracks'][number][] = [];
  if (d.shots.length) {
    tracks.push({
      kind: 'video',
      items: d.shots.map((s, i) => ({
        id: s.id, start_ms: tm.shots[i]!.startMs, duration_ms: tm.shots[i]!.durationMs,
        label: s.label ?? names[s.mediaId] ?? (s.kind === 'video' ? 'clip' : 'photo'), media_id: s.mediaId,
        // A clip plays as it is: it has no camera move of ours.
        // A depth move made flat (no depth to trust) shows the move it became.
        ...(s.kind === 'video' ? {} : { move: s.move !== 'auto' && !isDepthMove(s.move) ? s.move : moves[s.id] ?? s.move }),
        ...(s.kind !== 'video' && s.effects?.length ? { effects: s.effects.map((e) => ({ en: effectWords(e, 'en'), zh: effectWords(e, 'zh') })) } : {}),
        ...(s.kind !== 'video' && depth[s.id] ? { ...(depth[s.id]!.depth ? { depth: depth[s.id]!.depth! } : {}), move_label: depth[s.id]!.label } : {}),
      })),
    });
  }
  if (d.audio.length) {
    tracks.push({
      kind: 'audio',
      items: d.audio.map((a) => ({
        id: a.id, start_ms: a.startMs, duration_ms: a.durationMs ?? Math.max(0, total - a.startMs),
        label: a.label ?? (a.mediaId ? names[a.mediaId] : undefined) ?? a.style ?? 'music', ...(a.mediaId ? { media_id: a.mediaId } : {}), volume: a.volume,
      })),
    });
  }
  if (d.texts.length) {
    tracks.push({
      kind: 'text',
      items: d.texts.map((x) => ({
        id: x.id, start_ms: x.startMs, duration_ms: x.durationMs ?? Math.max(0, total - x.startMs), label: x.text, text: x.text, role: x.role,
      })),
    });
  }
  // The summary names the moves the shots really got.
  const shown: Draft = { ...d, shots: d.shots.map((s) => ((s.move === 'auto' || isDepthMove(s.move)) && moves[s.id] ? { ...s, move: moves[s.id] as typeof s.move } : s)) };
  return { summary: summarize(shown, mediaMs, names), summary_zh: summarize(shown, mediaMs, names, 'zh'), duration_ms: total, canvas: canvasOf(d, media), tracks };
};
