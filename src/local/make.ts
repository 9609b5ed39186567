/**
 * The one path, for files on this machine (the CLI's `animate`, `--slideshow` and `render`, the
 * library's `animate`, the benchmarks): describe and analyse each file once per run, build the draft
 * the way a chat turn does (the sentence as a request applied to an empty draft with the photos,
 * then the flags as edits), resolve it, plan it, render the plan. Media ids are the files' paths.
 */
import { basename } from 'node:path';
import { StillmotionError } from '../errors.js';
import {
  DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_PIXELS, StillCache, describeMediaFile, estimateStillDepth, isDepthMove, renderPlan, startRenderThreads,
  type ProgressListener, type RenderPlan, type RenderPlanResult, type RenderPool, type StillLimits,
} from '../engine/index.js';
import { emptyRequest, type InstructionRequest } from '../language/request.js';
import {
  applyOptions, applyRequest, checkOptions, emptyDraft, fromCompact, keepResolvedEffects, outputOptions, planDraft, resolveDraft, toCompact,
  type CheckedOptions, type ClipOptions, type Draft, type MediaInfo, type MediaRef, type ResolvedDraft, type ResolveOptions,
} from '../timeline/index.js';

/**
 * Files described once per run; photos analysed once and kept opened for their render. The depth
 * estimate is left out of the analysis and made only for a shot whose plan can use it (`planLocal`
 * asks `estimateDepthFor`): most clips take a flat move, and the estimate cost ~0.15 CPU-s of the
 * serial part before the first frame.
 */
export class LocalMedia {
  readonly #media = new Map<string, MediaInfo>();
  readonly #paths = new Map<string, string>();
  /** Media ids in the order they were asked for (addAll finishes them in any order). */
  readonly #asked: string[] = [];
  readonly stills = new StillCache();
  /** Render threads started for the next `renderLocal` (`startThreads`), not yet taken. */
  #threads: Promise<RenderPool> | null = null;
  /** `analyse: false` reads only sizes and lengths (enough for a summary, not for a plan). */
  constructor(readonly limits: StillLimits = { maxImageBytes: DEFAULT_MAX_IMAGE_BYTES, maxPixels: DEFAULT_MAX_PIXELS }, private readonly analyse = true) {}

  /** Describes (and for a photo analyses) the file once; its media id is its path unless named. */
  async add(path: string, mediaId = path): Promise<MediaInfo> {
    const known = this.#media.get(mediaId);
    if (known) return known;
    if (!this.#asked.includes(mediaId)) this.#asked.push(mediaId);
    const facts = await describeMediaFile(path, { limits: this.limits, analyse: this.analyse, cache: this.stills, depthEstimate: false });
    const info: MediaInfo = { mediaId, ...facts };
    this.#media.set(mediaId, info);
    this.#paths.set(mediaId, path);
    return info;
  }

  /**
   * Describes (and analyses) several files, two at a time: one's decode runs in libvips' (or
   * ffmpeg's) threads while the other's analysis runs here. In the order given; the first failure
   * in that order is the one thrown.
   */
  async addAll(items: ReadonlyArray<{ path: string; mediaId?: string }>): Promise<MediaInfo[]> {
    const out = new Array<PromiseSettledResult<MediaInfo>>(items.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < items.length) {
        const i = next++;
        const it = items[i]!;
        out[i] = await this.add(it.path, it.mediaId).then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason }));
      }
    };
    await Promise.all([lane(), lane()]);
    return out.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
  }

  /**
   * `add`, while the picture a flat shot of the photo would draw is decoded alongside (libvips'
   * threads): `guess` plans the shot from the photo's size alone (its framing needs nothing else).
   * The render uses that picture only when its plan has the same framing and canvas; a wrong guess
   * costs a decode, never a different frame.
   */
  async addAhead(path: string, guess: (sized: MediaInfo) => RenderPlan): Promise<MediaInfo> {
    if (this.analyse && !this.#media.has(path)) {
      this.stills.prepareAhead(path, this.limits, (size) => {
        const plan = guess({ mediaId: path, kind: 'image', name: basename(path), width: size.width, height: size.height });
        const shot = plan.shots[0];
        if (plan.shots.length !== 1 || shot?.kind !== 'image' || shot.motion.kind !== 'camera' || shot.effects?.length || plan.transparent) return null;
        return { framing: shot.framing, width: plan.width, height: plan.height, background: plan.background };
      });
    }
    return this.add(path);
  }

  /**
   * Completes the analysis of a photo with its depth estimate (the map a full analysis stores),
   * once; a photo analysed without depth (or already complete) is left as it is.
   */
  async estimateDepth(mediaId: string): Promise<MediaInfo | undefined> {
    const m = this.#media.get(mediaId);
    const a = m?.analysis;
    if (!m || !a?.depth || a.depth.estimated) return m;
    const estimated = await estimateStillDepth(this.locate(mediaId), this.limits, this.stills);
    const done: MediaInfo = { ...m, analysis: { ...a, depth: { ...a.depth, estimated } } };
    this.#media.set(mediaId, done);
    return done;
  }

  /** Estimates depth for each photo shot that can use the estimate: a depth move whose mode allows it and that has no map of its own to prefer. */
  async estimateDepthFor(r: ResolvedDraft): Promise<void> {
    const ids = new Set<string>();
    for (const s of r.shots) {
      if (s.kind !== 'image' || !isDepthMove(s.move) || s.depth === 'off' || s.depth === 'embedded') continue;
      const d = this.#media.get(s.media)?.analysis?.depth;
      if (d && !d.estimated && (s.depth === 'estimated' || !d.embedded)) ids.add(s.media);
    }
    await Promise.all([...ids].map((id) => this.estimateDepth(id)));
  }

  /**
   * Starts the render threads of the next `renderLocal` now (unless some are waiting already): a
   * thread's start (tens of milliseconds of CPU) then runs on the other core while the photo is
   * decoded and analysed here, not between the plan and the first frame. `close` ends them if no
   * render takes them.
   */
  startThreads(threads = 2): void {
    if (this.#threads) return;
    this.#threads = startRenderThreads(threads);
    this.#threads.catch(() => undefined); // a render that finds none starts its own (and reports what is wrong)
  }

  /** The threads started ahead, handed over to a render of `threads` threads (others are ended). */
  async takeThreads(threads = 2): Promise<RenderPool | null> {
    const pool = await this.#takeStarted();
    if (pool?.size === threads && !pool.failed) return pool;
    await pool?.close();
    return null;
  }

  /** Ends the threads started ahead that no render took. */
  async close(): Promise<void> {
    await (await this.#takeStarted())?.close();
  }

  async #takeStarted(): Promise<RenderPool | null> {
    const started = this.#threads;
    this.#threads = null;
    return (await started?.catch(() => null)) ?? null;
  }

  readonly lookup = (id: string): MediaInfo | undefined => this.#media.get(id);
  readonly locate = (id: string): string => this.#paths.get(id) ?? id;
  ids(): string[] {
    return this.#asked.filter((id) => this.#media.has(id));
  }
}

