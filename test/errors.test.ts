import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS, StillmotionError, errorByCode } from '../src/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('README lists every error code with the same HTTP status and exit code, and nothing else', () => {
  const rows = [...readme.matchAll(/^\| (\d+) \| ([A-Z_]+) \| (\d+) \| (\d+) \|/gm)].map((m) => ({ code: Number(m[1]), name: m[2], http: Number(m[3]), exit: Number(m[4]) }));
  const fromCode = Object.values(ERRORS).map((e) => ({ code: e.code, name: e.name, http: e.http, exit: e.exit })).sort((a, b) => a.code - b.code);
  assert.deepEqual(rows.sort((a, b) => a.code - b.code), fromCode);
});

test('codes are unique and the API codes keep their HTTP statuses', () => {
  const codes = Object.values(ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  const api: Record<number, number> = { 400: 400, 1001: 401, 1002: 404, 2001: 402, 4001: 415, 4002: 413, 402: 402, 429: 429, 4009: 404, 4011: 413 };
  for (const [code, http] of Object.entries(api)) assert.equal(errorByCode(Number(code))?.http, http, `code ${code}`);
});

test('a StillmotionError carries its code, exit code and hint, and serialises without the stack', () => {
  const e = new StillmotionError('FILE_TOO_LARGE', 'x is 51.3 MB; the limit is 50.0 MB', { details: { limit_bytes: 1 } });
  assert.equal(e.code, 4002);
  assert.equal(e.exit, 11);
  assert.match(e.hint, /resize|compress/);
  assert.deepEqual(Object.keys(e.toJSON()).sort(), ['code', 'details', 'hint', 'kind', 'message']);
});
