/**
 * Server-Sent Events over a fetch body. `SseDecoder` (sse-decoder.ts, shared with the page) is the
 * pure part; `readSse` feeds it from a byte stream and watches the connection: any bytes (an event,
 * a heartbeat, a comment) count as life, and a stream silent for longer than `idleMs` is reported as
 * lost rather than waited on forever.
 */
import { SseDecoder, type SseMessage } from './sse-decoder.js';

export { SseDecoder, type SseMessage };


/** The stream stopped without closing: no bytes, not even a heartbeat, for `idleMs`. */
export class SseIdleError extends Error {
  readonly idleMs: number;
  constructor(idleMs: number) {
    super(`no data on the event stream for ${Math.round(idleMs / 1000)} s`);
    this.name = 'SseIdleError';
    this.idleMs = idleMs;
  }
}

export interface ReadSseOptions {
  /** Longest silence (no bytes at all) before the stream counts as lost. Default 45 s (heartbeats come every 10–15 s). */
  readonly idleMs?: number;
  readonly signal?: AbortSignal;
}

/** Messages from an SSE body until it closes. Throws `SseIdleError` on a silent stream, or the network error on a broken one. */
export async function* readSse(body: ReadableStream<Uint8Array>, opts: ReadSseOptions = {}): AsyncGenerator<SseMessage, void, undefined> {
  const idleMs = opts.idleMs ?? 45_000;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const sse = new SseDecoder();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => { void reader.cancel().catch(() => {}); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SseIdleError(idleMs)), idleMs);
      });
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (r.done) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
        for (const m of sse.push(decoder.decode())) yield m;
        sse.end();
        return;
      }
      for (const m of sse.push(decoder.decode(r.value, { stream: true }))) yield m;
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    void reader.cancel().catch(() => {});
  }
}
