/**
 * The Range header of a file download, read the way RFC 9110 says before the file is sent: a
 * header that is not a valid `bytes=` range set is ignored (the whole file, 200); a valid one that
 * no byte of the file satisfies is 416 with a Content-Range naming the size (`bytes *` slash size).
 */
import type { FastifyRequest } from 'fastify';
import { StillmotionError } from '../errors.js';

type Spec = { first: number; last: number | null } | { suffix: number };

/** The ranges of a `bytes=` header, or null when it is not one (other units, bad syntax, last < first). */
export const parseRange = (header: string): Spec[] | null => {
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return null;
  const out: Spec[] = [];
  for (const part of m[1]!.split(',')) {
    const p = part.trim();
    if (p === '') continue; // RFC 9110 list rule: empty elements are allowed and ignored
    const r = /^(\d{0,15})-(\d{0,15})$/.exec(p);
    if (!r || (r[1] === '' && r[2] === '')) return null;
    if (r[1] === '') out.push({ suffix: Number(r[2]) });
    else {
      const first = Number(r[1]);
      const last = r[2] === '' ? null : Number(r[2]);
      if (last !== null && last < first) return null;
      out.push({ first, last });
    }
  }
  return out.length ? out : null;
};

/**
 * Checks a download's Range header against the file's size: drops an invalid one (so the whole
 * file is sent) and refuses an unsatisfiable one with a coded 416.
 */
export const checkRange = (req: FastifyRequest, size: number): void => {
  const h = req.headers.range;
  if (h === undefined) return;
  const ranges = typeof h === 'string' ? parseRange(h) : null;
  if (!ranges) {
    delete req.headers.range;
    delete req.raw.headers.range;
    return;
  }
  const satisfiable = ranges.some((r) => ('suffix' in r ? r.suffix > 0 && size > 0 : r.first < size));
  if (!satisfiable) {
    throw new StillmotionError('RANGE_NOT_SATISFIABLE', `the range ${h.slice(0, 80)} is outside the file's ${size} bytes`, { details: { size_bytes: size } });
  }
};
