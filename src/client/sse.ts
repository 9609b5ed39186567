/**
 * Server-Sent Events over a fetch body. `SseDecoder` is the pure part (text in, messages out, as the
 * HTML spec parses them); `readSse` feeds it from a byte stream and watches the connection: any
 * bytes (an event, a heartbeat, a comment) count as life, and a stream silent for longer than
 * `idleMs` is reported as lost rather than waited on forever.
 */

export interface SseMessage {
  /** `message` unless the server named it (`heartbeat` for the server's keep-alive). */
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

export class SseDecoder {
  #buf = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  #sawData = false;

  /** Feed decoded text; returns the messages completed by it. */
  push(text: string): SseMessage[] {
    this.#buf += text;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.#buf);
      if (!m) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.#buf.length - 1) break;
      const line = this.#buf.slice(0, m.index);
      this.#buf = this.#buf.slice(m.index + m[0].length);
      const msg = this.#line(line);
      if (msg) out.push(msg);
    }
    return out;
  }

  /** End of stream: an event without its blank line is dropped, as the spec says. */
  end(): SseMessage[] {
    this.#buf = '';
    this.#reset();
    return [];
  }

  #reset(): void {
    this.#event = '';
    this.#data = [];
    this.#sawData = false;
  }

  #line(line: string): SseMessage | null {
    if (line === '') {
      const named = this.#event !== '';
      if (!this.#sawData && !named) return null;
      const msg: SseMessage = { event: this.#event || 'message', data: this.#data.join('\n'), ...(this.#id !== undefined ? { id: this.#id } : {}) };
      this.#reset();
      return msg;
    }
    if (line.startsWith(':')) return null; // a comment: keeps the connection alive, nothing to dispatch
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event': this.#event = value; break;
      case 'data': this.#data.push(value); this.#sawData = true; break;
      case 'id': if (!value.includes('\0')) this.#id = value; break;
      default: break; // retry and unknown fields: nothing for us
    }
    return null;
  }
}

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
