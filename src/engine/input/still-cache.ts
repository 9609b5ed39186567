/**
 * Photos opened in one run, kept between analysis and rendering so a photo that is expensive to
 * open (a HEIC is decoded whole by libheif) is opened once. Bounded by the bytes it holds: past the
 * budget a photo is simply opened again when it is rendered. The render takes an entry out as it
 * uses it, so nothing stays after its shot.
 */
import type { OpenOptions, OpenedStill, StillLimits } from './load-still.js';

// The decoders load when a photo is first opened, not when the engine's face is imported.
const openStill = async (path: string, limits: StillLimits, o?: OpenOptions): Promise<OpenedStill> => (await import('./load-still.js')).openStill(path, limits, o);

export class StillCache {
  readonly #entries = new Map<string, { still: Promise<OpenedStill>; bytes: number }>();
  readonly #maxBytes: number;
  #bytes = 0;

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

  #forget(path: string): void {
    const e = this.#entries.get(path);
    if (!e) return;
    this.#entries.delete(path);
    this.#bytes -= e.bytes;
  }
}
