/**
 * `animate()`: one photo in, one clip out, as a library call. It is a draft of one shot made the
 * way a chat turn makes it (the words, then the options as edits), resolved, planned and rendered:
 * exactly what `stillmotion animate` and the chat give for the same words.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Box, ProgressListener, RenderPlan, RenderedFile, ResolvedMoveName } from '../engine/index.js';
import { checkOptions, draftFromWords, guessPlan, LocalMedia, outputFor, parseWords, planLocal, renderLocal, requirePhoto, type ClipOptions } from './make.js';

export interface AnimateCall extends ClipOptions {
  /** Output file path. */
  output: string;
  /** An instruction in English or Chinese, applied before the options (options win). */
  prompt?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Varies the automatic move between photos of a batch. */
  variant?: number;
  /** Render threads (default 2). */
  workers?: number;
  maxImageBytes?: number;
  maxPixels?: number;
  ffmpegPath?: string;
}

export interface AnimateResult extends RenderedFile {
  readonly format: string;
  readonly move: ResolvedMoveName;
  /** Why the move was chosen. */
  readonly reason: string;
  /** Subject box in fractions of the photo, and how sure the estimate is (0..1). */
  readonly subject: Box & { readonly confidence: number };
  /** What the words asked for that could not be done as asked, and notes on the photo. */
  readonly notes: readonly string[];
  readonly plan: RenderPlan;
}

/** Plans one photo's clip without rendering it. */
export const planClip = async (path: string, call: Omit<AnimateCall, 'output'>, media = new LocalMedia(limitsOf(call))): Promise<{ plan: RenderPlan; notes: string[]; media: LocalMedia }> => {
  const options = checkOptions(call);
  const request = await parseWords(call.prompt);
  const photo = requirePhoto(await media.addAhead(path, (sized) => guessPlan(sized, request, options, call.variant ?? 0)));
  const made = draftFromWords([photo], request, options);
  const { plan, notes } = await planLocal(made.draft, media, { ...outputFor(options, made.request), variant: call.variant ?? 0 });
  return { plan, notes: [...made.notes, ...notes], media };
};

const limitsOf = (c: Pick<AnimateCall, 'maxImageBytes' | 'maxPixels'>) => ({ maxImageBytes: c.maxImageBytes ?? 50 * 1024 * 1024, maxPixels: c.maxPixels ?? 200_000_000 });

export const animate = async (input: string | Uint8Array, call: AnimateCall): Promise<AnimateResult> => {
  checkOptions(call); // a bad option is refused before any photo is touched
  let path: string;
  let dir: string | null = null;
  if (typeof input === 'string') path = input;
  else {
    dir = await mkdtemp(join(tmpdir(), 'stillmotion-'));
    path = join(dir, 'image');
    await writeFile(path, input);
  }
  // The render threads start while the photo is analysed.
  const media = new LocalMedia(limitsOf(call));
  media.startThreads(call.workers);
  try {
    const { plan, notes } = await planClip(path, call, media);
    const r = await renderLocal(plan, media, { output: call.output, signal: call.signal, onProgress: call.onProgress, workers: call.workers, ffmpegPath: call.ffmpegPath });
    const shot = plan.shots[0]!;
    if (shot.kind !== 'image') throw new Error('a photo shot was planned as a clip');
    const a = media.lookup(path)?.analysis;
    return Object.freeze({
      ...r,
      move: shot.motion.move,
      reason: shot.motion.reason,
      subject: { ...(a?.subject ?? shot.motion.subject), confidence: Math.round((a?.confidence ?? 0) * 100) / 100 },
      notes: [...(a?.notes ?? []), ...notes],
      plan,
    });
  } finally {
    await media.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
};
