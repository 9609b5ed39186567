/**
 * `stillmotion animate <photos…>`: one clip per photo, or with `--slideshow` one video of them all.
 * Both are the one path a chat turn takes: the words (-p) applied to a draft of the photos, the
 * flags applied after them as edits, the draft resolved and planned, the plan rendered. `--dry-run`
 * prints the plan instead of rendering it.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { StillmotionError, toStillmotionError } from '../../errors.js';
import { describeChanges } from '../../agent/changes.js';
import { checkOptions, draftFromWords, guessPlan, LocalMedia, outputFor, parseWords, planLocal, renderLocal, requirePhoto } from '../../local/make.js';
import { edit, fromCompact, summarize, toCompact, TRANSITIONS, DEFAULTS, type ClipOptions, type Draft, type MediaInfo } from '../../timeline/index.js';
import { parse } from '../args.js';
import { depthOf, depthPicture, pickDepth, type DepthMode, type ShotMotion, type StillAnalysis } from '../../engine/index.js';
import { Reporter, type Io } from '../output.js';

export const ANIMATE_FLAGS = {
  output: { type: 'string', short: 'o' },
  duration: { type: 'string', short: 'd' },
  fps: { type: 'string' },
  size: { type: 'string' },
  aspect: { type: 'string' },
  fit: { type: 'string' },
  background: { type: 'string' },
  format: { type: 'string' },
  quality: { type: 'string' },
  move: { type: 'string', short: 'm' },
  depth: { type: 'string' },
  'save-depth': { type: 'string' },
  intensity: { type: 'string' },
  easing: { type: 'string' },
  prompt: { type: 'string', short: 'p' },
  preset: { type: 'string' },
  effect: { type: 'string', multiple: true },
  loop: { type: 'boolean' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  slideshow: { type: 'boolean' },
  music: { type: 'string' },
  transition: { type: 'string' },
  'save-draft': { type: 'string' },
} as const;

const OPTION_FLAGS = ['duration', 'fps', 'size', 'aspect', 'fit', 'background', 'format', 'quality', 'move', 'depth', 'intensity', 'easing', 'preset', 'effect', 'loop'] as const;

/** Where each photo's clip goes: -o file (one photo), -o dir/ (several), or next to the photo. */
export const outputPaths = (inputs: string[], out: string | undefined, ext: string, cwd: string): string[] => {
  const isDir = out !== undefined && (out.endsWith('/') || inputs.length > 1 || (() => { try { return statSync(resolve(cwd, out)).isDirectory(); } catch { return false; } })());
  const used = new Map<string, number>();
  return inputs.map((inp) => {
    if (out !== undefined && !isDir) return resolve(cwd, out);
    const dir = out !== undefined ? resolve(cwd, out) : dirname(resolve(cwd, inp));
    const stem = basename(inp, extname(inp));
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return join(dir, `${n === 1 ? stem : `${stem}-${n}`}.${ext}`);
  });
};

type Values = ReturnType<typeof parse>['values'];

/** `--save-depth`: a picture of the depth the shot used (or would use: a flat move shows the photo's depth). */
const saveDepth = async (
  path: string, n: number, motion: ShotMotion | null, a: StillAnalysis | undefined, mode: DepthMode | undefined,
): Promise<string> => {
  const map = motion?.kind === 'depth' ? motion.depth : pickDepth(a?.depth, mode ?? 'auto');
  if (!map) {
    throw new StillmotionError('INVALID_OPTION', mode === 'off' ? '--save-depth has no depth to save: --depth is off' : 'this photo has no depth to save', { hint: 'drop --depth off, or use --depth estimated' });
  }
  const file = n > 0 ? path.replace(/(\.png)?$/i, `-${n}.png`) : path;
  makeDir(file);
  writeFileSync(file, await depthPicture(map));
  return file;
};

const makeDir = (file: string) => {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw new StillmotionError('OUTPUT_NOT_WRITABLE', `cannot create ${dirname(file)}: ${(e as Error).message}`);
  }
};

