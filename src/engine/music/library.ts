/**
 * The built-in music library as data: every track the project composes itself (synthesised in
 * synth.ts, no samples), its style, tempo, metre and length, and so its exact beat grid. Pure: the
 * planner knows a track's beats without its file; the file is made on first use (builtin.ts).
 */

export interface BuiltinTrack {
  /** Media id on a timeline: `builtin:<slug>`. */
  readonly id: string;
  readonly slug: string;
  /** What a reply calls it. */
  readonly name: string;
  readonly style: string;
  /** Words that choose it (already canonical: lower case, "lo-fi", "hip-hop"). */
  readonly words: readonly string[];
  readonly bpm: number;
  readonly beatsPerBar: number;
  /** The loop's length in bars: the file is exactly this long and loops without a seam. */
  readonly bars: number;
  readonly description: string;
  /** The name and style as a Chinese reply says them. */
  readonly nameZh: string;
  readonly styleZh: string;
}

const ZH: Record<string, [string, string]> = {
  'lofi-rainy-window': ['雨窗', '低保真'], 'pop-sunny-side': ['向阳', '欢快流行'], 'cinematic-rising-tide': ['涨潮', '电影史诗'],
  'ambient-still-water': ['静水', '氛围舒缓'], 'piano-quiet-letters': ['静默的信', '钢琴'], 'corporate-forward-motion': ['向前', '商务'],
  'acoustic-open-road': ['远方的路', '原声吉他'], 'electronic-neon-drive': ['霓虹', '电子'], 'hiphop-block-party': ['街区派对', '嘻哈'],
  'guofeng-moon-river': ['江月', '古风'],
};
const t = (slug: string, name: string, style: string, bpm: number, bars: number, words: string[], description: string): BuiltinTrack =>
  ({ id: `builtin:${slug}`, slug, name, style, words, bpm, beatsPerBar: 4, bars, description, nameZh: ZH[slug]![0], styleZh: ZH[slug]![1] });

/** A track by the English name a note gives it. */
export const builtinTrackNamed = (name: string): BuiltinTrack | undefined => BUILTIN_TRACKS.find((x) => x.name === name);

export const BUILTIN_TRACKS: readonly BuiltinTrack[] = Object.freeze([
  t('lofi-rainy-window', 'Rainy Window', 'lo-fi', 80, 8, ['lo-fi', 'chillhop', 'jazz-hop', 'study', 'chill', 'chilled', 'jazz', 'jazzy', 'cozy', 'cosy', 'mellow', 'nostalgic', 'vintage', 'retro', 'relaxed', 'sleepy', '轻音乐', 'lofi'],
    'swung boom-bap drums, electric-piano ninth chords (Dm9–G13–Cmaj9–Am9), round bass, tape wobble and vinyl crackle'),
  t('pop-sunny-side', 'Sunny Side', 'upbeat pop', 118, 16, ['upbeat', 'pop', 'happy', 'cheerful', 'fun', 'bright', 'summer', 'summery', 'bouncy', 'catchy', 'lively', 'playful', 'tropical', 'k-pop', 'kpop', 'dance', 'festive', 'energetic', 'trending', 'viral', 'popular', '热门', '爆款', '欢快', '轻快', '活泼', '可爱', '阳光', '流行', '热闹', '喜庆', '快节奏', '动感'],
    'four-on-the-floor kick and claps, off-beat synth chords (G–D–Em–C), bouncing octave bass, a whistle-like lead hook'),
  t('cinematic-rising-tide', 'Rising Tide', 'cinematic epic', 96, 16, ['cinematic', 'epic', 'dramatic', 'orchestral', 'powerful', 'heroic', 'triumphant', 'inspirational', 'inspiring', 'motivational', 'tense', 'dark', 'suspenseful', 'classical', 'strings', 'violin', 'cello', '史诗', '大气', '激昂', '震撼', '热血', '励志', '紧张', '古典'],
    'string ostinato in sixteenths, swelling string pads and brass (Am–F–C–G), taiko-like drums that build over sixteen bars'),
  t('ambient-still-water', 'Still Water', 'ambient calm', 66, 8, ['ambient', 'calm', 'relaxing', 'peaceful', 'soothing', 'meditative', 'zen', 'spa', 'serene', 'tranquil', 'atmospheric', 'airy', 'dreamy', 'soft', 'gentle', 'quiet', 'slow', 'minimal', 'sad', 'emotional', '舒缓', '安静', '安静的', '宁静', '空灵', '氛围', '氛围感', '梦幻', '放松', '治愈', '柔和', '轻柔', '慢节奏', '伤感', '悲伤'],
    'slow evolving pads (Cmaj9–Fmaj7(#11)), a soft bell arpeggio, a long reverb and no drums'),
  t('piano-quiet-letters', 'Quiet Letters', 'piano', 72, 8, ['piano', 'romantic', 'sentimental', 'heartwarming', 'elegant', 'warm', 'wedding', 'tender', '钢琴', '浪漫', '温馨', '温柔', '抒情', '优雅', '温暖'],
    'solo piano: broken-chord left hand (C–G/B–Am–F) under a simple singing melody, with sustain'),
  t('corporate-forward-motion', 'Forward Motion', 'corporate', 110, 16, ['corporate', 'modern', 'business', 'tech', 'uplifting', 'clean', 'professional', 'luxury', 'luxurious', 'trendy', 'presentation', '科技感', '高级感', '高级', '商务'],
    'muted-guitar eighths, piano stabs, claps and a steady kick (D–A–Bm–G), bright and optimistic'),
  t('acoustic-open-road', 'Open Road', 'acoustic', 100, 16, ['acoustic', 'guitar', 'folk', 'country', 'indie', 'ukulele', 'light', '吉他', '民谣', '文艺', '清新', '小清新'],
    'strummed steel-string guitar (G–D–Em–C) with a shaker, a soft kick and a warm bass'),
  t('electronic-neon-drive', 'Neon Drive', 'electronic', 124, 16, ['electronic', 'edm', 'house', 'techno', 'synth', 'synthwave', 'dance', 'club', 'fast', 'energizing', '电子', '电音', '节奏感强'],
    'four-on-the-floor kick, side-chained pads, a filtered saw arpeggio and open hats (Am–F–C–G)'),
  t('hiphop-block-party', 'Block Party', 'hip-hop', 90, 8, ['hip-hop', 'rap', 'trap', 'r&b', 'soul', 'funk', 'funky', 'groovy', 'urban', '说唱', '嘻哈'],
    'hard kick and snare, sixteenth hats with rolls, gliding 808 bass and a dark bell loop in C minor'),
  t('guofeng-moon-river', 'Moon over the River', 'Chinese traditional 古风', 76, 8, ['chinese', 'asian', 'guofeng', 'traditional', 'guzheng', 'oriental', 'ethnic', 'world', '古风', '国风', '中国风', '古典', '悠扬', '古筝'],
    'D major pentatonic guzheng plucks with glissandi and bends, a bowed erhu-like melody, frame drum and wood block'),
]);

