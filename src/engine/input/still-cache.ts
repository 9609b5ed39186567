/**
 * Photos opened in one run, kept between analysis and rendering so a photo that is expensive to
 * open (a HEIC is decoded whole by libheif) is opened once. Bounded by the bytes it holds: past the
 * budget a photo is simply opened again when it is rendered. The render takes an entry out as it
 * uses it, so nothing stays after its shot.
 */
import type { DecodedRgb, OpenOptions, OpenedStill, StillLimits } from './load-still.js';
import type { Framing } from '../plan/render-plan.js';

// The decoders load when a photo is first opened, not when the engine's face is imported.
const openStill = async (path: string, limits: StillLimits, o?: OpenOptions): Promise<OpenedStill> => (await import('./load-still.js')).openStill(path, limits, o);

export class StillCache {
  readonly #entries = new Map<string, { still: Promise<OpenedStill>; bytes: number }>();
  readonly #maxBytes: number;
  #bytes = 0;
  /** Pictures decoded ahead (`prepareAhead`), by path: the opened photo they came from and their key, once guessed. */
  readonly #ahead = new Map<string, Promise<{ opened: OpenedStill; key: string; picture: Promise<DecodedRgb> } | null>>();

  constructor(maxBytes = 256 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /** The opened photo, kept for a later `take` while the budget allows. */
  async open(path: string, limits: StillLimits): Promise<OpenedStill> {
    const hit = this.#entries.get(path);
    if (hit) return hit.still;
    const still = openStill(path, limits);
    const entry = { still, bytes: 0 };
    this.#entries.set(path, entry);
    try {
      const s = await still;
      entry.bytes = s.input.data.length;
      this.#bytes += entry.bytes;
      if (this.#bytes > this.#maxBytes) this.#forget(path);
      return s;
    } catch (e) {
      this.#forget(path);
      throw e;
    }
  }

  /** The opened photo, out of the cache (opened now when it is not there, with `o`). */
  async take(path: string, limits: StillLimits, o?: OpenOptions): Promise<OpenedStill> {
    const hit = this.#entries.get(path);
    if (!hit) return openStill(path, limits, o);
    this.#forget(path);
    return hit.still;
  }

  /**
   * Starts decoding the picture a flat shot of this photo draws (`prepareStill` for the framing and
   * canvas `guess` gives from the opened photo, or none), while other work (its analysis) goes on.
   * One per photo; a render that plans the same framing takes it (`takeAhead`), any other ignores it.
   */
  prepareAhead(path: string, limits: StillLimits, guess: (opened: OpenedStill) => AheadShot | null): void {
    const entry = (async () => {
      const opened = await this.open(path, limits);
      const g = guess(opened);
      if (!g) return null;
      const { prepareStill } = await import('../prepare-still.js');
      const { parseColour } = await import('../settings.js');
      const picture = prepareStill(opened, g.framing, g.width, g.height, parseColour(g.background));
      picture.catch(() => undefined); // a failed guess is only a missed head start: the render decodes again
      return { opened, key: aheadKey(g), picture };
    })();
    entry.catch(() => undefined); // the same: the analysis reports what is wrong with the file
    this.#ahead.set(path, entry);
  }

  /** The picture decoded ahead for exactly this opened photo, framing and canvas, if any (taken out; a different one is dropped). */
  async takeAhead(path: string, opened: OpenedStill, shot: AheadShot): Promise<{ picture: Promise<DecodedRgb> } | null> {
    const entry = this.#ahead.get(path);
    if (!entry) return null;
    this.#ahead.delete(path);
    const a = await entry.catch(() => null);
    return a && a.opened === opened && a.key === aheadKey(shot) ? { picture: a.picture } : null;
  }

  #forget(path: string): void {
    const e = this.#entries.get(path);
    if (!e) return;
    this.#entries.delete(path);
    this.#bytes -= e.bytes;
  }
}

/** A flat shot's picture: its framing on a canvas of width x height over the background colour. */
export interface AheadShot {
  readonly framing: Framing;
  readonly width: number;
  readonly height: number;
  readonly background: string;
}

const aheadKey = (g: AheadShot): string => JSON.stringify([g.framing, g.width, g.height, g.background]);
