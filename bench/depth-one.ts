/**
 * Child process of the benchmark: a photo's depth analysis (embedded map when there is one, and the
 * estimate), timed after a warm-up run, with this process's peak RSS.
 */
import { openStill } from '../src/engine/input/load-still.js';
import { analyseDepth } from '../src/engine/depth/analyse.js';
import { heicAuxiliary } from '../src/engine/depth/embedded.js';

const [input] = process.argv.slice(2);
const limits = { maxImageBytes: 200e6, maxPixels: 400e6 };
await analyseDepth(await openStill(input!, limits)); // warm-up: module loading and JIT
const t0 = performance.now();
const { depth } = await analyseDepth(await openStill(input!, limits));
const ms = performance.now() - t0;
// A HEIC's auxiliary images (depth, portrait and sky mattes) alone: what reading them adds.
let auxMs: number | null = null;
const opened = await openStill(input!, limits);
if (opened.input.kind === 'raw' && opened.input.file) {
  const t1 = performance.now();
  await heicAuxiliary(opened.input.file, 512);
  auxMs = performance.now() - t1;
}
process.stdout.write(`${JSON.stringify({ ms, aux_ms: auxMs, max_rss_mb: process.resourceUsage().maxRSS / 1024, embedded: depth.embedded?.source ?? null, confidence: depth.estimated?.confidence ?? null })}\n`);
