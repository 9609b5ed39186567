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

  /** The opened photo, kept for a later `take` while the budget allows (`o` counts only for the first opening). */
  open(path: string, limits: StillLimits, o?: OpenOptions): Promise<OpenedStill> {
    return this.#opened(path, () => openStill(path, limits, o));
  }

  /** The cached opening of `path`, or `start`'s, registered before anything is awaited. */
  async #opened(path: string, start: () => Promise<OpenedStill>): Promise<OpenedStill> {
    const hit = this.#entries.get(path);
    if (hit) return hit.still;
    const still = start();
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

  /**
   * The opened photo, out of the cache (opened now, with `o`, when it is not there or was opened
   * reduced below what `o` allows: a HEIC opened for a guessed shot that the plan did not keep).
   */
  async take(path: string, limits: StillLimits, o?: OpenOptions): Promise<OpenedStill> {
    const hit = this.#entries.get(path);
    if (!hit) return openStill(path, limits, o);
    this.#forget(path);
    const s = await hit.still;
    return bigEnough(s, o) ? s : openStill(path, limits, o);
  }

  /**
   * Starts decoding the picture a flat shot of this photo draws (`prepareStill` for the framing and
   * canvas `guess` gives from the opened photo, or none), while other work (its analysis) goes on.
   * One per photo; a render that plans the same framing takes it (`takeAhead`), any other ignores it.
   */
  prepareAhead(path: string, limits: StillLimits, guess: (size: { width: number; height: number }) => AheadShot | null): void {
    const entry = (async () => {
      // A HEIC states its size in its header: the shot is guessed before decoding, and the photo
      // decoded reduced to what that shot draws (as a render opens it), for the analysis too.
      let early: AheadShot | null | undefined;
      const opened = await this.#opened(path, async () => {
        const size = await heifSizeOf(path, limits);
        early = size ? guess(size) : undefined;
        const atMost = early ? (await import('../prepare-still.js')).stillDecodeSize(early.framing, early.width, early.height) : undefined;
        return openStill(path, limits, atMost ? { atMost } : undefined);
      });
      const g = early === undefined ? guess(opened.source) : early;
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

/** The upright size a HEIC states (null for any other file, or one that states none or is over the byte limit). */
const heifSizeOf = async (path: string, limits: StillLimits): Promise<{ width: number; height: number } | null> => {
  const { open } = await import('node:fs/promises');
  let f;
  try {
    f = await open(path, 'r');
    const head = Buffer.alloc(64);
    const { bytesRead } = await f.read(head, 0, 64, 0);
    const { sniff } = await import('./sniff.js');
    if (sniff(head.subarray(0, bytesRead))?.type !== 'heif') return null;
    const { size } = await f.stat();
    if (size > limits.maxImageBytes) return null;
    const data = Buffer.allocUnsafe(size);
    await f.read(data, 0, size, 0);
    return (await import('../heif/index.js')).heifSize(data);
  } catch {
    return null; // opening it says what is wrong
  } finally {
    await f?.close();
  }
};

/** Whether an opened photo has the pixels `o` asks for: whole, or reduced no further than `o.atMost` allows. */
const bigEnough = (s: OpenedStill, o?: OpenOptions): boolean => {
  if (s.input.kind !== 'raw' || (s.input.width >= s.source.width && s.input.height >= s.source.height)) return true;
  if (!o?.atMost) return false;
  const want = o.atMost(s.source.width, s.source.height);
  return s.input.width >= want.width && s.input.height >= want.height;
};

/** A flat shot's picture: its framing on a canvas of width x height over the background colour. */
export interface AheadShot {
  readonly framing: Framing;
  readonly width: number;
  readonly height: number;
  readonly background: string;
}

const aheadKey = (g: AheadShot): string => JSON.stringify([g.framing, g.width, g.height, g.background]);
