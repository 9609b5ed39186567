/**
 * Child process of the benchmark: animates one photo with the default settings (or the flags given
 * as JSON in argv[4]) and prints one JSON line with the result, wall time and this process's peak RSS.
 */
import { animate } from '../src/local/animate.js';
import { cpuTimes } from './cpu.js';

const [input, output, optsJson] = process.argv.slice(2);
const t0 = performance.now();
const r = await animate(input!, { output: output!, ...(optsJson ? JSON.parse(optsJson) : {}) });
const wall = (performance.now() - t0) / 1000;
// CPU: ours (main + render + decode threads) and the children (ffmpeg: HEVC decode and x264).
const cpu = cpuTimes();
process.stdout.write(`${JSON.stringify({ wall_s: wall, cpu_s: cpu.own_s, children_cpu_s: cpu.children_s, max_rss_mb: process.resourceUsage().maxRSS / 1024, frames: r.frames, move: r.move, width: r.width, height: r.height, size_bytes: r.size_bytes })}\n`);
