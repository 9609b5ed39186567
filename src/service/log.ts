/**
 * The server's log: pino, one JSON line per event, handed to Fastify as its logger. What it never
 * holds: tokens, claim secrets, query strings, request bodies (requests are logged by their route
 * pattern, not their URL).
 */
import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A logger writing to `sink` (one line per call, no newline) or to stdout. */
export const serverLogger = (level: LogLevel, sink?: (line: string) => void): Logger =>
  pino({ level, base: undefined, redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token'], remove: true } },
    sink ? { write: (s: string) => sink(s.trimEnd()) } : pino.destination({ dest: 1, sync: false }));
