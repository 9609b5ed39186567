/** A bounded record of a process's last words: keeps only the last `limit` characters. */
export class StderrTail {
  readonly #limit: number;
  #text = '';

  constructor(limit = 8192) {
    this.#limit = limit;
  }

  push(line: string): void {
    this.#text += `${line}\n`;
    // Trim in batches so a chatty process does not cost a copy per line.
    if (this.#text.length > this.#limit * 2) this.#text = this.#text.slice(-this.#limit);
  }

  get text(): string {
    return this.#text.length > this.#limit ? this.#text.slice(-this.#limit) : this.#text;
  }

  /** The last `n` non-empty lines, joined for a one-line message. */
  lastLines(n = 3): string {
    return this.text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-n).join(' | ');
  }
}

/** Splits a byte stream into lines on \n or \r (ffmpeg's stats line ends in \r), keeping a partial line between chunks. */
export const lineSplitter = (onLine: (line: string) => void): { push: (chunk: Buffer | string) => void; flush: () => void } => {
  let rest = '';
  return {
    push: (chunk) => {
      const parts = (rest + chunk.toString()).split(/\r\n|\r|\n/);
      rest = parts.pop() ?? '';
      for (const p of parts) if (p !== '') onLine(p);
    },
    flush: () => {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
};
