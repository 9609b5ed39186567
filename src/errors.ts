/**
 * The one catalogue of expected failures. Each has a stable numeric code (the API's `code`),
 * an HTTP status, a CLI exit code, a short name and a default hint. Callers branch on `code`,
 * never on message text. README.md lists the same table; test/errors.test.ts keeps them in step.
 */
export interface ErrorSpec {
  readonly code: number;
  readonly name: string;
  readonly http: number;
  readonly exit: number;
  readonly summary: string;
  readonly hint: string;
}

const spec = <const T extends Record<string, Omit<ErrorSpec, 'name'>>>(t: T) => t;

const TABLE = spec({
  BAD_REQUEST: { code: 400, http: 400, exit: 2, summary: 'malformed request or missing X-Client-Id', hint: 'check the named field and send it again' },
  EXPORT_REFUSED: { code: 402, http: 402, exit: 4, summary: 'export refused for this plan or tier', hint: 'register or bind this client to unlock export' },
  ROUTE_NOT_FOUND: { code: 404, http: 404, exit: 2, summary: 'no such endpoint', hint: 'check the method and path against docs/api.md' },
  REQUEST_TIMEOUT: { code: 408, http: 408, exit: 22, summary: 'the request body did not arrive within its time limit', hint: 'send it again on a steadier connection, or send smaller files' },
  RANGE_NOT_SATISFIABLE: { code: 416, http: 416, exit: 2, summary: 'the requested byte range is outside the file', hint: 'ask for a range within the size in Content-Range, or for the whole file' },
  RATE_LIMITED: { code: 429, http: 429, exit: 5, summary: 'too many requests', hint: 'wait for the Retry-After seconds and try once more' },
  TOKEN_INVALID: { code: 1001, http: 401, exit: 3, summary: 'token missing, unknown, revoked or expired', hint: 'request a new anonymous token with the same client id' },
  SESSION_NOT_FOUND: { code: 1002, http: 404, exit: 3, summary: 'session not found', hint: 'create a new session' },
  INSUFFICIENT_CREDITS: { code: 2001, http: 402, exit: 4, summary: 'not enough credits', hint: 'bind or register this client to get more credits' },
  UNSUPPORTED_TYPE: { code: 4001, http: 415, exit: 10, summary: 'unsupported file type', hint: 'use one of the accepted types' },
  FILE_TOO_LARGE: { code: 4002, http: 413, exit: 11, summary: 'file too large', hint: 'compress or resize it below the limit' },
  CORRUPT_INPUT: { code: 4003, http: 422, exit: 12, summary: 'truncated or corrupt file', hint: 'export the file again from its source' },
  TOO_MANY_PIXELS: { code: 4004, http: 413, exit: 13, summary: 'image has more pixels than the decode limit', hint: 'resize it or raise the pixel limit setting' },
  INVALID_OPTION: { code: 4005, http: 400, exit: 2, summary: 'an option has a value outside its range', hint: 'see `stillmotion help` for the accepted values' },
  INPUT_NOT_FOUND: { code: 4006, http: 404, exit: 14, summary: 'input file not found or not readable', hint: 'check the path' },
  INVALID_DRAFT: { code: 4007, http: 400, exit: 2, summary: 'draft does not match the schema', hint: 'fix the field named in the message' },
  MEDIA_NOT_FOUND: { code: 4008, http: 404, exit: 14, summary: 'draft refers to media that does not exist', hint: 'upload the media first, then refer to its media_id' },
  RENDER_NOT_FOUND: { code: 4009, http: 404, exit: 14, summary: 'render job not found', hint: 'submit the export again' },
  OUTPUT_NOT_WRITABLE: { code: 4010, http: 500, exit: 15, summary: 'cannot write the output file', hint: 'choose a folder you can write to' },
  LIMIT_EXCEEDED: { code: 4011, http: 413, exit: 16, summary: "a render is longer, larger or busier than the server's limits", hint: 'make it smaller, or ask the operator to raise the setting named in the message' },
  ENCODER_FAILED: { code: 5001, http: 500, exit: 20, summary: 'the video encoder failed', hint: 'run again with NODE_DEBUG=stillmotion to see the encoder log' },
  ENCODER_MISSING: { code: 5002, http: 500, exit: 21, summary: 'ffmpeg or ffprobe could not be started', hint: 'reinstall with `npm install` or set FFMPEG_PATH/FFPROBE_PATH' },
  CANCELLED: { code: 5003, http: 499, exit: 130, summary: 'the work was cancelled', hint: 'start it again when you are ready' },
  TIMEOUT: { code: 5004, http: 504, exit: 22, summary: 'the work took longer than its time limit', hint: 'try a shorter clip or raise the job timeout setting' },
  SERVER_UNREACHABLE: { code: 5005, http: 502, exit: 23, summary: 'the Stillmotion server could not be reached', hint: 'check --api or STILLMOTION_API_URL, or unset them to use the built-in server' },
  UNAVAILABLE: { code: 503, http: 503, exit: 24, summary: 'the server is stopping or not ready', hint: 'try again in a moment' },
  INTERNAL: { code: 5000, http: 500, exit: 1, summary: 'unexpected internal error', hint: 'please report it with the command you ran' },
});

export type ErrorName = keyof typeof TABLE;

export const ERRORS: Readonly<Record<ErrorName, ErrorSpec>> = Object.freeze(
  Object.fromEntries(Object.entries(TABLE).map(([name, s]) => [name, Object.freeze({ name, ...s })])) as Record<ErrorName, ErrorSpec>,
);

export const errorByCode = (code: number): ErrorSpec | undefined =>
  Object.values(ERRORS).find((e) => e.code === code);

export class StillmotionError extends Error {
  readonly code: number;
  readonly kind: ErrorName;
  readonly http: number;
  readonly exit: number;
  readonly hint: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(kind: ErrorName, message: string, opts: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    const s = ERRORS[kind];
    this.name = 'StillmotionError';
    this.kind = kind;
    this.code = s.code;
    this.http = s.http;
    this.exit = s.exit;
    this.hint = opts.hint ?? s.hint;
    this.details = Object.freeze({ ...(opts.details ?? {}) });
  }

  toJSON(): { code: number; kind: ErrorName; message: string; hint: string; details: Record<string, unknown> } {
    return { code: this.code, kind: this.kind, message: this.message, hint: this.hint, details: { ...this.details } };
  }
}

export const isStillmotionError = (e: unknown): e is StillmotionError => e instanceof StillmotionError;

/** Wraps anything thrown into a StillmotionError, keeping coded ones as they are. */
export const toStillmotionError = (e: unknown): StillmotionError =>
  isStillmotionError(e) ? e : new StillmotionError('INTERNAL', e instanceof Error ? e.message : String(e), { cause: e });
