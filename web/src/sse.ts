/**
 * Server-Sent Events for a fetch() body (EventSource cannot POST), decoded by the same decoder the
 * terminal client uses (src/client/sse-decoder.ts).
 */
import { SseDecoder, type SseMessage } from '../../src/client/sse-decoder.js';

export type { SseMessage };

/** Read an event stream body to the end, yielding each message. */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const sse = new SseDecoder();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* sse.push(decoder.decode(value, { stream: true }));
    }
    yield* sse.push(decoder.decode());
    yield* sse.end();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}