const line = (r: { output: string; width: number; height: number; fps: number; frames: number; duration_ms: number; size_bytes: number }) =>
  `${r.output}  ${r.width}x${r.height} ${r.fps}fps ${r.frames} frames ${(r.duration_ms / 1000).toFixed(2)}s ${(r.size_bytes / 1e6).toFixed(1)} MB`;

export const animateCommand = async (argv: string[], io: Io, signal?: AbortSignal): Promise<number> => {
  const rep = new Reporter(io, argv.includes('--json'));
  const media = new LocalMedia();
  try {
    const { values, positionals } = parse(argv, ANIMATE_FLAGS);
    if (positionals.length === 0) throw new StillmotionError('INVALID_OPTION', 'no photo given', { hint: 'stillmotion animate photo.jpg -o clip.mp4' });
    const flags: ClipOptions = {};
    for (const k of OPTION_FLAGS) if (values[k] !== undefined) (flags as Record<string, unknown>)[k] = values[k];
    const options = checkOptions(flags); // every flag checked before any photo is touched
    const workers = values.workers !== undefined ? Math.max(1, Math.min(8, Math.round(Number(values.workers)) || 2)) : undefined;
    // A clip per photo: the first one's render threads start now, while the words are read and the photo analysed.
    const clips = !values.slideshow && !values['dry-run'];
    if (clips) media.startThreads(workers);
    const prompt = values.prompt as string | undefined;
    const request = await parseWords(prompt);
    if (request) rep.event({ type: 'instruction', prompt, request });
    const paths = positionals.map((p) => resolve(io.cwd, p));
    if (values.slideshow) return await slideshow(paths, values, request, options, media, io, rep, workers, signal);

    const output = outputFor(options, request);
    const outs = outputPaths(positionals, values.output as string | undefined, output.format, io.cwd);
    let exit = 0;
    for (const [i, path] of paths.entries()) {
      const input = positionals[i]!;
      try {
        if (clips) media.startThreads(workers); // the render before took its photo's threads
        // The working-size picture decodes while the photo is analysed (not for a plan only).
        const photo = requirePhoto(await (values['dry-run'] ? media.add(path) : media.addAhead(path, (sized) => guessPlan(sized, request, options, i))));
        const made = draftFromWords([photo], request, options);
        const { plan, notes, rendered } = await planLocal(made.draft, media, { ...output, variant: i });
        for (const n of [...(photo.analysis?.notes ?? []), ...made.notes, ...notes]) rep.say(`note: ${basename(input)}: ${n}`);
        if (request && i === 0 && !rep.json) {
          const changed = describeChanges(draftFromWords([photo], undefined, {}).draft, rendered, 'en');
          if (changed.length) rep.say(`instruction: ${changed.join('; ')}`);
        }
        if (values['dry-run']) {
          rep.event({ type: 'plan', input, plan });
          if (!rep.json) rep.say(JSON.stringify(plan, null, 2));
          continue;
        }
        const out = outs[i]!;
        makeDir(out);
        const label = paths.length > 1 ? `[${i + 1}/${paths.length}] ${basename(input)}` : basename(input);
        const r = await renderLocal(plan, media, { output: out, signal, workers, onProgress: (p) => rep.progress({ ...p, input }, label) });
        const shot = plan.shots[0]!;
        const motion = shot.kind === 'image' ? shot.motion : null;
        const a = photo.analysis;
        const depth = depthOf(plan)[shot.id] ?? null;
        const saved = values['save-depth'] !== undefined ? await saveDepth(resolve(io.cwd, String(values['save-depth'])), paths.length > 1 ? i + 1 : 0, motion, (await media.estimateDepth(path))?.analysis ?? a, options.depth) : null;
        rep.event({
          type: 'result', ...r, input, move: motion?.move, reason: motion?.reason,
          depth: depth ? { source: depth.depth, label: depth.label, fallback: depth.fallback } : null, ...(saved ? { depth_picture: saved } : {}),
          subject: a ? { ...a.subject, confidence: Math.round(a.confidence * 100) / 100 } : null, notes: [...(a?.notes ?? []), ...made.notes, ...notes, ...(depth?.fallback ? [depth.fallback] : [])],
        });
        if (!rep.json) rep.say(`${line(r)}  move ${motion?.move} (${depth?.depth ? depth.label : motion?.reason})`);
        if (saved && !rep.json) rep.say(`depth picture: ${saved}`);
      } catch (e) {
        const err = toStillmotionError(e);
        if (paths.length === 1 || err.kind === 'CANCELLED') throw err;
        exit = exit || rep.error(new StillmotionError(err.kind, `${input}: ${err.message}`, { hint: err.hint, details: { ...err.details } }));
      }
    }
    return exit;
  } catch (e) {
    return rep.error(e);
  } finally {
    await media.close();
  }
};

