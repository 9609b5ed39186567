/**
 * Child process of the benchmark: a photo's depth analysis (embedded map when there is one, and the
 * estimate), timed after a warm-up run, with this process's peak RSS.
 */
import { openStill } from '../src/engine/input/load-still.js';
import { analyseDepth } from '../src/engine/depth/analyse.js';

const [input] = process.argv.slice(2);
const limits = { maxImageBytes: 200e6, maxPixels: 400e6 };
await analyseDepth(await openStill(input!, limits)); // warm-up: module loading and JIT
const t0 = performance.now();
const { depth } = await analyseDepth(await openStill(input!, limits));
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, max_rss_mb: process.resourceUsage().maxRSS / 1024, embedded: depth.embedded?.source ?? null, confidence: depth.estimated.confidence })}\n`);
