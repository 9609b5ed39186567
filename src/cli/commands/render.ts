/** `stillmotion render draft.json -o out.mp4` and `stillmotion draft summary draft.json`. */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { StillmotionError } from '../../errors.js';
import { LocalMedia, planLocal, renderLocal } from '../../local/make.js';
import { checkOptions, fromCompact, outputOptions, summarize, type Draft } from '../../timeline/index.js';
import { parse } from '../args.js';
import { Reporter, type Io } from '../output.js';

/** A draft file and its media: ids map through a top-level `media` object, or are paths next to the draft. */
export const loadDraftFile = async (path: string, analyse = true): Promise<{ draft: Draft; media: LocalMedia }> => {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new StillmotionError('INPUT_NOT_FOUND', `cannot read ${path}: ${code}`);
    throw new StillmotionError('INVALID_DRAFT', `${path} is not JSON: ${(e as Error).message}`);
  }
  const draft = fromCompact(raw, { mediaPaths: true });
  const map = (raw as { media?: Record<string, string> }).media ?? {};
  const base = dirname(resolve(path));
  const ids = new Set([...draft.shots.map((s) => s.mediaId), ...draft.audio.flatMap((a) => (a.mediaId ? [a.mediaId] : []))]);
  const media = new LocalMedia(undefined, analyse);
  await media.addAll([...ids].map((id) => {
    const p = map[id] ?? id;
    return { path: isAbsolute(p) ? p : resolve(base, p), mediaId: id };
  }));
  return { draft, media };
};

export const renderCommand = async (argv: string[], io: Io, signal?: AbortSignal): Promise<number> => {
  const rep = new Reporter(io, argv.includes('--json'));
  try {
    const { values, positionals } = parse(argv, {
      output: { type: 'string', short: 'o' }, format: { type: 'string' }, quality: { type: 'string' }, size: { type: 'string' },
      loudnorm: { type: 'boolean' }, json: { type: 'boolean' }, 'dry-run': { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new StillmotionError('INVALID_OPTION', 'give one draft file', { hint: 'stillmotion render draft.json -o out.mp4' });
    const checked = checkOptions({ format: (values.format as string | undefined) ?? 'mp4', quality: (values.quality as string | undefined) ?? 'high', ...(values.size ? { size: values.size as string } : {}) });
    const out = outputOptions(checked);
    const file = resolve(io.cwd, positionals[0]!);
    const { draft, media } = await loadDraftFile(file);
    const { plan, notes } = await planLocal(draft, media, { ...out, loudnorm: !!values.loudnorm, ...(checked.size ? { size: checked.size } : {}) });
    for (const n of notes) rep.say(`note: ${n}`);
    if (values['dry-run']) {
      rep.event({ type: 'plan', plan });
      if (!rep.json) rep.say(JSON.stringify(plan, null, 2));
      return 0;
    }
    const output = resolve(io.cwd, (values.output as string | undefined) ?? file.replace(/\.json$/i, '') + `.${out.format}`);
    const r = await renderLocal(plan, media, { output, signal, onProgress: (p) => rep.progress(p, 'render') });
    rep.event({ type: 'result', ...r, notes });
    if (!rep.json) rep.say(`${r.output}  ${r.width}x${r.height} ${r.fps}fps ${r.frames} frames ${(r.duration_ms / 1000).toFixed(2)}s ${(r.size_bytes / 1e6).toFixed(1)} MB`);
    return 0;
  } catch (e) {
    return rep.error(e);
  }
};

export const draftCommand = async (argv: string[], io: Io): Promise<number> => {
  const rep = new Reporter(io, argv.includes('--json'));
  try {
    const { positionals, values } = parse(argv, { json: { type: 'boolean' } });
    const [sub, path] = positionals;
    if (sub !== 'summary' || !path) throw new StillmotionError('INVALID_OPTION', 'usage: stillmotion draft summary draft.json');
    const { draft, media } = await loadDraftFile(resolve(io.cwd, path), false);
    const ms: Record<string, number> = {};
    const names: Record<string, string> = {};
    for (const id of media.ids()) { const m = media.lookup(id)!; if (m.durationMs) ms[id] = m.durationMs; if (m.name) names[id] = m.name; }
    const line = summarize(draft, ms, names);
    if (values.json) io.stdout.write(`${JSON.stringify({ type: 'summary', summary: line })}\n`);
    else io.stdout.write(`${line}\n`);
    return 0;
  } catch (e) {
    return rep.error(e);
  }
};
