/**
 * Server-Sent Events parsing for a fetch() body (EventSource cannot POST). Follows the
 * WHATWG event-stream rules: lines end in CRLF, LF or CR; `data:` lines join with "\n";
 * a blank line dispatches; lines starting with ":" are comments.
 */

export interface SseMessage { event: string; data: string; id: string }

export class SseParser {
  #buf = '';
  #data: string[] = [];
  #event = '';
  #id = '';

  /** Feed decoded text; returns the messages completed by it. */
  push(text: string): SseMessage[] {
    this.#buf += text;
    const out: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.#buf.length; i++) {
      const c = this.#buf[i];
      if (c !== '\n' && c !== '\r') continue;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (c === '\r' && i === this.#buf.length - 1) break;
      this.#line(this.#buf.slice(start, i), out);
      if (c === '\r' && this.#buf[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.#buf = this.#buf.slice(start);
    return out;
  }

  /** The stream ended: a last event without its blank line is still delivered. */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    if (this.#buf) this.#line(this.#buf.replace(/\r$/, ''), out);
    this.#buf = '';
    this.#line('', out);
    return out;
  }

  #line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.#data.length) out.push({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id });
      else if (this.#event) out.push({ event: this.#event, data: '', id: this.#id });
      this.#data = [];
      this.#event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }
}

/** Read an event stream body to the end, yielding each message. */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}
