/**
 * The request a sentence makes: exactly the JSON contract of `stillmotion plan --json` (issue 3).
 * Every field is null (or []) when the sentence does not state it; defaults are applied later,
 * when the draft is resolved. Nothing here is guessed.
 */

export const INTENTS = ['generate', 'edit', 'export', 'credits', 'status', 'upload', 'help', 'unknown'] as const;
export type Intent = (typeof INTENTS)[number];

export const MOVE_TYPES = [
  'zoom', 'pan', 'tilt', 'dolly', 'truck', 'pedestal', 'orbit', 'roll', 'parallax', 'ken_burns', 'drift', 'shake', 'static', 'dolly_zoom', '3d_zoom',
] as const;
export type MoveType = (typeof MOVE_TYPES)[number];

export const DIRECTIONS = ['in', 'out', 'left', 'right', 'up', 'down', 'cw', 'ccw'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface Move {
  type: MoveType;
  direction: Direction | null;
  /** 0–1. Words map to fixed values (subtle 0.3, dramatic 0.8…); "zoom 20%" and "1.2x zoom" give 0.2. */
  intensity: number | null;
}

export const SPEEDS = ['slow', 'normal', 'fast'] as const;
export type Speed = (typeof SPEEDS)[number];

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:5', '4:3', '3:4', '21:9'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const PLATFORMS = [
  'tiktok', 'instagram_reels', 'instagram_feed', 'instagram_story', 'youtube', 'youtube_shorts', 'facebook', 'x', 'linkedin',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const RESOLUTIONS = ['480p', '720p', '1080p', '1440p', '4k'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const TEXT_ROLES = ['title', 'caption', 'subtitle', 'cta', 'watermark'] as const;
export type TextRole = (typeof TEXT_ROLES)[number];

/** Where a sentence puts a text, in the request's words (the draft's TextPosition is the engine's list; apply-request maps one to the other). */
export const POSITION_WORDS = [
  'top', 'bottom', 'center', 'lower_third', 'upper_third', 'left', 'right', 'top_left', 'top_right', 'bottom_left', 'bottom_right',
] as const;
export type PositionWord = (typeof POSITION_WORDS)[number];

export interface TextItem {
  /** The words to show, verbatim; null when the sentence names a text without its words ("add a title"). */
  text: string | null;
  /** null when the sentence does not say which kind of text it is ("add the text 'Hello'"). */
  role: TextRole | null;
  position: PositionWord | null;
  start_s: number | null;
  end_s: number | null;
}

export const MUSIC_ACTIONS = ['add', 'remove', 'adjust'] as const;
export type MusicAction = (typeof MUSIC_ACTIONS)[number];

export interface Music {
  action: MusicAction;
  /** Style or mood as written, lower-cased ("lo-fi", "upbeat cinematic", "轻音乐"). */
  style: string | null;
  /** 0–1. */
  volume: number | null;
  fade_in_s: number | null;
  fade_out_s: number | null;
}

export const TRANSITION_TYPES = ['crossfade', 'fade_black', 'fade_white', 'slide', 'push', 'wipe', 'zoom', 'blur', 'none'] as const;
export type TransitionType = (typeof TRANSITION_TYPES)[number];

export interface Transition {
  /** null when only the length is stated ("0.5 s transitions"). */
  type: TransitionType | null;
  duration_s: number | null;
}

export const FORMATS = ['mp4', 'webm', 'gif', 'mov'] as const;
export type Format = (typeof FORMATS)[number];

/** "all", or 1-based indices in the order written ("the second photo" → [2]). */
export type PhotoSelection = 'all' | number[];

/**
 * Relative changes a follow-up asks for, which the contract fields cannot hold without guessing
 * a number ("make it slower" does not say how slow). Present only when the sentence states one;
 * the absolute contract fields are still filled when the sentence gives a value
 * ("make it 10 seconds instead" → duration_s 10 and edits.replace).
 */
export interface Edits {
  /** "faster", "speed it up", "再快一点" / "slower", "too fast", "慢一点". */
  speed?: 'faster' | 'slower';
  /** "longer", "延长3秒" / "shorter", "trim it". */
  duration?: 'longer' | 'shorter';
  /** Seconds to add (longer) or remove (shorter) when stated: "3 seconds longer" → 3. */
  duration_by_s?: number;
  /** Camera movement: "more zoom", "more dramatic", "幅度大一点" / "subtler", "less movement". */
  intensity?: 'more' | 'less';
  /** Music volume: "louder", "turn the music up" / "quieter", "音量小一点" (music.action is "adjust"). */
  volume?: 'louder' | 'quieter';
  /** What to take away: "no text", "不要字幕", "remove the watermark" (music and transitions use their own fields). */
  remove?: Removable[];
  /** The stated values replace the current ones rather than add to them ("instead", "change … to", "换成"). */
  replace?: true;
  /** "make the text bigger", "smaller title", "字再大一点": the size of the texts (of `role` when one is named). */
  text_size?: { change: 'bigger' | 'smaller'; role: TextRole | null };
  /** "move the title up", "字幕往下一点": the texts one place up or down the picture (of `role` when one is named). */
  text_move?: { dir: 'up' | 'down'; role: TextRole | null };
}
export type Removable = 'texts' | TextRole | 'subject_motion' | 'moves';

/** Cuts on the beat of the music: how often (beats, or 'bar'), with an accent on the cut beats. */
export interface BeatSync {
  /** false: "no beat sync", 不要卡点. */
  on: boolean;
  /** Beats per cut (1, 2, 4…) or 'bar'; null: chosen by the tempo. */
  every: number | 'bar' | null;
  accent: 'pulse' | 'flash' | null;
}

/** The background behind transparent or letterboxed photos. */
export interface Background {
  kind: 'color' | 'blur' | 'transparent';
  /** A colour name or '#hex' when kind is 'color'. */
  color: string | null;
}

/** Motion inside the picture (issue 14), the words' own names; the engine's list is the same. */
export const EFFECT_WORDS = [
  'drift', 'flow', 'ripple', 'sway', 'rise', 'dust', 'snow', 'rain', 'sparkles', 'bokeh', 'petals', 'embers',
  'shine', 'light-leak', 'warm-shift', 'flicker', 'fog',
] as const;
export type EffectWord = (typeof EFFECT_WORDS)[number];
export const EFFECT_REGION_WORDS = [
  'sky', 'water', 'foliage', 'subject', 'background', 'above-subject', 'all', 'top-half', 'bottom-half', 'left-half', 'right-half',
  'top-third', 'middle-third', 'bottom-third', 'left-third', 'right-third',
] as const;
export type EffectRegionWord = (typeof EFFECT_REGION_WORDS)[number];
export const EFFECT_DIRECTION_WORDS = ['left', 'right', 'up', 'down', 'up-left', 'up-right', 'down-left', 'down-right'] as const;
export type EffectDirectionWord = (typeof EFFECT_DIRECTION_WORDS)[number];

/** One motion inside the picture: "the clouds drift left" → {drift, sky, left}. Null: not said. */
export interface EffectRequest {
  type: EffectWord;
  /** Where; null when the words name something that has to be shown (steam, a waterfall, hair). */
  region: EffectRegionWord | null;
  direction: EffectDirectionWord | null;
  /** 0–1: slow 0.3, fast 0.8. */
  speed: number | null;
  /** 0–1: gentle 0.3, strong 0.8. */
  strength: number | null;
  /** The words it came from. */
  phrase: string;
  /** A painted region (the page's motion brush), [x, y] corners in fractions of the photo; `region` is null then. */
  polygon?: Array<[number, number]>;
}

/** A change to effects already there: "make the water calmer", "stop the clouds", "云再慢一点". */
export interface EffectEdit {
  /** An effect kind, a region, or every effect. */
  target: EffectWord | EffectRegionWord | 'all';
  change: 'slower' | 'faster' | 'calmer' | 'stronger' | 'stop';
}

/**
 * References to photos and clips the `photos` field cannot hold: counted from the end, by file
 * name, "this one", and what to do with them. Present only when the sentence makes one; the
 * session resolves them against its media in upload order (src/timeline/clips.ts).
 */
export interface PhotoRefs {
  /** Positions counted from the end: "the last one", "最后一张" → [1]; "the second to last" → [2]. */
  from_end?: number[];
  /** File names as written ("mate_TwoWings.jpg"). */
  names?: string[];
  /** "this one", "this photo", "这张": the photo the conversation is about. */
  this?: true;
  /** "a separate video for each photo", "每张照片单独做一个视频": one clip per photo. */
  separate?: true;
  /** "only use the second photo", "只用第二张": the referenced photos are kept, the others leave the clip. */
  only?: true;
  /** "remove the other photos", "去掉其他照片": like `only`, for the photo in focus when none is named. */
  others?: true;
  /** "remove the second photo", "删掉第二张": the referenced photos leave the clip. */
  remove?: true;
}

export interface InstructionRequest {
  intent: Intent;
  duration_s: number | null;
  per_photo_s: number | null;
  moves: Move[];
  speed: Speed | null;
  aspect: AspectRatio | null;
  platform: Platform | null;
  resolution: Resolution | null;
  fps: number | null;
  texts: TextItem[];
  music: Music | null;
  transitions: Transition[];
  loop: boolean | null;
  format: Format | null;
  photos: PhotoSelection | null;
  subject_motion: string | null;
  not_understood: string[];
  /** Optional, see Edits: only present when a follow-up states a relative change or a removal. */
  edits?: Edits;
  /** Only present when the sentence asks for cuts on the beat (or for none). */
  beat_sync?: BeatSync;
  /** Only present when the sentence names a background. */
  background?: Background;
  /** Optional (issue 14): motion inside the picture the words ask for, when they ask for any. */
  effects?: EffectRequest[];
  /** Optional: changes to effects already on the draft. */
  effect_edits?: EffectEdit[];
  /** Optional: "only the water moves, everything else still": a static camera. */
  cinemagraph?: true;
  /**
   * Optional: "bring this photo to life", "让照片活起来": the scene's own motion where the photo
   * surely has it (clouds in a sky, ripples on water), named by no particular effect.
   */
  ambient?: true;
  /** Optional: colour looks asked for ("black and white", "film grain", "调色"), verbatim: not made yet, said so. */
  looks?: string[];
  /** Optional: motion of people or animals that one photo cannot give (blinking, a dog running), verbatim. */
  impossible_motion?: string[];
  /** Optional, see PhotoRefs: only present when the sentence refers to photos in a way `photos` cannot say. */
  refs?: PhotoRefs;
}

export const emptyRequest = (): InstructionRequest => ({
  intent: 'unknown',
  duration_s: null,
  per_photo_s: null,
  moves: [],
  speed: null,
  aspect: null,
  platform: null,
  resolution: null,
  fps: null,
  texts: [],
  music: null,
  transitions: [],
  loop: null,
  format: null,
  photos: null,
  subject_motion: null,
  not_understood: [],
});
