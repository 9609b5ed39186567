/**
 * From a request to the options of a single-photo render (`stillmotion animate -p`). Camera moves
 * the engine does not have map to the nearest one it has, and `ignored` says so in words, along
 * with everything else a single-photo clip cannot do (texts, music, transitions, scene motion).
 */
import type { Direction, InstructionRequest, Move } from './request.js';
import { describeMove } from './format.js';

export type AnimateMove =
  | 'auto' | 'zoom-in' | 'zoom-out' | 'pan-left' | 'pan-right' | 'pan-up' | 'pan-down'
  | 'pan-up-left' | 'pan-up-right' | 'pan-down-left' | 'pan-down-right' | 'ken-burns' | 'static';

export interface AnimateOptionsFromRequest {
  duration?: number;
  move?: AnimateMove;
  intensity?: number;
  aspect?: string;
  fps?: number;
  size?: '720p' | '1080p' | '1440p' | '4k';
  format?: 'mp4' | 'webm' | 'gif' | 'mov';
  ignored: string[];
}

const pan = (d: Direction | null): AnimateMove | null =>
  d === 'left' ? 'pan-left' : d === 'right' ? 'pan-right' : d === 'up' ? 'pan-up' : d === 'down' ? 'pan-down' : null;

/** The engine move nearest to a move, and whether it is exact. */
export const nearestMove = (m: Move): { move: AnimateMove; exact: boolean } => {
  switch (m.type) {
    case 'zoom':
      return { move: m.direction === 'out' ? 'zoom-out' : 'zoom-in', exact: m.direction !== null };
    case 'dolly':
      return { move: m.direction === 'out' ? 'zoom-out' : pan(m.direction) ?? 'zoom-in', exact: false };
    case 'pan':
      return { move: pan(m.direction) ?? 'pan-right', exact: m.direction !== null };
    case 'tilt':
    case 'pedestal':
    case 'truck':
      return { move: pan(m.direction) ?? (m.type === 'truck' ? 'pan-right' : 'pan-up'), exact: false };
    case 'orbit':
    case 'roll':
      return { move: m.direction === 'left' || m.direction === 'ccw' ? 'pan-left' : m.direction === 'right' || m.direction === 'cw' ? 'pan-right' : 'ken-burns', exact: false };
    case 'parallax':
      return { move: 'zoom-in', exact: false };
    case 'drift':
      return { move: pan(m.direction) ?? 'ken-burns', exact: false };
    case 'shake':
      return { move: 'static', exact: false };
    case 'ken_burns':
      return { move: 'ken-burns', exact: true };
    case 'static':
      return { move: 'static', exact: true };
  }
};

/** Platforms imply a shape; used only when the sentence states no aspect. */
const PLATFORM_ASPECT: Partial<Record<NonNullable<InstructionRequest['platform']>, string>> = {
  tiktok: '9:16', instagram_reels: '9:16', instagram_story: '9:16', youtube_shorts: '9:16', instagram_feed: '4:5', youtube: '16:9',
};
const ENGINE_ASPECTS = ['16:9', '9:16', '1:1', '4:5', '4:3', '3:4'];

export const requestToAnimateOptions = (req: InstructionRequest): AnimateOptionsFromRequest => {
  const out: AnimateOptionsFromRequest = { ignored: [] };
  const ig = out.ignored;
  const dur = req.duration_s ?? req.per_photo_s;
  if (dur !== null && dur > 0) out.duration = dur;
  const moves = req.moves;
  if (moves.length > 0) {
    const first = moves[0]!;
    const a = nearestMove(first);
    let move = a.move;
    let used = 1;
    // "pan up and to the left": two pans make a diagonal.
    const second = moves[1];
    if (second && first.type === 'pan' && second.type === 'pan' && first.direction && second.direction) {
      const v = [first.direction, second.direction].find((d) => d === 'up' || d === 'down');
      const h = [first.direction, second.direction].find((d) => d === 'left' || d === 'right');
      if (v && h) {
        move = `pan-${v}-${h}` as AnimateMove;
        used = 2;
      }
    }
    // "zoom in and pan left": a zoom with a pan is a Ken Burns move.
    if (second && used === 1 && ((first.type === 'zoom' && second.type === 'pan') || (first.type === 'pan' && second.type === 'zoom'))) {
      move = 'ken-burns';
      used = 2;
      ig.push(`${describeMove(first)} with ${describeMove(second)} (rendered as ken-burns)`);
    } else if (!a.exact) ig.push(`${describeMove(first)} (rendered as ${move})`);
    out.move = move;
    for (const m of moves.slice(used)) ig.push(`${describeMove(m)} (one move per clip)`);
    const withIntensity = moves.slice(0, used).find((m) => m.intensity !== null);
    if (withIntensity) out.intensity = withIntensity.intensity!;
  }
  if (out.intensity === undefined && req.speed !== null && req.moves.length > 0) out.intensity = req.speed === 'slow' ? 0.3 : req.speed === 'fast' ? 0.8 : 0.5;
  if (req.aspect !== null) {
    if (ENGINE_ASPECTS.includes(req.aspect)) out.aspect = req.aspect;
    else ig.push(`aspect ${req.aspect}`);
  } else if (req.platform !== null && PLATFORM_ASPECT[req.platform]) out.aspect = PLATFORM_ASPECT[req.platform];
  if (req.fps !== null) out.fps = req.fps;
  if (req.resolution !== null) {
    if (req.resolution === '480p') ig.push('480p (smallest size is 720p)');
    else out.size = req.resolution;
  }
  if (req.format !== null) out.format = req.format;
  for (const t of req.texts) ig.push(`${t.role ?? 'text'}${t.text !== null ? ` "${t.text}"` : ''}`);
  if (req.music && req.music.action !== 'remove') ig.push(`music${req.music.style ? ` (${req.music.style})` : ''}`);
  for (const t of req.transitions) if (t.type !== 'none') ig.push(`${t.type ?? ''} transition`.trim());
  if (req.subject_motion !== null) ig.push(req.subject_motion);
  if (req.loop === true) ig.push('loop');
  if (req.per_photo_s !== null && req.duration_s !== null) ig.push(`${req.per_photo_s} s per photo`);
  if (req.edits) {
    const e = req.edits;
    if (e.speed) ig.push(e.speed);
    if (e.duration) ig.push(e.duration);
    if (e.intensity) ig.push(`${e.intensity} movement`);
    if (e.volume) ig.push(e.volume);
  }
  return out;
};