/** `--slideshow`: every photo in one video, through the same draft a chat session keeps. */
const slideshow = async (paths: string[], values: Values, request: Awaited<ReturnType<typeof parseWords>>, options: ReturnType<typeof checkOptions>, media: LocalMedia, io: Io, rep: Reporter, workers: number | undefined, signal?: AbortSignal): Promise<number> => {
  const str = (k: string) => values[k] as string | undefined;
  const files: MediaInfo[] = await media.addAll(paths.map((path) => ({ path })));
  if (str('music')) {
    const m = await media.add(resolve(io.cwd, str('music')!));
    if (m.kind !== 'audio') throw new StillmotionError('UNSUPPORTED_TYPE', `--music ${str('music')} is not an audio file`, { hint: 'use mp3, wav, m4a or aac', details: { accepted: ['mp3', 'wav', 'm4a', 'aac'] } });
    files.push(m);
  }
  const made = draftFromWords(files, request, options);
  let draft: Draft = made.draft;
  if (str('transition')) {
    const t = str('transition')!;
    if (!(TRANSITIONS as readonly string[]).includes(t)) throw new StillmotionError('INVALID_OPTION', `transition: expected one of ${TRANSITIONS.join(', ')}, got "${t}"`);
    draft = edit.setTransitions(draft, t === 'cut' ? null : { type: t as (typeof TRANSITIONS)[number], durationMs: DEFAULTS.transition.durationMs });
  }
  // Validate the draft as any other would be, then render it.
  draft = fromCompact(toCompact(draft), { mediaPaths: true });
  if (str('save-draft')) {
    writeFileSync(resolve(io.cwd, str('save-draft')!), JSON.stringify({ ...toCompact(draft), media: Object.fromEntries(media.ids().map((k) => [k, k])) }, null, 2));
  }
  const output = outputFor(options, made.request);
  const { plan, notes } = await planLocal(draft, media, output);
  for (const n of [...made.notes, ...notes]) rep.say(`note: ${n}`);
  const ms: Record<string, number> = {};
  const names: Record<string, string> = {};
  for (const id of media.ids()) { const m = media.lookup(id)!; if (m.durationMs) ms[id] = m.durationMs; names[id] = m.name ?? id; }
  const summary = summarize(draft, ms, names);
  if (values['dry-run']) {
    rep.event({ type: 'plan', summary, plan });
    if (!rep.json) rep.say(JSON.stringify(plan, null, 2));
    return 0;
  }
  rep.say(summary);
  const out = resolve(io.cwd, str('output') ?? join(dirname(paths[0]!), `slideshow.${output.format}`));
  makeDir(out);
  const r = await renderLocal(plan, media, { output: out, signal, workers, onProgress: (p) => rep.progress(p, 'slideshow') });
  rep.event({ type: 'result', ...r, summary, notes: [...made.notes, ...notes], moves: plan.shots.map((s) => (s.kind === 'image' ? s.motion.move : 'clip')) });
  if (!rep.json) rep.say(line(r));
  return 0;
};