export const builtinTrack = (id: string): BuiltinTrack | undefined => BUILTIN_TRACKS.find((x) => x.id === id || x.slug === id);

export const isBuiltinMedia = (id: string | null | undefined): boolean => typeof id === 'string' && id.startsWith('builtin:');

/** Seconds per beat. */
export const beatSeconds = (x: BuiltinTrack): number => 60 / x.bpm;
/** The loop's exact length, seconds. */
export const trackSeconds = (x: BuiltinTrack): number => x.bars * x.beatsPerBar * beatSeconds(x);

/**
 * The track that fits a style in words ("lo-fi", "calm piano", "古风", "upbeat lo-fi"): the one whose
 * words match most of the style's words (earlier words break ties); lo-fi when nothing matches.
 */
export const pickTrack = (style: string | null | undefined): BuiltinTrack => {
  const s = (style ?? '').toLowerCase();
  let best: BuiltinTrack = BUILTIN_TRACKS[0]!;
  let bestScore = 0;
  for (const x of BUILTIN_TRACKS) {
    let score = 0;
    for (const w of x.words) {
      const at = s.indexOf(w);
      if (at < 0) continue;
      const ascii = /^[a-z&-]+$/.test(w);
      if (ascii && (/[a-z]/.test(s[at - 1] ?? '') || /[a-z]/.test(s[at + w.length] ?? ''))) continue;
      score += 10 + w.length - at / 100;
    }
    if (score > bestScore) { best = x; bestScore = score; }
  }
  return best;
};

/** A beat grid: beat times (seconds, ascending) and which of them start a bar. */
export interface BeatGrid {
  readonly bpm: number;
  readonly beatsPerBar: number;
  /** Seconds. */
  readonly beats: readonly number[];
  /** Index into `beats` of the first downbeat (bars start every beatsPerBar beats from it). */
  readonly downbeat: number;
  /** The file's length, seconds (a looped track repeats its grid every this many seconds). */
  readonly lengthS: number;
}

export const builtinGrid = (x: BuiltinTrack): BeatGrid => {
  const n = x.bars * x.beatsPerBar;
  const b = beatSeconds(x);
  return { bpm: x.bpm, beatsPerBar: x.beatsPerBar, beats: Array.from({ length: n }, (_, i) => i * b), downbeat: 0, lengthS: n * b };
};

/**
 * Beat times from `fromS` on, as long as needed to `untilS`, repeating a looped grid (the track
 * restarts every lengthS; a grid that does not loop is extended at its tempo past its last beat).
 */
export const beatTimes = (g: BeatGrid, untilS: number, loop: boolean): number[] => {
  const out: number[] = [];
  if (g.beats.length === 0) return out;
  const period = 60 / g.bpm;
  if (loop && g.lengthS > 0) {
    for (let k = 0; ; k++) {
      for (const b of g.beats) {
        const t = k * g.lengthS + b;
        if (t > untilS) return out;
        if (k === 0 || b < g.lengthS) out.push(t);
      }
      if (k > 10000) return out;
    }
  }
  out.push(...g.beats.filter((b) => b <= untilS));
  let t = g.beats[g.beats.length - 1]! + period;
  while (t <= untilS) { out.push(t); t += period; }
  return out;
};
