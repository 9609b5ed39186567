/**
 * Seeded fuzzing helpers: a small PRNG (so a failure reproduces with its seed), hostile strings
 * and values, and mutations of a valid JSON value at a path. `FUZZ_SEED=<n>` replays a run.
 */

/** mulberry32: 32-bit state, good enough spread for test inputs, and the same sequence everywhere. */
export const prng = (seed: number) => {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
};
export type Rng = ReturnType<typeof prng>;

export const fuzzSeed = (fallback: number): number => {
  const env = Number(process.env.FUZZ_SEED);
  return Number.isInteger(env) ? env : fallback;
};

/** Strings every field must survive: markup, quotes, controls, NUL, lone surrogates, paths, huge. */
export const HOSTILE_STRINGS: readonly string[] = [
  '400"><image href="/etc/passwd" x="0" y="0" width="4000" height="4000"/></g><g x="',
  "'/><image href='/tmp/x.png'/>",
  '<script>alert(1)</script>',
  ']]><!ENTITY x SYSTEM "file:///etc/passwd">',
  '&x;&#0;&amp;',
  'a\u0000b', '\u0000', 'a\u0001b', 'tab\there', 'line\nbreak', 'cr\rlf', '\u001b[31mred', '\u007f', '\u0085next', '\u009b',
  '\ud800', 'x\udc00y', '\ufffe', '\uffff',
  '../../../../etc/passwd', '/etc/passwd', 'C:\\Windows\\win.ini', 'file:///etc/passwd', 'http://127.0.0.1:1/x',
  '%00', '%2e%2e%2f', '${jndi:ldap://x}', "'; drop table sessions; --",
  '', ' ', '   \t ', '0', '-1', '1e309', 'NaN', 'true', 'null', '{}', '[]',
  '🎬'.repeat(300), '字'.repeat(600), 'x'.repeat(5000), 'x'.repeat(70_000),
  'e\u0301\u0301\u0301\u0301', '\u202eevil', 'zero\u200bwidth',
];

const CHARS = ['a', 'Z', '0', ' ', '"', "'", '<', '>', '&', '/', '\\', '\u0000', '\u0007', '\n', '\t', '\u007f', '\u0085', '\ud83c', '\udfac', 'é', '字', '🎬', '%', '.', ':', '#', '-', '_'];

export const randomString = (r: Rng): string => {
  if (r.chance(0.35)) return r.pick(HOSTILE_STRINGS);
  const n = r.chance(0.1) ? 200 + r.int(2000) : r.int(24);
  let s = '';
  for (let i = 0; i < n; i++) s += r.chance(0.2) ? String.fromCharCode(r.int(0x10000)) : r.pick(CHARS);
  return s;
};

const NUMBERS = [0, -0, 1, -1, 0.5, 2, 30, 60, 61, 400, 700, 900, 1e-9, 1e9, 86_400_001, 2 ** 31, 2 ** 53 + 1, -1e308, 1e308, Number.MAX_VALUE, Number.MIN_VALUE];

/** A JSON value of any type; `depth` bounds nesting (a deliberately deep value comes from `deep`). */
export const randomValue = (r: Rng, depth = 2): unknown => {
  const k = r.int(depth > 0 ? 8 : 6);
  switch (k) {
    case 0: return randomString(r);
    case 1: return r.pick(NUMBERS);
    case 2: return r.next() * 10 ** (r.int(12) - 3) * (r.chance(0.2) ? -1 : 1);
    case 3: return r.chance(0.5);
    case 4: return null;
    case 5: return r.pick(HOSTILE_STRINGS);
    case 6: return Array.from({ length: r.int(4) }, () => randomValue(r, depth - 1));
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.chance(0.5) ? r.pick(['t', 'sg', 'm', 'tt', 'd', 's', 'id', 'text', 'style', '__proto__', 'constructor']) : randomString(r).slice(0, 12), randomValue(r, depth - 1)]));
  }
};

/** `[[[[…]]]]` n levels deep, built without recursion. */
export const deep = (n: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

export type Path = ReadonlyArray<string | number>;

/** Every path to a leaf (and to every object/array) of a JSON value. */
export const paths = (v: unknown, at: Path = []): Path[] => {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
};

export const getAt = (v: unknown, p: Path): unknown => p.reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k], v);

/** A copy of `v` with `p` set (or deleted when `value` is `DELETE`). */
export const DELETE = Symbol('delete');
export const setAt = <T>(v: T, p: Path, value: unknown): T => {
  if (p.length === 0) return value as T;
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let o = copy;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = p[p.length - 1]!;
  if (value === DELETE) {
    if (Array.isArray(o)) o.splice(Number(last), 1);
    else delete o[last];
  } else o[last] = value;
  return copy as T;
};

/** The path as the draft schema names it: `t[1].sg[0].m.style.weight`. */
export const pathName = (p: Path): string => p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

/** One to three changes to a valid value: a leaf replaced, a key removed or added, a type swapped. */
export const mutate = (r: Rng, valid: unknown): unknown => {
  let v = structuredClone(valid);
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const all = paths(v);
    const p = r.pick(all);
    const here = getAt(v, p);
    const op = r.int(6);
    if (op === 0 && p.length) v = setAt(v, p, DELETE);
    else if (op === 1 && here && typeof here === 'object' && !Array.isArray(here)) v = setAt(v, [...p, r.chance(0.5) ? randomString(r).slice(0, 10) : r.pick(['href', 'x', 'font-family', 'onload', 'media'])], randomValue(r));
    else if (op === 2 && typeof here === 'string') v = setAt(v, p, here + r.pick(HOSTILE_STRINGS));
    else if (op === 3 && typeof here === 'number') v = setAt(v, p, r.pick([here * -1, here * 1e6, here + 0.5, -here - 1, 1e308]));
    else if (op === 4 && Array.isArray(here) && here.length) v = setAt(v, p, [...here, ...here]);
    else v = setAt(v, p, randomValue(r));
  }
  return v;
};
