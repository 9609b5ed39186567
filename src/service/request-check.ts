/**
 * What every request carries, checked before any route reads it: no string in the body, the path,
 * the query or the headers we keep may hold a character the databases refuse (U+0000) or its
 * cousins (the other control characters but tab and line breaks, lone surrogates; in headers,
 * which are Latin-1 bytes, C0 controls only), and no body may nest
 * deeper than a draft ever does. A refusal is a 400 naming the field, never a database error.
 * Types and ranges are each route's JSON schema (Fastify, with type coercion off) and, for a
 * draft, its own schema (timeline/compact.ts).
 */
import type { FastifyRequest } from 'fastify';
import { StillmotionError } from '../errors.js';
import { fieldName } from '../timeline/check.js';

/** Deeper than any body a route accepts (a draft is 6 levels); a JSON bomb of brackets stops here. */
export const MAX_BODY_DEPTH = 32;

const REFUSED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Header values arrive as Latin-1 bytes (UTF-8 text there shows bytes 0x80–0x9F), so only C0 is refused in them. */
const REFUSED_IN_HEADER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
/** Headers that are stored or compared (the rest are never read as text). */
const HEADERS = ['x-client-id', 'x-skill-source', 'x-skill-version', 'x-skill-platform'] as const;

const refuse = (field: string, why: string): StillmotionError =>
  new StillmotionError('BAD_REQUEST', `${field}: ${why}`, { hint: 'remove control characters (U+0000 to U+001F but tab and line breaks, U+007F to U+009F) and send it again', details: { field } });

const checkString = (field: string, s: string, re = REFUSED): void => {
  const m = re.exec(s);
  if (m) throw refuse(field, `contains U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, a character that cannot be accepted`);
};


/** Walks a parsed JSON value without recursion (a deep one cannot overflow the stack). */
const checkValue = (root: unknown, rootPath: string): void => {
  const stack: Array<[unknown, string, number]> = [[root, rootPath, 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === 'string') { checkString(path || 'body', v); continue; }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) throw refuse(path || 'body', `is nested deeper than ${MAX_BODY_DEPTH} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1]);
    } else {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const p = fieldName(path, k);
        checkString(p, k);
        stack.push([x, p, depth + 1]);
      }
    }
  }
};

export const checkRequestValues = (req: FastifyRequest): void => {
  for (const [k, v] of Object.entries((req.params ?? {}) as Record<string, unknown>)) if (typeof v === 'string') checkString(`${k} (in the path)`, v);
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    for (const s of Array.isArray(v) ? v : [v]) if (typeof s === 'string') checkString(`${fieldName('', k)} (in the query)`, s);
  }
  for (const h of HEADERS) {
    const v = req.headers[h];
    for (const s of Array.isArray(v) ? v : [v]) if (typeof s === 'string') checkString(h.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()), s, REFUSED_IN_HEADER);
  }
  if (req.body !== undefined) checkValue(req.body, '');
};
