/** `stillmotion animate <photos…>`: one clip per photo. */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { animate, type AnimateResult } from '../../engine/animate.js';
import type { AnimateOptions } from '../../engine/settings.js';
import { parseColour, parseSize, resolveAnimateSettings } from '../../engine/settings.js';
import { StillmotionError, toStillmotionError } from '../../errors.js';
import { parse } from '../args.js';
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
  intensity: { type: 'string' },
  easing: { type: 'string' },
  prompt: { type: 'string', short: 'p' },
  preset: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
  slideshow: { type: 'boolean' },
  music: { type: 'string' },
  transition: { type: 'string' },
  'save-draft': { type: 'string' },
} as const;

const FLAG_OPTIONS = ['duration', 'fps', 'size', 'aspect', 'fit', 'background', 'format', 'quality', 'move', 'intensity', 'easing', 'preset'] as const;

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

export const animateCommand = async (argv: string[], io: Io, signal?: AbortSignal): Promise<number> => {
  const rep = new Reporter(io, argv.includes('--json'));
  try {
    const { values, positionals } = parse(argv, ANIMATE_FLAGS);
    if (positionals.length === 0) throw new StillmotionError('INVALID_OPTION', 'no photo given', { hint: 'stillmotion animate photo.jpg -o clip.mp4' });
    if (values.slideshow) return await slideshow(positionals, values, io, rep, signal);
    const opts: AnimateOptions = {};
    if (values.prompt !== undefined) {
      const { parseInstruction, requestToAnimateOptions } = await import('../../language/index.js');
      const req = parseInstruction(values.prompt as string);
      const fromPrompt = requestToAnimateOptions(req);
      const { ignored, ...rest } = fromPrompt;
      Object.assign(opts, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null)));
      rep.event({ type: 'instruction', prompt: values.prompt, request: req, used: rest, ignored });
      if (!rep.json) {
        const used = Object.entries(rest).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k} ${v}`);
        if (used.length) rep.say(`instruction: ${used.join(', ')}`);
        if (ignored.length) rep.say(`instruction: ignored ${ignored.map((x: string) => `"${x}"`).join(', ')} (not something a single-photo clip can do yet)`);
      }
    }
    for (const k of FLAG_OPTIONS) if (values[k] !== undefined) (opts as Record<string, unknown>)[k] = values[k];
    const out = values.output as string | undefined;
    if (values.workers !== undefined) opts.workers = Number(values.workers);
    const settings = resolveAnimateSettings(opts); // validate once, before any photo is touched
    const outs = outputPaths(positionals, out, settings.format, io.cwd);
    let exit = 0;
    for (const [i, input] of positionals.entries()) {
      const output = outs[i]!;
      try {
        mkdirSync(dirname(output), { recursive: true });
      } catch (e) {
        throw new StillmotionError('OUTPUT_NOT_WRITABLE', `cannot create ${dirname(output)}: ${(e as Error).message}`);
      }
      const label = positionals.length > 1 ? `[${i + 1}/${positionals.length}] ${basename(input)}` : basename(input);
      try {
        const r: AnimateResult = await animate(resolve(io.cwd, input), {
          ...opts, output, signal, variant: i, onProgress: (p) => rep.progress({ ...p, input }, label),
        });
        const { plan: _plan, source, notes, ...rest } = r;
        rep.event({ type: 'result', ...rest, input, notes });
        for (const n of notes) rep.say(`note: ${basename(input)}: ${n}`);
        if (!rep.json) {
          rep.say(`${output}  ${r.width}x${r.height} ${r.fps}fps ${r.frames} frames ${(r.duration_ms / 1000).toFixed(2)}s ${(r.size_bytes / 1e6).toFixed(1)} MB  move ${r.move} (${r.reason})`);
        }
        void source;
      } catch (e) {
        const err = toStillmotionError(e);
        if (positionals.length === 1 || err.kind === 'CANCELLED') throw err;
        exit = exit || rep.error(new StillmotionError(err.kind, `${input}: ${err.message}`, { hint: err.hint, details: { ...err.details } }));
      }
    }
    return exit;
  } catch (e) {
    return rep.error(e);
  }
};

type Values = ReturnType<typeof parse>['values'];

/** `--slideshow`: every photo in one video, through a draft (the same path the service uses). */
const slideshow = async (inputs: string[], values: Values, io: Io, rep: Reporter, signal?: AbortSignal): Promise<number> => {
  const T = await import('../../timeline/index.js');
  const str = (k: string) => values[k] as string | undefined;
  const paths = inputs.map((p) => resolve(io.cwd, p));
  const media = new Map<string, import('../../timeline/index.js').MediaInfo>();
  for (const p of paths) media.set(p, await T.describeLocalMedia(p, p));
  let draft = T.edit.addShots(T.emptyDraft(), paths.map((p) => ({ mediaId: p, kind: media.get(p)!.kind === 'video' ? 'video' as const : 'image' as const, label: basename(p) })));
  const refs: Array<{ mediaId: string; kind: 'image' | 'video' | 'audio'; name?: string }> = [];
  if (str('music')) {
    const m = resolve(io.cwd, str('music')!);
    const info = await T.describeLocalMedia(m, m);
    if (info.kind !== 'audio') throw new StillmotionError('UNSUPPORTED_TYPE', `--music ${str('music')} is not an audio file`, { hint: 'use mp3, wav, m4a or aac', details: { accepted: ['mp3', 'wav', 'm4a', 'aac'] } });
    media.set(m, info);
    refs.push({ mediaId: m, kind: 'audio', name: basename(m) });
  }
  const notes: string[] = [];
  if (str('prompt') !== undefined) {
    const { parseInstruction } = await import('../../language/index.js');
    const req = parseInstruction(str('prompt')!);
    rep.event({ type: 'instruction', prompt: str('prompt'), request: req });
    const a = T.applyRequest(draft, req, refs);
    draft = a.draft;
    notes.push(...a.notes);
    if (req.not_understood.length) notes.push(`not understood: ${req.not_understood.map((x: string) => `"${x}"`).join(', ')}`);
  } else if (refs.length) {
    draft = T.edit.setMusic(draft, { mediaId: refs[0]!.mediaId, label: refs[0]!.name ?? null, fadeInMs: 500, fadeOutMs: 1000 });
  }
  // Flags win over the instruction.
  if (str('duration')) draft = T.edit.setShots(T.edit.setTargetDuration(draft, Math.round(Number(str('duration')) * 1000)), 'all', { durationMs: null });
  // Canvas flags in the draft's own spelling ("landscape" → 16:9, "2160p" → 4k, "fff" → #ffffff).
  if (str('aspect')) draft = T.edit.setCanvas(draft, { aspect: resolveAnimateSettings({ aspect: str('aspect') }).aspect });
  if (str('size')) {
    const s = parseSize(str('size')!);
    draft = T.edit.setCanvas(draft, { size: s.kind === 'preset' ? s.name : `${s.width}x${s.height}` });
  }
  if (str('fps')) draft = T.edit.setCanvas(draft, { fps: resolveAnimateSettings({ fps: str('fps') }).fps });
  if (str('background')) draft = T.edit.setCanvas(draft, { background: `#${parseColour(str('background')!).map((c) => c.toString(16).padStart(2, '0')).join('')}` });
  const patch: Record<string, unknown> = {};
  if (str('move')) patch.move = resolveAnimateSettings({ move: str('move') }).move;
  if (str('intensity')) patch.intensity = resolveAnimateSettings({ intensity: str('intensity') }).intensity;
  if (str('easing')) patch.easing = resolveAnimateSettings({ easing: str('easing') }).easing;
  if (str('fit')) patch.fit = resolveAnimateSettings({ fit: str('fit') }).fit;
  if (Object.keys(patch).length) draft = T.edit.setShots(draft, 'all', patch);
  if (str('transition')) {
    const t = str('transition')!;
    if (!(T.TRANSITIONS as readonly string[]).includes(t)) throw new StillmotionError('INVALID_OPTION', `transition: expected one of ${T.TRANSITIONS.join(', ')}, got "${t}"`);
    draft = T.edit.setTransitions(draft, t === 'cut' ? null : { type: t as never, durationMs: 600 });
  }
  // Validate the draft as any other would be, then render it.
  draft = T.fromCompact(T.toCompact(draft), { mediaPaths: true });
  if (str('save-draft')) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(resolve(io.cwd, str('save-draft')!), JSON.stringify({ ...T.toCompact(draft), media: Object.fromEntries([...media.keys()].map((k) => [k, k])) }, null, 2));
  }
  const format = resolveAnimateSettings({ format: str('format') ?? 'mp4', quality: str('quality') ?? 'high' });
  const output = resolve(io.cwd, str('output') ?? join(dirname(paths[0]!), `slideshow.${format.format}`));
  mkdirSync(dirname(output), { recursive: true });
  for (const n of notes) rep.say(`note: ${n}`);
  const ms: Record<string, number> = {};
  for (const [id, m] of media) if (m.durationMs) ms[id] = m.durationMs;
  const line = T.summarize(draft, ms, Object.fromEntries([...media].map(([k, m]) => [k, m.name ?? k])));
  rep.say(line);
  const r = await T.renderDraft(draft, (id) => media.get(id), {
    output, format: format.format, quality: format.quality, signal, onProgress: (p) => rep.progress(p, 'slideshow'),
  });
  for (const n of r.notes) rep.say(`note: ${n}`);
  rep.event({ type: 'result', ...r, summary: line });
  if (!rep.json) rep.say(`${r.output}  ${r.width}x${r.height} ${r.fps}fps ${r.frames} frames ${(r.duration_ms / 1000).toFixed(2)}s ${(r.size_bytes / 1e6).toFixed(1)} MB`);
  return 0;
};
