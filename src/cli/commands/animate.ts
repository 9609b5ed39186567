/** `stillmotion animate <photos…>`: one clip per photo. */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { animate, type AnimateResult } from '../../engine/animate.js';
import type { AnimateOptions } from '../../engine/settings.js';
import { resolveAnimateSettings } from '../../engine/settings.js';
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
    const opts: AnimateOptions = {};
    if (values.prompt !== undefined) {
      const { parseInstruction, requestToAnimateOptions } = await import('../../language/index.js');
      const req = parseInstruction(values.prompt);
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
