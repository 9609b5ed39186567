/**
 * Parser throughput: parses every sentence of the test table (test/language/sentences.ts) many
 * times and reports sentences per second and the 99th-percentile time of one parse.
 */
import { parseInstruction } from '../src/language/index.js';
import { SENTENCES } from '../test/language/sentences.js';

export async function benchParser(): Promise<{ sentences: number; perSecond: number; p99_ms: number }> {
  for (const s of SENTENCES) parseInstruction(s); // warm-up
  const rounds = 20;
  const times: number[] = [];
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const s of SENTENCES) {
      const a = performance.now();
      parseInstruction(s);
      times.push(performance.now() - a);
    }
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!;
  return { sentences: SENTENCES.length, perSecond: Math.round((times.length / total) * 1000), p99_ms: Math.round(p99 * 1000) / 1000 };
}
