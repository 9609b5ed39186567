/**
 * The checks behind the draft schema (compact.ts): every value is tested against a closed list, a
 * number range or a strict pattern, and every problem is kept with its path
 * (`t[1].sg[0].m.style.weight: must be one of 400, 700, 900, got "400\"><imag…"`). What arrived
 * is echoed short and flat, so a hostile value can make neither a long message nor a deep one.
 */
import { StillmotionError } from '../errors.js';

/** Control characters (C0 but tab/newline/CR, DEL, C1), lone surrogates and the two non-characters XML forbids. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** The same, with tab, newline and carriage return refused too (one-line strings). */
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What the first bad character of a string is, for a message (`U+0000`). */
export const badCharacter = (s: string, multiline = false): string | null => {
  const m = (multiline ? CONTROL : CONTROL_OR_BREAK).exec(s);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
};

/** A string quoted for a message: JSON escapes, plus DEL, C1 controls and line separators escaped too. */
const quoted = (s: string): string =>
  JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A field name for a path: plain names as they are, anything else quoted (`m["on load"]`). */
export const fieldName = (parent: string, k: string): string =>
  /^[A-Za-z_][A-Za-z0-9_-]{0,39}$/.test(k) ? (parent ? `${parent}.${k}` : k) : `${parent}[${quoted(k.length > 40 ? `${k.slice(0, 40)}…` : k)}]`;

/** A value as a message shows it: strings cut to 40 characters, objects and lists by their kind only. */
export const shown = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return quoted(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v && typeof v === 'object') return 'an object';
  return String(v);
};

const MAX_PROBLEMS = 100;

export interface StrRule {
  readonly optional?: boolean;
  readonly oneOf?: readonly string[];
  readonly nonEmpty?: boolean;
  /** Longest accepted, in characters (code points). */
  readonly max?: number;
  readonly pattern?: RegExp;
  /** Said in the message when `pattern` fails. */
  readonly patternText?: string;
  /** Tab, newline and carriage return are allowed (free text). */
  readonly multiline?: boolean;
}

export interface NumRule {
  readonly min?: number;
  readonly gt?: number;
  readonly max?: number;
  readonly optional?: boolean;
  readonly oneOf?: readonly number[];
  /** Rounded to a whole number before the range is checked (milliseconds). */
  readonly round?: boolean;
}

/** Collects every problem with its path, then throws one INVALID_DRAFT listing them. */
export class Checker {
  readonly problems: string[] = [];
  private more = 0;

  fail(path: string, rule: string, got?: unknown, withGot = true): void {
    if (this.problems.length >= MAX_PROBLEMS) { this.more++; return; }
    this.problems.push(withGot ? `${path}: ${rule}, got ${shown(got)}` : `${path}: ${rule}`);
  }

  obj(path: string, v: unknown): Record<string, unknown> | null {
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    this.fail(path, 'must be an object', v);
    return null;
  }

  /** Unknown keys are refused (a typo must not pass silently, and nothing unchecked goes further). */
  keys(path: string, o: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) this.fail(fieldName(path, k), `is not a field here (known: ${known.join(', ')})`, undefined, false);
    }
  }

  num(path: string, raw: unknown, o: NumRule = {}): number | null {
    if (raw === undefined && o.optional) return null;
    if (o.oneOf && !(typeof raw === 'number' && o.oneOf.includes(raw))) { this.fail(path, `must be one of ${o.oneOf.join(', ')}`, raw); return null; }
    if (typeof raw !== 'number' || !Number.isFinite(raw)) { this.fail(path, 'must be a number', raw); return null; }
    const v = o.round ? Math.round(raw) : raw;
    if (o.gt !== undefined && !(v > o.gt)) { this.fail(path, `must be > ${o.gt}`, v); return null; }
    if (o.min !== undefined && v < o.min) { this.fail(path, `must be >= ${o.min}`, v); return null; }
    if (o.max !== undefined && v > o.max) { this.fail(path, `must be <= ${o.max}`, v); return null; }
    return v === 0 ? 0 : v; // -0 is 0, as JSON writes it
  }

  bool(path: string, v: unknown): boolean {
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') { this.fail(path, 'must be true or false', v); return false; }
    return v;
  }

  str(path: string, v: unknown, o: StrRule = {}): string | null {
    if (v === undefined && o.optional) return null;
    if (typeof v !== 'string') { this.fail(path, 'must be a string', v); return null; }
    if (o.oneOf) {
      if (!o.oneOf.includes(v)) { this.fail(path, `must be one of ${o.oneOf.join(', ')}`, v); return null; }
      return v;
    }
    if (o.nonEmpty && !v.trim()) { this.fail(path, 'must not be empty', v); return null; }
    const max = o.max ?? 200;
    if (v.length > max && [...v].length > max) { this.fail(path, `must be at most ${max} characters`, v); return null; }
    const bad = badCharacter(v, o.multiline);
    if (bad) { this.fail(path, `must not contain control characters (found ${bad})`, v); return null; }
    if (o.pattern && !o.pattern.test(v)) { this.fail(path, `must be ${o.patternText ?? `like ${o.pattern.source}`}`, v); return null; }
    return v;
  }

  error(): StillmotionError {
    const all = this.problems.length + this.more;
    return new StillmotionError('INVALID_DRAFT', this.problems.slice(0, 8).join('; ') + (all > 8 ? ` (and ${all - 8} more)` : ''), {
      hint: 'fix the field named in the message; see the draft format in README',
      details: { problems: this.problems, ...(this.more ? { more_problems: this.more } : {}) },
    });
  }
}
