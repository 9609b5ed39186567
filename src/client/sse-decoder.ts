/**
 * The event-stream decoder shared by the terminal client and the workspace page (which bundles this
 * file): text in, messages out, as the HTML spec parses them. Lines end in CRLF, LF or CR; `data:`
 * lines join with "\n"; a blank line dispatches; lines starting with ":" are comments. Pure: no
 * Node or DOM types, so both sides compile it.
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
