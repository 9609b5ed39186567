/** The parser: runs the extractors in order over one scan of the sentence. Pure; never throws. */
import { extractBackground } from './background.js';
import { extractBeatSync } from './beats.js';
import { extractCanvas } from './canvas.js';
import { extractDurations } from './durations.js';
import { consumeIntentWords, decideIntent } from './intent.js';
import { leftovers, subjectDescriptions } from './leftover.js';
import { extractMoves } from './moves.js';
import { extractMusic } from './music.js';
import { extractLooks, extractPace, extractRemovals, extractSpeed, extractTextEdits } from './pace.js';
import { extractPhotoRefs, extractPhotos, settleRefs } from './photos.js';
import { emptyRequest, type InstructionRequest } from './request.js';
import { Scan } from './scan.js';
import { extractSubjectMotion } from './subject.js';
import { extractBrush, extractEffects } from './effects.js';
import { extractTextPlacement, extractTexts, resolveTextTiming, type FoundText } from './texts.js';
import { extractTransitions, fadeTransition } from './transitions.js';

/** Longer input is read up to this many characters; the rest is reported as not understood. */
export const MAX_INPUT = 2000;

/**
 * The extractors without the safety net of `parseInstruction`: throws whatever they throw. Exported
 * for the property test, which must see an extractor's exception (the net would hide it).
 */
export const parseUnguarded = (text: string): InstructionRequest => {
  const req = emptyRequest();
  // The page's motion brush (a painted region, spelled out) is read first and taken out of the sentence.
  const head = extractBrush(text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text, req);
  const brush = req.effects?.length ? { effects: req.effects, photos: req.photos } : null;
  delete req.effects;
  const scan = new Scan(head);
  const notes: string[] = [];
  const found: FoundText[] = [];

  extractBeatSync(scan, req);
  extractBackground(scan, req);
  extractRemovals(scan, req);
  extractTextEdits(scan, req);
  extractLooks(scan, req);
  extractTexts(scan, req, found);
  extractPhotoRefs(scan, req);
  extractCanvas(scan, req);
  extractTransitions(scan, req);
  extractMusic(scan, req, (_s, _e, _d, dur) => fadeTransition(req, dur));
  extractTextPlacement(scan, found);
  extractDurations(scan, req, notes);
  extractPhotos(scan, req);
  extractPace(scan, req);
  extractMoves(scan, req);
  extractSpeed(scan, req);
  subjectDescriptions(scan);
  extractSubjectMotion(scan, req);
  resolveTextTiming(found, req.duration_s);
  req.texts = found.map((f) => f.item);
  settleRefs(req);

  const extracted =
    req.moves.length > 0 || req.texts.length > 0 || req.music !== null || req.transitions.length > 0 || req.duration_s !== null ||
    req.per_photo_s !== null || req.aspect !== null || req.platform !== null || req.resolution !== null || req.fps !== null ||
    req.loop !== null || req.format !== null || req.photos !== null || req.subject_motion !== null || req.speed !== null ||
    req.edits !== undefined || req.beat_sync !== undefined || req.background !== undefined || req.refs !== undefined || req.looks !== undefined;
  req.intent = decideIntent(scan.norm, req, extracted);
  consumeIntentWords(scan);
  req.not_understood = leftovers(scan, notes);
  // The words of a title or caption are what it says, not motion asked for ("add the title 'Snow Day'").
  let said = head;
  for (const t of req.texts) if (t.text) said = said.split(t.text).join(' ');
  extractEffects(said, req);
  if (brush) {
    req.effects = [...brush.effects, ...(req.effects ?? [])].slice(0, 6);
    if (brush.photos !== null) req.photos = brush.photos;
    if (req.intent === 'unknown' || req.intent === 'help') req.intent = 'edit';
  }
  if (text.length > MAX_INPUT && req.not_understood.length < 20) req.not_understood.push(`${text.slice(MAX_INPUT, MAX_INPUT + 200)}…`);
  if (req.edits !== undefined && Object.keys(req.edits).length === 0) delete req.edits;
  return req;
};

/** The request a sentence makes. Never throws: on an internal error, the sentence is not understood. */
export const parseInstruction = (text: string): InstructionRequest => {
  try {
    return parseUnguarded(typeof text === 'string' ? text : String(text ?? ''));
  } catch {
    const req = emptyRequest();
    const t = typeof text === 'string' ? text.trim() : '';
    if (t) req.not_understood = [t.length > 200 ? `${t.slice(0, 200)}…` : t];
    return req;
  }
};

let warmed = false;
/**
 * Compiles the regular expressions now, so that the first real sentence is as fast as the rest
 * (V8 compiles a pattern to machine code on its first use on a long subject: warm up with one too).
 * A few hundred milliseconds of CPU: the chat service calls it when it loads (src/agent/turn.ts);
 * a one-off command that parses no sentence does not pay it.
 */
export const warmParser = (): void => {
  if (warmed) return;
  warmed = true;
  const warm = [
    'Make a 15 s vertical video: slow zoom in, pan left, title "Hi" at the top, upbeat music at 30%, crossfade 0.5 s, photos 1-3, clouds drifting, export mp4',
    '每张3秒，竖屏，缓慢向左平移，标题“你好”放在顶部，前3秒，轻音乐音量百分之三十，淡入淡出，叠化转场，第二张，云朵飘动，导出',
  ];
  for (const s of warm) parseUnguarded(s);
  parseUnguarded(`${warm.join(' ')} `.repeat(8));
};
