/**
 * The instruction parser: a sentence in English, Chinese or both → the request it makes
 * (contract in request.ts). Deterministic, no network, no model.
 */
export { parseInstruction, warmParser, MAX_INPUT } from './parse.js';
export { formatRequest, describeMove } from './format.js';
export * from './request.js';
export { normalize } from './scan.js';
export { parseNumber, parsePercent, parseChineseInt, parseOrdinal } from './numbers.js';
export { durationValue, DUR } from './durations.js';
export { INTENSITY_EN, INTENSITY_CN } from './moves.js';
export { STYLES_EN, STYLES_CN } from './music.js';
export { roleOf } from './texts.js';