export interface DraftFromWords {
  readonly draft: Draft;
  readonly request: InstructionRequest | null;
  /** What could not be done as asked. */
  readonly notes: readonly string[];
}

/**
 * The request the words make (null without words). The parser is loaded here, only when there are
 * words: its modules take about 20 ms of CPU to load (two fifths of the code the CLI's `animate`
 * loads), and most clips are made without words.
 */
export const parseWords = async (prompt: string | undefined): Promise<InstructionRequest | null> =>
  prompt === undefined ? null : (await import('../language/index.js')).parseInstruction(prompt);

/**
 * A draft made from the media and the words' request (`parseWords`) as a chat turn makes it
 * (applyRequest on an empty draft with the files), then the options applied as edits (they win
 * over the words), then checked as any draft is (the compact form's schema).
 */
export const draftFromWords = (media: readonly MediaInfo[], request: InstructionRequest | null | undefined, options: CheckedOptions): DraftFromWords => {
  const refs: MediaRef[] = media.map((m) => ({ mediaId: m.mediaId, kind: m.kind, name: m.name ?? basename(m.mediaId) }));
  // No words: the empty request (what parsing '' gives, without loading the parser).
  const applied = applyRequest(emptyDraft(), request ?? emptyRequest(), refs);
  const notes = [...applied.notes];
  if (request?.not_understood.length) notes.push(`not understood: ${request.not_understood.map((x) => `"${x}"`).join(', ')}`);
  const draft = fromCompact(toCompact(applyOptions(applied.draft, options)), { mediaPaths: true });
  return { draft, request: request ?? null, notes };
};

/** The plan of one photo's clip from its size alone (no analysis): what `addAhead` guesses the framing from. */
export const guessPlan = (sized: MediaInfo, request: InstructionRequest | null | undefined, options: CheckedOptions, variant = 0): RenderPlan => {
  const made = draftFromWords([sized], request, options);
  const lookup = (id: string) => (id === sized.mediaId ? sized : undefined);
  return planDraft(resolveDraft(made.draft, lookup, outputFor(options, made.request)), lookup, { variant });
};

/** The plan of a draft whose media are in `media`; output settings from the options, then the words (a format the sentence names), then the table. */
export const planLocal = async (draft: Draft, media: LocalMedia, o: ResolveOptions & { variant?: number } = {}): Promise<{ plan: RenderPlan; notes: readonly string[]; rendered: Draft }> => {
  const resolved = resolveDraft(draft, media.lookup, o);
  await media.estimateDepthFor(resolved);
  // `rendered`: the draft without the effects its photos cannot show (what the plan makes).
  return { plan: planDraft(resolved, media.lookup, { variant: o.variant ?? 0 }), notes: resolved.notes, rendered: keepResolvedEffects(draft, resolved) };
};

export interface RenderLocalCall {
  readonly output: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  readonly workers?: number;
  readonly ffmpegPath?: string;
}

/** Renders a plan of files in `media`, on the threads it started ahead if any. */
export const renderLocal = async (plan: RenderPlan, media: LocalMedia, call: RenderLocalCall): Promise<RenderPlanResult> => {
  const pool = await media.takeThreads(call.workers);
  return renderPlan(plan, { ...call, locate: media.locate, limits: media.limits, stills: media.stills, ...(pool ? { pool } : {}) });
};

/** The output settings for a run: the options', else a format the words name, else the table's. */
export const outputFor = (options: CheckedOptions, request: InstructionRequest | null) =>
  outputOptions({ ...(request?.format ? { format: request.format } : {}), ...options });

export type { ClipOptions, CheckedOptions };
export { checkOptions };

/** A photo, checked to be one. */
export const requirePhoto = (m: MediaInfo): MediaInfo => {
  if (m.kind !== 'image') {
    throw new StillmotionError('UNSUPPORTED_TYPE', `${m.name ?? m.mediaId} is a ${m.kind} file, not a photo`, { hint: 'give photos to animate; put clips and music in a slideshow (--slideshow, --music)', details: { kind: m.kind } });
  }
  return m;
};
