/** Progress as a value: stage, counts, a 0–1 fraction weighted across stages, and an ETA. */

export type Stage = 'decode' | 'analyse' | 'render' | 'finish';
export interface Progress {
  readonly type: 'progress';
  readonly input: string;
  readonly stage: Stage;
  readonly done: number;
  readonly total: number;
  /** 0..1 across all stages of this job. */
  readonly fraction: number;
  /** Seconds left, from a rolling window; null until it can be estimated. */
  readonly eta_s: number | null;
}
export type ProgressListener = (p: Progress) => void;

const WEIGHTS: Record<Stage, [number, number]> = { decode: [0, 0.06], analyse: [0.06, 0.08], render: [0.08, 0.99], finish: [0.99, 1] };

/** Emits throttled progress (at most every `minMs`, always the first and last of a stage). */
export class ProgressMeter {
  readonly #input: string;
  readonly #listener: ProgressListener | undefined;
  readonly #minMs: number;
  readonly #window: Array<[number, number]> = [];
  #last = 0;

  constructor(input: string, listener: ProgressListener | undefined, minMs = 100) {
    this.#input = input;
    this.#listener = listener;
    this.#minMs = minMs;
  }

  report(stage: Stage, done: number, total: number): void {
    if (!this.#listener) return;
    const now = performance.now();
    const edge = done === 0 || done >= total;
    if (!edge && now - this.#last < this.#minMs) return;
    this.#last = now;
    const [a, b] = WEIGHTS[stage];
    const fraction = Math.min(1, a + (b - a) * (total > 0 ? done / total : 1));
    this.#window.push([now, fraction]);
    while (this.#window.length > 2 && now - this.#window[0]![0] > 3000) this.#window.shift();
    const [t0, f0] = this.#window[0]!;
    const rate = (fraction - f0) / Math.max(1, now - t0);
    const eta = rate > 0 && now - t0 > 250 ? Math.max(0, (1 - fraction) / rate / 1000) : null;
    this.#listener({ type: 'progress', input: this.#input, stage, done, total, fraction, eta_s: eta === null ? null : Math.round(eta * 10) / 10 });
  }
}

/** What every render reports about the file it made (a clip, a slideshow, a draft). */
export interface RenderedFile {
  readonly output: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  readonly duration_ms: number;
  readonly size_bytes: number;
}
